// Relevance evaluation: runs a set of queries with known answers and reports
// recall@k, MRR and zero-result rates, overall, per query kind and per language.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "portalkb/engine.h"
#include "portalkb/status.h"

namespace portalkb {

// One line of an evaluation file (JSON Lines):
// {"query": "factuur donwloaden", "lang": "nl", "kind": "typo",
//  "correct": "factuur downloaden", "expected": ["nl-b2b-factuur-downloaden"]}
struct EvalQuery {
  std::string query;
  std::string lang;
  std::string kind;                   // plain, typo, synonym, prefix, none (anything else is kept as given)
  std::string correct;                // typo queries: the same query spelled right
  std::vector<std::string> expected;  // empty for kind "none"
  std::string source;                 // "file:line"
};

// Loads a .jsonl file, or every .jsonl file in a directory (sorted).
// InvalidArgument naming the file and line of a malformed entry.
Result<std::vector<EvalQuery>> LoadEvalQueries(const std::string& path);

struct EvalMetrics {
  std::size_t queries = 0;
  double recall_at_1 = 0;
  double recall_at_5 = 0;
  double recall_at_10 = 0;
  double mrr = 0;
  double zero_result_rate = 0;
};

struct EvalFailure {
  EvalQuery query;
  int rank = 0;                  // 1-based rank of the first expected id; 0 = not in the top 10
  std::vector<std::string> top;  // ids of the top hits (up to 5)
  std::string corrected_query;
};

struct EvalReport {
  EvalMetrics overall;                         // queries that should find something
  std::map<std::string, EvalMetrics> by_kind;  // excluding "none"
  std::map<std::string, EvalMetrics> by_lang;
  // Queries that should find nothing: how many did, and how many only
  // weakly (no hit matched every query word).
  std::size_t none_queries = 0;
  std::size_t none_with_results = 0;
  std::size_t none_with_strong_results = 0;
  // MRR of the typo queries, and of the same queries spelled right.
  double typo_mrr = 0;
  double typo_correct_mrr = 0;
  std::vector<EvalFailure> failures;  // not found in the top 10, or results for a "none" query
  // The same queries on the same index ranked by plain BM25
  // (SearchRequest::ranking "bm25"), when EvalOptions::baseline: whether the
  // engine's ranking helps or hurts, slice by slice.
  bool has_baseline = false;
  EvalMetrics baseline_overall;
  std::map<std::string, EvalMetrics> baseline_by_kind;
  std::map<std::string, EvalMetrics> baseline_by_lang;
  std::size_t baseline_none_with_results = 0;
};

struct EvalOptions {
  bool use_lang = true;  // search each query in its own language (as a portal in that language would)
  // Who the queries run as: by default an admin, so relevance is measured
  // over every document; access control has tests of its own.
  Principal principal = Principal::Admin();
  // Also run every query as the plain BM25 baseline (twice the searches).
  bool baseline = true;
};

Result<EvalReport> Evaluate(Engine& engine, const std::vector<EvalQuery>& queries, const EvalOptions& options = {});

}  // namespace portalkb
