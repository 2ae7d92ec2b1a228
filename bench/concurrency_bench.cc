// One Engine shared by many threads, on 100,000 generated documents: search
// throughput with 1 and 2 threads (typo queries with facets, as a customer
// principal), resident memory with 8 threads against 1, how soon a commit is
// visible to searches, and whether searches slow down while a writer commits.
//   build/bench/concurrency_bench [--index DIR] [--seconds S] [--runs N]
// --index reuses (or builds, when missing) an index at DIR; without it one is
// built in a temporary directory (about a minute) and removed afterwards.
// Each figure is the median of --runs runs; ratios come from the same run.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "corpus_generator.h"
#include "portalkb/portalkb.h"

namespace portalkb {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

Principal Customer() {
  Principal p;
  p.user = "u1";
  p.org = "org7";
  p.roles = {"customer"};
  return p;
}

// Typo'd queries in the corpus' languages: each word one or two edits from
// a corpus word (checked below: most must find something).
const std::vector<std::string>& TypoQueries() {
  static const std::vector<std::string> q = {"factur downlaoden", "wachtwoord vergten", "adreswijziging doorgevn",
                                             "pasword reset",     "invioce download",   "delivery adress",
                                             "glömt lösenrd",     "fakturra betala",    "parkeervergunnig",
                                             "retrun an item",    "contrakt opzeggen",  "leverans sparning"};
  return q;
}

SearchRequest Request(std::size_t i) {
  SearchRequest r;
  r.query = TypoQueries()[i % TypoQueries().size()];
  r.principal = Customer();
  r.facets = {"type", "lang", "category", "tags", "updated_at"};
  r.limit = 10;
  r.log = false;
  return r;
}

// Searches per second over `seconds` with `threads` threads sharing `engine`.
double Throughput(Engine& engine, int threads, double seconds, std::size_t* found, std::size_t* runs) {
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> hits{0};
  std::atomic<std::size_t> errors{0};
  std::vector<std::thread> pool;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t) * 7; !stop.load(std::memory_order_relaxed); ++i) {
        auto r = engine.Search(Request(i));
        if (!r.ok()) {
          ++errors;
          continue;
        }
        ++done;
        if (r->total > 0) ++hits;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& th : pool) th.join();
  const double elapsed = Seconds(start);
  if (errors.load() > 0) std::fprintf(stderr, "concurrency_bench: %zu searches failed\n", errors.load());
  *found += hits.load();
  *runs += done.load();
  return static_cast<double>(done.load()) / elapsed;
}

std::string Build(const std::string& index, std::uint64_t count) {
  auto writer = IndexWriter::Open(index);
  if (!writer.ok()) return writer.status().ToString();
  const std::string root = PORTALKB_SOURCE_DIR;
  auto generator = CorpusGenerator::FromPaths({root + "/corpus/articles", root + "/corpus/documents"});
  if (!generator.ok()) return generator.status().ToString();
  for (std::uint64_t i = 0; i < count; ++i) {
    if (!writer.value()->Put(generator->Make(i)).ok()) return "could not index document " + std::to_string(i);
  }
  Status s = writer.value()->Commit();
  return s.ok() ? "" : s.ToString();
}

int Main(int argc, char** argv) {
  std::string index;
  double seconds = 3;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--index") == 0) index = argv[i + 1];
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::stoi(argv[i + 1]);
  }
  bool temporary = false;
  if (index.empty()) {
    index = std::filesystem::temp_directory_path() / ("portalkb-concurrency-" + std::to_string(getpid()));
    temporary = true;
  }
  if (!std::filesystem::exists(index)) {
    std::fprintf(stderr, "building 100,000 generated documents in %s ...\n", index.c_str());
    const auto start = Clock::now();
    if (std::string e = Build(index, 100000); !e.empty()) {
      std::fprintf(stderr, "concurrency_bench: %s\n", e.c_str());
      return 1;
    }
    std::fprintf(stderr, "built in %.1f s\n", Seconds(start));
  }
  EngineOptions options;
  options.analytics = false;
  auto opened = Engine::Open(index, options);
  if (!opened.ok()) {
    std::fprintf(stderr, "concurrency_bench: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  Engine& engine = *opened.value();
  std::size_t found = 0;
  std::size_t total = 0;
  Throughput(engine, 1, 0.5, &found, &total);  // warm up: snapshot, facet columns, page cache
  const long rss_one = ResidentKiB();
  std::vector<double> one, two, ratio;
  for (int r = 0; r < runs; ++r) {
    const double a = Throughput(engine, 1, seconds, &found, &total);
    const double b = Throughput(engine, 2, seconds, &found, &total);
    one.push_back(a);
    two.push_back(b);
    ratio.push_back(b / a);
  }
  Throughput(engine, 8, seconds, &found, &total);
  const long rss_eight = ResidentKiB();

  // Commit visibility, and search latency while a writer commits.
  std::vector<double> visible_ms;
  std::vector<double> latency_idle, latency_writing;
  {
    for (int i = 0; i < 200; ++i) {
      const auto t = Clock::now();
      (void)engine.Search(Request(static_cast<std::size_t>(i)));
      latency_idle.push_back(Seconds(t) * 1000);
    }
    auto writer = IndexWriter::Open(index);
    if (!writer.ok()) {
      std::fprintf(stderr, "concurrency_bench: %s\n", writer.status().ToString().c_str());
      return 1;
    }
    std::atomic<bool> stop{false};
    std::thread reader([&] {
      for (std::size_t i = 0; !stop.load(); ++i) {
        const auto t = Clock::now();
        (void)engine.Search(Request(i));
        latency_writing.push_back(Seconds(t) * 1000);
      }
    });
    for (int c = 0; c < 10; ++c) {
      const std::string word = "zqvisible" + std::to_string(c) + "x" + std::to_string(getpid());
      Document d;
      d.id = "visibility-probe-" + std::to_string(c);
      d.title = "Probe " + word;
      d.body = "probe " + word;
      d.lang = "en";
      d.visibility = {Grant{}};
      if (!writer.value()->Put(d).ok() || !writer.value()->Commit().ok()) return 1;
      const auto committed = Clock::now();
      SearchRequest probe;
      probe.query = word;
      probe.principal = Customer();
      probe.log = false;
      while (true) {
        auto r = engine.Search(probe);
        if (r.ok() && r->total > 0) break;
        if (Seconds(committed) > 5) break;
      }
      visible_ms.push_back(Seconds(committed) * 1000);
    }
    stop.store(true);
    reader.join();
    for (int c = 0; c < 10; ++c) (void)writer.value()->Delete("visibility-probe-" + std::to_string(c));
    (void)writer.value()->Commit();
  }
  auto p99 = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, v.size() * 99 / 100)];
  };
  std::printf("{\n");
  std::printf("  \"documents\": 100000,\n  \"runs\": %d,\n  \"seconds_per_run\": %.1f,\n", runs, seconds);
  std::printf("  \"searches_per_second_1_thread\": %.1f,\n", Median(one));
  std::printf("  \"searches_per_second_2_threads\": %.1f,\n", Median(two));
  std::printf("  \"throughput_ratio_2_vs_1\": %.2f,\n", Median(ratio));
  std::printf("  \"rss_mib_1_thread\": %.1f,\n  \"rss_mib_8_threads\": %.1f,\n", rss_one / 1024.0, rss_eight / 1024.0);
  std::printf("  \"rss_ratio_8_vs_1\": %.2f,\n", static_cast<double>(rss_eight) / static_cast<double>(rss_one));
  std::printf("  \"commit_visible_ms_median\": %.2f,\n  \"commit_visible_ms_max\": %.2f,\n", Median(visible_ms),
              *std::max_element(visible_ms.begin(), visible_ms.end()));
  std::printf("  \"search_ms_p50_idle\": %.2f,\n  \"search_ms_p99_idle\": %.2f,\n", Median(latency_idle),
              p99(latency_idle));
  std::printf("  \"search_ms_p50_while_committing\": %.2f,\n  \"search_ms_p99_while_committing\": %.2f,\n",
              Median(latency_writing), p99(latency_writing));
  std::printf("  \"queries_finding_something\": %.3f\n}\n",
              total > 0 ? static_cast<double>(found) / static_cast<double>(total) : 0.0);
  opened.value().reset();
  if (temporary) std::filesystem::remove_all(index);
  // A broken engine must not look fast.
  if (total == 0 || found * 2 < total) {
    std::fprintf(stderr, "concurrency_bench: most typo queries found nothing\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace portalkb

int main(int argc, char** argv) { return portalkb::Main(argc, argv); }
