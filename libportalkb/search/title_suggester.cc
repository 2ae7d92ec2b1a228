#include "search/title_suggester.h"

#include <algorithm>

#include "access/access_filter.h"
#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {

std::vector<Suggestion> SuggestTitles(const SearchContext& context, const SuggestRequest& request) {
  using Q = Xapian::Query;
  std::vector<Suggestion> out;
  std::vector<Token> words;
  for (Token& t : context.tokenizer.Tokenize(request.prefix)) {
    if (!t.joined) words.push_back(std::move(t));
  }
  if (words.empty() || request.limit == 0) return out;
  const bool last_is_prefix = !request.prefix.empty() && request.prefix.back() != ' ';
  const Xapian::Database& db = context.db;
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
    if (completions.empty()) return out;
    std::vector<Q> alternatives;
    for (const auto& c : completions) alternatives.emplace_back(c.second);
    required.emplace_back(Q::OP_OR, alternatives.begin(), alternatives.end());
  }
  Q query(Q::OP_AND, required.begin(), required.end());
  query = Q(Q::OP_FILTER, query, Q(schema::Term(schema::kType, "article")));
  if (!request.lang.empty()) query = Q(Q::OP_FILTER, query, Q(schema::Term(schema::kLang, request.lang)));
  query = Restrict(query, request.principal, context.now, context.snapshot.options().draft_viewer_roles);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.limit * 2));
  for (auto it = mset.begin(); it != mset.end() && out.size() < request.limit; ++it) {
    auto doc = DecodeDocument(it.get_document().get_data());
    if (!doc.ok()) continue;
    const bool repeated =
        std::any_of(out.begin(), out.end(), [&](const Suggestion& s) { return s.text == doc->title; });
    if (!repeated) out.push_back({doc->title, "title", doc->id});
  }
  return out;
}

}  // namespace portalkb
