// Solr synonym files. The first byte picks the language the caller passes
// ("" or one supported code, or all four through ParseSynonymsForLanguages);
// the rest is the text. Invariant: every rule parsed passes
// ValidateSynonymRule; each rule's ToString parses back to that rule alone;
// and FormatSynonyms of all of them parses back to the same rules (in
// language groups, so compared sorted).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "portalkb/synonyms.h"

namespace {

bool Less(const portalkb::SynonymRule& a, const portalkb::SynonymRule& b) {
  return std::tie(a.lang, a.terms, a.targets) < std::tie(b.lang, b.terms, b.targets);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::vector<std::string> kLangs = {"", "nl", "en", "sv", "de"};
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const unsigned pick = data[0] % (kLangs.size() + 1);
  auto parsed = pick < kLangs.size() ? portalkb::ParseSynonyms(text, kLangs[pick])
                                     : portalkb::ParseSynonymsForLanguages(text, {"nl", "en", "sv", "de"});
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
               parsed.status().ToString().c_str());
    return 0;
  }
  std::vector<portalkb::SynonymRule> rules = std::move(parsed).value();
  for (const auto& rule : rules) {
    const portalkb::Status s = portalkb::ValidateSynonymRule(rule);
    FUZZ_CHECK(s.ok(), "a parsed rule is invalid: %s", s.ToString().c_str());
    const std::string line = rule.ToString();
    auto one = portalkb::ParseSynonyms(line, rule.lang);
    FUZZ_CHECK(one.ok(), "rule [%s] does not parse: %s", line.c_str(), one.status().ToString().c_str());
    FUZZ_CHECK(one.value().size() == 1 && one.value()[0] == rule, "rule [%s] parses to %zu other rule(s)", line.c_str(),
               one.value().size());
  }
  const std::string formatted = portalkb::FormatSynonyms(rules);
  auto again = portalkb::ParseSynonyms(formatted, "");
  FUZZ_CHECK(again.ok(), "formatted rules do not parse: %s\n%s", again.status().ToString().c_str(), formatted.c_str());
  std::vector<portalkb::SynonymRule> back = std::move(again).value();
  std::sort(rules.begin(), rules.end(), Less);
  std::sort(back.begin(), back.end(), Less);
  FUZZ_CHECK(back == rules, "formatted rules parse to other rules (%zu, %zu):\n%s", rules.size(), back.size(),
             formatted.c_str());
  return 0;
}
