#include "facets/filter.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/text.h"
#include "portalkb/document.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

bool IsFieldChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

Status Bad(std::string_view text, const std::string& why) {
  std::string shown(text.substr(0, 80));
  if (text.size() > 80) shown += "\xE2\x80\xA6";
  return Status::InvalidArgument("filter '" + SanitizeUtf8(shown) + "': " + why);
}

}  // namespace

bool IsAttributeFieldName(std::string_view name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsBuiltInFilterField(std::string_view name) {
  return name == "type" || name == "lang" || name == "category" || name == "tags" || name == "org" ||
         name == "updated_at";
}

bool IsReservedField(std::string_view name) {
  for (const char* reserved :
       {"id", "title", "summary", "body", "url", "status", "visibility", "publish_at", "unpublish_at"}) {
    if (name == reserved) return true;
  }
  return false;
}

Result<Filter> ParseFilter(std::string_view raw) {
  Filter f;
  f.text = std::string(raw);
  std::string_view text = Trim(raw);
  if (!text.empty() && text[0] == '!') {
    f.negated = true;
    text.remove_prefix(1);
  }
  std::size_t i = 0;
  while (i < text.size() && IsFieldChar(text[i])) ++i;
  if (i == 0) return Bad(raw, "expected FIELD=VALUE, FIELD>=VALUE or !FIELD=VALUE");
  f.field = AsciiLower(text.substr(0, i));
  if (f.field == "tag") f.field = "tags";
  if (IsReservedField(f.field)) {
    return Bad(raw, "'" + f.field +
                        "' is not a filter field (filter on type, lang, category, tags, org, "
                        "updated_at or a further field)");
  }
  if (!IsBuiltInFilterField(f.field) && !IsAttributeFieldName(f.field)) {
    return Bad(raw, "'" + f.field.substr(0, 40) + "' is not a field name (1-32 characters of a-z 0-9 _)");
  }
  std::string_view rest = text.substr(i);
  if (rest.substr(0, 2) == "!=") {
    f.negated = !f.negated;
    f.op = Filter::Op::kEq;
    rest.remove_prefix(2);
  } else if (rest.substr(0, 2) == ">=") {
    f.op = Filter::Op::kGe;
    rest.remove_prefix(2);
  } else if (rest.substr(0, 2) == "<=") {
    f.op = Filter::Op::kLe;
    rest.remove_prefix(2);
  } else if (!rest.empty() && rest[0] == '>') {
    f.op = Filter::Op::kGt;
    rest.remove_prefix(1);
  } else if (!rest.empty() && rest[0] == '<') {
    f.op = Filter::Op::kLt;
    rest.remove_prefix(1);
  } else if (!rest.empty() && rest[0] == '=') {
    f.op = Filter::Op::kEq;
    rest.remove_prefix(1);
  } else {
    return Bad(raw, "missing operator after '" + f.field + "' (use =, !=, >=, <=, > or <)");
  }
  if (f.op == Filter::Op::kEq) {
    std::size_t start = 0;
    while (true) {
      const auto bar = rest.find('|', start);
      const std::string_view value =
          Trim(rest.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
      if (value.empty()) return Bad(raw, "empty value");
      f.values.emplace_back(value);
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
  } else {
    const std::string_view value = Trim(rest);
    if (value.empty()) return Bad(raw, "empty value");
    if (value.find('|') != std::string_view::npos) return Bad(raw, "a range takes one value");
    f.values.emplace_back(value);
  }
  return f;
}

Result<Xapian::Query> FilterQuery(const Filter& f, const std::map<std::string, unsigned>& slots) {
  using Q = Xapian::Query;
  using namespace schema;
  if (f.op == Filter::Op::kEq) {
    std::vector<Q> terms;
    for (const auto& v : f.values) {
      if (f.field == "type") {
        const std::string t = AsciiLower(v);
        if (t != "article" && t != "document") return Bad(f.text, "type is article or document, not '" + v + "'");
        terms.emplace_back(Term(kType, t));
      } else if (f.field == "lang") {
        const std::string lang = AsciiLower(v);
        if (!IsSupportedLanguage(lang))
          return Bad(f.text, "lang '" + v.substr(0, 40) + "' is not supported (nl, en, sv, de)");
        terms.emplace_back(Term(kLang, lang));
      } else if (f.field == "category") {
        terms.emplace_back(Term(kCategory, v));
      } else if (f.field == "tags") {
        terms.emplace_back(Term(kTag, AsciiLower(v)));
      } else if (f.field == "org") {
        terms.emplace_back(Term(kOrg, AsciiLower(v)));
      } else if (f.field == "updated_at") {
        return Bad(f.text, "updated_at takes a range (>=, <=, >, <), not =");
      } else {
        terms.emplace_back(Term(kAttribute, f.field + ":" + AsciiLower(v)));
      }
    }
    return Q(Q::OP_OR, terms.begin(), terms.end());
  }
  // Ranges.
  Xapian::valueno slot;
  double bound;
  const std::string& v = f.values.front();
  if (f.field == "updated_at") {
    const auto seconds = ParseIsoDateTime(v);
    if (!seconds) return Bad(f.text, "'" + v + "' is not an ISO date like 2026-01-01");
    slot = kSlotUpdatedAt;
    bound = static_cast<double>(*seconds);
  } else {
    if (IsBuiltInFilterField(f.field)) {
      return Bad(f.text, "'" + f.field + "' is not a numeric or date field, so it has no range");
    }
    char* end = nullptr;
    bound = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + v.size() || !std::isfinite(bound))
      return Bad(f.text, "'" + v.substr(0, 40) + "' is not a number");
    // A further field no document has a number for matches nothing, whether
    // or not documents the principal may not see have it: the answer never
    // tells hidden field names.
    const auto it = slots.find(f.field);
    if (it == slots.end()) return Q(Q::MatchNothing);
    slot = it->second;
  }
  // Strict bounds: nudge past the bound itself.
  switch (f.op) {
    case Filter::Op::kGe:
      return Q(Q::OP_VALUE_GE, slot, Xapian::sortable_serialise(bound));
    case Filter::Op::kLe:
      return Q(Q::OP_VALUE_LE, slot, Xapian::sortable_serialise(bound));
    case Filter::Op::kGt:
      return Q(Q::OP_VALUE_GE, slot, Xapian::sortable_serialise(std::nextafter(bound, INFINITY)));
    case Filter::Op::kLt:
      return Q(Q::OP_VALUE_LE, slot, Xapian::sortable_serialise(std::nextafter(bound, -INFINITY)));
    default:
      break;
  }
  return Bad(f.text, "unsupported operator");
}

}  // namespace portalkb
