#include "portalkb/options.h"

#include "portalkb/principal.h"

namespace portalkb {
namespace {

Status OutOfRange(const std::string& name, double value, const std::string& range) {
  std::string shown = std::to_string(value);
  if (value == static_cast<double>(static_cast<long long>(value)))
    shown = std::to_string(static_cast<long long>(value));
  return Status::InvalidArgument(name + " " + shown + ": must be " + range);
}

}  // namespace

Status ValidateEngineOptions(const EngineOptions& options) {
  const SearchOptions& s = options.search;
  for (const auto& [name, value] : {std::pair<const char*, double>{"search.title_weight", s.title_weight},
                                    {"search.long_query_title_weight", s.long_query_title_weight},
                                    {"search.exact_word_weight", s.exact_word_weight},
                                    {"search.exact_accent_weight", s.exact_accent_weight},
                                    {"search.synonym_weight", s.synonym_weight},
                                    {"search.one_typo_weight", s.one_typo_weight},
                                    {"search.two_typo_weight", s.two_typo_weight},
                                    {"search.prefix_weight", s.prefix_weight}}) {
    if (!(value >= 0)) return OutOfRange(name, value, ">= 0");
  }
  if (!(s.bm25_k1 >= 0 && s.bm25_k1 <= 10)) return OutOfRange("search.bm25_k1", s.bm25_k1, "0..10");
  if (!(s.bm25_b >= 0 && s.bm25_b <= 1)) return OutOfRange("search.bm25_b", s.bm25_b, "0..1");
  if (s.tier_max_words > 64) return OutOfRange("search.tier_max_words", static_cast<double>(s.tier_max_words), "0..64");
  if (s.min_matched_words > 64) {
    return OutOfRange("search.min_matched_words", static_cast<double>(s.min_matched_words), "0..64");
  }
  if (!(s.off_topic_unknown_share >= 0)) {
    return OutOfRange("search.off_topic_unknown_share", s.off_topic_unknown_share, ">= 0");
  }
  if (s.min_matched_words_max_query > 64) {
    return OutOfRange("search.min_matched_words_max_query", static_cast<double>(s.min_matched_words_max_query),
                      "0..64");
  }
  if (s.snippet_words < 8 || s.snippet_words > 200) {
    return OutOfRange("search.snippet_words", static_cast<double>(s.snippet_words), "8..200");
  }
  if (s.correction_threshold < 1) return OutOfRange("search.correction_threshold", 0, ">= 1");
  if (s.prefix_expansions < 1 || s.prefix_expansions > 1000) {
    return OutOfRange("search.prefix_expansions", static_cast<double>(s.prefix_expansions), "1..1000");
  }
  if (s.typo.first_letter_cost < 1)
    return OutOfRange("search.typo.first_letter_cost", s.typo.first_letter_cost, ">= 1");
  if (s.typo.max_candidates < 1 || s.typo.max_candidates > 100) {
    return OutOfRange("search.typo.max_candidates", static_cast<double>(s.typo.max_candidates), "1..100");
  }
  if (s.limits.max_limit > 10000)
    return OutOfRange("search.limits.max_limit", static_cast<double>(s.limits.max_limit), "<= 10000");
  if (options.analytics_options.flush_interval_ms < 1) {
    return OutOfRange("analytics_options.flush_interval_ms", options.analytics_options.flush_interval_ms, ">= 1");
  }
  for (const auto& role : options.draft_viewer_roles) {
    // Principals are normalised before they are matched, so an id that is
    // not normalised would never match anyone.
    auto normal = NormalizePrincipalId(role, "draft_viewer_roles");
    if (!normal.ok()) return normal.status();
    if (normal.value() != role) {
      return Status::InvalidArgument("draft_viewer_roles '" + role + "': write it as '" + normal.value() + "'");
    }
  }
  return Status::Ok();
}

}  // namespace portalkb
