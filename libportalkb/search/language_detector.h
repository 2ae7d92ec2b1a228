// Guesses which supported language a query is written in, from the index's
// own documents and the stop-word lists: no language model of its own.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "analysis/analyzer.h"

namespace portalkb {

// Each language scores kStopWordVote per query word on its stop-word list,
// plus, per word that occurs in the index, the share of the documents
// containing it that are in that language. The best-scoring language wins if
// it leads the next by kMinLead; otherwise "" (too close to call, or no
// word known). Looks at the first kMaxDetectionWords words; cost: one
// posting-list intersection per word and language, counted exactly up to
// kMaxDetectionCount documents.
// Thread-safety: safe if `db` is not used concurrently elsewhere.
std::string DetectQueryLanguage(const Xapian::Database& db, const std::vector<Token>& tokens);

// True when `folded` occurs in a document in `lang`.
bool OccursInLanguage(const Xapian::Database& db, const std::string& folded, const std::string& lang);

inline constexpr double kStopWordVote = 1.0;
inline constexpr double kMinLead = 0.5;
inline constexpr std::size_t kMaxDetectionWords = 16;
inline constexpr Xapian::doccount kMaxDetectionCount = 1000;

}  // namespace portalkb
