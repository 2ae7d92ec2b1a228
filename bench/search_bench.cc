// End-to-end search latency on the bundled corpus: plain, typo and prefix
// queries from corpus/queries, and suggestions; then the same plain and typo
// queries on 100,000 documents generated from the corpus (built once, on
// first use, in a temporary directory; takes a minute).
//   build/bench/search_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "corpus_generator.h"
#include "portalkb/portalkb.h"

namespace portalkb {
namespace {

struct Corpus {
  std::string index;
  std::vector<EvalQuery> queries;
  std::string error;
};

// Benchmarks leave no analytics log beside their temporary indexes
// (analytics_bench measures logging).
EngineOptions NoLog() {
  EngineOptions options;
  options.analytics = false;
  return options;
}

// Builds an index in a temporary directory with `fill` (which returns an
// error message or "") and loads the evaluation queries beside it.
Corpus* MakeCorpus(const std::string& name, const std::function<std::string(IndexWriter&)>& fill) {
  auto* c = new Corpus;
  c->index = std::filesystem::temp_directory_path() / ("portalkb-bench-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(c->index);
  auto writer = IndexWriter::Open(c->index);
  if (!writer.ok()) {
    c->error = writer.status().ToString();
    return c;
  }
  c->error = fill(*writer.value());
  auto queries = LoadEvalQueries(std::string(PORTALKB_SOURCE_DIR) + "/corpus/queries");
  if (queries.ok()) c->queries = std::move(queries).value();
  return c;
}

const Corpus& Get() {
  static const Corpus* corpus = [] {
    const std::string root = PORTALKB_SOURCE_DIR;
    Corpus* c = MakeCorpus("corpus", [&](IndexWriter& writer) -> std::string {
      auto report = writer.Ingest({root + "/corpus/articles", root + "/corpus/documents"});
      return report.ok() && report->added > 0 ? "" : "could not index the bundled corpus";
    });
    std::atexit([] { std::filesystem::remove_all(Get().index); });
    return c;
  }();
  return *corpus;
}

// Searches the corpus' queries of one kind, round robin, as `principal`.
// Sanity check: with `expected_ids`, most queries must find their expected
// article in the first page; otherwise (generated documents have their own
// ids) most must find something.
void RunQueries(benchmark::State& state, const Corpus& c, const std::string& kind, const Principal& principal,
                bool expected_ids) {
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::vector<const EvalQuery*> selected;
  for (const auto& q : c.queries) {
    if (q.kind == kind) selected.push_back(&q);
  }
  if (selected.empty()) {
    state.SkipWithError("no queries of this kind");
    return;
  }
  auto engine = std::move(Engine::Open(c.index, NoLog())).value();
  std::size_t i = 0;
  std::size_t found = 0;
  std::size_t runs = 0;
  for (auto _ : state) {
    const EvalQuery& q = *selected[i++ % selected.size()];
    SearchRequest request;
    request.query = q.query;
    request.lang = q.lang;
    request.principal = principal;
    request.log = false;
    auto r = engine->Search(request);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    ++runs;
    const bool hit = !expected_ids ? r->total > 0 : std::any_of(r->hits.begin(), r->hits.end(), [&](const Hit& h) {
      return std::find(q.expected.begin(), q.expected.end(), h.id) != q.expected.end();
    });
    found += hit ? 1 : 0;
  }
  // A search that finds nothing is not a fast search.
  if (found * 2 < runs) state.SkipWithError("most queries missed what they should find");
  state.counters["queries"] = static_cast<double>(selected.size());
}

// As the evaluation does: expected articles include role-restricted ones.
void RunKind(benchmark::State& state, const std::string& kind) {
  RunQueries(state, Get(), kind, Principal::Admin(), true);
}

void BM_SearchPlain(benchmark::State& state) { RunKind(state, "plain"); }
void BM_SearchTypo(benchmark::State& state) { RunKind(state, "typo"); }
void BM_SearchPrefix(benchmark::State& state) { RunKind(state, "prefix"); }
BENCHMARK(BM_SearchPlain)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchTypo)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchPrefix)->Unit(benchmark::kMicrosecond);

void BM_Suggest(benchmark::State& state) {
  const Corpus& c = Get();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  auto engine = std::move(Engine::Open(c.index, NoLog())).value();
  static const char* kPrefixes[] = {"wacht", "factuur d", "park", "return", "change del", "glömt lö", "adres"};
  std::size_t i = 0;
  std::size_t nonempty = 0;
  for (auto _ : state) {
    SuggestRequest request;
    request.prefix = kPrefixes[i++ % 7];
    auto s = engine->Suggest(request);
    if (!s.ok()) {
      state.SkipWithError(s.status().ToString().c_str());
      return;
    }
    nonempty += s->empty() ? 0 : 1;
  }
  if (nonempty == 0) state.SkipWithError("no suggestions at all");
}
BENCHMARK(BM_Suggest)->Unit(benchmark::kMicrosecond);

constexpr std::uint64_t kGenerated = 100000;

const Corpus& Generated() {
  static const Corpus* corpus = [] {
    const std::string root = PORTALKB_SOURCE_DIR;
    Corpus* c = MakeCorpus("100k", [&](IndexWriter& writer) -> std::string {
      auto generator = CorpusGenerator::FromPaths({root + "/corpus/articles", root + "/corpus/documents"});
      if (!generator.ok()) return generator.status().ToString();
      for (std::uint64_t i = 0; i < kGenerated; ++i) {
        if (!writer.Put(generator->Make(i)).ok()) return "could not index generated document " + std::to_string(i);
      }
      return writer.Commit().ok() ? "" : "commit failed";
    });
    std::atexit([] { std::filesystem::remove_all(Generated().index); });
    return c;
  }();
  return *corpus;
}

void RunGenerated(benchmark::State& state, const std::string& kind) {
  Principal customer;
  customer.user = "u1";
  customer.org = "org7";
  customer.roles = {"customer"};
  RunQueries(state, Generated(), kind, customer, false);
  state.counters["documents"] = static_cast<double>(kGenerated);
}

void BM_SearchPlainGenerated100k(benchmark::State& state) { RunGenerated(state, "plain"); }
void BM_SearchTypoGenerated100k(benchmark::State& state) { RunGenerated(state, "typo"); }
BENCHMARK(BM_SearchPlainGenerated100k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchTypoGenerated100k)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace portalkb

BENCHMARK_MAIN();
