#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "portalkb/document.h"
#include "portalkb/engine.h"
#include "portalkb/index_writer.h"
#include "portalkb/json.h"

namespace portalkb::cli {

int RunSynonyms(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string db;
  std::string lang;
  std::string action;
  std::vector<std::string> operands;
  options.add_options()("db", po::value(&db)->required(), "index directory")(
      "lang", po::value(&lang),
      "language of the rules (nl, en, sv, de); import takes it from the file name, else imports for every language")(
      "replace", "import: replace the rules of the language (of every language when none is given) instead of adding")(
      "json", "list: print JSON")("action", po::value(&action)->required(), "add | remove | list | import | export")(
      "operand", po::value(&operands)->composing(), "rules (add, remove) or a file (import)");
  po::positional_options_description positional;
  positional.add("action", 1).add("operand", -1);
  bool help = false;
  auto vm = ParseOptions("synonyms", args, options, positional,
                         "--db DIR [--lang L] add|remove RULE... | list | import FILE | export", help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;

  auto usage = [](const std::string& message) {
    std::cerr << "portalkb synonyms: " << message << "\n";
    return kExitUsage;
  };
  if (action == "list" || action == "export") {
    auto engine = Engine::Open(db);
    if (!engine.ok()) return ReportError("synonyms", engine.status());
    auto rules = engine.value()->Synonyms();
    if (!rules.ok()) return ReportError("synonyms", rules.status());
    std::vector<SynonymRule> selected;
    for (const auto& r : rules.value()) {
      if (lang.empty() || r.lang == lang) selected.push_back(r);
    }
    if (action == "export") {
      std::cout << FormatSynonyms(selected);
    } else if (vm->count("json")) {
      std::cout << ToJson(selected) << "\n";
    } else {
      for (const auto& r : selected) std::printf("%s  %s\n", r.lang.c_str(), r.ToString().c_str());
    }
    return kExitOk;
  }
  if (action != "add" && action != "remove" && action != "import") {
    return usage("unknown action '" + action + "' (expected add, remove, list, import or export)");
  }
  if (operands.empty()) return usage(action == "import" ? "import needs a FILE" : action + " needs at least one RULE");

  std::string text;
  std::string rules_lang = lang;
  std::vector<std::string> langs;  // the languages of rules the text does not give one
  if (action == "import") {
    if (operands.size() != 1) return usage("import takes one FILE");
    std::ifstream in(operands[0], std::ios::binary);
    if (!in) return usage("cannot read '" + operands[0] + "'");
    // Read one byte past the limit, so ParseSynonyms reports an over-large file
    // without it ever being read whole.
    text.resize(kMaxSynonymTextBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (rules_lang.empty()) rules_lang = SynonymFileLanguage(operands[0]);
    // A plain Solr file says no language: its rules apply to every language.
    langs = rules_lang.empty() ? SupportedLanguages() : std::vector<std::string>{rules_lang};
  } else {
    if (rules_lang.empty()) return usage(action + " needs --lang");
    for (const auto& o : operands) text += o + "\n";
    langs = {rules_lang};
  }
  auto rules = ParseSynonymsForLanguages(text, langs);
  if (!rules.ok()) {
    std::cerr << "portalkb synonyms: " << (action == "import" ? operands[0] + ": " : "") << rules.status().message()
              << "\n";
    return kExitUsage;
  }
  if (action == "import" && !rules_lang.empty()) {
    // A language given (or in the file name) restricts the import to it, even
    // past a "# lang: xx" line for another.
    std::erase_if(rules.value(), [&](const SynonymRule& r) { return r.lang != rules_lang; });
  }

  WriterOptions writer_options;
  writer_options.create_if_missing = false;
  auto writer = IndexWriter::Open(db, writer_options);
  if (!writer.ok()) return ReportError("synonyms", writer.status());
  std::size_t changed = rules->size();
  Status s = Status::Ok();
  if (action == "remove") {
    auto removed = writer.value()->RemoveSynonyms(rules.value());
    if (!removed.ok()) return ReportError("synonyms", removed.status());
    changed = removed.value();
  } else if (action == "import" && vm->count("replace")) {
    s = writer.value()->ReplaceSynonyms(rules_lang, rules.value());
  } else {
    s = writer.value()->AddSynonyms(rules.value());
  }
  if (s.ok()) s = writer.value()->Commit();
  if (!s.ok()) return ReportError("synonyms", s);
  RecordAudit(db, "synonyms." + action, nlohmann::json{{"rules", changed}, {"lang", rules_lang}}.dump());
  std::map<std::string, std::size_t> per_lang;
  for (const auto& r : rules.value()) ++per_lang[r.lang];
  std::string langs_text;
  for (const auto& [l, n] : per_lang) langs_text += (langs_text.empty() ? "" : ", ") + l + " " + std::to_string(n);
  if (action == "remove") langs_text = rules_lang;
  std::printf("%s %zu rules (%s)\n",
              action == "remove" ? "removed"
              : action == "add"  ? "added"
                                 : "imported",
              changed, langs_text.empty() ? rules_lang.c_str() : langs_text.c_str());
  return action == "remove" && changed < rules->size() ? kExitFailure : kExitOk;
}

}  // namespace portalkb::cli
