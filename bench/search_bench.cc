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

#include "corpus_generator.h"
#include "portalkb/portalkb.h"

namespace portalkb {
namespace {

struct Corpus {
  std::string index;
  std::vector<EvalQuery> queries;
  std::string error;
};

const Corpus& Get() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    const std::string root = PORTALKB_SOURCE_DIR;
    c->index = std::filesystem::temp_directory_path() / ("portalkb-bench-" + std::to_string(getpid()));
    std::filesystem::remove_all(c->index);
    auto writer = IndexWriter::Open(c->index);
    if (!writer.ok()) {
      c->error = writer.status().ToString();
      return c;
    }
    auto report = writer.value()->Ingest({root + "/corpus/articles", root + "/corpus/documents"});
    if (!report.ok() || report->added == 0) {
      c->error = "could not index the bundled corpus";
      return c;
    }
    auto queries = LoadEvalQueries(root + "/corpus/queries");
    if (queries.ok()) c->queries = std::move(queries).value();
    std::atexit([] { std::filesystem::remove_all(Get().index); });
    return c;
  }();
  return *corpus;
}

void RunKind(benchmark::State& state, const std::string& kind) {
  const Corpus& c = Get();
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
  auto engine = std::move(Engine::Open(c.index)).value();
  std::size_t i = 0;
  std::size_t found = 0;
  std::size_t runs = 0;
  for (auto _ : state) {
    const EvalQuery& q = *selected[i++ % selected.size()];
    SearchRequest request;
    request.query = q.query;
    request.lang = q.lang;
    // As the evaluation does: expected articles include role-restricted ones.
    request.principal = Principal::Admin();
    request.log = false;
    auto r = engine->Search(request);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    ++runs;
    for (const auto& h : r->hits) {
      if (std::find(q.expected.begin(), q.expected.end(), h.id) != q.expected.end()) {
        ++found;
        break;
      }
    }
  }
  // Sanity check: a search that finds nothing is not a fast search.
  if (found * 2 < runs) state.SkipWithError("most queries missed their expected article");
  state.counters["queries"] = static_cast<double>(selected.size());
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
  auto engine = std::move(Engine::Open(c.index)).value();
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
    auto* c = new Corpus;
    const std::string root = PORTALKB_SOURCE_DIR;
    c->index = std::filesystem::temp_directory_path() / ("portalkb-bench-100k-" + std::to_string(getpid()));
    std::filesystem::remove_all(c->index);
    std::atexit([] { std::filesystem::remove_all(Generated().index); });
    auto generator = CorpusGenerator::FromPaths({root + "/corpus/articles", root + "/corpus/documents"});
    auto writer = IndexWriter::Open(c->index);
    if (!generator.ok() || !writer.ok()) {
      c->error = "could not set up the generated index";
      return c;
    }
    for (std::uint64_t i = 0; i < kGenerated; ++i) {
      if (!writer.value()->Put(generator->Make(i)).ok()) {
        c->error = "could not index generated document " + std::to_string(i);
        return c;
      }
    }
    if (!writer.value()->Commit().ok()) c->error = "commit failed";
    auto queries = LoadEvalQueries(root + "/corpus/queries");
    if (queries.ok()) c->queries = std::move(queries).value();
    return c;
  }();
  return *corpus;
}

// Generated documents have their own ids, so the check is that a query
// finds something rather than its expected article.
void RunGenerated(benchmark::State& state, const std::string& kind) {
  const Corpus& c = Generated();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::vector<const EvalQuery*> selected;
  for (const auto& q : c.queries) {
    if (q.kind == kind) selected.push_back(&q);
  }
  EngineOptions options;
  options.analytics = false;
  auto engine = std::move(Engine::Open(c.index, options)).value();
  std::size_t i = 0, found = 0, runs = 0;
  Principal customer;
  customer.user = "u1";
  customer.org = "org7";
  customer.roles = {"customer"};
  for (auto _ : state) {
    const EvalQuery& q = *selected[i++ % selected.size()];
    SearchRequest request;
    request.query = q.query;
    request.lang = q.lang;
    request.principal = customer;
    auto r = engine->Search(request);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    ++runs;
    found += r->total > 0 ? 1 : 0;
  }
  if (found * 2 < runs) state.SkipWithError("most queries found nothing in the generated index");
  state.counters["documents"] = static_cast<double>(kGenerated);
}

void BM_SearchPlainGenerated100k(benchmark::State& state) { RunGenerated(state, "plain"); }
void BM_SearchTypoGenerated100k(benchmark::State& state) { RunGenerated(state, "typo"); }
BENCHMARK(BM_SearchPlainGenerated100k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchTypoGenerated100k)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace portalkb

BENCHMARK_MAIN();
