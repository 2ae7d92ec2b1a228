// Filters: "category=Billing", "tags=invoice|payment", "!lang=sv",
// "updated_at>=2026-01-01", "price<20". Equality ORs the values given with
// '|'; filters on different fields (or the same field twice) are ANDed; a
// leading '!' (or '!=') negates. Ranges work on updated_at and numeric fields.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "portalkb/status.h"

namespace portalkb {

struct Filter {
  enum class Op { kEq, kGe, kLe, kGt, kLt };
  std::string field;  // "type", "lang", "category", "tags", "org", "updated_at", or a further field
  Op op = Op::kEq;
  std::vector<std::string> values;  // kEq: one or more; ranges: exactly one
  bool negated = false;
  std::string text;  // as written, for messages
};

// Names of further fields (document attributes): 1-32 characters of a-z 0-9 _.
bool IsAttributeFieldName(std::string_view name);
// type, lang, category, tags, org, updated_at.
bool IsBuiltInFilterField(std::string_view name);
// Document keys that are not filters (id, title, body, status, visibility, ...).
bool IsReservedField(std::string_view name);

// InvalidArgument naming the offending part of `text`: a reserved or
// malformed field name, an unsupported language, a bad value. A filter on a
// well-formed further field that no document has is accepted (it matches
// nothing), so filters never tell which fields hidden documents have.
Result<Filter> ParseFilter(std::string_view text);

// The boolean query matching documents that pass `filter` (ignoring its
// negation, which the caller applies). `slots` are the numeric fields' value
// slots. InvalidArgument for a range on a field that has none.
Result<Xapian::Query> FilterQuery(const Filter& filter, const std::map<std::string, unsigned>& slots);

}  // namespace portalkb
