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
  for (char c : term) {
    if (c == ',' || c == '\\') out += '\\';
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
    // Collapse inner white space; lower-case.
    std::string collapsed;
    bool space = false;
    for (char c : Trim(t)) {
      if (c == ' ' || c == '\t') {
        space = true;
        continue;
      }
      if (space && !collapsed.empty()) collapsed += ' ';
      space = false;
      collapsed += c;
    }
    t = CaseFold(collapsed);
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

Result<std::vector<SynonymRule>> ParseSynonyms(std::string_view text, const std::string& lang) {
  if (!lang.empty() && !IsSupportedLanguage(lang)) {
    return Status::InvalidArgument("synonyms: language '" + lang + "' is not supported");
  }
  std::string current_lang = lang;
  std::vector<SynonymRule> rules;
  int line_no = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    ++line_no;
    begin = end + 1;
    // "# lang: xx" (as FormatSynonyms writes) switches the language.
    if (StartsWith(Trim(line), "# lang:")) {
      const std::string code = AsciiLower(Trim(Trim(line).substr(7)));
      if (!IsSupportedLanguage(code)) {
        return Status::InvalidArgument("line " + std::to_string(line_no) + ": language '" + code + "' is not supported");
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
    if (!IsValidUtf8(line)) return Status::InvalidArgument("line " + std::to_string(line_no) + ": not valid UTF-8");
    auto where = [&](const std::string& what) {
      return Status::InvalidArgument("line " + std::to_string(line_no) + ": " + what + ": '" + std::string(line) + "'");
    };
    if (current_lang.empty()) {
      return Status::InvalidArgument("line " + std::to_string(line_no) + ": no language given (pass one, or add a '# lang: xx' line)");
    }
    SynonymRule rule;
    rule.lang = current_lang;
    const auto arrow = line.find("=>");
    if (arrow != std::string_view::npos) {
      if (line.find("=>", arrow + 2) != std::string_view::npos) return where("more than one '=>'");
      rule.terms = SplitTerms(line.substr(0, arrow));
      rule.targets = SplitTerms(line.substr(arrow + 2));
    } else {
      rule.terms = SplitTerms(line);
      if (rule.terms.size() < 2) return where("a synonym set needs at least two terms separated by commas");
    }
    for (const auto* side : {&rule.terms, &rule.targets}) {
      for (const auto& t : *side) {
        if (t.empty()) return where("empty term");
      }
    }
    rules.push_back(std::move(rule));
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
