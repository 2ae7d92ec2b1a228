#include "search/query_parser.h"

#include "core/text.h"

namespace portalkb {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::vector<QueryClause> ParseQuery(std::string_view query) {
  std::vector<QueryClause> clauses;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && IsSpace(query[i])) ++i;
    if (i >= query.size()) break;
    QueryClause clause;
    if (query[i] == '-' || query[i] == '+') {
      clause.excluded = query[i] == '-';
      ++i;
    }
    if (i < query.size() && query[i] == '"') {
      const std::size_t close = query.find('"', i + 1);
      const std::size_t end = close == std::string_view::npos ? query.size() : close;
      clause.kind = QueryClause::Kind::kPhrase;
      clause.text = std::string(Trim(query.substr(i + 1, end - i - 1)));
      i = close == std::string_view::npos ? query.size() : close + 1;
    } else {
      const std::size_t begin = i;
      while (i < query.size() && !IsSpace(query[i]) && query[i] != '"') ++i;
      clause.text = std::string(query.substr(begin, i - begin));
    }
    if (!clause.text.empty()) clauses.push_back(std::move(clause));
  }
  return clauses;
}

}  // namespace portalkb
