// The admin side of /v1: documents, synonyms, settings, reports and stats.
// Every route here needs the admin key (Need::kAdmin); writes go to the one
// IndexWriter (IndexCommitter) and are visible after the next commit, or at
// once with ?wait=true.
#include <chrono>

#include "core/text.h"
#include "portalkb/json.h"
#include "portalkb/json_value.h"
#include "server_impl.h"

namespace portalkb::server {
namespace {

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

JsonLimits Limits(std::size_t max_body) {
  JsonLimits j;
  j.max_body_bytes = max_body;
  return j;
}

// "json", "csv" or "html" from ?format= or the Accept header; json by default.
Result<std::string> ReportFormat(const httplib::Request& req) {
  auto format = Param(req, "format", 16);
  if (!format.ok()) return format.status();
  if (!format->empty()) {
    if (*format == "json" || *format == "csv" || *format == "html") return *format;
    return Status::InvalidArgument("format '" + Abbreviate(*format, 16) + "': json, csv or html");
  }
  const std::string accept = req.get_header_value("Accept");
  if (accept.find("text/csv") != std::string::npos) return std::string("csv");
  if (accept.find("text/html") != std::string::npos) return std::string("html");
  return std::string("json");
}

}  // namespace

void Server::Impl::AddAdminRoutes() {
  // All admin writes: refused when the server has no writer (no admin key).
  auto write = [this](const httplib::Request& req, const std::function<Status(IndexWriter&)>& change) -> Status {
    if (!committer) return Status::PermissionDenied("admin endpoints are disabled: the server has no admin key");
    auto wait = BoolParam(req, "wait", false);
    if (!wait.ok()) return wait.status();
    return committer->Write(change, *wait);
  };

  // Routed on the decoded path; the id comes from the raw one (a %2F in it).
  Add("PUT", R"(/v1/documents/.+)", "documents.put", Need::kAdmin,
      [this, write](const httplib::Request& req, const Caller&) -> Result<Reply> {
        auto path_id = DocumentIdFromPath(req, "");
        if (!path_id.ok()) return path_id.status();
        const std::string id = std::move(path_id).value();
        auto doc = DocumentFromJson(req.body, Limits(options.limits.max_document_bytes));
        if (!doc.ok()) return doc.status();
        if (doc->id.empty()) doc->id = id;
        if (doc->id != id)
          return Status::InvalidArgument("id: '" + Abbreviate(doc->id) + "' differs from the path's '" +
                                         Abbreviate(id) + "'");
        IndexWriter::PutOutcome outcome{};
        Status s = write(req, [&](IndexWriter& w) -> Status {
          auto r = w.Put(std::move(doc).value());
          if (!r.ok()) return r.status();
          outcome = *r;
          return Status::Ok();
        });
        if (!s.ok()) return s;
        const bool added = outcome == IndexWriter::PutOutcome::kAdded;
        RecordAdmin("document.publish", {{"id", id}, {"outcome", added ? "added" : "updated"}});
        IngestReport report;
        (added ? report.added : report.updated) = 1;
        return JsonReply(ToJson(report), added ? 201 : 200);
      });

  Add("DELETE", R"(/v1/documents/.+)", "documents.delete", Need::kAdmin,
      [this, write](const httplib::Request& req, const Caller&) -> Result<Reply> {
        auto path_id = DocumentIdFromPath(req, "");
        if (!path_id.ok()) return path_id.status();
        const std::string id = std::move(path_id).value();
        bool existed = false;
        Status s = write(req, [&](IndexWriter& w) -> Status {
          auto r = w.Delete(id);
          if (!r.ok()) return r.status();
          existed = *r;
          return Status::Ok();
        });
        if (!s.ok()) return s;
        if (!existed) return Status::NotFound("document '" + Abbreviate(id) + "' does not exist");
        RecordAdmin("document.delete", {{"id", id}});
        Reply r;
        r.http = 204;
        r.content_type = "text/plain";
        return r;
      });

  // NDJSON: one document per line; a bad line is reported with its number
  // and the rest is indexed.
  Add("POST", "/v1/documents", "documents.batch", Need::kAdmin,
      [this, write](const httplib::Request& req, const Caller&) -> Result<Reply> {
        IngestReport report;
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::pair<int, Document>> docs;
        std::size_t pos = 0;
        int line_no = 0;
        const std::string& body = req.body;
        while (pos < body.size()) {
          std::size_t end = body.find('\n', pos);
          if (end == std::string::npos) end = body.size();
          const std::string_view line = Trim(std::string_view(body).substr(pos, end - pos));
          pos = end + 1;
          ++line_no;
          if (line.empty()) continue;
          if (docs.size() + report.rejected.size() >= options.limits.max_batch_lines) {
            return Status::ResourceExhausted("batch over the limit of " +
                                             std::to_string(options.limits.max_batch_lines) + " documents");
          }
          auto doc = DocumentFromJson(line, Limits(options.limits.max_document_bytes));
          if (!doc.ok()) {
            report.rejected.push_back({"body", line_no, doc.status().message()});
            continue;
          }
          docs.emplace_back(line_no, std::move(doc).value());
        }
        Status s = write(req, [&](IndexWriter& w) -> Status {
          for (auto& [n, doc] : docs) {
            auto r = w.Put(std::move(doc));
            if (!r.ok()) {
              if (r.status().code() != StatusCode::kInvalidArgument) return r.status();
              report.rejected.push_back({"body", n, r.status().message()});
            } else if (*r == IndexWriter::PutOutcome::kAdded) {
              ++report.added;
            } else {
              ++report.updated;
            }
          }
          return Status::Ok();
        });
        if (!s.ok()) return s;
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        RecordAdmin("document.publish", {{"batch", true},
                                         {"added", report.added},
                                         {"updated", report.updated},
                                         {"rejected", report.rejected.size()}});
        return JsonReply(ToJson(report));
      });

  Add("GET", "/v1/synonyms", "synonyms.get", Need::kAdmin,
      [this](const httplib::Request&, const Caller&) -> Result<Reply> {
        auto rules = engine->Synonyms();
        if (!rules.ok()) return rules.status();
        return JsonReply(ToJson(rules.value()));
      });
  // Replaces the rules of ?lang= (every language when absent) with the body's.
  Add("PUT", "/v1/synonyms", "synonyms.put", Need::kAdmin,
      [this, write](const httplib::Request& req, const Caller&) -> Result<Reply> {
        auto lang = Param(req, "lang", 16);
        if (!lang.ok()) return lang.status();
        auto rules = SynonymRulesFromJson(req.body, Limits(options.limits.max_body_bytes));
        if (!rules.ok()) return rules.status();
        for (std::size_t i = 0; i < rules->size(); ++i) {
          if (!lang->empty() && (*rules)[i].lang != *lang) {
            return Status::InvalidArgument("[" + std::to_string(i) + "].lang: '" + (*rules)[i].lang +
                                           "' outside ?lang=" + *lang);
          }
        }
        Status s = write(req, [&](IndexWriter& w) { return w.ReplaceSynonyms(*lang, *rules); });
        if (!s.ok()) return s;
        RecordAdmin("synonyms.replace", {{"lang", *lang}, {"rules", rules->size()}});
        return JsonReply(ToJson(rules.value()));
      });

  Add("GET", "/v1/settings", "settings.get", Need::kAdmin,
      [this](const httplib::Request&, const Caller&) -> Result<Reply> {
        auto stored = engine->Settings();
        if (!stored.ok()) return stored.status();
        return JsonReply(SettingsListToJson(stored.value(), engine->EffectiveOptions()));
      });
  // Replaces the stored settings: those in the body are set, the others unset.
  Add("PUT", "/v1/settings", "settings.put", Need::kAdmin,
      [this, write](const httplib::Request& req, const Caller&) -> Result<Reply> {
        auto settings = IndexSettingsFromJson(req.body, Limits(options.limits.max_body_bytes));
        if (!settings.ok()) return settings.status();
        const auto values = settings->ToMap();
        Status s = write(req, [&](IndexWriter& w) -> Status {
          for (const auto& name : IndexSettings::Names()) {
            const auto it = values.find(name);
            Status one = it == values.end() ? w.UnsetSetting(name) : w.SetSetting(name, it->second);
            if (!one.ok()) return one;
          }
          return Status::Ok();
        });
        if (!s.ok()) return s;
        nlohmann::json names = nlohmann::json::array();
        for (const auto& [name, value] : values) names.push_back(name);
        RecordAdmin("settings.change", {{"set", std::move(names)}});
        return JsonReply(ToJson(settings.value()));
      });

  Add("GET", R"(/v1/reports/([a-z-]+))", "reports", Need::kAdmin,
      [this](const httplib::Request& req, const Caller&) -> Result<Reply> {
        Analytics* analytics = engine->analytics();
        if (analytics == nullptr)
          return Status::Unavailable("analytics is off: " + engine->analytics_status().message());
        ReportRequest request;
        request.kind = req.matches[1];
        const long long now = NowMs();
        auto since = Param(req, "since", 32);
        if (!since.ok()) return since.status();
        auto from = ParseReportTime(since->empty() ? "30d" : *since, now);
        if (!from.ok()) return Status::InvalidArgument("since: " + from.status().message());
        request.since_ms = *from;
        auto until = Param(req, "until", 32);
        if (!until.ok()) return until.status();
        if (!until->empty()) {
          auto to = ParseReportTime(*until, now);
          if (!to.ok()) return Status::InvalidArgument("until: " + to.status().message());
          request.until_ms = *to;
        }
        for (auto [name, field] : {std::pair{"lang", &request.lang}, {"role", &request.role}}) {
          auto v = Param(req, name, 64);
          if (!v.ok()) return v.status();
          *field = std::move(v).value();
        }
        auto bucket = Param(req, "bucket", 8);
        if (!bucket.ok()) return bucket.status();
        if (!bucket->empty()) request.bucket = *bucket;
        auto limit = NumberParam(req, "limit", 50, 1000);
        if (!limit.ok()) return limit.status();
        request.limit = *limit;
        auto format = ReportFormat(req);
        if (!format.ok()) return format.status();
        auto report = analytics->Run(request);
        if (!report.ok()) return report.status();
        Reply r;
        if (*format == "json") {
          r.body = ToJson(report.value());
        } else {
          auto text = FormatReport(report.value(), *format);
          if (!text.ok()) return text.status();
          r.body = std::move(text).value();
          r.content_type = *format == "csv" ? "text/csv; charset=utf-8" : "text/html; charset=utf-8";
        }
        return r;
      });

  Add("GET", "/v1/stats", "stats", Need::kAdmin, [this](const httplib::Request&, const Caller&) -> Result<Reply> {
    auto stats = engine->Stats();
    if (!stats.ok()) return stats.status();
    return JsonReply(ToJson(stats.value()));
  });
}

}  // namespace portalkb::server
