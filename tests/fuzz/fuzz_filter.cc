// Filter expressions ("category=Billing", "!tags=a|b", "price<20"). Invariant:
// a parsed filter names a filterable field, has non-empty trimmed values
// (exactly one for a range, none holding '|'), writes back to text that
// parses to the same filter, and FilterQuery turns it into a Xapian query or
// an InvalidArgument without throwing.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/text.h"
#include "facets/filter.h"
#include "fuzz_check.h"

namespace {

const char* OpText(portalkb::Filter::Op op) {
  switch (op) {
    case portalkb::Filter::Op::kEq:
      return "=";
    case portalkb::Filter::Op::kGe:
      return ">=";
    case portalkb::Filter::Op::kLe:
      return "<=";
    case portalkb::Filter::Op::kGt:
      return ">";
    case portalkb::Filter::Op::kLt:
      return "<";
  }
  return "?";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using portalkb::Filter;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = portalkb::ParseFilter(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
               parsed.status().ToString().c_str());
    return 0;
  }
  const Filter& f = parsed.value();
  FUZZ_CHECK(portalkb::IsBuiltInFilterField(f.field) || portalkb::IsAttributeFieldName(f.field),
             "field [%s] is not a filter field", f.field.c_str());
  FUZZ_CHECK(!portalkb::IsReservedField(f.field), "reserved field [%s] accepted", f.field.c_str());
  FUZZ_CHECK(!f.values.empty(), "no values");
  FUZZ_CHECK(f.op == Filter::Op::kEq || f.values.size() == 1, "a range with %zu values", f.values.size());
  std::string written = std::string(f.negated ? "!" : "") + f.field + OpText(f.op) + " ";
  for (std::size_t i = 0; i < f.values.size(); ++i) {
    const std::string& v = f.values[i];
    FUZZ_CHECK(!v.empty() && portalkb::Trim(v) == v, "empty or untrimmed value [%s]", v.c_str());
    FUZZ_CHECK(v.find('|') == std::string::npos, "value [%s] holds '|'", v.c_str());
    written += (i > 0 ? "|" : "") + v;
  }
  auto again = portalkb::ParseFilter(written);
  FUZZ_CHECK(again.ok(), "written back as [%s]: %s", written.c_str(), again.status().ToString().c_str());
  FUZZ_CHECK(again.value().field == f.field && again.value().op == f.op && again.value().values == f.values &&
                 again.value().negated == f.negated,
             "written back as [%s], it parses to another filter", written.c_str());

  // One numeric further field with a slot, so ranges on it build a value
  // range and ranges on other fields take the match-nothing branch.
  static const std::map<std::string, unsigned> kSlots = {{"price", 20}};
  try {
    auto query = portalkb::FilterQuery(f, kSlots);
    if (!query.ok()) {
      FUZZ_CHECK(query.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
                 query.status().ToString().c_str());
    } else {
      (void)query.value().get_description();
    }
  } catch (const Xapian::Error& e) {
    FUZZ_CHECK(false, "FilterQuery threw: %s", e.get_description().c_str());
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "FilterQuery threw: %s", e.what());
  }
  return 0;
}
