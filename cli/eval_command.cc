#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "portalkb/evaluation.h"
#include "portalkb/json_value.h"

namespace portalkb::cli {
namespace {

// One table row; with `baseline`, its R@1 and MRR beside and the MRR ratio.
void PrintRow(const std::string& name, const EvalMetrics& m, const EvalMetrics* baseline = nullptr) {
  std::printf("%-10s %7zu %7.3f %7.3f %7.3f %7.3f %7.3f", name.c_str(), m.queries, m.recall_at_1, m.recall_at_5,
              m.recall_at_10, m.mrr, m.zero_result_rate);
  if (baseline != nullptr) {
    std::printf(" | %7.3f %7.3f %7.3f", baseline->recall_at_1, baseline->mrr,
                baseline->mrr > 0 ? m.mrr / baseline->mrr : 0.0);
  }
  std::printf("\n");
}

}  // namespace

int RunEval(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::string file;
  options.add_options()("db", po::value(&db)->required(), "index directory")("json", "print one JSON object")(
      "ignore-lang", "search every query in all languages instead of its own")(
      "no-baseline", "skip the plain BM25 baseline run (half the searches)")(
      "queries", po::value(&file)->required(), "a .jsonl file of queries, or a directory of them");
  PrincipalArgs principal_args;
  AddPrincipalOptions(options, principal_args);
  po::positional_options_description positional;
  positional.add("queries", 1);
  bool help = false;
  auto vm = ParseOptions("eval", args, options, positional,
                         "--db DIR [--json] [--user U] [--org O] [--role R]... QUERIES_FILE\n\n"
                         "Runs as admin (every document can be an answer) unless --user, --org or --role say "
                         "who the queries run as.",
                         help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  auto queries = LoadEvalQueries(file);
  if (!queries.ok()) return ReportError("eval", queries.status());
  auto engine = Engine::Open(db);
  if (!engine.ok()) return ReportError("eval", engine.status());
  EvalOptions eval_options;
  eval_options.use_lang = vm->count("ignore-lang") == 0;
  const bool as_someone = !principal_args.user.empty() || !principal_args.org.empty() || !principal_args.roles.empty();
  if (as_someone) eval_options.principal = MakePrincipal(*vm, principal_args);
  eval_options.baseline = vm->count("no-baseline") == 0;
  auto report = Evaluate(*engine.value(), queries.value(), eval_options);
  if (!report.ok()) return ReportError("eval", report.status());
  const EvalReport& r = report.value();
  const double ratio = r.typo_correct_mrr > 0 ? r.typo_mrr / r.typo_correct_mrr : 0.0;
  const double none_rate =
      r.none_queries > 0 ? static_cast<double>(r.none_with_strong_results) / static_cast<double>(r.none_queries) : 0.0;

  if (vm->count("json")) {
    auto out = ToJsonValue(r);
    out["as_admin"] = eval_options.principal.admin;
    std::cout << DumpJson(out, 2) << "\n";
    return kExitOk;
  }
  if (eval_options.principal.admin) {
    std::printf("as admin: every document can be an answer\n\n");
  } else {
    std::string roles;
    for (const auto& r : eval_options.principal.roles) roles += (roles.empty() ? "" : ",") + r;
    std::printf("as user=%s org=%s roles=%s\n\n", eval_options.principal.user.c_str(),
                eval_options.principal.org.c_str(), roles.c_str());
  }
  auto header = [&](const char* what) {
    std::printf("%-10s %7s %7s %7s %7s %7s %7s", what, "queries", "R@1", "R@5", "R@10", "MRR", "zero");
    if (r.has_baseline) std::printf(" | %7s %7s %7s", "bm25R@1", "bm25MRR", "ratio");
    std::printf("\n");
  };
  auto base = [&](const std::map<std::string, EvalMetrics>& slices, const std::string& name) -> const EvalMetrics* {
    const auto it = slices.find(name);
    return r.has_baseline && it != slices.end() ? &it->second : nullptr;
  };
  header("kind");
  for (const auto& [k, m] : r.by_kind) PrintRow(k, m, base(r.baseline_by_kind, k));
  PrintRow("all", r.overall, r.has_baseline ? &r.baseline_overall : nullptr);
  std::printf("\n");
  header("lang");
  for (const auto& [k, m] : r.by_lang) PrintRow(k, m, base(r.baseline_by_lang, k));
  if (r.has_baseline) std::printf("(bm25: the plain BM25 baseline on the same index; ratio: engine MRR / bm25 MRR)\n");
  std::printf("\ntypo MRR %.3f vs the same queries spelled right %.3f (ratio %.3f)\n", r.typo_mrr, r.typo_correct_mrr,
              ratio);
  std::printf("should-find-nothing queries: %zu, with results %zu, with strong (all-words) results %zu (%.1f%%)\n",
              r.none_queries, r.none_with_results, r.none_with_strong_results, 100.0 * none_rate);
  if (r.has_baseline) std::printf("  bm25 baseline: %zu with results\n", r.baseline_none_with_results);
  if (!r.failures.empty()) {
    std::printf("\nfailed queries (%zu):\n", r.failures.size());
    for (const auto& f : r.failures) {
      std::string top;
      for (const auto& id : f.top) top += (top.empty() ? "" : ", ") + id;
      std::string expected;
      for (const auto& id : f.query.expected) expected += (expected.empty() ? "" : ", ") + id;
      std::printf("  [%s/%s] \"%s\" expected %s; got %s\n", f.query.kind.c_str(), f.query.lang.c_str(),
                  f.query.query.c_str(), expected.empty() ? "nothing" : expected.c_str(),
                  top.empty() ? "nothing" : top.c_str());
    }
  }
  return kExitOk;
}

}  // namespace portalkb::cli
