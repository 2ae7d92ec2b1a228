#include "search/searcher.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "access/access_filter.h"
#include "portalkb/document.h"
#include "search/query_parser.h"
#include "search/snippet.h"
#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

using Q = Xapian::Query;

constexpr std::size_t kMaxLimit = 1000;
constexpr std::size_t kMaxOffset = 100000;
constexpr std::size_t kFacetValues = 100;

Status ValidateRequest(const SearchRequest& request) {
  if (request.limit > kMaxLimit) {
    return Status::InvalidArgument("limit " + std::to_string(request.limit) + " is over the maximum of 1000");
  }
  if (request.offset > kMaxOffset) {
    return Status::InvalidArgument("offset " + std::to_string(request.offset) + " is over the maximum of 100000");
  }
  if (!request.lang.empty() && !IsSupportedLanguage(request.lang)) {
    return Status::InvalidArgument("lang '" + request.lang + "' is not supported");
  }
  return Status::Ok();
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Searcher::Searcher(std::unique_ptr<ReadableStore> store, const EngineOptions& options)
    : store_(std::move(store)), base_options_(options), options_(options) {}

Searcher::~Searcher() = default;

long long Searcher::Now() const {
  return options_.clock ? options_.clock() : static_cast<long long>(std::time(nullptr));
}

void Searcher::Refresh(const Xapian::Database& db) {
  const Xapian::rev revision = db.get_revision();
  if (loaded_ && revision == revision_) return;
  vocabulary_ = Vocabulary::Load(db);
  auto rules = DecodeSynonymRules(db.get_metadata(kSynonymsMetadataKey));
  synonym_rules_ = rules.ok() ? std::move(rules).value() : std::vector<SynonymRule>{};
  synonyms_ = std::make_unique<SynonymSet>(synonym_rules_, tokenizer_);
  facet_index_ = FacetIndex::Load(db);
  auto slots = DecodeAttributeSlots(db.get_metadata(schema::kSlotsKey));
  slots_ = slots.ok() ? std::move(slots).value() : std::map<std::string, unsigned>{};
  // Stored settings are validated when written; unreadable ones (a newer
  // writer's?) leave the engine's own options in force.
  options_ = base_options_;
  auto settings = IndexSettings::Decode(db.get_metadata(schema::kSettingsKey));
  if (settings.ok()) settings->ApplyTo(options_);
  revision_ = revision;
  loaded_ = true;
}

QueryContext Searcher::Context(const SearchRequest& request) const {
  QueryContext context;
  context.vocabulary = vocabulary_.get();
  context.synonyms = synonyms_.get();
  context.typos = request.typo_tolerance && options_.search.typo.enabled;
  context.prefix_last_word = request.prefix;
  return context;
}

Q Searcher::Constraints::Combined(const std::string& skip_field) const {
  Q combined = access;
  for (const auto& [filter, query] : filters) {
    if (!skip_field.empty() && filter.field == skip_field && !filter.negated) continue;
    combined = filter.negated ? Q(Q::OP_AND_NOT, combined, query) : Q(Q::OP_FILTER, combined, query);
  }
  return combined;
}

Result<Searcher::Constraints> Searcher::MakeConstraints(const SearchRequest& request) const {
  Constraints c;
  c.access = AccessFilter(request.principal, Now());
  for (const auto& text : request.filters) {
    auto filter = ParseFilter(text);
    if (!filter.ok()) return filter.status();
    auto query = FilterQuery(filter.value(), slots_);
    if (!query.ok()) return query.status();
    c.filters.emplace_back(std::move(filter).value(), std::move(query).value());
  }
  return c;
}

Hit Searcher::MakeHit(const Document& doc, double score, const BuiltQuery* built) const {
  Hit hit;
  hit.id = doc.id;
  hit.title = doc.title;
  hit.type = DocumentTypeName(doc.type);
  hit.lang = doc.lang;
  hit.url = doc.url;
  hit.category = doc.category;
  hit.updated_at = doc.updated_at;
  hit.score = score;
  const std::size_t words = options_.search.snippet_words;
  if (built != nullptr) {
    const LanguageRules rules(doc.lang);
    hit.snippet = MakeSnippet(doc.body, built->highlight, tokenizer_, rules, words);
    if (hit.snippet.empty()) hit.snippet = MakeSnippet(doc.summary, built->highlight, tokenizer_, rules, words);
  }
  if (hit.snippet.empty()) hit.snippet = LeadSnippet(doc.summary.empty() ? doc.body : doc.summary, tokenizer_, words);
  return hit;
}

void Searcher::Run(const Xapian::Database& db, const SearchRequest& request, const Constraints& constraints,
                   const std::string& query_text, SearchResponse& response, BuiltQuery& built, Status& status) {
  const QueryBuilder builder(options_.search, tokenizer_);
  built = builder.Build(query_text, request.lang, Context(request));
  response.hits.clear();
  response.facets.clear();
  response.total = 0;
  if (built.matches_nothing) return;
  // Access and user filters are constraints inside the match: a document the
  // principal may not see is never a candidate, so it reaches no count.
  const Q query(Q::OP_FILTER, built.query, constraints.Combined());

  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  if (!request.sort.empty() && request.sort != "relevance") {
    std::string field = request.sort;
    bool descending = true;
    if (const auto colon = field.find(':'); colon != std::string::npos) {
      const std::string order = field.substr(colon + 1);
      field = field.substr(0, colon);
      if (order != "asc" && order != "desc") {
        status = Status::InvalidArgument("sort '" + request.sort + "': order is asc or desc");
        return;
      }
      descending = order == "desc";
    }
    Xapian::valueno slot;
    if (field == "updated_at") {
      slot = schema::kSlotUpdatedAt;
    } else if (const auto it = slots_.find(field); it != slots_.end()) {
      slot = it->second;
    } else {
      status = Status::InvalidArgument("sort '" + request.sort + "': '" + field +
                                       "' is not relevance, updated_at or a numeric field");
      return;
    }
    enquire.set_sort_by_value_then_relevance(slot, descending);
  }
  const bool facets = !request.facets.empty() && facet_index_ != nullptr;
  // Without facets the ranked pass counts exactly; with them a cheaper
  // unweighted pass counts matches and facet values together.
  const Xapian::doccount check = facets ? static_cast<Xapian::doccount>(request.offset + request.limit) : db.get_doccount();
  const Xapian::MSet mset =
      enquire.get_mset(static_cast<Xapian::doccount>(request.offset), static_cast<Xapian::doccount>(request.limit), check);
  response.total = mset.get_matches_estimated();

  if (facets) {
    // Fields filtered on are counted without their own filter (disjunctive).
    std::vector<std::string> plain;
    std::vector<std::string> disjunctive;
    for (const auto& field : request.facets) {
      const bool filtered = std::any_of(constraints.filters.begin(), constraints.filters.end(),
                                        [&](const auto& f) { return f.first.field == field && !f.first.negated; });
      (filtered ? disjunctive : plain).push_back(field);
    }
    auto count = [&](const Q& q, const std::vector<std::string>& fields, bool set_total) {
      FacetCollector collector(*facet_index_, fields, Now());
      Xapian::Enquire counter(db);
      counter.set_query(q);
      counter.set_weighting_scheme(Xapian::BoolWeight());
      counter.add_matchspy(&collector);
      const Xapian::MSet all = counter.get_mset(0, 0, db.get_doccount());
      if (set_total) response.total = all.get_matches_estimated();
      for (auto& [field, counts] : collector.Counts(kFacetValues)) response.facets[field] = std::move(counts);
    };
    count(query, plain, /*set_total=*/true);
    for (const auto& field : disjunctive) {
      count(Q(Q::OP_FILTER, built.query, constraints.Combined(field)), {field}, false);
    }
  }

  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto doc = DecodeDocument(it.get_document().get_data());
    if (!doc.ok()) {
      status = doc.status();
      return;
    }
    Hit hit = MakeHit(doc.value(), it.get_weight(), &built);
    // How each query word matched: its best (fewest typos) matching term.
    std::vector<const TermOrigin*> best(built.words.size(), nullptr);
    for (auto t = enquire.get_matching_terms_begin(it); t != enquire.get_matching_terms_end(it); ++t) {
      const auto found = built.origins.find(*t);
      if (found == built.origins.end()) continue;
      for (const TermOrigin& origin : found->second) {
        const TermOrigin*& b = best[origin.word];
        if (b == nullptr || origin.typos < b->typos ||
            (origin.typos == b->typos && std::string_view(b->kind) != "exact" && std::string_view(origin.kind) == "exact")) {
          b = &origin;
        }
      }
    }
    for (std::size_t w = 0; w < best.size(); ++w) {
      if (best[w] == nullptr) continue;
      const std::string& word = built.words[w].folded.empty() ? built.words[w].text : built.words[w].folded;
      hit.matches.push_back({word, best[w]->matched, best[w]->typos, best[w]->kind});
    }
    hit.weak = hit.matches.size() < built.words.size();
    response.hits.push_back(std::move(hit));
  }
}

std::string Searcher::Correct(const Xapian::Database& db, const Constraints& constraints, const std::string& query_text,
                              const BuiltQuery& built) const {
  if (vocabulary_ == nullptr) return {};
  const TypoExpander expander(options_.search.typo, *vocabulary_);
  // A correction must occur in a document the principal may see: the
  // vocabulary covers every document, so check each candidate.
  auto visible = [&](const std::string& term) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Q(Q::OP_FILTER, Q(term), constraints.access));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return !enquire.get_mset(0, 1).empty();
  };
  std::map<std::string, std::string> corrections;  // folded word -> correction
  for (const QueryWord& w : built.words) {
    if (w.phrase || w.in_vocabulary || !expander.Eligible(w.token)) continue;
    for (const auto& candidate : expander.Corrections(w.token)) {
      if (visible(candidate.term)) {
        corrections[w.folded] = candidate.term;
        break;
      }
    }
  }
  if (corrections.empty()) return {};
  std::string corrected;
  for (const QueryClause& clause : ParseQuery(query_text)) {
    std::string text = clause.text;
    if (clause.kind == QueryClause::Kind::kWord && !clause.excluded) {
      const auto tokens = tokenizer_.Tokenize(clause.text);
      if (tokens.size() == 1) {
        const auto c = corrections.find(tokens[0].folded);
        if (c != corrections.end()) text = c->second;
      }
    }
    if (clause.kind == QueryClause::Kind::kPhrase) text = "\"" + text + "\"";
    if (clause.excluded) text = "-" + text;
    corrected += (corrected.empty() ? "" : " ") + text;
  }
  return corrected;
}

Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  if (Status s = ValidateRequest(request); !s.ok()) return s;

  SearchResponse response;
  Status status = Status::Ok();
  Status read = store_->Read("search", [&](const Xapian::Database& db) {
    status = Status::Ok();
    Refresh(db);
    auto constraints = MakeConstraints(request);
    if (!constraints.ok()) {
      status = constraints.status();
      return;
    }
    response = SearchResponse();
    response.query = request.query;
    BuiltQuery built;
    Run(db, request, constraints.value(), request.query, response, built, status);
    if (!status.ok() || !request.correct) return;
    const std::string corrected = Correct(db, constraints.value(), request.query, built);
    if (corrected.empty() || corrected == request.query) return;
    SearchResponse alternative;
    BuiltQuery alternative_built;
    Run(db, request, constraints.value(), corrected, alternative, alternative_built, status);
    if (!status.ok()) return;
    const std::size_t threshold = std::max<std::size_t>(1, options_.search.correction_threshold);
    if (response.total < threshold && alternative.total > response.total) {
      alternative.query = request.query;
      alternative.corrected_query = corrected;
      response = std::move(alternative);
    } else if (alternative.total >= 2 * response.total + threshold) {
      response.suggestion = corrected;
    }
  });
  if (!read.ok()) return read;
  if (!status.ok()) return status;
  response.as_admin = request.principal.admin;
  response.took_ms = MillisecondsSince(started);
  return response;
}

Result<std::vector<Hit>> Searcher::Related(const std::string& id, const Principal& principal, std::size_t limit) {
  if (limit > 100) return Status::InvalidArgument("limit " + std::to_string(limit) + " is over 100");
  std::vector<Hit> hits;
  Status status = Status::Ok();
  Status read = store_->Read("related", [&](const Xapian::Database& db) {
    hits.clear();
    status = Status::Ok();
    const Q access = AccessFilter(principal, Now());
    // The source itself must be visible, or it does not exist for this principal.
    Xapian::Enquire source(db);
    source.set_query(Q(Q::OP_FILTER, Q(schema::Term(schema::kId, id)), access));
    const Xapian::MSet found = source.get_mset(0, 1);
    if (found.empty()) {
      status = Status::NotFound("no document with id '" + id + "'");
      return;
    }
    Xapian::RSet rset;
    rset.add_document(*found.begin());
    Xapian::Enquire enquire(db);
    enquire.set_query(Q(Q::OP_FILTER, Q::MatchAll, access));
    // Expand on stems only: they carry the topic.
    struct StemsOnly : Xapian::ExpandDecider {
      bool operator()(const std::string& term) const override {
        return term.size() > 1 && term[0] == 'Z' && term[1] != 'S';
      }
    } stems_only;
    const Xapian::ESet eset = enquire.get_eset(12, rset, &stems_only);
    if (eset.empty()) return;
    Q related(Q::OP_ELITE_SET, eset.begin(), eset.end(), 12);
    related = Q(Q::OP_AND_NOT, related, Q(schema::Term(schema::kId, id)));
    enquire.set_query(Q(Q::OP_FILTER, related, access));
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      auto doc = DecodeDocument(it.get_document().get_data());
      if (!doc.ok()) {
        status = doc.status();
        return;
      }
      hits.push_back(MakeHit(doc.value(), it.get_weight(), nullptr));
    }
  });
  if (!read.ok()) return read;
  if (!status.ok()) return status;
  return hits;
}

Result<std::vector<Suggestion>> Searcher::Suggest(const SuggestRequest& request) {
  if (request.limit > 100) return Status::InvalidArgument("limit " + std::to_string(request.limit) + " is over 100");
  if (!request.lang.empty() && !IsSupportedLanguage(request.lang)) {
    return Status::InvalidArgument("lang '" + request.lang + "' is not supported");
  }
  std::vector<Suggestion> out;
  std::vector<Token> words;
  for (Token& t : tokenizer_.Tokenize(request.prefix)) {
    if (!t.joined) words.push_back(std::move(t));
  }
  if (words.empty() || request.limit == 0) return out;
  const bool last_is_prefix = !request.prefix.empty() && request.prefix.back() != ' ';
  Status status = store_->Read("suggest", [&](const Xapian::Database& db) {
    out.clear();
    std::vector<Q> required;
    for (std::size_t i = 0; i + (last_is_prefix ? 1 : 0) < words.size(); ++i) {
      required.emplace_back(schema::Term(schema::kTitleWord, words[i].folded));
    }
    if (last_is_prefix) {
      // The most frequent title words starting with the typed letters. The
      // words themselves are never shown, only titles of visible articles.
      const std::string prefix = schema::Term(schema::kTitleWord, words.back().folded);
      std::vector<std::pair<Xapian::doccount, std::string>> completions;
      std::size_t scanned = 0;
      for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix) && scanned < 2000; ++it, ++scanned) {
        completions.emplace_back(it.get_termfreq(), *it);
      }
      std::sort(completions.rbegin(), completions.rend());
      if (completions.size() > 50) completions.resize(50);
      if (completions.empty()) return;
      std::vector<Q> alternatives;
      for (const auto& c : completions) alternatives.emplace_back(c.second);
      required.emplace_back(Q::OP_OR, alternatives.begin(), alternatives.end());
    }
    Q query(Q::OP_AND, required.begin(), required.end());
    query = Q(Q::OP_FILTER, query, Q(schema::Term(schema::kType, "article")));
    if (!request.lang.empty()) query = Q(Q::OP_FILTER, query, Q(schema::Term(schema::kLang, request.lang)));
    query = Restrict(query, request.principal, Now());
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.limit * 2));
    for (auto it = mset.begin(); it != mset.end() && out.size() < request.limit; ++it) {
      auto doc = DecodeDocument(it.get_document().get_data());
      if (!doc.ok()) continue;
      const bool repeated = std::any_of(out.begin(), out.end(), [&](const Suggestion& s) { return s.text == doc->title; });
      if (!repeated) out.push_back({doc->title, "title", doc->id});
    }
  });
  if (!status.ok()) return status;
  return out;
}

Result<IndexStats> Searcher::Stats() {
  IndexStats stats;
  Status status = store_->Read("stats", [&](const Xapian::Database& db) {
    stats = IndexStats();
    stats.documents = db.get_doccount();
    for (const char* type : {"article", "document"}) {
      const auto n = db.get_termfreq(schema::Term(schema::kType, type));
      if (n > 0) stats.by_type[type] = n;
    }
    const std::string lang_prefix(schema::kLang);
    for (auto it = db.allterms_begin(lang_prefix); it != db.allterms_end(lang_prefix); ++it) {
      const std::string term = *it;
      stats.by_lang[term.substr(lang_prefix.size())] = it.get_termfreq();
    }
    std::uint64_t terms = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++terms;
    stats.terms = terms;
  });
  if (!status.ok()) return status;
  stats.bytes = DirectoryBytes(store_->path());
  return stats;
}

Result<std::vector<SynonymRule>> Searcher::Synonyms() {
  std::vector<SynonymRule> rules;
  Status decode = Status::Ok();
  Status status = store_->Read("synonyms", [&](const Xapian::Database& db) {
    auto r = DecodeSynonymRules(db.get_metadata(kSynonymsMetadataKey));
    if (r.ok()) {
      rules = std::move(r).value();
    } else {
      decode = r.status();
    }
  });
  if (!status.ok()) return status;
  if (!decode.ok()) return decode;
  return rules;
}

Result<IndexSettings> Searcher::Settings() {
  Result<IndexSettings> settings = IndexSettings{};
  Status status = store_->Read("settings", [&](const Xapian::Database& db) {
    settings = IndexSettings::Decode(db.get_metadata(schema::kSettingsKey));
  });
  if (!status.ok()) return status;
  return settings;
}

}  // namespace portalkb
