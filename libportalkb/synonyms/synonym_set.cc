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

void SynonymSet::AddKeys(const std::string& lang, const Phrase& from, Entry entry, const LanguageRules& rules) {
  if (from.empty()) return;
  const std::string folded = FoldedKey(from);
  const std::string stemmed = StemKey(lang, from, rules);
  for (const std::string* key : {&folded, &stemmed}) {
    auto& entries = by_key_[*key];
    // A rule lists a term once per key; repeated terms are filtered on lookup.
    if (entries.empty() || entries.back().group != entry.group) entries.push_back(entry);
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
  std::unordered_map<std::string, std::size_t> rules_per_lang;
  for (const auto& rule : rules) {
    if (!ValidateSynonymRule(rule).ok()) continue;
    if (++rules_per_lang[rule.lang] > kMaxSynonymRulesPerLanguage) continue;
    const LanguageRules lang_rules(rule.lang);
    const auto group = static_cast<std::uint32_t>(groups_.size());
    const auto first = static_cast<std::uint32_t>(phrases_.size());
    // A set's group is its terms; a one-way rule's is its targets, and its
    // left-hand sides are stored after the group, outside it.
    const auto& group_terms = rule.one_way() ? rule.targets : rule.terms;
    for (const auto& t : group_terms) phrases_.push_back(analyse(t));
    groups_.push_back({first, static_cast<std::uint32_t>(phrases_.size())});
    if (rule.one_way()) {
      for (const auto& t : rule.terms) phrases_.push_back(analyse(t));
    }
    const auto lhs = rule.one_way() ? groups_.back().end : first;
    for (auto m = lhs; m < phrases_.size(); ++m) AddKeys(rule.lang, phrases_[m], {group, m}, lang_rules);
  }
}

std::vector<SynonymSet::Phrase> SynonymSet::Alternatives(const Phrase& words, const std::vector<LanguageRules>& langs,
                                                         std::size_t limit) const {
  std::vector<Phrase> out;
  // Many rules may share a word and repeat each other's phrases; looking at
  // a bounded number of candidates keeps the lookup's cost independent of
  // them (the candidates come in rule order, so the first rules win).
  std::size_t budget = limit * 8;
  auto collect = [&](const std::string& key) {
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    for (const Entry& entry : it->second) {
      const Group& g = groups_[entry.group];
      const Phrase& self = phrases_[entry.member];
      for (std::uint32_t p = g.begin; p < g.end; ++p) {
        if (out.size() >= limit || budget == 0) return;
        --budget;
        const Phrase& alt = phrases_[p];
        if (alt.empty() || p == entry.member || alt == words || alt == self) continue;
        if (std::find(out.begin(), out.end(), alt) == out.end()) out.push_back(alt);
      }
    }
  };
  collect(FoldedKey(words));
  for (const auto& rules : langs) collect(StemKey(rules.lang(), words, rules));
  return out;
}

}  // namespace portalkb
