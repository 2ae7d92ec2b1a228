// What the crash driver writes and the harness checks (see crash_driver.cc).
#pragma once

#include <string>

namespace portalkb::crash {

inline constexpr int kBatchSize = 4;                    // documents per batch (one commit)
inline constexpr int kEventsPerRound = 7;               // search events logged between two flushes
inline constexpr long long kFirstTs = 1767225600000LL;  // event n has ts kFirstTs + n

inline std::string DocId(long batch, int j) { return "b" + std::to_string(batch) + "-" + std::to_string(j); }

}  // namespace portalkb::crash
