#include <algorithm>
#include <map>

#include "analysis/normalizer.h"
#include "core/text.h"
#include "portalkb/document.h"
#include "portalkb/synonyms.h"

namespace portalkb {
namespace {

std::string EscapeTerm(const std::string& term) {
  std::string out;
  for (std::size_t i = 0; i < term.size(); ++i) {
    const char c = term[i];
    // A "=>" inside a term (written "a=\>b" on input) would read back as the arrow.
    if (c == ',' || c == '\\' || (c == '>' && i > 0 && term[i - 1] == '=')) out += '\\';
    out += c;
  }
  return out;
}

// Splits at unescaped commas; unescapes.
std::vector<std::string> SplitTerms(std::string_view text) {
  std::vector<std::string> terms;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      current += text[++i];
    } else if (text[i] == ',') {
      terms.push_back(std::move(current));
      current.clear();
    } else {
      current += text[i];
    }
  }
  terms.push_back(std::move(current));
  for (auto& t : terms) {
    // Lower-case, then collapse inner white space: folding first, because it
    // drops invisible characters (U+061C) that may stand between spaces or
    // before a vertical tab, and the term must read back as itself.
    const std::string folded = CaseFold(t);
    std::string collapsed;
    bool space = false;
    for (char c : Trim(folded)) {
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && !collapsed.empty()) collapsed += ' ';
      space = false;
      collapsed += c;
    }
    t = std::move(collapsed);
  }
  return terms;
}

// At most 80 characters of `text` (cut at a UTF-8 character boundary), for
// error messages: never echo a whole hostile line back.
std::string Excerpt(std::string_view text) {
  constexpr std::size_t kMax = 80;
  if (text.size() <= kMax) return std::string(text);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// The number of terms on a line (unescaped commas and "=>" separate them),
// before it is split.
std::size_t CountTerms(std::string_view line) {
  line = line.substr(0, line.find('#'));
  std::size_t terms = 1;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ',' || line.substr(i, 2) == "=>") {
      ++terms;
    }
  }
  return terms;
}

std::string JoinTerms(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += ", ";
    out += EscapeTerm(t);
  }
  return out;
}

}  // namespace

std::string SynonymRule::ToString() const {
  if (targets.empty()) return JoinTerms(terms);
  return JoinTerms(terms) + " => " + JoinTerms(targets);
}

Status ValidateSynonymRule(const SynonymRule& rule) {
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument("synonyms: rule '" + Excerpt(rule.ToString()) + "': " + what);
  };
  if (!IsSupportedLanguage(rule.lang)) return fail("language '" + Excerpt(rule.lang) + "' is not supported");
  const std::size_t terms = rule.terms.size() + rule.targets.size();
  if (terms > kMaxSynonymTermsPerRule) {
    return fail(std::to_string(terms) + " terms, more than the limit of " + std::to_string(kMaxSynonymTermsPerRule) +
                " per rule");
  }
  if (rule.terms.empty() || (!rule.one_way() && rule.terms.size() < 2)) {
    return fail("a synonym set needs at least two terms separated by commas");
  }
  for (const auto* side : {&rule.terms, &rule.targets}) {
    for (const auto& t : *side) {
      if (Trim(t).empty()) return fail("empty term");
      if (t.size() > kMaxSynonymTermBytes) {
        return fail("term of " + std::to_string(t.size()) + " bytes, more than the limit of " +
                    std::to_string(kMaxSynonymTermBytes));
      }
      if (!IsValidUtf8(t)) return fail("term is not valid UTF-8");
    }
  }
  return Status::Ok();
}

Result<std::vector<SynonymRule>> ParseSynonyms(std::string_view text, const std::string& lang) {
  if (!lang.empty() && !IsSupportedLanguage(lang)) {
    return Status::InvalidArgument("synonyms: language '" + Excerpt(lang) + "' is not supported");
  }
  return ParseSynonymsForLanguages(text, lang.empty() ? std::vector<std::string>{} : std::vector<std::string>{lang});
}

Result<std::vector<SynonymRule>> ParseSynonymsForLanguages(std::string_view text,
                                                           const std::vector<std::string>& langs) {
  for (const auto& l : langs) {
    if (!IsSupportedLanguage(l))
      return Status::InvalidArgument("synonyms: language '" + Excerpt(l) + "' is not supported");
  }
  if (text.size() > kMaxSynonymTextBytes) {
    return Status::InvalidArgument("synonyms: text of " + std::to_string(text.size()) +
                                   " bytes, more than the limit of " + std::to_string(kMaxSynonymTextBytes));
  }
  // Empty until a "# lang:" line: then each rule applies to all of `langs`.
  std::string current_lang;
  std::vector<SynonymRule> rules;
  std::map<std::string, std::pair<std::size_t, std::size_t>> per_lang;  // rules, terms
  int line_no = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    ++line_no;
    begin = end + 1;
    const std::string where_line = "line " + std::to_string(line_no);
    if (line.size() > kMaxSynonymLineBytes) {
      // Name the limit the line is really over: usually it has too many terms.
      if (const std::size_t terms = CountTerms(line); terms > kMaxSynonymTermsPerRule) {
        return Status::InvalidArgument(where_line + ": " + std::to_string(terms) + " terms, more than the limit of " +
                                       std::to_string(kMaxSynonymTermsPerRule) + " per rule: '" + Excerpt(line) + "'");
      }
      return Status::InvalidArgument(where_line + ": " + std::to_string(line.size()) +
                                     " bytes, more than the limit of " + std::to_string(kMaxSynonymLineBytes) + ": '" +
                                     Excerpt(line) + "'");
    }
    // "# lang: xx" (as FormatSynonyms writes) switches the language.
    if (StartsWith(Trim(line), "# lang:")) {
      const std::string code = AsciiLower(Trim(Trim(line).substr(7)));
      if (!IsSupportedLanguage(code)) {
        return Status::InvalidArgument(where_line + ": language '" + Excerpt(code) + "' is not supported");
      }
      current_lang = code;
      if (end == text.size()) break;
      continue;
    }
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = Trim(line);
    if (line.empty()) {
      if (end == text.size()) break;
      continue;
    }
    if (!IsValidUtf8(line)) return Status::InvalidArgument(where_line + ": not valid UTF-8");
    auto where = [&](const std::string& what) {
      return Status::InvalidArgument(where_line + ": " + what + ": '" + Excerpt(line) + "'");
    };
    if (current_lang.empty() && langs.empty()) {
      return Status::InvalidArgument(where_line + ": no language given (pass one, or add a '# lang: xx' line)");
    }
    SynonymRule rule;
    const auto arrow = line.find("=>");
    if (arrow != std::string_view::npos) {
      if (line.find("=>", arrow + 2) != std::string_view::npos) return where("more than one '=>'");
      rule.terms = SplitTerms(line.substr(0, arrow));
      rule.targets = SplitTerms(line.substr(arrow + 2));
    } else {
      rule.terms = SplitTerms(line);
      if (rule.terms.size() < 2) return where("a synonym set needs at least two terms separated by commas");
    }
    const std::size_t terms = rule.terms.size() + rule.targets.size();
    if (terms > kMaxSynonymTermsPerRule) {
      return where(std::to_string(terms) + " terms, more than the limit of " + std::to_string(kMaxSynonymTermsPerRule) +
                   " per rule");
    }
    for (const auto* side : {&rule.terms, &rule.targets}) {
      for (const auto& t : *side) {
        if (t.empty()) return where("empty term");
        if (t.size() > kMaxSynonymTermBytes) {
          return where("term of " + std::to_string(t.size()) + " bytes, more than the limit of " +
                       std::to_string(kMaxSynonymTermBytes));
        }
      }
    }
    const std::vector<std::string> rule_langs = current_lang.empty() ? langs : std::vector<std::string>{current_lang};
    for (const auto& l : rule_langs) {
      auto& [count, term_count] = per_lang[l];
      if (++count > kMaxSynonymRulesPerLanguage) {
        return where("more than the limit of " + std::to_string(kMaxSynonymRulesPerLanguage) + " rules for language " +
                     l);
      }
      term_count += terms;
      if (term_count > kMaxSynonymTermsPerLanguage) {
        return where("more than the limit of " + std::to_string(kMaxSynonymTermsPerLanguage) +
                     " terms in the rules for language " + l);
      }
      rule.lang = l;
      rules.push_back(rule);
    }
    if (end == text.size()) break;
  }
  return rules;
}

std::string SynonymFileLanguage(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  name = AsciiLower(name.substr(0, name.find('.')));
  const std::string first = name.substr(0, name.find_first_of("-_"));
  if (IsSupportedLanguage(first)) return first;
  const auto sep = name.find_last_of("-_");
  if (sep != std::string::npos && IsSupportedLanguage(name.substr(sep + 1))) return name.substr(sep + 1);
  return {};
}

std::string FormatSynonyms(const std::vector<SynonymRule>& rules) {
  std::map<std::string, std::vector<const SynonymRule*>> by_lang;
  for (const auto& r : rules) by_lang[r.lang].push_back(&r);
  std::string out;
  for (const auto& [lang, list] : by_lang) {
    out += "# lang: " + lang + "\n";
    for (const auto* r : list) out += r->ToString() + "\n";
  }
  return out;
}

}  // namespace portalkb
