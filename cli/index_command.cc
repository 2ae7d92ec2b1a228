#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "portalkb/index_writer.h"

namespace portalkb::cli {
namespace {

void DrawProgress(std::size_t done, std::size_t total, std::uint64_t documents) {
  constexpr int kWidth = 30;
  const int filled = total == 0 ? kWidth : static_cast<int>(kWidth * done / total);
  std::printf("\r[%s%s] %zu/%zu files, %llu documents", std::string(static_cast<std::size_t>(filled), '#').c_str(),
              std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(), done, total,
              static_cast<unsigned long long>(documents));
  std::fflush(stdout);
}

}  // namespace

int RunIndex(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::vector<std::string> paths;
  bool follow_symlinks = false;
  options.add_options()
      ("db", po::value(&db)->required(), "index directory (created if missing)")
      ("path", po::value(&paths)->required()->composing(), "files or directories to ingest")
      ("follow-symlinks", po::bool_switch(&follow_symlinks),
       "follow symbolic links that lead outside the directories given (default: report and skip them)");
  po::positional_options_description positional;
  positional.add("path", -1);
  bool help = false;
  auto vm = ParseOptions("index", args, options, positional, "--db DIR [--follow-symlinks] PATH...", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  WriterOptions writer_options;
  writer_options.follow_symlinks = follow_symlinks;
  auto writer = IndexWriter::Open(db, writer_options);
  if (!writer.ok()) return ReportError("index", writer.status());

  const bool terminal = StdoutIsTerminal();
  IngestProgress progress;
  if (terminal) progress = DrawProgress;
  auto report = writer.value()->Ingest(paths, progress);
  if (terminal) std::printf("\r\x1b[2K");
  if (!report.ok()) return ReportError("index", report.status());

  for (const auto& r : report->rejected) {
    std::cerr << r.file;
    if (r.line > 0) std::cerr << ":" << r.line;
    std::cerr << ": rejected: " << r.reason << "\n";
  }
  const auto indexed = report->added + report->updated;
  const double rate = report->seconds > 0 ? static_cast<double>(indexed) / report->seconds : 0.0;
  std::printf("indexed %llu documents from %llu files: %llu added, %llu updated, %zu rejected in %.2f s (%.0f documents/s)\n",
              static_cast<unsigned long long>(indexed), static_cast<unsigned long long>(report->files),
              static_cast<unsigned long long>(report->added), static_cast<unsigned long long>(report->updated),
              report->rejected.size(), report->seconds, rate);
  if (report->derived_titles > 0) {
    std::printf("%llu documents had no title; it was taken from their summary or first sentence\n",
                static_cast<unsigned long long>(report->derived_titles));
  }
  return report->rejected.empty() ? kExitOk : kExitFailure;
}

}  // namespace portalkb::cli
