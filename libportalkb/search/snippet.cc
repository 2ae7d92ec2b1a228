#include "search/snippet.h"

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace portalkb {
namespace {

// Snippets look at the start of a text only: tokenising and stemming a
// 50 MB body per hit took seconds. 64 KiB is some 10,000 words, far past
// where a reader looks; a match only further on gets the lead snippet.
constexpr std::size_t kMaxSnippetScanBytes = 64u << 10;

// The first kMaxSnippetScanBytes of `text`, ended before a partial word.
std::string_view ScanPrefix(std::string_view text) {
  if (text.size() <= kMaxSnippetScanBytes) return text;
  std::string_view prefix = Utf8Prefix(text, kMaxSnippetScanBytes);
  const auto space = prefix.find_last_of(" \t\r\n\f");
  if (space != std::string_view::npos && space > 0) prefix = prefix.substr(0, space);
  return prefix;
}

// Escapes text for HTML and flattens line and page breaks to spaces.
std::string EscapeFlat(std::string_view text) {
  std::string flat(text);
  for (char& c : flat) {
    if (c == '\n' || c == '\r' || c == '\f' || c == '\t') c = ' ';
  }
  return HtmlEscape(flat);
}

// `cut` says `text` is a prefix of a longer text, so its end is not the end.
std::string Render(std::string_view text, const std::vector<Token>& words, std::size_t first, std::size_t last,
                   const std::vector<bool>& matched, bool cut) {
  std::string out;
  if (first > 0) out += "\xE2\x80\xA6";  // …
  std::size_t cursor = words[first].begin;
  for (std::size_t i = first; i <= last; ++i) {
    out += EscapeFlat(text.substr(cursor, words[i].begin - cursor));
    const std::string_view word = text.substr(words[i].begin, words[i].end - words[i].begin);
    if (matched[i]) {
      out += "<mark>";
      out += EscapeFlat(word);
      out += "</mark>";
    } else {
      out += EscapeFlat(word);
    }
    cursor = words[i].end;
  }
  if (last + 1 < words.size() || cut) {
    out += "\xE2\x80\xA6";
  } else {
    // Keep closing punctuation of the text's last sentence.
    const std::string_view tail = Trim(text.substr(cursor));
    if (tail.size() <= 2) out += EscapeFlat(tail);
  }
  return out;
}

}  // namespace

std::string MakeSnippet(std::string_view full_text, const HighlightTerms& terms, const Tokenizer& tokenizer,
                        const LanguageRules& rules, std::size_t words) {
  if (terms.empty() || full_text.empty() || words == 0) return {};
  const std::string_view text = ScanPrefix(full_text);
  const bool cut = text.size() < full_text.size();
  const std::vector<Token> all = tokenizer.Tokenize(text);
  std::vector<Token> tokens;
  tokens.reserve(all.size());
  for (const Token& t : all) {
    if (!t.joined) tokens.push_back(t);
  }
  if (tokens.empty()) return {};

  // Which query term each word matches (-1: none). Joined compounds mark
  // their parts.
  std::vector<int> match(tokens.size(), -1);
  std::vector<std::string> distinct;
  auto term_id = [&](const std::string& key) {
    auto it = std::find(distinct.begin(), distinct.end(), key);
    if (it != distinct.end()) return static_cast<int>(it - distinct.begin());
    distinct.push_back(key);
    return static_cast<int>(distinct.size() - 1);
  };
  auto match_of = [&](const Token& t) -> int {
    if (terms.folded.count(t.folded)) return term_id(t.folded);
    if (!terms.stems.empty()) {
      const std::string stem = rules.Stem(t.folded);
      if (terms.stems.count(stem)) return term_id("Z" + stem);
    }
    return -1;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) match[i] = match_of(tokens[i]);
  for (const Token& t : all) {
    if (!t.joined) continue;
    const int id = match_of(t);
    if (id < 0) continue;
    // Tokens are in text order: start at the compound's first part.
    auto it = std::lower_bound(tokens.begin(), tokens.end(), t.begin,
                               [](const Token& token, std::size_t begin) { return token.begin < begin; });
    for (; it != tokens.end() && it->begin < t.end; ++it) {
      if (it->end <= t.end) match[static_cast<std::size_t>(it - tokens.begin())] = id;
    }
  }
  if (std::all_of(match.begin(), match.end(), [](int m) { return m < 0; })) return {};

  // Slide a window, scoring distinct matched terms first, then matches.
  const std::size_t window = std::min(words, tokens.size());
  std::size_t best_first = 0;
  long best_score = -1;
  std::vector<int> counts(distinct.size(), 0);
  std::size_t distinct_in = 0;
  std::size_t matches_in = 0;
  auto add = [&](std::size_t i, int delta) {
    if (match[i] < 0) return;
    int& c = counts[static_cast<std::size_t>(match[i])];
    if (delta > 0 && c++ == 0) ++distinct_in;
    if (delta < 0 && --c == 0) --distinct_in;
    matches_in = static_cast<std::size_t>(static_cast<long>(matches_in) + delta);
  };
  for (std::size_t i = 0; i < window; ++i) add(i, +1);
  for (std::size_t first = 0;; ++first) {
    const long score = static_cast<long>(distinct_in) * 1000 + static_cast<long>(matches_in);
    if (score > best_score) {
      best_score = score;
      best_first = first;
    }
    if (first + window >= tokens.size()) break;
    add(first, -1);
    add(first + window, +1);
  }
  // Start a little before the first match in the window, so the snippet reads
  // naturally, without losing matches at the end.
  std::size_t first_match = best_first;
  while (first_match < best_first + window && match[first_match] < 0) ++first_match;
  const std::size_t lead = std::min<std::size_t>(3, first_match - best_first);
  std::size_t first = best_first + (first_match - best_first - lead);
  std::size_t last = std::min(tokens.size() - 1, first + window - 1);
  if (last - first + 1 < window && first > 0) first = last + 1 >= window ? last + 1 - window : 0;

  std::vector<bool> marked(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) marked[i] = match[i] >= 0;
  return Render(text, tokens, first, last, marked, cut);
}

std::string LeadSnippet(std::string_view full_text, const Tokenizer& tokenizer, std::size_t words) {
  const std::string_view text = ScanPrefix(full_text);
  const bool cut = text.size() < full_text.size();
  std::vector<Token> tokens;
  for (Token& t : tokenizer.Tokenize(text)) {
    if (!t.joined) tokens.push_back(std::move(t));
    if (tokens.size() > words) break;
  }
  if (tokens.empty()) return {};
  const std::size_t last = std::min(tokens.size(), words) - 1;
  std::vector<bool> none(tokens.size(), false);
  return Render(text, tokens, 0, last, none, cut);
}

}  // namespace portalkb
