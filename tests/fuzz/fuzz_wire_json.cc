// The wire-format parsers of portalkb/json.h. Byte 0 picks the parser, the
// rest is the body. Invariant: a refusal is InvalidArgument with a message
// (no exception escapes); a value parsed writes back (ToJson) to JSON that
// parses again, and writes back to the very same JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "portalkb/json.h"

namespace {

// Small limits, so the fuzzer reaches every bound.
portalkb::JsonLimits Limits() {
  portalkb::JsonLimits limits;
  limits.max_body_bytes = 8192;
  limits.max_string_bytes = 256;
  limits.max_array_items = 16;
  limits.max_depth = 6;
  return limits;
}

template <typename Parse>
void RoundTrip(std::string_view body, Parse parse) {
  auto first = parse(body, Limits());
  if (!first.ok()) {
    FUZZ_CHECK(first.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
               first.status().ToString().c_str());
    FUZZ_CHECK(!first.status().message().empty(), "a refusal without a message");
    return;
  }
  const std::string written = portalkb::ToJson(first.value());
  auto second = parse(written, Limits());
  FUZZ_CHECK(second.ok(), "what was written does not parse: %s\n  %s", second.status().ToString().c_str(),
             written.c_str());
  const std::string again = portalkb::ToJson(second.value());
  FUZZ_CHECK(again == written, "the round trip changes the value:\n  %s\n  %s", written.c_str(), again.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace portalkb;
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      RoundTrip(body, SearchRequestFromJson);
      break;
    case 1:
      RoundTrip(body, SuggestRequestFromJson);
      break;
    case 2:
      RoundTrip(body, ReportRequestFromJson);
      break;
    case 3:
      RoundTrip(body, DocumentFromJson);
      break;
    case 4:
      RoundTrip(body, IndexSettingsFromJson);
      break;
    case 5:
      RoundTrip(body, SynonymRuleFromJson);
      break;
    default:
      RoundTrip(body, SynonymRulesFromJson);
      break;
  }
  return 0;
}
