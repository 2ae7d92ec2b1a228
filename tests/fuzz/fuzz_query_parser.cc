// The query syntax: words, "phrases", -exclusions and +words. Invariant:
// ParseQuery never yields an empty clause, words hold no white space or
// quote, phrases no quote and no outer white space, and the clauses written
// back in the syntax parse to the same clauses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "search/query_parser.h"

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string Describe(const std::vector<portalkb::QueryClause>& clauses) {
  std::string out;
  for (const auto& c : clauses) {
    out += c.excluded ? "-" : "+";
    out += c.kind == portalkb::QueryClause::Kind::kPhrase ? "phrase[" : "word[";
    out += c.text + "] ";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using portalkb::QueryClause;
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  const auto clauses = portalkb::ParseQuery(query);
  std::size_t bytes = 0;
  std::string written;
  for (const auto& c : clauses) {
    FUZZ_CHECK(!c.text.empty(), "an empty clause");
    FUZZ_CHECK(c.text.find('"') == std::string::npos, "a quote inside clause [%s]", c.text.c_str());
    if (c.kind == QueryClause::Kind::kWord) {
      for (char ch : c.text) FUZZ_CHECK(!IsSpace(ch), "white space inside word [%s]", c.text.c_str());
    } else {
      FUZZ_CHECK(!IsSpace(c.text.front()) && !IsSpace(c.text.back()), "untrimmed phrase [%s]", c.text.c_str());
    }
    bytes += c.text.size();
    // '+' before every kept clause, so a word that itself starts with '-'
    // or '+' keeps that character.
    written += c.excluded ? "-" : "+";
    written += c.kind == QueryClause::Kind::kPhrase ? "\"" + c.text + "\"" : c.text;
    written += ' ';
  }
  FUZZ_CHECK(bytes <= size, "clauses hold %zu bytes of a %zu-byte query", bytes, size);
  const auto again = portalkb::ParseQuery(written);
  FUZZ_CHECK(again.size() == clauses.size(), "written back as [%s]: %s became %s", written.c_str(),
             Describe(clauses).c_str(), Describe(again).c_str());
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    FUZZ_CHECK(again[i].kind == clauses[i].kind && again[i].text == clauses[i].text &&
                   again[i].excluded == clauses[i].excluded,
               "written back as [%s]: %s became %s", written.c_str(), Describe(clauses).c_str(),
               Describe(again).c_str());
  }
  return 0;
}
