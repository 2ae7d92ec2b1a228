#include "backup/manifest.h"

#include <set>

#include <nlohmann/json.hpp>

#include "backup/members.h"
#include "core/text.h"

namespace portalkb {

std::string BackupManifestToJson(const BackupManifest& manifest) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const auto& f : manifest.files) files.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
  nlohmann::ordered_json stores = nlohmann::ordered_json::object();
  for (const auto& [name, tables] : manifest.store_rows) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::object();
    for (const auto& [table, n] : tables) rows[table] = n;
    stores[name] = {{"rows", rows}};
  }
  nlohmann::ordered_json j = {
      {"format", "portalkb-backup"},
      {"format_version", manifest.format_version},
      {"created_at", manifest.created_at},
      {"created_at_ms", manifest.created_at_ms},
      {"index", {{"revision", manifest.index_revision}, {"documents", manifest.documents}}},
      {"stores", stores},
      {"files", files},
  };
  return j.dump(2);
}

namespace backup {
namespace {

using Json = nlohmann::json;

Status Bad(const std::string& field, const std::string& what) {
  return Status::Corruption("MANIFEST.json: " + field + ": " + what);
}

// Every key of `object` must be one of `known`.
Status OnlyKeys(const Json& object, const std::string& field, std::initializer_list<const char*> known) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (const char* k : known) found = found || key == k;
    if (!found) return Bad(field.empty() ? key : field + "." + key, "unknown key");
  }
  for (const char* k : known) {
    if (!object.contains(k)) return Bad(field.empty() ? k : field + "." + k, "missing");
  }
  return Status::Ok();
}

// SQLite table names as portalkb's stores make them; also keeps control
// bytes out of messages and `restore`'s output.
bool IsTableName(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<BackupManifest> ParseManifest(const std::string& text, const RestoreOptions& limits) {
  if (text.size() > kMaxManifestBytes) {
    return Status::ResourceExhausted("MANIFEST.json: larger than " + std::to_string(kMaxManifestBytes) + " bytes");
  }
  // The size is bounded above; nlohmann 3.11 parses and destroys nesting
  // without recursion, and only the known shapes below are read.
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("(document)", "not valid JSON");
  if (!j.is_object()) return Bad("(document)", "not a JSON object");
  if (Status s =
          OnlyKeys(j, "", {"format", "format_version", "created_at", "created_at_ms", "index", "stores", "files"});
      !s.ok()) {
    return s;
  }
  if (j["format"] != "portalkb-backup") return Bad("format", "not \"portalkb-backup\"");
  if (!j["format_version"].is_number_integer()) return Bad("format_version", "not a whole number");
  BackupManifest m;
  m.format_version = j["format_version"].get<int>();
  if (m.format_version != kBackupFormatVersion) {
    return Status::Corruption("MANIFEST.json: backup format version " + std::to_string(m.format_version) +
                              " is not readable by this build (reads " + std::to_string(kBackupFormatVersion) + ")");
  }
  // Printed by `restore`: a date-time and nothing else (no terminal escapes).
  if (!j["created_at"].is_string() || j["created_at"].get_ref<const std::string&>().size() > 32 ||
      !ParseIsoDateTime(j["created_at"].get_ref<const std::string&>())) {
    return Bad("created_at", "not an ISO 8601 date-time");
  }
  m.created_at = j["created_at"].get<std::string>();
  if (!j["created_at_ms"].is_number_integer()) return Bad("created_at_ms", "not a whole number");
  m.created_at_ms = j["created_at_ms"].get<long long>();

  const Json& index = j["index"];
  if (!index.is_object()) return Bad("index", "not an object");
  if (Status s = OnlyKeys(index, "index", {"revision", "documents"}); !s.ok()) return s;
  if (!index["revision"].is_number_unsigned()) return Bad("index.revision", "not a whole number of 0 or more");
  if (!index["documents"].is_number_unsigned()) return Bad("index.documents", "not a whole number of 0 or more");
  m.index_revision = index["revision"].get<std::uint64_t>();
  m.documents = index["documents"].get<std::uint64_t>();

  const Json& stores = j["stores"];
  if (!stores.is_object()) return Bad("stores", "not an object");
  for (const auto& [name, store] : stores.items()) {
    bool known = false;
    for (const auto& s : kSqliteStores) known = known || name == s.name;
    if (!known) return Bad("stores", "unknown store (not one this build writes)");
    const std::string field = "stores." + name;
    if (!store.is_object()) return Bad(field, "not an object");
    if (Status s = OnlyKeys(store, field, {"rows"}); !s.ok()) return s;
    if (!store["rows"].is_object() || store["rows"].size() > 1000)
      return Bad(field + ".rows", "not an object of counts");
    auto& rows = m.store_rows[name];
    for (const auto& [table, n] : store["rows"].items()) {
      if (!IsTableName(table)) return Bad(field + ".rows", "a table name that is not 1-128 of A-Z a-z 0-9 _");
      if (!n.is_number_unsigned()) return Bad(field + ".rows." + table, "not a whole number of 0 or more");
      rows[table] = n.get<std::int64_t>();
    }
  }

  const Json& files = j["files"];
  if (!files.is_array()) return Bad("files", "not an array");
  if (files.size() > limits.max_files) {
    return Status::ResourceExhausted("MANIFEST.json: lists " + std::to_string(files.size()) + " files, more than " +
                                     std::to_string(limits.max_files));
  }
  std::set<std::string> seen;
  std::uint64_t total = 0;
  bool has_index = false;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const Json& f = files[i];
    const std::string field = "files[" + std::to_string(i) + "]";
    if (!f.is_object()) return Bad(field, "not an object");
    if (Status s = OnlyKeys(f, field, {"path", "size", "sha256"}); !s.ok()) return s;
    if (!f["path"].is_string()) return Bad(field + ".path", "not a string");
    BackupFile file;
    file.path = f["path"].get<std::string>();
    if (Status s = CheckMemberName(file.path); !s.ok()) return Bad(field + ".path", s.message());
    if (file.path == kManifestName) return Bad(field + ".path", "lists the manifest itself");
    if (!seen.insert(file.path).second) return Bad(field + ".path", "'" + file.path + "' listed twice");
    if (!f["size"].is_number_unsigned()) return Bad(field + ".size", "not a whole number of 0 or more");
    file.size = f["size"].get<std::uint64_t>();
    if (file.size > limits.max_file_bytes) {
      return Status::ResourceExhausted("MANIFEST.json: " + file.path + " is " + std::to_string(file.size) +
                                       " bytes, more than the limit of " + std::to_string(limits.max_file_bytes));
    }
    total += file.size;
    if (total > limits.max_total_bytes) {
      return Status::ResourceExhausted("MANIFEST.json: files add up to more than the limit of " +
                                       std::to_string(limits.max_total_bytes) + " bytes");
    }
    if (!f["sha256"].is_string() || !IsHex64(f["sha256"].get<std::string>())) {
      return Bad(field + ".sha256", "not 64 lower-case hex digits");
    }
    file.sha256 = f["sha256"].get<std::string>();
    has_index = has_index || file.path.starts_with(kIndexPrefix);
    m.files.push_back(std::move(file));
  }
  if (!has_index) return Bad("files", "no index files");
  return m;
}

}  // namespace backup
}  // namespace portalkb
