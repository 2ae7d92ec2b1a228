// portalkb backup / restore: thin shells over portalkb/backup.h.
#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "portalkb/backup.h"

namespace portalkb::cli {
namespace {

void PrintSummary(const char* verb, const std::string& file, const BackupManifest& m) {
  std::uint64_t bytes = 0;
  for (const auto& f : m.files) bytes += f.size;
  std::printf("%s %s\n", verb, file.c_str());
  std::printf("created    %s\n", m.created_at.c_str());
  std::printf("index      revision %llu, %llu documents\n", static_cast<unsigned long long>(m.index_revision),
              static_cast<unsigned long long>(m.documents));
  for (const auto& [store, tables] : m.store_rows) {
    std::printf("%-10s", store.c_str());
    for (const auto& [table, n] : tables) std::printf(" %s %lld", table.c_str(), static_cast<long long>(n));
    std::printf("\n");
  }
  std::printf("files      %zu, %.1f MiB, SHA-256 checked\n", m.files.size(),
              static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

int RunBackup(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::string out;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "out", po::value(&out)->required(), "archive file to write (a tar, mode 0600)")(
      "force", "replace --out when it exists (once the new archive is complete)")("json", "print the manifest as JSON");
  bool help = false;
  auto vm = ParseOptions("backup", args, options, {},
                         "--db DIR --out FILE [--force] [--json]\n\nCopies the index (one committed revision), "
                         "its settings and synonyms, and the analytics log with its key, while searches and "
                         "writes go on.",
                         help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  BackupOptions backup_options;
  backup_options.overwrite = vm->count("force") > 0;
  auto manifest = Backup(db, out, backup_options);
  if (!manifest.ok()) return ReportError("backup", manifest.status());
  if (vm->count("json")) {
    std::cout << BackupManifestToJson(manifest.value()) << "\n";
  } else {
    PrintSummary("backup", out, manifest.value());
  }
  return kExitOk;
}

int RunRestore(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string archive;
  std::string db;
  options.add_options()("archive", po::value(&archive)->required(), "archive file written by portalkb backup")(
      "db", po::value(&db), "index directory to restore into (required unless --verify)")(
      "force", "replace an existing index directory and the stores beside it")(
      "verify", "only check the archive (every member and checksum); write nothing")("json",
                                                                                     "print the manifest as JSON");
  po::positional_options_description positional;
  positional.add("archive", 1);
  bool help = false;
  auto vm = ParseOptions("restore", args, options, positional,
                         "FILE --db DIR [--force] [--json]\n       portalkb restore FILE --verify [--json]\n\n"
                         "Verifies every checksum first, restores beside DIR and renames into place.",
                         help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  RestoreOptions restore_options;
  restore_options.verify_only = vm->count("verify") > 0;
  restore_options.overwrite = vm->count("force") > 0;
  if (!restore_options.verify_only && db.empty()) {
    std::cerr << "portalkb restore: the option '--db' is required (or --verify) (see portalkb restore --help)\n";
    return kExitUsage;
  }
  auto manifest = Restore(archive, db, restore_options);
  if (!manifest.ok()) return ReportError("restore", manifest.status());
  if (vm->count("json")) {
    std::cout << BackupManifestToJson(manifest.value()) << "\n";
  } else {
    PrintSummary(restore_options.verify_only ? "verified" : "restored", restore_options.verify_only ? archive : db,
                 manifest.value());
  }
  return kExitOk;
}

}  // namespace portalkb::cli
