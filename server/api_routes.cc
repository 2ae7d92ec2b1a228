// The search side of /v1 (search, suggest, related, events) and the
// operational endpoints (health, readiness, metrics).
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "portalkb/json.h"
#include "portalkb/json_value.h"
#include "server_impl.h"

namespace portalkb::server {
namespace {

JsonLimits BodyLimits(const ServerLimits& limits) {
  JsonLimits j;
  j.max_body_bytes = limits.max_body_bytes;
  return j;
}

// Applies the server's limits and then the caller's scope: the principal
// comes from the key alone and its fixed filter is ANDed to the request's,
// so request parameters can only narrow what the key may see.
Status Scope(SearchRequest& request, const Caller& caller, const ServerLimits& limits) {
  if (request.query.size() > limits.max_query_bytes) {
    return Status::InvalidArgument("query: " + std::to_string(request.query.size()) + " bytes, over the limit of " +
                                   std::to_string(limits.max_query_bytes));
  }
  if (request.limit > limits.max_page_size) {
    return Status::InvalidArgument("limit " + std::to_string(request.limit) + ": over the page size limit of " +
                                   std::to_string(limits.max_page_size));
  }
  if (request.offset > limits.max_offset) {
    return Status::InvalidArgument("offset " + std::to_string(request.offset) + ": over the limit of " +
                                   std::to_string(limits.max_offset));
  }
  if (request.facets.size() > limits.max_facets) {
    return Status::InvalidArgument(std::to_string(request.facets.size()) + " facets: over the limit of " +
                                   std::to_string(limits.max_facets));
  }
  if (request.filters.size() > limits.max_filters) {
    return Status::InvalidArgument(std::to_string(request.filters.size()) + " filters: over the limit of " +
                                   std::to_string(limits.max_filters));
  }
  request.principal = caller.principal;
  if (!caller.filter.empty()) request.filters.push_back(caller.filter);
  return Status::Ok();
}

Result<std::vector<std::string>> ListParam(const httplib::Request& req, const std::string& name, std::size_t max) {
  std::vector<std::string> values;
  const std::size_t n = req.get_param_value_count(name);
  if (n > max) {
    return Status::InvalidArgument(std::to_string(n) + " " + name + " parameters: over the limit of " +
                                   std::to_string(max));
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::string v = req.get_param_value(name, i);
    if (v.size() > 4096) return Status::InvalidArgument(name + "[" + std::to_string(i) + "]: over 4096 bytes");
    if (!IsValidUtf8(v)) return Status::InvalidArgument(name + "[" + std::to_string(i) + "]: not valid UTF-8");
    values.push_back(std::move(v));
  }
  return values;
}

// GET /v1/search?q=&filter=&facet=&sort=&lang=&limit=&offset=&session=&typos=&prefix=&correct=
Result<SearchRequest> SearchRequestFromQuery(const httplib::Request& req, const ServerLimits& limits) {
  SearchRequest r;
  auto query = Param(req, req.has_param("q") ? "q" : "query", limits.max_query_bytes);
  if (!query.ok()) return query.status();
  r.query = std::move(query).value();
  auto filters = ListParam(req, "filter", limits.max_filters);
  if (!filters.ok()) return filters.status();
  r.filters = std::move(filters).value();
  auto facets = ListParam(req, "facet", limits.max_facets);
  if (!facets.ok()) return facets.status();
  r.facets = std::move(facets).value();
  for (auto [name, field] : {std::pair{"sort", &r.sort}, {"lang", &r.lang}, {"session", &r.session}}) {
    auto v = Param(req, name, 128);
    if (!v.ok()) return v.status();
    *field = std::move(v).value();
  }
  auto limit = NumberParam(req, "limit", 10, limits.max_page_size);
  if (!limit.ok()) return limit.status();
  r.limit = *limit;
  auto offset = NumberParam(req, "offset", 0, limits.max_offset);
  if (!offset.ok()) return offset.status();
  r.offset = *offset;
  for (auto [name, field] : {std::pair{"typos", &r.typo_tolerance}, {"prefix", &r.prefix}, {"correct", &r.correct}}) {
    auto v = BoolParam(req, name, true);
    if (!v.ok()) return v.status();
    *field = *v;
  }
  return r;
}

// Event bodies are small: at most 16 KiB (a feedback comment is 2000 bytes).
JsonLimits EventLimits(const ServerLimits& limits) {
  JsonLimits j = BodyLimits(limits);
  j.max_body_bytes = std::min<std::size_t>(j.max_body_bytes, 16384);
  return j;
}

// The answer to an event: it is queued for the analytics log.
Reply Logged() { return JsonReply(DumpJson(nlohmann::json{{"logged", true}})); }

}  // namespace

void Server::Impl::AddApiRoutes() {
  auto search = [this](const Caller& caller, Result<SearchRequest> parsed) -> Result<Reply> {
    if (!parsed.ok()) return parsed.status();
    SearchRequest request = std::move(parsed).value();
    if (Status s = Scope(request, caller, options.limits); !s.ok()) return s;
    auto response = engine->Search(request);
    if (!response.ok()) return response.status();
    if (response->total == 0) metrics.RecordZeroResultSearch();
    query_owners.Remember(response->query_id, PrincipalFingerprint(caller.principal));
    Reply reply = JsonReply(ToJson(response.value()));
    reply.log_query = request.query;
    return reply;
  };
  Add("GET", "/v1/search", "search", Need::kSearchKey,
      [this, search](const httplib::Request& req, const Caller& caller) {
        return search(caller, SearchRequestFromQuery(req, options.limits));
      });
  Add("POST", "/v1/search", "search", Need::kSearchKey,
      [this, search](const httplib::Request& req, const Caller& caller) {
        return search(caller, SearchRequestFromJson(req.body, BodyLimits(options.limits)));
      });

  Add("GET", "/v1/suggest", "suggest", Need::kSearchKey,
      [this](const httplib::Request& req, const Caller& caller) -> Result<Reply> {
        SuggestRequest request;
        auto prefix = Param(req, req.has_param("q") ? "q" : "prefix", options.limits.max_query_bytes);
        if (!prefix.ok()) return prefix.status();
        request.prefix = std::move(prefix).value();
        auto lang = Param(req, "lang", 16);
        if (!lang.ok()) return lang.status();
        request.lang = std::move(lang).value();
        auto limit = NumberParam(req, "limit", 8, options.limits.max_suggest_limit);
        if (!limit.ok()) return limit.status();
        request.limit = *limit;
        request.principal = caller.principal;
        auto suggestions = engine->Suggest(request);
        if (!suggestions.ok()) return suggestions.status();
        return JsonReply(SuggestionsToJson(request.prefix, suggestions.value()));
      });

  // Routed on the decoded path; the id comes from the raw one (a %2F in it).
  Add("GET", R"(/v1/documents/.+/related)", "related", Need::kSearchKey,
      [this](const httplib::Request& req, const Caller& caller) -> Result<Reply> {
        auto id = DocumentIdFromPath(req, "/related");
        if (!id.ok()) return id.status();
        RelatedRequest request;
        request.id = std::move(id).value();
        auto limit = NumberParam(req, "limit", 5, options.limits.max_related_limit);
        if (!limit.ok()) return limit.status();
        request.limit = *limit;
        auto filters = ListParam(req, "filter", options.limits.max_filters);
        if (!filters.ok()) return filters.status();
        request.filters = std::move(filters).value();
        // As for searches: the principal is the key's, and its fixed filter
        // is ANDed inside the engine, so parameters can only narrow it.
        request.principal = caller.principal;
        if (!caller.filter.empty()) request.filters.push_back(caller.filter);
        auto hits = engine->Related(request);
        if (!hits.ok()) return hits.status();
        return JsonReply(RelatedToJson(request.id, hits.value()));
      });

  // Events: attributed through the query id to the search that made it; a
  // query id that another principal's search made is refused.
  auto check_owner = [this](const std::string& query_id, const Caller& caller) -> Status {
    if (query_id.empty()) return Status::Ok();
    if (query_owners.Check(query_id, PrincipalFingerprint(caller.principal)) == QueryOwners::Owner::kOther) {
      return Status::PermissionDenied("query_id: made by another principal's search");
    }
    return Status::Ok();
  };
  auto analytics_or_error = [this]() -> Result<Analytics*> {
    Analytics* a = engine->analytics();
    if (a == nullptr) return Status::Unavailable("analytics is off: " + engine->analytics_status().message());
    return a;
  };
  // The wire parsers refuse any key but the event's own: a body cannot name
  // a principal, so events are attributed to the key's alone.
  Add("POST", "/v1/events/click", "events.click", Need::kSearchKey,
      [this, check_owner, analytics_or_error](const httplib::Request& req, const Caller& caller) -> Result<Reply> {
        auto event = ClickEventFromJson(req.body, EventLimits(options.limits));
        if (!event.ok()) return event.status();
        if (Status s = check_owner(event->query_id, caller); !s.ok()) return s;
        auto analytics = analytics_or_error();
        if (!analytics.ok()) return analytics.status();
        if (Status s = (*analytics)->LogClick(event->query_id, event->doc_id, event->position); !s.ok()) return s;
        return Logged();
      });
  Add("POST", "/v1/feedback", "feedback", Need::kSearchKey,
      [this, check_owner, analytics_or_error](const httplib::Request& req, const Caller& caller) -> Result<Reply> {
        auto event = FeedbackEventFromJson(req.body, EventLimits(options.limits));
        if (!event.ok()) return event.status();
        if (Status s = check_owner(event->query_id, caller); !s.ok()) return s;
        auto analytics = analytics_or_error();
        if (!analytics.ok()) return analytics.status();
        if (Status s = (*analytics)->LogFeedback(event->query_id, event->doc_id, event->helpful, event->comment);
            !s.ok()) {
          return s;
        }
        return Logged();
      });
  Add("POST", "/v1/events/support-contact", "events.support_contact", Need::kSearchKey,
      [this, check_owner, analytics_or_error](const httplib::Request& req, const Caller& caller) -> Result<Reply> {
        auto event = SupportContactEventFromJson(req.body, EventLimits(options.limits));
        if (!event.ok()) return event.status();
        if (Status s = check_owner(event->query_id, caller); !s.ok()) return s;
        auto analytics = analytics_or_error();
        if (!analytics.ok()) return analytics.status();
        if (Status s = (*analytics)->LogSupportContact(event->query_id); !s.ok()) return s;
        return Logged();
      });

  Add("GET", "/healthz", "healthz", Need::kNothing, [](const httplib::Request&, const Caller&) -> Result<Reply> {
    return JsonReply(DumpJson(nlohmann::json{{"status", "ok"}}));
  });
  Add("GET", "/readyz", "readyz", Need::kNothing, [this](const httplib::Request&, const Caller&) -> Result<Reply> {
    if (stopping) return Status::Unavailable("shutting down");
    auto stats = engine->Stats();
    if (!stats.ok()) return Status::Unavailable("index not readable: " + stats.status().message());
    return JsonReply(DumpJson(nlohmann::json{{"status", "ready"}}));
  });
  // Counters tell how the portal is used: not for anyone who can reach the port.
  Add("GET", "/metrics", "metrics", Need::kMetrics, [this](const httplib::Request&, const Caller&) -> Result<Reply> {
    std::map<std::string, double> gauges;
    if (auto stats = engine->Stats(); stats.ok()) {
      gauges["portalkb_index_documents"] = static_cast<double>(stats->documents);
    }
    gauges["portalkb_analytics_enabled"] = engine->analytics() != nullptr ? 1 : 0;
    if (Analytics* a = engine->analytics()) {
      gauges["portalkb_analytics_queue_depth"] = static_cast<double>(a->PendingEvents());
      gauges["portalkb_analytics_dropped_events"] = static_cast<double>(a->DroppedEvents());
    }
    Reply r;
    r.body = metrics.Render(gauges);
    r.content_type = "text/plain; version=0.0.4";
    return r;
  });
}

}  // namespace portalkb::server
