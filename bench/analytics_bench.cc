// Analytics at scale: each report over a generated log of 1,000,000 searches,
// and what logging adds to a search on the bundled corpus.
//   build/bench/analytics_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iterator>

#include "analytics/redactor.h"
#include "analytics_log_generator.h"
#include "portalkb/portalkb.h"

namespace portalkb {
namespace {

constexpr std::size_t kSearches = 1'000'000;

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string TempPath(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("portalkb-analytics-bench-" + std::to_string(getpid()) + "-" + name);
}

struct Fixture {
  std::string log_path;
  std::unique_ptr<Analytics> log;
  std::string index;
  std::string error;
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* x = new Fixture;
    // The log sits where the engine looks for it, so suggestions and logged
    // searches below run against the million searches too.
    x->index = TempPath("index");
    x->log_path = Analytics::PathFor(x->index);
    std::atexit([] {
      auto& g = Get();
      g.log.reset();
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(g.log_path + suffix);
      std::filesystem::remove_all(g.index);
    });
    auto log = Analytics::Open(x->log_path);
    if (!log.ok()) {
      x->error = log.status().ToString();
      return x;
    }
    x->log = std::move(log).value();
    GenerateLog(*x->log, kSearches, NowMs());
    if (Status s = x->log->Flush(); !s.ok()) x->error = s.ToString();
    auto writer = IndexWriter::Open(x->index);
    if (!writer.ok() || !writer.value()->Ingest({std::string(PORTALKB_SOURCE_DIR) + "/corpus/articles"}).ok()) {
      x->error = "cannot index the corpus";
    }
    return x;
  }();
  return *f;
}

void RunReport(benchmark::State& state, const char* kind) {
  Fixture& f = Get();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  ReportRequest r;
  r.kind = kind;
  r.since_ms = NowMs() - 91LL * 86400000;
  std::size_t rows = 0;
  for (auto _ : state) {
    auto report = f.log->Run(r);
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      return;
    }
    rows = report->rows.size();
  }
  // Sanity check: a report over a million searches has rows.
  if (rows == 0) state.SkipWithError("empty report");
  state.counters["rows"] = static_cast<double>(rows);
}

void BM_ReportZeroResults(benchmark::State& s) { RunReport(s, "zero-results"); }
void BM_ReportSummary(benchmark::State& s) { RunReport(s, "summary"); }
void BM_ReportTopQueries(benchmark::State& s) { RunReport(s, "top-queries"); }
void BM_ReportLowCtr(benchmark::State& s) { RunReport(s, "low-ctr"); }
void BM_ReportContentGaps(benchmark::State& s) { RunReport(s, "content-gaps"); }
void BM_ReportFeedback(benchmark::State& s) { RunReport(s, "feedback"); }
void BM_ReportSupportContacts(benchmark::State& s) { RunReport(s, "support-contacts"); }
BENCHMARK(BM_ReportZeroResults)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ReportSummary)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ReportTopQueries)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ReportLowCtr)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ReportContentGaps)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ReportFeedback)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_ReportSupportContacts)->Unit(benchmark::kMillisecond)->Iterations(1);

// What visitors type into the search box, from two letters on.
constexpr const char* kSuggestPrefixes[] = {"fa", "factuur d", "wacht", "pass", "ret", "lösen", "contract op"};

// The log's share of a suggestion (Engine::Suggest): frequent successful
// queries starting with what was typed, from a million searches.
void BM_FrequentQueriesForSuggest(benchmark::State& state) {
  Fixture& f = Get();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  const char* prefix = kSuggestPrefixes[state.range(0)];
  std::size_t found = 0;
  for (auto _ : state) {
    auto q = f.log->FrequentQueries(prefix, 5);
    if (!q.ok()) {
      state.SkipWithError(q.status().ToString().c_str());
      return;
    }
    found += q->empty() ? 0 : 1;
  }
  if (found == 0) state.SkipWithError("no frequent queries for this prefix");
  state.SetLabel(prefix);
}
BENCHMARK(BM_FrequentQueriesForSuggest)
    ->DenseRange(0, static_cast<int>(std::size(kSuggestPrefixes)) - 1)
    ->Unit(benchmark::kMicrosecond);

// A whole suggestion: titles, then frequent queries, each checked by a
// search as the (anonymous) principal.
void BM_SuggestWithMillionSearchLog(benchmark::State& state) {
  Fixture& f = Get();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  auto engine = std::move(Engine::Open(f.index)).value();
  std::size_t i = 0, from_log = 0;
  for (auto _ : state) {
    SuggestRequest request;
    request.prefix = kSuggestPrefixes[i++ % std::size(kSuggestPrefixes)];
    auto s = engine->Suggest(request);
    if (!s.ok()) {
      state.SkipWithError(s.status().ToString().c_str());
      return;
    }
    for (const auto& suggestion : s.value()) from_log += suggestion.kind == "query" ? 1 : 0;
  }
  if (from_log == 0) state.SkipWithError("no suggestion came from the log");
}
BENCHMARK(BM_SuggestWithMillionSearchLog)->Unit(benchmark::kMicrosecond);

void Search(benchmark::State& state, bool log) {
  Fixture& f = Get();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  EngineOptions options;
  options.analytics = log;
  auto engine = std::move(Engine::Open(f.index, options)).value();
  if (log && engine->analytics() == nullptr) {
    state.SkipWithError(engine->analytics_status().ToString().c_str());
    return;
  }
  static const char* kQueries[] = {"factuur downloaden", "wachtwoord vergeten", "return an item", "parkeervergunning",
                                   "mijn email is jan@example.com"};
  std::size_t i = 0;
  for (auto _ : state) {
    SearchRequest r;
    r.query = kQueries[i++ % 5];
    r.session = "bench";
    r.correct = false;
    auto response = engine->Search(r);
    if (!response.ok() || (log && response->query_id.empty())) state.SkipWithError("search failed");
  }
}
void BM_SearchWithoutLogging(benchmark::State& s) { Search(s, false); }
void BM_SearchWithLogging(benchmark::State& s) { Search(s, true); }
BENCHMARK(BM_SearchWithoutLogging)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchWithLogging)->Unit(benchmark::kMicrosecond);

// What every logged search pays for redaction: a plain query, one holding
// an e-mail address and an IBAN, and 800 bytes of digits and separators (the
// fuzz target's slow kind of input). Checks that the planted items go.
void BM_Redact(benchmark::State& state) {
  std::string text;
  switch (state.range(0)) {
    case 0:
      text = "factuur downloaden van vorige maand";
      break;
    case 1:
      text = "mijn email is jan.jansen@example.com en iban NL91ABNA0417164300, waar blijft mijn terugbetaling?";
      break;
    default:
      for (int i = 0; text.size() < 800; ++i) text += std::to_string(i * 7919 % 100000) + (i % 3 == 0 ? "-" : " ");
  }
  const Redactor redactor;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string out = redactor.Redact(text);
    bytes += out.size();
    if (state.range(0) == 1 &&
        (out.find("jan.jansen") != std::string::npos || out.find("0417164300") != std::string::npos)) {
      state.SkipWithError("a planted item survived the redactor");
      break;
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetLabel(std::to_string(text.size()) + " bytes");
}
BENCHMARK(BM_Redact)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace portalkb

BENCHMARK_MAIN();
