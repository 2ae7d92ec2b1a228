#include "portalkb/evaluation.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace portalkb {
namespace fs = std::filesystem;
namespace {

Status LoadFile(const std::string& path, std::vector<EvalQuery>& out) {
  std::ifstream in(path);
  if (!in) return Status::IOError("cannot read '" + path + "'");
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(where + ": not a JSON object");
    EvalQuery q;
    q.source = where;
    try {
      q.query = j.at("query").get<std::string>();
      q.lang = j.value("lang", "");
      q.kind = j.value("kind", "plain");
      q.correct = j.value("correct", "");
      q.expected = j.value("expected", std::vector<std::string>{});
    } catch (const nlohmann::json::exception& e) {
      return Status::InvalidArgument(where + ": " + e.what());
    }
    if (q.kind != "none" && q.expected.empty()) {
      return Status::InvalidArgument(where + ": no expected ids (only kind \"none\" may have none)");
    }
    out.push_back(std::move(q));
  }
  return Status::Ok();
}

struct Accumulator {
  std::size_t n = 0;
  double r1 = 0, r5 = 0, r10 = 0, rr = 0;
  std::size_t zero = 0;
  void Add(double recall1, double recall5, double recall10, double reciprocal_rank, bool zero_results) {
    ++n;
    r1 += recall1;
    r5 += recall5;
    r10 += recall10;
    rr += reciprocal_rank;
    zero += zero_results ? 1 : 0;
  }
  EvalMetrics Metrics() const {
    EvalMetrics m;
    m.queries = n;
    if (n == 0) return m;
    const double d = static_cast<double>(n);
    m.recall_at_1 = r1 / d;
    m.recall_at_5 = r5 / d;
    m.recall_at_10 = r10 / d;
    m.mrr = rr / d;
    m.zero_result_rate = static_cast<double>(zero) / d;
    return m;
  }
};

double RecallAt(const std::vector<std::string>& expected, const std::vector<std::string>& top, std::size_t k) {
  std::size_t found = 0;
  for (const auto& id : expected) {
    const auto end = top.begin() + static_cast<long>(std::min(k, top.size()));
    if (std::find(top.begin(), end, id) != end) ++found;
  }
  return expected.empty() ? 0.0 : static_cast<double>(found) / static_cast<double>(expected.size());
}

int FirstRank(const std::vector<std::string>& expected, const std::vector<std::string>& top) {
  for (std::size_t i = 0; i < top.size(); ++i) {
    if (std::find(expected.begin(), expected.end(), top[i]) != expected.end()) return static_cast<int>(i + 1);
  }
  return 0;
}

}  // namespace

Result<std::vector<EvalQuery>> LoadEvalQueries(const std::string& path) {
  std::vector<EvalQuery> queries;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) return Status::InvalidArgument("no .jsonl files in '" + path + "'");
    for (const auto& f : files) {
      if (Status s = LoadFile(f, queries); !s.ok()) return s;
    }
  } else if (Status s = LoadFile(path, queries); !s.ok()) {
    return s;
  }
  return queries;
}

namespace {

Result<EvalReport> EvaluateRanking(Engine& engine, const std::vector<EvalQuery>& queries, const EvalOptions& options,
                                   const std::string& ranking) {
  EvalReport report;
  Accumulator overall;
  std::map<std::string, Accumulator> by_kind;
  std::map<std::string, Accumulator> by_lang;
  Accumulator typo;
  Accumulator typo_correct;

  auto run = [&](const std::string& text, const std::string& lang) -> Result<SearchResponse> {
    SearchRequest request;
    request.query = text;
    request.lang = options.use_lang ? lang : "";
    request.limit = 10;
    request.principal = options.principal;
    request.log = false;  // evaluation traffic is not visitor traffic
    request.ranking = ranking;
    return engine.Search(request);
  };

  for (const EvalQuery& q : queries) {
    auto response = run(q.query, q.lang);
    if (!response.ok()) return Status(response.status());
    std::vector<std::string> top;
    for (const auto& h : response->hits) top.push_back(h.id);

    if (q.kind == "none") {
      ++report.none_queries;
      if (!response->hits.empty()) {
        ++report.none_with_results;
        const bool strong =
            std::any_of(response->hits.begin(), response->hits.end(), [](const Hit& h) { return !h.weak; });
        if (strong) {
          ++report.none_with_strong_results;
          report.failures.push_back(
              {q,
               0,
               {top.begin(), top.begin() + static_cast<long>(std::min<std::size_t>(5, top.size()))},
               response->corrected_query});
        }
      }
      continue;
    }
    const int rank = FirstRank(q.expected, top);
    const double rr = rank > 0 ? 1.0 / rank : 0.0;
    const bool zero = response->total == 0;
    const double r1 = RecallAt(q.expected, top, 1), r5 = RecallAt(q.expected, top, 5),
                 r10 = RecallAt(q.expected, top, 10);
    overall.Add(r1, r5, r10, rr, zero);
    by_kind[q.kind].Add(r1, r5, r10, rr, zero);
    by_lang[q.lang].Add(r1, r5, r10, rr, zero);
    if (rank == 0) {
      report.failures.push_back({q,
                                 0,
                                 {top.begin(), top.begin() + static_cast<long>(std::min<std::size_t>(5, top.size()))},
                                 response->corrected_query});
    }
    if (q.kind == "typo" && !q.correct.empty() && ranking.empty()) {
      auto correct = run(q.correct, q.lang);
      if (!correct.ok()) return Status(correct.status());
      std::vector<std::string> correct_top;
      for (const auto& h : correct->hits) correct_top.push_back(h.id);
      const int correct_rank = FirstRank(q.expected, correct_top);
      typo.Add(0, 0, 0, rr, false);
      typo_correct.Add(0, 0, 0, correct_rank > 0 ? 1.0 / correct_rank : 0.0, false);
    }
  }
  report.overall = overall.Metrics();
  for (const auto& [k, acc] : by_kind) report.by_kind[k] = acc.Metrics();
  for (const auto& [k, acc] : by_lang) report.by_lang[k] = acc.Metrics();
  report.typo_mrr = typo.Metrics().mrr;
  report.typo_correct_mrr = typo_correct.Metrics().mrr;
  return report;
}

}  // namespace

Result<EvalReport> Evaluate(Engine& engine, const std::vector<EvalQuery>& queries, const EvalOptions& options) {
  auto report = EvaluateRanking(engine, queries, options, "");
  if (!report.ok() || !options.baseline) return report;
  auto baseline = EvaluateRanking(engine, queries, options, "bm25");
  if (!baseline.ok()) return baseline.status();
  report->has_baseline = true;
  report->baseline_overall = baseline->overall;
  report->baseline_by_kind = std::move(baseline->by_kind);
  report->baseline_by_lang = std::move(baseline->by_lang);
  report->baseline_none_with_results = baseline->none_with_results;
  return report;
}

}  // namespace portalkb
