#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "portalkb/engine.h"
#include "portalkb/json.h"

namespace portalkb::cli {

int RunRelated(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::string id;
  std::size_t limit = 5;
  PrincipalArgs principal;
  AddPrincipalOptions(options, principal);
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "limit", CountValue(&limit)->default_value(5), "number of related documents (0-100)")(
      "json", "print one JSON object")("id", po::value(&id)->required(), "the document to find relatives of");
  po::positional_options_description positional;
  positional.add("id", 1);
  bool help = false;
  auto vm = ParseOptions("related", args, options, positional,
                         "--db DIR [--user U] [--org O] [--role R]... [--json] ID", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  auto engine = Engine::Open(db);
  if (!engine.ok()) return ReportError("related", engine.status());
  auto hits = engine.value()->Related(id, MakePrincipal(*vm, principal), limit);
  if (!hits.ok()) return ReportError("related", hits.status());
  if (vm->count("json")) {
    std::cout << RelatedToJson(id, hits.value()) << "\n";
    return kExitOk;
  }
  for (const auto& h : hits.value()) std::printf("%-36s %s\n", Column(h.id, 36).c_str(), h.title.c_str());
  return kExitOk;
}

}  // namespace portalkb::cli
