// The process the crash harness (crash_test.cc) kills: it indexes a batch
// and commits, logs analytics events and flushes, in a loop, through the
// public API only, and after each commit or flush that returned OK appends
// what is now durable to a marker file (fsync'd):
//
//   index <batch>    the index holds exactly the documents of <batch>
//   events <count>   the log holds search events crash-0 .. crash-<count-1>
//
// Batch b is kBatchSize documents "b<b>-<j>"; each commit adds batch b and
// deletes batch b-1, so the index always holds exactly one batch.
//
// Usage: crash_driver INDEX LOG MARKERS FIRST_BATCH FIRST_EVENT
// (the harness passes the batch and event count it last verified). Writes
// one byte to stdout when both are open, then runs until killed; exits 2 on
// a usage error and 1 on any failed call.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "portalkb/portalkb.h"
#include "reliability/crash_protocol.h"

namespace {

using portalkb::crash::DocId;
using portalkb::crash::kBatchSize;
using portalkb::crash::kEventsPerRound;

// Appends `line` and makes it durable before the caller goes on, so a line
// present after the kill was written after its commit or flush returned.
bool AppendMarker(int fd, const std::string& line) {
  const std::string text = line + "\n";
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) return false;
  return fsync(fd) == 0;
}

int Fail(const char* what, const portalkb::Status& status) {
  std::fprintf(stderr, "crash_driver: %s: %s\n", what, status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: crash_driver INDEX LOG MARKERS FIRST_BATCH FIRST_EVENT\n");
    return 2;
  }
  const std::string index = argv[1];
  const std::string log = argv[2];
  const long first_batch = std::strtol(argv[4], nullptr, 10);
  long long event = std::strtoll(argv[5], nullptr, 10);
  const int markers = open(argv[3], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (markers < 0) {
    std::perror(argv[3]);
    return 2;
  }

  portalkb::WriterOptions writer_options;
  writer_options.analysis_threads = 1;
  auto writer = portalkb::IndexWriter::Open(index, writer_options);
  if (!writer.ok()) return Fail("open writer", writer.status());
  portalkb::AnalyticsOptions analytics_options;
  analytics_options.flush_interval_ms = 5;  // the writer thread also writes on its own, between our flushes
  auto analytics = portalkb::Analytics::Open(log, analytics_options);
  if (!analytics.ok()) return Fail("open analytics", analytics.status());
  // Tells the harness the loop starts, so it can aim some kills past
  // start-up; a harness that is not listening has closed the pipe.
  signal(SIGPIPE, SIG_IGN);
  (void)!write(STDOUT_FILENO, "r", 1);

  for (long batch = first_batch + 1;; ++batch) {
    for (int i = 0; i < kEventsPerRound; ++i, ++event) {
      portalkb::SearchEvent e;
      e.ts_ms = portalkb::crash::kFirstTs + event;  // increasing, so the log's order is ours
      e.query_id = "crash-" + std::to_string(event);
      e.query = "crashproof " + std::to_string(event % 13);
      e.lang = "en";
      e.session = "crash-session";
      e.results = kBatchSize;
      analytics.value()->LogSearch(std::move(e));
    }
    if (auto s = analytics.value()->Flush(); !s.ok()) return Fail("flush", s);
    if (!AppendMarker(markers, "events " + std::to_string(event))) return 1;

    for (int j = 0; j < kBatchSize; ++j) {
      portalkb::Document doc;
      doc.id = DocId(batch, j);
      doc.title = "Crash test " + doc.id;
      doc.body = "crashproof document of batch " + std::to_string(batch) + " number " + std::to_string(j);
      doc.lang = "en";
      doc.tags = {"crash"};
      doc.visibility = {portalkb::Grant{}};
      if (auto put = writer.value()->Put(std::move(doc)); !put.ok()) return Fail("put", put.status());
      // Batch 0 is the empty index: nothing to delete on the first round.
      if (auto del = writer.value()->Delete(DocId(batch - 1, j)); !del.ok()) return Fail("delete", del.status());
    }
    if (auto s = writer.value()->Commit(); !s.ok()) return Fail("commit", s);
    if (!AppendMarker(markers, "index " + std::to_string(batch))) return 1;
  }
}
