// What a backup archive may hold: the member names, the stores beside an
// index and where each is restored. Shared by backup.cc and restore.cc.
#pragma once

#include <cstdint>
#include <string>

#include "portalkb/status.h"

namespace portalkb::backup {

inline constexpr const char* kManifestName = "MANIFEST.json";
inline constexpr std::uint64_t kMaxManifestBytes = 4 << 20;
inline constexpr const char* kIndexPrefix = "index/";

// An SQLite store beside the index, "<db_dir><suffix>", copied with SQLite's
// backup API and archived as "<name>.sqlite". A new store is one line here.
struct SqliteStore {
  const char* name;
  const char* suffix;
};
inline constexpr SqliteStore kSqliteStores[] = {
    {"analytics", ".analytics.sqlite"},  // Analytics::PathFor
    {"audit", ".audit.sqlite"},          // AuditTrail::PathFor
    {"accounts", ".accounts.sqlite"},    // Accounts::PathFor (its key file lives elsewhere: back it up apart)
};

// A small plain file beside the index, copied byte for byte (at most
// `max_bytes`) and archived as `member`; `secret` files are restored 0600.
struct SideFile {
  const char* member;
  const char* suffix;
  std::uint64_t max_bytes;
  bool secret;
};
inline constexpr SideFile kSideFiles[] = {
    {"analytics.sqlite.key", ".analytics.sqlite.key", 4096, true},  // Analytics::KeyPathFor
    {"audit.sqlite.key", ".audit.sqlite.key", 4096, true},          // AuditTrail::KeyPathFor
    {"redaction.txt", ".redaction.txt", 1 << 20, false},            // extra redaction patterns
};

// `db_dir` without trailing slashes: the stores are "<base><suffix>".
std::string IndexBase(const std::string& db_dir);

// Ok when `name` is a member an archive may hold: "index/<file>" (one plain
// file name: letters, digits, '.', '_', '-', not starting with '.'), a
// store's "<name>.sqlite" or a side file's member name. Corruption naming
// the member otherwise (absolute, "..", other directories, unknown names).
Status CheckMemberName(const std::string& name);

// Whether `member` (a name CheckMemberName accepts) is restored 0600.
bool IsSecretMember(const std::string& member);
// The suffix of a store or side file member beside the index ("" for index files).
std::string SuffixOfMember(const std::string& member);

}  // namespace portalkb::backup
