#include "search/hits.h"

#include "search/snippet.h"

namespace portalkb {

Hit MakeHit(const Document& doc, double score, const BuiltQuery* built, const SearchOptions& options,
            const Tokenizer& tokenizer) {
  Hit hit;
  hit.id = doc.id;
  hit.title = doc.title;
  hit.type = DocumentTypeName(doc.type);
  hit.lang = doc.lang;
  hit.url = doc.url;
  hit.category = doc.category;
  hit.updated_at = doc.updated_at;
  hit.score = score;
  const std::size_t words = options.snippet_words;
  if (built != nullptr) {
    const LanguageRules rules(doc.lang);
    hit.snippet = MakeSnippet(doc.body, built->highlight, tokenizer, rules, words);
    if (hit.snippet.empty()) hit.snippet = MakeSnippet(doc.summary, built->highlight, tokenizer, rules, words);
  }
  if (hit.snippet.empty()) hit.snippet = LeadSnippet(doc.summary.empty() ? doc.body : doc.summary, tokenizer, words);
  return hit;
}

}  // namespace portalkb
