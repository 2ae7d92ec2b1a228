#include "synonyms/synonym_set.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace portalkb {

std::string EncodeSynonymRules(const std::vector<SynonymRule>& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules) out.push_back({{"lang", r.lang}, {"terms", r.terms}, {"targets", r.targets}});
  return out.dump();
}

Result<std::vector<SynonymRule>> DecodeSynonymRules(const std::string& text) {
  std::vector<SynonymRule> rules;
  if (text.empty()) return rules;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return Status::Corruption("stored synonyms are not valid JSON");
  try {
    for (const auto& item : j) {
      SynonymRule r;
      r.lang = item.at("lang").get<std::string>();
      r.terms = item.at("terms").get<std::vector<std::string>>();
      r.targets = item.at("targets").get<std::vector<std::string>>();
      rules.push_back(std::move(r));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("stored synonyms: ") + e.what());
  }
  return rules;
}

std::string SynonymSet::FoldedKey(const Phrase& words) {
  std::string key = "w:";
  for (const auto& w : words) key += w + ' ';
  return key;
}

std::string SynonymSet::StemKey(const std::string& lang, const Phrase& words, const LanguageRules& rules) {
  std::string key = "s:" + lang + ":";
  for (const auto& w : words) key += rules.Stem(w) + ' ';
  return key;
}

void SynonymSet::Add(const std::string& lang, const Phrase& from, const Phrase& to) {
  if (from.empty() || to.empty() || from == to) return;
  const LanguageRules rules(lang);
  for (const std::string& key : {FoldedKey(from), StemKey(lang, from, rules)}) {
    auto& list = by_key_[key];
    if (std::find(list.begin(), list.end(), to) == list.end()) list.push_back(to);
  }
  max_words_ = std::max(max_words_, from.size());
}

SynonymSet::SynonymSet(const std::vector<SynonymRule>& rules, const Tokenizer& tokenizer) {
  auto analyse = [&](const std::string& text) {
    Phrase words;
    for (const Token& t : tokenizer.Tokenize(text)) {
      if (!t.joined) words.push_back(t.folded);
    }
    return words;
  };
  for (const auto& rule : rules) {
    std::vector<Phrase> lhs;
    for (const auto& t : rule.terms) lhs.push_back(analyse(t));
    if (rule.one_way()) {
      for (const auto& from : lhs) {
        for (const auto& t : rule.targets) Add(rule.lang, from, analyse(t));
      }
    } else {
      for (const auto& from : lhs) {
        for (const auto& to : lhs) Add(rule.lang, from, to);
      }
    }
  }
}

std::vector<SynonymSet::Phrase> SynonymSet::Alternatives(const Phrase& words,
                                                         const std::vector<LanguageRules>& langs) const {
  std::vector<Phrase> out;
  auto collect = [&](const std::string& key) {
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    for (const auto& alt : it->second) {
      if (alt != words && std::find(out.begin(), out.end(), alt) == out.end()) out.push_back(alt);
    }
  };
  collect(FoldedKey(words));
  for (const auto& rules : langs) collect(StemKey(rules.lang(), words, rules));
  return out;
}

}  // namespace portalkb
