// The load test's query mix (bench/load/mix.tsv) run on one Engine in this
// process, with the same principals, facets and page size as search.lua
// sends over HTTP, so run.sh can print HTTP throughput as a share of this.
//   build/bench/load/inprocess_mix --db DIR --mix bench/load/mix.tsv [--threads 2] [--seconds 10] [--no-facets]
// (--no-facets: the same searches without their two facets)
// Prints one JSON object: searches per second, latency percentiles, errors,
// and the CPU time per search (all threads of the process, the analytics
// writer included): on a machine shared with other work that figure, unlike
// the rate, does not depend on how busy the machine is.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "portalkb/portalkb.h"

namespace portalkb {
namespace {

using Clock = std::chrono::steady_clock;

// The principals of mix.tsv; run.sh mints the HTTP keys for the same ones.
Result<Principal> PrincipalNamed(const std::string& name) {
  Principal p;
  if (name == "public") return Principal::Anonymous();
  if (name == "customer") {
    p.org = "org7";
    p.roles = {"customer"};
  } else if (name == "finance") {
    p.org = "org12";
    p.roles = {"finance"};
  } else if (name == "admin") {
    return Principal::Admin();
  } else if (name == "agent") {
    p.roles = {"support-agent"};
  } else {
    return Status::InvalidArgument("principal '" + name + "': public, customer, finance, agent or admin");
  }
  return p;
}

Result<std::vector<SearchRequest>> ReadMix(const std::string& path, bool facets) {
  std::ifstream in(path);
  if (!in) return Status::IOError(path + ": cannot be read");
  std::vector<SearchRequest> mix;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) return Status::InvalidArgument(path + ":" + std::to_string(number) + ": no tab");
    auto principal = PrincipalNamed(line.substr(0, tab));
    if (!principal.ok())
      return Status::InvalidArgument(path + ":" + std::to_string(number) + ": " + principal.status().message());
    SearchRequest r;
    r.principal = std::move(principal).value();
    r.query = line.substr(tab + 1);
    if (facets) r.facets = {"type", "lang"};
    r.limit = 10;
    mix.push_back(std::move(r));
  }
  if (mix.empty()) return Status::InvalidArgument(path + ": no searches");
  return mix;
}

int Main(int argc, char** argv) {
  std::string db, mix_path = "bench/load/mix.tsv";
  int threads = 2;
  bool facets = true;
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-facets") == 0) facets = false;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--db") == 0) db = argv[i + 1];
    if (std::strcmp(argv[i], "--mix") == 0) mix_path = argv[i + 1];
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::max(0.1, std::atof(argv[i + 1]));
  }
  if (db.empty()) {
    std::fprintf(stderr, "inprocess_mix: --db DIR is needed\n");
    return 2;
  }
  auto mix = ReadMix(mix_path, facets);
  if (!mix.ok()) {
    std::fprintf(stderr, "inprocess_mix: %s\n", mix.status().ToString().c_str());
    return 2;
  }
  // Default options but for the analytics log: the server under test holds
  // that index's log, and a second writer would wait on its SQLite lock, so
  // here no search is logged (the server does more work than this, not less).
  EngineOptions options;
  options.analytics = false;
  auto engine = Engine::Open(db, options);
  if (!engine.ok()) {
    std::fprintf(stderr, "inprocess_mix: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> errors{0}, found{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(threads));
  auto run = [&](int t, bool record) {
    for (std::size_t i = static_cast<std::size_t>(t) * 7; !stop.load(std::memory_order_relaxed); ++i) {
      const auto start = Clock::now();
      auto r = engine.value()->Search((*mix)[i % mix->size()]);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (!r.ok()) {
        ++errors;
        continue;
      }
      if (r->total > 0) ++found;
      if (record) latencies[static_cast<std::size_t>(t)].push_back(ms);
    }
  };
  // Warm up (snapshot, facet columns, page cache) as wrk's first seconds do.
  {
    std::thread warm(run, 0, false);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    stop = true;
    warm.join();
    stop = false;
    errors = 0;
    found = 0;
  }
  auto cpu_ms = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
  };
  std::vector<std::thread> pool;
  const double cpu_start = cpu_ms();
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) pool.emplace_back(run, t, true);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_ms() - cpu_start;
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p / 100 * all.size()))];
  };
  std::printf(
      "{\"threads\": %d, \"seconds\": %.1f, \"searches\": %zu, \"searches_per_second\": %.1f, \"p50_ms\": %.2f, "
      "\"p90_ms\": %.2f, \"p99_ms\": %.2f, \"cpu_ms_per_search\": %.2f, \"with_results\": %zu, \"errors\": %zu}\n",
      threads, elapsed, all.size(), static_cast<double>(all.size()) / elapsed, pct(50), pct(90), pct(99),
      all.empty() ? 0.0 : cpu / static_cast<double>(all.size()), found.load(), errors.load());
  // A mix that finds nothing measures nothing.
  if (errors.load() > 0 || found.load() * 2 < all.size()) {
    std::fprintf(stderr, "inprocess_mix: %zu errors, %zu of %zu searches found something\n", errors.load(),
                 found.load(), all.size());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace portalkb

int main(int argc, char** argv) { return portalkb::Main(argc, argv); }
