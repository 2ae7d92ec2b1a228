// CopyIndexSnapshot: an online copy of one revision of an index, for backups.
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "storage/schema.h"
#include "storage/store.h"

namespace portalkb {
namespace fs = std::filesystem;

Result<IndexSnapshotInfo> CopyIndexSnapshot(const std::string& path, const std::string& destination, int max_attempts) {
  // Open() checks that it is a portalkb index of this format, so a backup
  // never carries someone else's database.
  auto store = ReadableStore::Open(path);
  if (!store.ok()) return store.status();
  if (max_attempts < 1) max_attempts = 1;
  std::error_code ec;
  IndexSnapshotInfo info;
  Status last;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    fs::remove_all(destination, ec);
    bool modified = false;
    info.attempts = attempt;
    last = GuardXapian("copy index '" + path + "'", [&] {
      try {
        // A fresh handle per attempt: its revision is the one copied.
        Xapian::Database db(path);
        info.revision = db.get_revision();
        info.documents = db.get_doccount();
        db.compact(destination, Xapian::DBCOMPACT_NO_RENUMBER);
      } catch (const Xapian::DatabaseModifiedError&) {
        modified = true;
      } catch (const Xapian::DatabaseCorruptError&) {
        // Seen transiently while a writer commits fast (XAPIAN-NOTES.md);
        // a real corruption fails every attempt and is reported below.
        if (attempt == max_attempts) throw;
        modified = true;
      } catch (const std::length_error&) {
        // The same torn read surfacing as a garbage length inside the
        // compactor ("basic_string::append"): seen once in CI while the
        // writer committed every 2 ms. Transient in the same way.
        if (attempt == max_attempts) throw;
        modified = true;
      }
    });
    if (last.ok() && !modified) return info;
    if (!last.ok()) break;
    last = Status::Busy("copy index '" + path + "': a commit overtook each of " + std::to_string(max_attempts) +
                        " attempts to copy one revision; try again when fewer commits arrive");
  }
  fs::remove_all(destination, ec);
  return last;
}

}  // namespace portalkb
