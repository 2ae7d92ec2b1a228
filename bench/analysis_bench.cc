// Analysis and indexing throughput on the bundled corpus and on documents
// generated from it (bench/corpus_generator.h).
//   build/bench/analysis_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "analysis/analyzer.h"
#include "corpus_generator.h"
#include "index/document_indexer.h"
#include "portalkb/portalkb.h"

namespace portalkb {
namespace {

// The bundled corpus as generator seeds, loaded once; nullptr (and the
// benchmark marked failed) when it cannot be read.
const CorpusGenerator* Generator(benchmark::State& state) {
  static auto* result = new Result<CorpusGenerator>(CorpusGenerator::FromPaths(
      {std::string(PORTALKB_SOURCE_DIR) + "/corpus/articles", std::string(PORTALKB_SOURCE_DIR) + "/corpus/documents"}));
  if (!result->ok()) {
    state.SkipWithError(result->status().ToString().c_str());
    return nullptr;
  }
  return &result->value();
}

std::size_t TextBytes(const Document& d) { return d.title.size() + d.summary.size() + d.body.size(); }

// The analyzer chain alone: segmentation, folding, stop words, stemming, for
// every corpus document in its own language.
void BM_AnalyzeCorpus(benchmark::State& state) {
  const CorpusGenerator* generator = Generator(state);
  if (generator == nullptr) return;
  Tokenizer tokenizer;
  std::map<std::string, LanguageRules> rules;
  for (const auto& d : generator->seeds()) rules.try_emplace(d.lang, d.lang);
  std::size_t bytes = 0, stems = 0;
  for (auto _ : state) {
    for (const auto& d : generator->seeds()) {
      const LanguageRules& r = rules.at(d.lang);
      for (const std::string* text : {&d.title, &d.summary, &d.body}) {
        for (const Token& t : tokenizer.Tokenize(*text)) {
          if (r.IsStop(t.folded)) continue;
          benchmark::DoNotOptimize(r.Stem(t.folded));
          ++stems;
        }
      }
      bytes += TextBytes(d);
    }
  }
  // Sanity check: an analyzer that drops everything is not fast.
  if (stems < bytes / 20) state.SkipWithError("too few terms per byte: the analyzer lost text");
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * generator->seed_count()));
}
BENCHMARK(BM_AnalyzeCorpus)->Unit(benchmark::kMillisecond);

// Document -> Xapian document: analysis plus every term, value and grant term.
void BM_BuildIndexDocuments(benchmark::State& state) {
  const CorpusGenerator* generator = Generator(state);
  if (generator == nullptr) return;
  DocumentIndexer indexer;
  std::size_t bytes = 0, terms = 0;
  for (auto _ : state) {
    for (const auto& d : generator->seeds()) {
      Xapian::Document x = indexer.Build(d);
      terms += x.termlist_count();
      bytes += TextBytes(d);
    }
  }
  if (terms < bytes / 20) state.SkipWithError("too few terms per byte");
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * generator->seed_count()));
}
BENCHMARK(BM_BuildIndexDocuments)->Unit(benchmark::kMillisecond);

// End to end into an on-disk index: N generated documents, one commit.
void BM_IndexGeneratedDocuments(benchmark::State& state) {
  const CorpusGenerator* generator = Generator(state);
  if (generator == nullptr) return;
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const std::string path =
      std::filesystem::temp_directory_path() / ("portalkb-analysis-bench-" + std::to_string(getpid()));
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(path);
    state.ResumeTiming();
    auto writer = IndexWriter::Open(path);
    if (!writer.ok()) {
      state.SkipWithError(writer.status().ToString().c_str());
      break;
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      if (!writer.value()->Put(generator->Make(i)).ok()) {
        state.SkipWithError("put failed");
        break;
      }
    }
    if (!writer.value()->Commit().ok()) state.SkipWithError("commit failed");
  }
  auto engine = Engine::Open(path, [] {
    EngineOptions o;
    o.analytics = false;
    return o;
  }());
  if (!engine.ok() || engine.value()->Stats()->documents != n)
    state.SkipWithError("index does not hold every document");
  std::filesystem::remove_all(path);
  state.counters["docs_per_second"] =
      benchmark::Counter(static_cast<double>(n * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IndexGeneratedDocuments)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace portalkb

BENCHMARK_MAIN();
