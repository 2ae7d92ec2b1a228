#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "portalkb/engine.h"
#include "portalkb/index_writer.h"
#include "portalkb/json.h"

namespace portalkb::cli {

int RunDelete(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::vector<std::string> ids;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "id", po::value(&ids)->required()->composing(), "ids of the documents to delete");
  po::positional_options_description positional;
  positional.add("id", -1);
  bool help = false;
  auto vm = ParseOptions("delete", args, options, positional, "--db DIR ID...", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  WriterOptions writer_options;
  writer_options.create_if_missing = false;
  auto writer = IndexWriter::Open(db, writer_options);
  if (!writer.ok()) return ReportError("delete", writer.status());
  std::size_t deleted = 0;
  std::size_t missing = 0;
  for (const auto& id : ids) {
    auto existed = writer.value()->Delete(id);
    if (!existed.ok()) return ReportError("delete", existed.status());
    if (existed.value()) {
      ++deleted;
    } else {
      ++missing;
      std::cerr << "portalkb delete: no document with id '" << id << "'\n";
    }
  }
  if (Status s = writer.value()->Commit(); !s.ok()) return ReportError("delete", s);
  if (deleted > 0) {
    nlohmann::json detail{{"deleted", deleted}, {"ids", nlohmann::json::array()}};
    for (std::size_t i = 0; i < ids.size() && i < 100; ++i) detail["ids"].push_back(ids[i]);
    RecordAudit(db, "document.delete", detail.dump());
  }
  std::printf("deleted %zu documents, %zu not found\n", deleted, missing);
  return missing == 0 ? kExitOk : kExitFailure;
}

int RunStats(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  options.add_options()("db", po::value(&db)->required(), "index directory")("json", "print one JSON object");
  bool help = false;
  // Counts over the whole index: an administrative view, run as admin.
  auto vm = ParseOptions("stats", args, options, {},
                         "--db DIR [--json]\n\nCounts every document, drafts and restricted ones included "
                         "(runs as admin).",
                         help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  auto engine = Engine::Open(db);
  if (!engine.ok()) return ReportError("stats", engine.status());
  auto stats = engine.value()->Stats();
  if (!stats.ok()) return ReportError("stats", stats.status());

  if (vm->count("json")) {
    std::cout << ToJson(stats.value()) << "\n";
    return kExitOk;
  }
  std::printf("index      %s (as admin: every document counted)\n", db.c_str());
  std::printf("documents  %llu\n", static_cast<unsigned long long>(stats->documents));
  for (const auto& [type, n] : stats->by_type)
    std::printf("  %-9s%llu\n", type.c_str(), static_cast<unsigned long long>(n));
  std::printf("languages ");
  for (const auto& [lang, n] : stats->by_lang)
    std::printf(" %s %llu", lang.c_str(), static_cast<unsigned long long>(n));
  std::printf("\nterms      %llu\n", static_cast<unsigned long long>(stats->terms));
  std::printf("size       %.1f MiB\n", static_cast<double>(stats->bytes) / (1024.0 * 1024.0));
  std::printf("analytics  %s\n", stats->analytics.c_str());
  return kExitOk;
}

}  // namespace portalkb::cli
