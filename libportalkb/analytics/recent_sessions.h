// The latest search of each recent session, for marking typing bursts
// without a file lookup per search: a table of fixed size, allocated and
// written when it is made, so remembering sessions never grows memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portalkb {

// A session's slot is chosen by a hash of its id (direct-mapped). A session
// that lands on a taken slot takes it over; Find then misses for the one it
// pushed out, and the caller looks in the file instead, so an eviction costs
// a lookup, never a wrong answer. The normalised query is kept as its length
// and a hash, which is all "does a later query type on it" needs.
//
// Thread-safety: none; the analytics store calls it under its mutex.
class RecentSessions {
 public:
  static constexpr std::size_t kDefaultSlots = 8192;
  // Ids longer than this are not remembered (a session id is a 32-character
  // pseudonym, a query id 26 characters).
  static constexpr std::size_t kMaxId = 32;

  struct Entry {
    std::string query_id;
    std::size_t normalized_size = 0;
    std::uint64_t normalized_hash = 0;
    long long ts_ms = 0;
    long long seq = 1;
  };

  // `slots` is rounded up to a power of two (at least 1).
  explicit RecentSessions(std::size_t slots = kDefaultSlots);

  std::optional<Entry> Find(std::string_view session) const;
  // Remembers `query_id` as `session`'s latest search. A session or query id
  // too long to keep forgets what was remembered for the session instead.
  void Remember(std::string_view session, std::string_view query_id, std::string_view normalized, long long ts_ms,
                long long seq);

  // The hash kept for a normalised query (and for a prefix of a later one).
  static std::uint64_t Hash(std::string_view text);
  // True when `later` types on the search `earlier`: a strict prefix extended.
  static bool Extends(const Entry& earlier, std::string_view later);

  std::size_t slots() const { return slots_.size(); }

 private:
  struct Slot {
    char session[kMaxId];
    char query_id[kMaxId];
    std::uint8_t session_size;  // 0: free
    std::uint8_t query_id_size;
    std::uint32_t normalized_size;
    std::uint64_t normalized_hash;
    long long ts_ms;
    long long seq;
  };
  Slot& SlotFor(std::string_view session);
  const Slot& SlotFor(std::string_view session) const;
  static bool Holds(const Slot& slot, std::string_view session);

  std::vector<Slot> slots_;
};

}  // namespace portalkb
