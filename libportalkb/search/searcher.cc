#include "search/searcher.h"

#include <algorithm>
#include <chrono>

#include "portalkb/document.h"
#include "search/query_parser.h"
#include "search/snippet.h"
#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

constexpr std::size_t kMaxLimit = 1000;
constexpr std::size_t kMaxOffset = 100000;

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
    : store_(std::move(store)), options_(options) {}

Searcher::~Searcher() = default;

void Searcher::Refresh(const Xapian::Database& db) {
  const Xapian::rev revision = db.get_revision();
  if (loaded_ && revision == revision_) return;
  vocabulary_ = Vocabulary::Load(db);
  auto rules = DecodeSynonymRules(db.get_metadata(kSynonymsMetadataKey));
  synonym_rules_ = rules.ok() ? std::move(rules).value() : std::vector<SynonymRule>{};
  synonyms_ = std::make_unique<SynonymSet>(synonym_rules_, tokenizer_);
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

void Searcher::Run(const Xapian::Database& db, const SearchRequest& request, const std::string& query_text,
                   SearchResponse& response, BuiltQuery& built, Status& status) {
  const QueryBuilder builder(options_.search, tokenizer_);
  built = builder.Build(query_text, request.lang, Context(request));
  response.hits.clear();
  response.total = 0;
  if (built.matches_nothing) return;
  Xapian::Enquire enquire(db);
  enquire.set_query(built.query);
  // check_at_least = every document: the total is exact, not an estimate.
  const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                             static_cast<Xapian::doccount>(request.limit), db.get_doccount());
  response.total = mset.get_matches_estimated();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto doc = DecodeDocument(it.get_document().get_data());
    if (!doc.ok()) {
      status = doc.status();
      return;
    }
    Hit hit;
    hit.id = doc->id;
    hit.title = doc->title;
    hit.type = DocumentTypeName(doc->type);
    hit.lang = doc->lang;
    hit.url = doc->url;
    hit.category = doc->category;
    hit.updated_at = doc->updated_at;
    hit.score = it.get_weight();
    const LanguageRules rules(doc->lang);
    const std::size_t words = options_.search.snippet_words;
    hit.snippet = MakeSnippet(doc->body, built.highlight, tokenizer_, rules, words);
    if (hit.snippet.empty()) hit.snippet = MakeSnippet(doc->summary, built.highlight, tokenizer_, rules, words);
    if (hit.snippet.empty()) hit.snippet = LeadSnippet(doc->summary.empty() ? doc->body : doc->summary, tokenizer_, words);

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

std::string Searcher::Correct(const std::string& query_text, const BuiltQuery& built) const {
  if (vocabulary_ == nullptr) return {};
  const TypoExpander expander(options_.search.typo, *vocabulary_);
  std::map<std::string, std::string> corrections;  // folded word -> correction
  for (const QueryWord& w : built.words) {
    if (w.phrase || w.in_vocabulary || !expander.Eligible(w.token)) continue;
    const auto candidates = expander.Corrections(w.token);
    if (!candidates.empty()) corrections[w.folded] = candidates.front().term;
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
    response = SearchResponse();
    response.query = request.query;
    BuiltQuery built;
    Run(db, request, request.query, response, built, status);
    if (!status.ok() || !request.correct) return;
    const std::string corrected = Correct(request.query, built);
    if (corrected.empty() || corrected == request.query) return;
    SearchResponse alternative;
    BuiltQuery alternative_built;
    Run(db, request, corrected, alternative, alternative_built, status);
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
  response.took_ms = MillisecondsSince(started);
  return response;
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
    using Q = Xapian::Query;
    std::vector<Q> required;
    for (std::size_t i = 0; i + (last_is_prefix ? 1 : 0) < words.size(); ++i) {
      required.emplace_back(schema::Term(schema::kTitleWord, words[i].folded));
    }
    if (last_is_prefix) {
      // The most frequent title words starting with the typed letters.
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

}  // namespace portalkb
