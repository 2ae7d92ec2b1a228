#include "search/searcher.h"

#include <chrono>

#include "portalkb/document.h"
#include "search/query_builder.h"
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

}  // namespace

Searcher::Searcher(std::unique_ptr<ReadableStore> store, const EngineOptions& options)
    : store_(std::move(store)), options_(options) {}

Searcher::~Searcher() = default;

Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  if (Status s = ValidateRequest(request); !s.ok()) return s;

  const QueryBuilder builder(options_.search, tokenizer_);
  const BuiltQuery built = builder.Build(request.query, request.lang);

  SearchResponse response;
  response.query = request.query;
  Status status = Status::Ok();
  if (!built.matches_nothing) {
    status = store_->Read("search", [&](const Xapian::Database& db) {
      response.hits.clear();
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
        response.hits.push_back(std::move(hit));
      }
    });
    if (!status.ok()) return status;
  }
  response.took_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return response;
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

}  // namespace portalkb
