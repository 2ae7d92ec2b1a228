#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "portalkb/engine.h"
#include "portalkb/index_writer.h"
#include "portalkb/json.h"
#include "portalkb/settings.h"

namespace portalkb::cli {

int RunSettings(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::string action = "list";
  std::vector<std::string> operands;
  options.add_options()("db", po::value(&db)->required(), "index directory")("json", "list: print JSON")(
      "action", po::value(&action), "list (default) | set NAME VALUE | unset NAME")(
      "operand", po::value(&operands)->composing(), "setting name and value");
  po::positional_options_description positional;
  positional.add("action", 1).add("operand", -1);
  bool help = false;
  std::string names;
  for (const auto& n : IndexSettings::Names()) names += "\n  " + n;
  auto vm = ParseOptions("settings", args, options, positional,
                         "--db DIR [list [--json] | set NAME VALUE | unset NAME]\nsettings:" + names, help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  auto usage = [](const std::string& message) {
    std::cerr << "portalkb settings: " << message << "\n";
    return kExitUsage;
  };

  if (action == "list") {
    if (!operands.empty()) return usage("list takes no operands");
    auto engine = Engine::Open(db);
    if (!engine.ok()) return ReportError("settings", engine.status());
    auto stored = engine.value()->Settings();
    if (!stored.ok()) return ReportError("settings", stored.status());
    if (vm->count("json")) {
      std::cout << SettingsListToJson(stored.value(), engine.value()->EffectiveOptions()) << "\n";
    } else {
      const auto set = stored->ToMap();
      const auto effective = IndexSettings::Effective(engine.value()->EffectiveOptions());
      for (const auto& name : IndexSettings::Names()) {
        std::printf("%-28s %-24s %s\n", name.c_str(), effective.at(name).c_str(),
                    set.count(name) ? "(stored with the index)" : "(default)");
      }
    }
    return kExitOk;
  }
  if (action != "set" && action != "unset")
    return usage("unknown action '" + action + "' (expected list, set or unset)");
  if (action == "set" && operands.size() != 2) return usage("set takes NAME VALUE");
  if (action == "unset" && operands.size() != 1) return usage("unset takes NAME");

  WriterOptions writer_options;
  writer_options.create_if_missing = false;
  auto writer = IndexWriter::Open(db, writer_options);
  if (!writer.ok()) return ReportError("settings", writer.status());
  Status s = action == "set" ? writer.value()->SetSetting(operands[0], operands[1])
                             : writer.value()->UnsetSetting(operands[0]);
  if (s.ok()) s = writer.value()->Commit();
  if (!s.ok()) return ReportError("settings", s);
  RecordAudit(db, "settings." + action, nlohmann::json{{"name", operands[0]}}.dump());
  if (action == "set") {
    auto now = writer.value()->Settings();
    const auto set = now.ok() ? now->ToMap() : std::map<std::string, std::string>{};
    std::printf("%s = %s\n", operands[0].c_str(), set.count(operands[0]) ? set.at(operands[0]).c_str() : "");
  } else {
    std::printf("%s unset (default in force)\n", operands[0].c_str());
  }
  return kExitOk;
}

}  // namespace portalkb::cli
