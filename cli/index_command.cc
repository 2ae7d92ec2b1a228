#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "portalkb/index_writer.h"

namespace portalkb::cli {
namespace {

std::string Megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// "3 s", "4 min 05 s": the time left at the rate so far, or "?" before there is one.
std::string TimeLeft(const IngestStatus& s) {
  // Under a second the rate says little (the first batch is still being analysed).
  if (s.bytes_done == 0 || s.seconds < 1 || s.bytes_total < s.bytes_done) return "?";
  const double rate = static_cast<double>(s.bytes_done) / s.seconds;
  const auto left = static_cast<long long>(static_cast<double>(s.bytes_total - s.bytes_done) / rate + 0.5);
  char text[32];
  if (left < 60) {
    std::snprintf(text, sizeof text, "%lld s", left);
  } else {
    std::snprintf(text, sizeof text, "%lld min %02lld s", left / 60, left % 60);
  }
  return text;
}

double DocumentsPerSecond(const IngestStatus& s) {
  return s.seconds > 0 ? static_cast<double>(s.documents) / s.seconds : 0.0;
}

int Percent(const IngestStatus& s) {
  if (s.bytes_total == 0) return 100;
  return static_cast<int>(std::min<std::uint64_t>(100, s.bytes_done * 100 / s.bytes_total));
}

// Redrawn in place on a terminal.
void DrawProgress(const IngestStatus& s) {
  constexpr int kWidth = 30;
  const int filled = kWidth * Percent(s) / 100;
  std::printf("\r\x1b[2K[%s%s] %3d%% %s of %s, %llu documents, %.0f documents/s, %s left",
              std::string(static_cast<std::size_t>(filled), '#').c_str(),
              std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(), Percent(s),
              Megabytes(s.bytes_done).c_str(), Megabytes(s.bytes_total).c_str(),
              static_cast<unsigned long long>(s.documents), DocumentsPerSecond(s), TimeLeft(s).c_str());
  std::fflush(stdout);
}

// A plain line every few seconds, for logs (--progress without a terminal).
void PrintProgressLine(const IngestStatus& s, double& next_at) {
  constexpr double kEverySeconds = 5;
  if (s.finished || s.seconds < next_at) return;
  next_at = s.seconds + kEverySeconds;
  std::fprintf(stderr, "indexing: %d%%, %s of %s, %llu documents, %.0f documents/s, %s left\n", Percent(s),
               Megabytes(s.bytes_done).c_str(), Megabytes(s.bytes_total).c_str(),
               static_cast<unsigned long long>(s.documents), DocumentsPerSecond(s), TimeLeft(s).c_str());
}

}  // namespace

int RunIndex(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::vector<std::string> paths;
  bool follow_symlinks = false;
  bool show_progress = false;
  std::size_t threads = 0;
  bool no_compact = false;
  options.add_options()("db", po::value(&db)->required(), "index directory (created if missing)")(
      "path", po::value(&paths)->required()->composing(), "files or directories to ingest")(
      "follow-symlinks", po::bool_switch(&follow_symlinks),
      "follow symbolic links that lead outside the directories given (default: report and skip them)")(
      "progress", po::bool_switch(&show_progress),
      "report progress even when standard output is not a terminal (a line on stderr every 5 s)")(
      "threads", po::value(&threads)->default_value(0),
      "threads analysing documents (0: one per hardware thread; 1: all on one thread)")(
      "no-compact", po::bool_switch(&no_compact),
      "do not compact an index this command creates (compacting makes it about a third smaller)");
  po::positional_options_description positional;
  positional.add("path", -1);
  bool help = false;
  auto vm = ParseOptions("index", args, options, positional,
                         "--db DIR [--follow-symlinks] [--progress] [--threads N] [--no-compact] PATH...", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  if (threads > kMaxAnalysisThreads) {
    std::cerr << "index: --threads " << threads << " is more than the limit of " << kMaxAnalysisThreads << "\n";
    return kExitUsage;
  }

  WriterOptions writer_options;
  writer_options.follow_symlinks = follow_symlinks;
  writer_options.analysis_threads = threads;
  writer_options.compact_new_index = !no_compact;
  auto writer = IndexWriter::Open(db, writer_options);
  if (!writer.ok()) return ReportError("index", writer.status());

  const bool terminal = StdoutIsTerminal();
  IngestBytesProgress progress;
  double next_line_at = 5;
  if (terminal) {
    progress = DrawProgress;
  } else if (show_progress) {
    progress = [&next_line_at](const IngestStatus& s) { PrintProgressLine(s, next_line_at); };
  }
  auto report = writer.value()->Ingest(paths, progress);
  if (terminal) std::printf("\r\x1b[2K");
  if (!report.ok()) return ReportError("index", report.status());

  for (const auto& r : report->rejected) {
    std::cerr << r.file;
    if (r.line > 0) std::cerr << ":" << r.line;
    std::cerr << ": rejected: " << r.reason << "\n";
  }
  const auto indexed = report->added + report->updated;
  if (indexed > 0) {
    RecordAudit(
        db, "document.publish",
        nlohmann::json{{"added", report->added}, {"updated", report->updated}, {"rejected", report->rejected.size()}}
            .dump());
  }
  const double rate = report->seconds > 0 ? static_cast<double>(indexed) / report->seconds : 0.0;
  std::printf(
      "indexed %llu documents from %llu files: %llu added, %llu updated, %zu rejected in %.2f s (%.0f documents/s)\n",
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
