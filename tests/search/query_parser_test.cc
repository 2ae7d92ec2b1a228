#include <gtest/gtest.h>

#include "search/query_parser.h"

namespace portalkb {
namespace {

std::string Describe(const std::vector<QueryClause>& clauses) {
  std::string out;
  for (const auto& c : clauses) {
    if (!out.empty()) out += " | ";
    if (c.excluded) out += "NOT ";
    out += c.kind == QueryClause::Kind::kPhrase ? "\"" + c.text + "\"" : c.text;
  }
  return out;
}

TEST(ParseQuery, TableOfCases) {
  struct Case {
    const char* query;
    const char* expected;
  };
  const Case cases[] = {
      {"factuur downloaden", "factuur | downloaden"},
      {"  spaced   out  ", "spaced | out"},
      {"\"nieuw wachtwoord\" instellen", "\"nieuw wachtwoord\" | instellen"},
      {"invoice -credit", "invoice | NOT credit"},
      {"-\"credit note\" invoice", "NOT \"credit note\" | invoice"},
      {"wachtwoord-reset", "wachtwoord-reset"},
      {"+must have", "must | have"},
      {"\"unclosed phrase here", "\"unclosed phrase here\""},
      {"\"\" - -- x", "NOT - | x"},
      {"", ""},
      {"a\"b c\"", "a | \"b c\""},
  };
  for (const auto& c : cases) EXPECT_EQ(Describe(ParseQuery(c.query)), c.expected) << c.query;
}

}  // namespace
}  // namespace portalkb
