#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "portalkb/evaluation.h"
#include "portalkb/json_value.h"

namespace portalkb::cli {
namespace {

void PrintRow(const std::string& name, const EvalMetrics& m) {
  std::printf("%-10s %7zu %7.3f %7.3f %7.3f %7.3f %7.3f\n", name.c_str(), m.queries, m.recall_at_1, m.recall_at_5,
              m.recall_at_10, m.mrr, m.zero_result_rate);
}

}  // namespace

int RunEval(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::string file;
  options.add_options()
      ("db", po::value(&db)->required(), "index directory")
      ("json", "print one JSON object")
      ("ignore-lang", "search every query in all languages instead of its own")
      ("queries", po::value(&file)->required(), "a .jsonl file of queries, or a directory of them");
  po::positional_options_description positional;
  positional.add("queries", 1);
  bool help = false;
  auto vm = ParseOptions("eval", args, options, positional, "--db DIR [--json] QUERIES_FILE", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  auto queries = LoadEvalQueries(file);
  if (!queries.ok()) return ReportError("eval", queries.status());
  auto engine = Engine::Open(db);
  if (!engine.ok()) return ReportError("eval", engine.status());
  EvalOptions eval_options;
  eval_options.use_lang = vm->count("ignore-lang") == 0;
  auto report = Evaluate(*engine.value(), queries.value(), eval_options);
  if (!report.ok()) return ReportError("eval", report.status());
  const EvalReport& r = report.value();
  const double ratio = r.typo_correct_mrr > 0 ? r.typo_mrr / r.typo_correct_mrr : 0.0;
  const double none_rate = r.none_queries > 0 ? static_cast<double>(r.none_with_strong_results) / static_cast<double>(r.none_queries) : 0.0;

  if (vm->count("json")) {
    std::cout << DumpJson(ToJsonValue(r), 2) << "\n";
    return kExitOk;
  }
  std::printf("%-10s %7s %7s %7s %7s %7s %7s\n", "kind", "queries", "R@1", "R@5", "R@10", "MRR", "zero");
  for (const auto& [k, m] : r.by_kind) PrintRow(k, m);
  PrintRow("all", r.overall);
  std::printf("\n%-10s %7s %7s %7s %7s %7s %7s\n", "lang", "queries", "R@1", "R@5", "R@10", "MRR", "zero");
  for (const auto& [k, m] : r.by_lang) PrintRow(k, m);
  std::printf("\ntypo MRR %.3f vs the same queries spelled right %.3f (ratio %.3f)\n", r.typo_mrr, r.typo_correct_mrr, ratio);
  std::printf("should-find-nothing queries: %zu, with results %zu, with strong (all-words) results %zu (%.1f%%)\n",
              r.none_queries, r.none_with_results, r.none_with_strong_results, 100.0 * none_rate);
  if (!r.failures.empty()) {
    std::printf("\nfailed queries (%zu):\n", r.failures.size());
    for (const auto& f : r.failures) {
      std::string top;
      for (const auto& id : f.top) top += (top.empty() ? "" : ", ") + id;
      std::string expected;
      for (const auto& id : f.query.expected) expected += (expected.empty() ? "" : ", ") + id;
      std::printf("  [%s/%s] \"%s\" expected %s; got %s\n", f.query.kind.c_str(), f.query.lang.c_str(),
                  f.query.query.c_str(), expected.empty() ? "nothing" : expected.c_str(), top.empty() ? "nothing" : top.c_str());
    }
  }
  return kExitOk;
}

}  // namespace portalkb::cli
