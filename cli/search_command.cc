#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "portalkb/engine.h"
#include "portalkb/json.h"

namespace portalkb::cli {

int RunSearch(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  SearchRequest request;
  std::vector<std::string> words;
  PrincipalArgs principal;
  AddPrincipalOptions(options, principal);
  options.add_options()("filter", po::value(&request.filters)->composing(),
                        "FIELD=V[|V...], FIELD>=V, FIELD<V, !FIELD=V (repeatable; fields: type, lang, category, tags, "
                        "org, updated_at, further fields)")("facet", po::value(&request.facets)->composing(),
                                                            "count values of FIELD over all matches (repeatable)")(
      "sort", po::value(&request.sort), "relevance (default), updated_at or a numeric field, with :asc or :desc")(
      "db", po::value(&db)->required(), "index directory")(
      "lang", po::value(&request.lang), "only documents in this language (nl, en, sv, de), analysed as it")(
      "limit", CountValue(&request.limit)->default_value(10), "number of hits (0-1000)")(
      "offset", CountValue(&request.offset)->default_value(0), "hits to skip, for paging")(
      "no-typos", "match words exactly (no typo tolerance)")("no-prefix", "do not complete the last word as a prefix")(
      "no-correct", "do not retry with \"did you mean\" corrections")("session", po::value(&request.session),
                                                                      "pseudonymous session id for analytics")(
      "no-log", "do not record this search in the analytics log")("json", "print one JSON object")(
      "query", po::value(&words)->required()->composing(), "the query: words, \"phrases\", -excluded");
  po::positional_options_description positional;
  positional.add("query", -1);
  bool help = false;
  auto vm = ParseOptions("search", args, options, positional,
                         "--db DIR [--user U] [--org O] [--role R]... [--filter EXPR]... [--facet FIELD]... [--sort "
                         "FIELD[:asc|desc]] [--lang L] [--limit N] [--offset N] [--json] QUERY",
                         help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  for (const auto& w : words) request.query += (request.query.empty() ? "" : " ") + w;
  request.principal = MakePrincipal(*vm, principal);
  request.typo_tolerance = vm->count("no-typos") == 0;
  request.prefix = vm->count("no-prefix") == 0;
  request.correct = vm->count("no-correct") == 0;
  request.log = vm->count("no-log") == 0;

  auto engine = Engine::Open(db);
  if (!engine.ok()) return ReportError("search", engine.status());
  auto response = engine.value()->Search(request);
  if (!response.ok()) return ReportError("search", response.status());

  if (vm->count("json")) {
    std::cout << ToJson(response.value()) << "\n";
    return kExitOk;
  }

  const bool terminal = StdoutIsTerminal();
  if (response->as_admin) std::printf("(searching as admin: every document, drafts included)\n");
  if (!response->corrected_query.empty()) {
    std::printf("showing results for \"%s\" (no results for \"%s\")\n", response->corrected_query.c_str(),
                response->query.c_str());
  } else if (!response->suggestion.empty()) {
    std::printf("did you mean \"%s\"?\n", response->suggestion.c_str());
  }
  if (response->hits.empty()) {
    std::printf("no results for \"%s\" (%.1f ms)\n", response->query.c_str(), response->took_ms);
    return kExitOk;
  }
  if (!response->detected_lang.empty()) {
    std::printf("(query language: %s; its documents first)\n", response->detected_lang.c_str());
  }
  // Scores are tier bonuses plus BM25, meaningless to a reader: show the rank
  // and whether the hit misses some query word (raw scores are in --json).
  std::printf("%-4s %-7s %-9s %-4s %-36s %s\n", "#", "match", "type", "lang", "id", "title");
  std::size_t rank = request.offset;
  for (const auto& h : response->hits) {
    std::printf("%-4zu %-7s %-9s %-4s %s %s\n", ++rank, h.weak ? "partial" : "all", h.type.c_str(), h.lang.c_str(),
                Column(h.id, 36).c_str(), h.title.c_str());
    if (!h.snippet.empty()) std::printf("     %s\n", SnippetForTerminal(h.snippet, terminal).c_str());
  }
  std::printf("%llu%s results, showing %zu-%zu (%.1f ms)\n", static_cast<unsigned long long>(response->total),
              response->total_exact ? "" : "+", request.offset + 1, rank, response->took_ms);
  for (const auto& [field, counts] : response->facets) {
    std::printf("%s:", field.c_str());
    for (const auto& c : counts) std::printf("  %s (%llu)", c.value.c_str(), static_cast<unsigned long long>(c.count));
    std::printf("\n");
  }
  return kExitOk;
}

}  // namespace portalkb::cli
