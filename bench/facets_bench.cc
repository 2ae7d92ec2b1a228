// Exact facet counts and the cost of the access filter on a generated index
// of 100,000 matching documents (built once per run, in a temporary directory).
//   build/bench/facets_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "portalkb/portalkb.h"

namespace portalkb {
namespace {

constexpr int kDocuments = 100000;

struct Index {
  std::string path;
  std::string error;
};

const Index& Get() {
  static const Index* index = [] {
    auto* ix = new Index;
    ix->path = std::filesystem::temp_directory_path() / ("portalkb-facets-bench-" + std::to_string(getpid()));
    std::filesystem::remove_all(ix->path);
    std::atexit([] { std::filesystem::remove_all(Get().path); });
    auto writer = IndexWriter::Open(ix->path);
    if (!writer.ok()) {
      ix->error = writer.status().ToString();
      return ix;
    }
    static const char* kLangs[] = {"nl", "en", "sv", "de"};
    static const char* kWords[] = {"invoice", "contract", "delivery", "password", "parking", "waste",   "refund",
                                   "account", "order",    "permit",   "ticket",   "report",  "address", "payment"};
    std::mt19937 rng(11);
    for (int i = 0; i < kDocuments; ++i) {
      Document d;
      d.id = "d" + std::to_string(i);
      d.lang = kLangs[rng() % 4];
      d.type = rng() % 5 == 0 ? DocumentType::kDocument : DocumentType::kArticle;
      const std::string a = kWords[rng() % 14], b = kWords[rng() % 14];
      d.title = "Portal " + a + " " + b;
      d.body = "How the portal handles " + a + " and " + b + " for customers. Step " + std::to_string(i % 7);
      d.category = std::string(rng() % 2 ? "Billing/" : "Account/") + kWords[rng() % 14];
      d.tags = {kWords[rng() % 14], kWords[rng() % 14]};
      d.updated_at = "202" + std::to_string(4 + rng() % 3) + "-0" + std::to_string(1 + rng() % 9) + "-1" +
                     std::to_string(rng() % 10);
      const int g = static_cast<int>(rng() % 10);
      const std::string org = "org" + std::to_string(rng() % 100);
      if (d.type == DocumentType::kDocument) {
        d.visibility = {*Grant::Parse("org:" + org)};
      } else if (g < 6) {
        d.visibility = {Grant{}};
      } else {
        d.visibility = {*Grant::Parse(g < 8 ? "role:customer" : "role:finance")};
      }
      if (!writer.value()->Put(std::move(d)).ok()) {
        ix->error = "put failed";
        return ix;
      }
    }
    if (!writer.value()->Commit().ok()) ix->error = "commit failed";
    return ix;
  }();
  return *index;
}

void RunSearch(benchmark::State& state, const Principal& principal, std::vector<std::string> facets,
               std::uint64_t minimum_total) {
  const Index& ix = Get();
  if (!ix.error.empty()) {
    state.SkipWithError(ix.error.c_str());
    return;
  }
  auto engine = std::move(Engine::Open(ix.path)).value();
  SearchRequest request;
  request.query = "portal";
  request.principal = principal;
  request.facets = facets;
  request.correct = false;
  std::uint64_t total = 0;
  for (auto _ : state) {
    auto r = engine->Search(request);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    total = r->total;
    if (!facets.empty() && r->facets.size() != facets.size()) state.SkipWithError("missing facets");
  }
  // Sanity check: the counts are over the whole match, not the first page.
  if (total < minimum_total) state.SkipWithError("fewer matches than expected");
  state.counters["matches"] = static_cast<double>(total);
}

void BM_FiveFacetsOver100kMatches(benchmark::State& state) {
  RunSearch(state, Principal::Admin(), {"type", "lang", "category", "tags", "updated_at"}, kDocuments);
}
BENCHMARK(BM_FiveFacetsOver100kMatches)->Unit(benchmark::kMillisecond);

void BM_SearchUnfiltered(benchmark::State& state) { RunSearch(state, Principal::Admin(), {}, kDocuments); }
BENCHMARK(BM_SearchUnfiltered)->Unit(benchmark::kMillisecond);

void BM_SearchAsPrincipal(benchmark::State& state) {
  Principal p;
  p.user = "u1";
  p.org = "org7";
  p.roles = {"customer", "finance"};
  RunSearch(state, p, {}, kDocuments / 2);
}
BENCHMARK(BM_SearchAsPrincipal)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace portalkb

BENCHMARK_MAIN();
