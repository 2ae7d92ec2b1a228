// Search settings stored with an index, so every reader of it (library, CLI,
// server, Python) searches the same way. A change takes effect on each
// reader's next search, without re-indexing. Every setting is optional: one
// that is not set leaves the EngineOptions value in force.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portalkb/options.h"
#include "portalkb/status.h"

namespace portalkb {

struct IndexSettings {
  // Names as used by Set and `portalkb settings`, and what they override.
  std::optional<bool> typo_enabled;                      // "typo.enabled": TypoOptions::enabled
  std::optional<std::size_t> typo_min_length_one_typo;   // "typo.min_length_one_typo"
  std::optional<std::size_t> typo_min_length_two_typos;  // "typo.min_length_two_typos"
  std::optional<int> typo_first_letter_cost;             // "typo.first_letter_cost"
  // "typo.disabled_words" (comma-separated): words matched only exactly, both
  // as query words and as indexed words; see TypoOptions::disabled_words.
  std::optional<std::vector<std::string>> typo_disabled_words;
  std::optional<std::vector<std::string>> typo_disabled_fields;  // "typo.disabled_fields" (comma-separated)
  std::optional<bool> log_searches;                              // "analytics.log_searches": EngineOptions::analytics
  // Ranking (SearchOptions fields of the same names, with their ranges).
  std::optional<double> bm25_k1;                  // "ranking.bm25_k1" (0..10)
  std::optional<double> bm25_b;                   // "ranking.bm25_b" (0..1)
  std::optional<double> title_weight;             // "ranking.title_weight" (0..100)
  std::optional<double> long_query_title_weight;  // "ranking.long_query_title_weight" (0..100)
  std::optional<double> exact_word_weight;        // "ranking.exact_word_weight" (0..100)
  std::optional<double> synonym_weight;           // "ranking.synonym_weight" (0..100)
  std::optional<double> one_typo_weight;          // "ranking.one_typo_weight" (0..100)
  std::optional<double> two_typo_weight;          // "ranking.two_typo_weight" (0..100)
  std::optional<double> prefix_weight;            // "ranking.prefix_weight" (0..100)
  std::optional<std::size_t> tier_max_words;      // "ranking.tier_max_words" (0..64)
  std::optional<std::size_t> min_matched_words;   // "ranking.min_matched_words" (0..64)
  // Matches counted exactly by a search without facets (0..10000000; 0: all).
  std::optional<std::size_t> count_limit;  // "search.count_limit"

  // Every setting name, in display order.
  static const std::vector<std::string>& Names();

  // Sets one setting from its text form: true/false, a whole number, a
  // decimal number ("1.2"), or a comma-separated list. InvalidArgument naming the setting and what it
  // expects; the settings are unchanged then. Words are stored as given;
  // IndexWriter::SetSetting folds them the way the analyzer does.
  [[nodiscard]] Status Set(const std::string& name, const std::string& value);
  // InvalidArgument for an unknown name; unsetting an unset setting is fine.
  [[nodiscard]] Status Unset(const std::string& name);

  // The text form of each setting that is set, by name.
  std::map<std::string, std::string> ToMap() const;
  // The text form of every setting in effect for `options` with these
  // settings applied, by name.
  static std::map<std::string, std::string> Effective(const EngineOptions& options);

  // Overrides `options` with every setting that is set.
  void ApplyTo(EngineOptions& options) const;

  // Stored form: one "name=value" line per setting that is set.
  std::string Encode() const;
  // Reverses Encode ("" gives no settings). Corruption naming the line.
  static Result<IndexSettings> Decode(std::string_view text);
};

}  // namespace portalkb
