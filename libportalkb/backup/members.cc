#include "backup/members.h"

#include <algorithm>
#include <string_view>

namespace portalkb::backup {

std::string IndexBase(const std::string& db_dir) {
  std::string base = db_dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base;
}

namespace {

std::string Printable(const std::string& name) {
  // Names come from the archive: cut and strip control bytes before they
  // reach a message or a terminal.
  std::string out;
  for (char c : name.substr(0, 200)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  return name.size() > 200 ? out + "..." : out;
}

bool IsPlainFileName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Status CheckMemberName(const std::string& name) {
  const std::string shown = "archive member '" + Printable(name) + "'";
  if (name.empty()) return Status::Corruption("archive member with an empty name");
  if (name.front() == '/') return Status::Corruption(shown + ": absolute path");
  const std::string_view view(name);
  for (std::size_t start = 0; start <= view.size();) {
    const std::size_t end = std::min(view.find('/', start), view.size());
    if (view.substr(start, end - start) == "..") return Status::Corruption(shown + ": path with '..'");
    start = end + 1;
  }
  if (name == kManifestName) return Status::Ok();
  if (view.starts_with(kIndexPrefix)) {
    if (IsPlainFileName(view.substr(std::string_view(kIndexPrefix).size()))) return Status::Ok();
    return Status::Corruption(shown + ": not a plain file name under index/");
  }
  for (const auto& store : kSqliteStores) {
    if (name == std::string(store.name) + ".sqlite") return Status::Ok();
  }
  for (const auto& side : kSideFiles) {
    if (name == side.member) return Status::Ok();
  }
  return Status::Corruption(shown + ": unknown member (not one this build writes)");
}

bool IsSecretMember(const std::string& member) {
  for (const auto& side : kSideFiles) {
    if (member == side.member) return side.secret;
  }
  return false;
}

std::string SuffixOfMember(const std::string& member) {
  for (const auto& store : kSqliteStores) {
    if (member == std::string(store.name) + ".sqlite") return store.suffix;
  }
  for (const auto& side : kSideFiles) {
    if (member == side.member) return side.suffix;
  }
  return "";
}

}  // namespace portalkb::backup
