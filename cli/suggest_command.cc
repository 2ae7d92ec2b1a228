#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "portalkb/engine.h"
#include "portalkb/json.h"

namespace portalkb::cli {

int RunSuggest(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  SuggestRequest request;
  std::vector<std::string> words;
  PrincipalArgs principal;
  AddPrincipalOptions(options, principal);
  options.add_options()("db", po::value(&db)->required(), "index directory")("lang", po::value(&request.lang),
                                                                             "only titles in this language")(
      "limit", CountValue(&request.limit)->default_value(10), "number of suggestions (0-100)")(
      "json", "print one JSON object")("prefix", po::value(&words)->required()->composing(),
                                       "what has been typed so far");
  po::positional_options_description positional;
  positional.add("prefix", -1);
  bool help = false;
  auto vm = ParseOptions("suggest", args, options, positional, "--db DIR [--lang L] [--limit N] [--json] PREFIX", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  request.principal = MakePrincipal(*vm, principal);
  for (const auto& w : words) request.prefix += (request.prefix.empty() ? "" : " ") + w;

  auto engine = Engine::Open(db);
  if (!engine.ok()) return ReportError("suggest", engine.status());
  auto suggestions = engine.value()->Suggest(request);
  if (!suggestions.ok()) return ReportError("suggest", suggestions.status());
  if (vm->count("json")) {
    std::cout << SuggestionsToJson(request.prefix, suggestions.value()) << "\n";
    return kExitOk;
  }
  for (const auto& s : suggestions.value()) std::printf("%s\n", s.text.c_str());
  return kExitOk;
}

}  // namespace portalkb::cli
