// Result snippets: the passage that best matches the query, with the matched
// words marked.
#pragma once

#include <string>
#include <string_view>

#include "analysis/analyzer.h"
#include "search/query_builder.h"

namespace portalkb {

// Picks the window of `words` words with the most distinct matched query
// words (earliest on ties) from `text`, HTML-escapes it and wraps matched
// words in <mark>...</mark>. A word matches when its folded form, or its stem
// under `rules`, is among `terms`. Cut ends get "…". Returns "" when no word
// of `text` matches. Only the first 64 KiB of `text` are looked at, so the
// cost per hit does not grow with the body; a match only beyond that returns
// "" (the caller shows the lead snippet).
std::string MakeSnippet(std::string_view text, const HighlightTerms& terms, const Tokenizer& tokenizer,
                        const LanguageRules& rules, std::size_t words);

// The first `words` words of `text`, HTML-escaped, for when nothing matches.
// Also looks at the first 64 KiB only.
std::string LeadSnippet(std::string_view text, const Tokenizer& tokenizer, std::size_t words);

}  // namespace portalkb
