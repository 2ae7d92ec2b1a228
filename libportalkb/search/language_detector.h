// Guesses which supported language a query is written in, from the index's
// own documents and the stop-word lists: no language model of its own.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "access/access_filter.h"
#include "access/access_set.h"
#include "analysis/analyzer.h"

namespace portalkb {

// Each language scores kStopWordVote per query word on its stop-word list,
// plus, per word that occurs in a document `access` matches (the principal's
// access filter; MatchAll for an admin), the share of those documents that
// are in that language. Documents the principal may not see take no part:
// the detected language must not tell what they hold. The best-scoring
// language wins if it leads the next by kMinLead; otherwise "" (too close
// to call, or no word known). Looks at the first kMaxDetectionWords words;
// cost: one posting-list intersection per word and language, counted up to
// kMaxDetectionCount documents each.
// Thread-safety: safe if `db` is not used concurrently elsewhere.
std::string DetectQueryLanguage(const Xapian::Database& db, const std::vector<Token>& tokens,
                                const Xapian::Query& access);

// True when `folded` occurs in a document in `lang` that `access` matches.
bool OccursInLanguage(const Xapian::Database& db, const std::string& folded, const std::string& lang,
                      const Xapian::Query& access);

// The documents `access` matches and those of each supported language as
// sets (access/access_filter.h), when they can be had: then detection and
// the language probe walk each word's postings once instead of running a
// query per word and language, with the same answers.
struct LanguageSets {
  // Null unless VisibleDocuments::Of gave one and every language's set is
  // built.
  static std::optional<LanguageSets> Of(std::optional<VisibleDocuments> visible, const Xapian::Database& db,
                                        const AccessSetCache& cache);
  VisibleDocuments visible;
  std::vector<std::pair<std::string, std::shared_ptr<const AccessSet>>> langs;  // SupportedLanguages() order
};
std::string DetectQueryLanguage(const Xapian::Database& db, const std::vector<Token>& tokens,
                                const Xapian::Query& access, const LanguageSets* sets);
bool OccursInLanguage(const Xapian::Database& db, const std::string& folded, const std::string& lang,
                      const Xapian::Query& access, const LanguageSets* sets);

inline constexpr double kStopWordVote = 1.0;
inline constexpr double kMinLead = 0.5;
inline constexpr std::size_t kMaxDetectionWords = 16;
inline constexpr Xapian::doccount kMaxDetectionCount = 200;

}  // namespace portalkb
