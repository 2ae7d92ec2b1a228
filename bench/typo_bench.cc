// Typo candidate generation over a large vocabulary: the trie walk against
// a plain scan of every term with the same distance function.
//   build/bench/typo_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "typo/edit_distance.h"
#include "typo/term_trie.h"

namespace portalkb {
namespace {

// Word-like strings from Dutch/English/Swedish-looking syllables, so the
// trie has the shared prefixes and branching of a real vocabulary.
std::vector<std::string> MakeVocabulary(std::size_t count, std::uint32_t seed) {
  static const char* kSyllables[] = {
      "aan",  "ver", "ge",  "be",   "ont",  "over",  "on",  "in",     "uit",   "door",  "wacht", "woord", "fac",
      "tuur", "re",  "ke",  "ning", "park", "eer",   "gun", "bestel", "ling",  "adres", "wij",   "zig",   "in",
      "log",  "pa",  "gi",  "na",   "con",  "tract", "ser", "vice",   "ment",  "tion",  "ing",   "er",    "ly",
      "lö",   "sen", "ord", "fak",  "tu",   "ra",    "be",  "ta",     "lning", "å",     "ter",   "sta",   "ll",
      "ä",    "ndr", "ö",   "st",   "ri",   "ka",    "mo",  "bil",    "ab",    "on",    "ne",    "men",   "tal",
      "de",   "li",  "ve",  "ry",   "ret",  "ourn",  "ac",  "count"};
  constexpr std::size_t kN = sizeof(kSyllables) / sizeof(kSyllables[0]);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, kN - 1);
  std::uniform_int_distribution<int> parts(2, 5);
  std::set<std::string> words;
  while (words.size() < count) {
    std::string w;
    const int n = parts(rng);
    for (int i = 0; i < n; ++i) w += kSyllables[pick(rng)];
    if (w.size() >= 4 && w.size() <= 30) words.insert(w);
  }
  return {words.begin(), words.end()};
}

// One typo: drop, double, swap or replace a letter (never the first).
std::string AddTypo(const std::string& word, std::mt19937& rng) {
  std::u32string w = ToCodePoints(word);
  std::uniform_int_distribution<std::size_t> pos(1, w.size() - 1);
  const std::size_t p = pos(rng);
  switch (rng() % 4) {
    case 0:
      w.erase(p, 1);
      break;
    case 1:
      w.insert(p, 1, w[p]);
      break;
    case 2:
      if (p + 1 < w.size())
        std::swap(w[p], w[p + 1]);
      else
        w[p] = U'x';
      break;
    default:
      w[p] = w[p] == U'e' ? U'a' : U'e';
      break;
  }
  return ToUtf8(w);
}

struct Fixture {
  std::vector<std::string> vocabulary;
  TermTrie trie;
  std::vector<std::string> targets;  // correct words (9+ letters)
  std::vector<std::string> queries;  // the same with two typos
};

const Fixture& Get() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    f->vocabulary = MakeVocabulary(1'000'000, 42);
    std::vector<std::pair<std::string, std::uint32_t>> terms;
    std::mt19937 rng(7);
    for (const auto& w : f->vocabulary) terms.emplace_back(w, 1 + rng() % 1000);
    f->trie = TermTrie(std::move(terms));
    for (std::size_t i = 0; f->queries.size() < 200; i += 4999) {
      const std::string& w = f->vocabulary[i % f->vocabulary.size()];
      if (ToCodePoints(w).size() < 9) continue;
      f->targets.push_back(w);
      f->queries.push_back(AddTypo(AddTypo(w, rng), rng));
    }
    return f;
  }();
  return *fixture;
}

void BM_TrieCandidatesDistance2(benchmark::State& state) {
  const Fixture& f = Get();
  std::size_t i = 0;
  std::size_t found = 0;
  std::size_t runs = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % f.queries.size();
    const auto matches = f.trie.Within(f.queries[k], 2, 2, 50);
    for (const auto& m : matches) found += m.term == f.targets[k] ? 1 : 0;
    ++runs;
    benchmark::DoNotOptimize(matches.data());
  }
  // Sanity check: two typos of a 9+ letter word must find the word (a pair
  // of typos can rarely cancel into a shorter path, never a longer one).
  if (found * 10 < runs * 9) state.SkipWithError("trie walk missed the intended words");
  state.counters["terms"] = static_cast<double>(f.trie.size());
  state.counters["nodes"] = static_cast<double>(f.trie.node_count());
}
BENCHMARK(BM_TrieCandidatesDistance2)->Unit(benchmark::kMicrosecond);

void BM_TrieCandidatesDistance1(benchmark::State& state) {
  const Fixture& f = Get();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto matches = f.trie.Within(f.queries[i++ % f.queries.size()], 1, 2, 50);
    benchmark::DoNotOptimize(matches.data());
  }
}
BENCHMARK(BM_TrieCandidatesDistance1)->Unit(benchmark::kMicrosecond);

void BM_TriePrefixCompletion(benchmark::State& state) {
  const Fixture& f = Get();
  static const char* kPrefixes[] = {"ve", "wach", "fac", "over", "be", "ont", "park", "lö"};
  std::size_t i = 0;
  for (auto _ : state) {
    const auto completions = f.trie.Complete(kPrefixes[i++ % 8], 30);
    if (completions.empty()) state.SkipWithError("no completions");
    benchmark::DoNotOptimize(completions.data());
  }
}
BENCHMARK(BM_TriePrefixCompletion)->Unit(benchmark::kMicrosecond);

// The baseline the trie replaces: every term through the distance function.
void BM_ScanAllTermsDistance2(benchmark::State& state) {
  const Fixture& f = Get();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::u32string q = ToCodePoints(f.queries[i++ % f.queries.size()]);
    std::size_t hits = 0;
    for (const auto& w : f.vocabulary) hits += TypoDistance(q, ToCodePoints(w), 2) <= 2 ? 1 : 0;
    if (hits == 0) state.SkipWithError("scan found nothing");
    benchmark::DoNotOptimize(hits);
  }
}
BENCHMARK(BM_ScanAllTermsDistance2)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace portalkb

BENCHMARK_MAIN();
