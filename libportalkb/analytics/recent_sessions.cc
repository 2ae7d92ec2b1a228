#include "analytics/recent_sessions.h"

#include <bit>
#include <cstring>
#include <functional>

namespace portalkb {

RecentSessions::RecentSessions(std::size_t slots) : slots_(std::bit_ceil(slots > 0 ? slots : 1), Slot{}) {}

std::uint64_t RecentSessions::Hash(std::string_view text) { return std::hash<std::string_view>{}(text); }

bool RecentSessions::Extends(const Entry& earlier, std::string_view later) {
  return earlier.normalized_size < later.size() &&
         Hash(later.substr(0, earlier.normalized_size)) == earlier.normalized_hash;
}

RecentSessions::Slot& RecentSessions::SlotFor(std::string_view session) {
  return slots_[Hash(session) & (slots_.size() - 1)];
}

const RecentSessions::Slot& RecentSessions::SlotFor(std::string_view session) const {
  return slots_[Hash(session) & (slots_.size() - 1)];
}

bool RecentSessions::Holds(const Slot& slot, std::string_view session) {
  return slot.session_size != 0 && slot.session_size == session.size() &&
         std::memcmp(slot.session, session.data(), session.size()) == 0;
}

std::optional<RecentSessions::Entry> RecentSessions::Find(std::string_view session) const {
  if (session.empty() || session.size() > kMaxId) return std::nullopt;
  const Slot& slot = SlotFor(session);
  if (!Holds(slot, session)) return std::nullopt;
  return Entry{std::string(slot.query_id, slot.query_id_size), slot.normalized_size, slot.normalized_hash, slot.ts_ms,
               slot.seq};
}

void RecentSessions::Remember(std::string_view session, std::string_view query_id, std::string_view normalized,
                              long long ts_ms, long long seq) {
  if (session.empty() || session.size() > kMaxId) return;  // never found either
  Slot& slot = SlotFor(session);
  if (query_id.empty() || query_id.size() > kMaxId || normalized.size() > UINT32_MAX) {
    // What the slot holds for the session is no longer its latest search.
    if (Holds(slot, session)) slot.session_size = 0;
    return;
  }
  std::memcpy(slot.session, session.data(), session.size());
  slot.session_size = static_cast<std::uint8_t>(session.size());
  std::memcpy(slot.query_id, query_id.data(), query_id.size());
  slot.query_id_size = static_cast<std::uint8_t>(query_id.size());
  slot.normalized_size = static_cast<std::uint32_t>(normalized.size());
  slot.normalized_hash = Hash(normalized);
  slot.ts_ms = ts_ms;
  slot.seq = seq;
}

}  // namespace portalkb
