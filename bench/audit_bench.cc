// The audit trail at a million entries: "what happened to this account"
// (List by user since a date) must answer within seconds. Appends 1,000,000
// entries (10,000 users in 200 organisations over a year) once, printing the
// append rate, then times List. Each run checks its answer, so a broken
// filter cannot look fast. The trail is written under $TMPDIR and removed.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "portalkb/audit.h"

namespace {

constexpr int kEntries = 1'000'000;
constexpr int kUsers = 10'000;
constexpr int kOrgs = 200;
constexpr long long kStart = 1'735'689'600;  // 2025-01-01
constexpr long long kSpan = 365LL * 86400;
constexpr const char* kActions[] = {"login.success",    "login.failure",   "role.grant",      "role.revoke",
                                    "document.publish", "settings.change", "account.approve", "key.mint"};

std::string User(int i) { return "user-" + std::to_string(i); }

struct Fixture {
  std::string dir;
  std::unique_ptr<portalkb::AuditTrail> trail;
  long long now = kStart;

  Fixture() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/portalkb-audit-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    portalkb::AuditOptions options;
    options.clock = [this] { return now; };
    auto opened = portalkb::AuditTrail::Open(dir + "/kb.audit.sqlite", options);
    if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
    trail = std::move(opened).value();
    std::mt19937 random(42);
    const auto started = std::chrono::steady_clock::now();
    std::vector<portalkb::AuditRecord> batch;
    for (int i = 0; i < kEntries; ++i) {
      const int user = static_cast<int>(random() % kUsers);
      portalkb::AuditRecord r;
      r.actor = random() % 4 == 0 ? "admin-key" : User(user);
      r.action = kActions[random() % std::size(kActions)];
      r.subject_user = User(user);
      r.org = "org-" + std::to_string(user % kOrgs);
      r.detail = R"({"ip":"203.0.113.)" + std::to_string(random() % 256) + R"("})";
      batch.push_back(std::move(r));
      if (batch.size() == 10'000) {
        // The clock moves evenly over the year, batch by batch.
        now = kStart + kSpan * i / kEntries;
        if (auto s = trail->AppendAll(batch); !s.ok()) throw std::runtime_error(s.ToString());
        batch.clear();
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(dir + "/kb.audit.sqlite", ec);
    std::fprintf(stderr,
                 "audit_bench: appended %d entries in %.1f s (%.0f entries/s, batches of 10,000); file %.0f MB\n",
                 kEntries, seconds, kEntries / seconds, ec ? 0.0 : static_cast<double>(bytes) / 1e6);
  }
  ~Fixture() {
    trail.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

// `portalkb audit list --user U --since 90d`.
void BM_ListUserSince(benchmark::State& state) {
  Fixture& f = Shared();
  std::mt19937 random(7);
  std::size_t found = 0;
  for (auto _ : state) {
    portalkb::AuditQuery query;
    query.user = User(static_cast<int>(random() % kUsers));
    query.since = f.now - 90 * 86400;
    query.limit = 100;
    auto entries = f.trail->List(query);
    if (!entries.ok()) {
      state.SkipWithError(entries.status().ToString().c_str());
      return;
    }
    // ~100 entries per user a year: about a quarter of them in 90 days.
    for (const auto& e : entries.value()) {
      if (e.subject_user != query.user || e.time < *query.since) {
        state.SkipWithError("List returned an entry outside its filter");
        return;
      }
    }
    if (entries->empty()) {
      state.SkipWithError("List found nothing for a user with ~25 entries in 90 days");
      return;
    }
    found += entries->size();
    benchmark::DoNotOptimize(entries);
  }
  state.counters["entries_per_answer"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ListUserSince)->Unit(benchmark::kMicrosecond);

// One organisation's newest 100 entries of one action.
void BM_ListOrgAction(benchmark::State& state) {
  Fixture& f = Shared();
  std::mt19937 random(9);
  for (auto _ : state) {
    portalkb::AuditQuery query;
    query.org = "org-" + std::to_string(random() % kOrgs);
    query.action = "role.grant";
    query.limit = 100;
    auto entries = f.trail->List(query);
    if (!entries.ok() || entries->size() != 100) {
      state.SkipWithError("List of an organisation's role grants did not give 100 entries");
      return;
    }
    benchmark::DoNotOptimize(entries);
  }
}
BENCHMARK(BM_ListOrgAction)->Unit(benchmark::kMicrosecond);

// Verify walks (and hashes) the whole million.
void BM_VerifyMillion(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto report = f.trail->Verify();
    if (!report.ok() || !report->ok || report->entries_checked != kEntries) {
      state.SkipWithError("Verify did not check a million entries");
      return;
    }
  }
}
BENCHMARK(BM_VerifyMillion)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
