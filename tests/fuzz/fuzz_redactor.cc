// The analytics redactor. Byte 0 picks a known e-mail address or IBAN to
// plant (bit 7: the first line of the rest is extra patterns for
// AddPatterns), byte 1 where to plant it (between spaces) in the rest.
// Invariant: the planted item never appears in the output (copies of it in
// the fuzzer's own text aside, see below), which is valid
// UTF-8, says something was replaced, and is bounded by the input limit.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/redactor.h"
#include "core/text.h"
#include "fuzz_check.h"

namespace {

std::size_t Count(std::string_view text, std::string_view item) {
  std::size_t n = 0;
  for (auto at = text.find(item); at != std::string_view::npos; at = text.find(item, at + 1)) ++n;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Every one is found by the built-in detectors (tests/analytics/redactor_test.cc).
  static constexpr std::string_view kPlanted[] = {
      "jan.jansen@example.com", "j\xC3\xB6hn@ex\xC3\xA4mple.de", "NL91ABNA0417164300",       "NL91 ABNA 0417 1643 00",
      "DE89370400440532013000", "GB82WEST12345698765432",        "SE4550000000058398257466", "x@[192.0.2.1]",
  };
  constexpr std::size_t kMaxBytes = 2000;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  // Compiling the built-in patterns costs more than redacting, so the plain
  // redactor is made once.
  static const portalkb::Redactor kBuiltIn;
  std::optional<portalkb::Redactor> custom;
  const portalkb::Redactor* redactor = &kBuiltIn;
  if (data[0] & 0x80) {
    redactor = &custom.emplace();
    const std::size_t nl = rest.find('\n');
    const std::string_view patterns = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (portalkb::Status s = custom->AddPatterns(patterns); !s.ok()) {
      FUZZ_CHECK(s.code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s", s.ToString().c_str());
      return 0;
    }
  }
  rest = rest.substr(0, kMaxBytes / 2);  // the planted item always lies before the cut
  const std::string_view planted = kPlanted[(data[0] & 0x7F) % std::size(kPlanted)];
  const std::size_t at = rest.size() * data[1] / 255;
  std::string text = std::string(rest.substr(0, at)) + " " + std::string(planted) + " " + std::string(rest.substr(at));
  const portalkb::Redaction out = redactor->Apply(text, kMaxBytes);
  FUZZ_CHECK(portalkb::IsValidUtf8(out.text), "output is not valid UTF-8");
  // The fuzzer's own text may hold the item glued to other letters or
  // digits ("5NL91ABNA04171643001"), which is not an item: only the planted
  // copy, between spaces, must go.
  FUZZ_CHECK(Count(out.text, planted) <= Count(rest, planted), "[%.*s] survives in: %s",
             static_cast<int>(planted.size()), planted.data(), out.text.c_str());
  FUZZ_CHECK(out.replaced, "nothing replaced in: %s", text.c_str());
  FUZZ_CHECK(!out.truncated, "truncated below the limit");
  // Invalid bytes become 3-byte U+FFFD and built-in placeholders are
  // shorter than their items; a custom pattern may match one character and
  // put its placeholder ("[" + up to 32 characters + "]") there.
  const std::size_t growth = custom ? portalkb::Redactor::kMaxPlaceholderBytes : 3;
  FUZZ_CHECK(out.text.size() <= growth * text.size() + 64, "%zu bytes out of %zu in", out.text.size(), text.size());

  // The whole input unplanted, cut at a small limit: bounded, valid UTF-8.
  const std::string_view whole(reinterpret_cast<const char*>(data), size);
  const portalkb::Redaction cut = redactor->Apply(whole, 64);
  FUZZ_CHECK(portalkb::IsValidUtf8(cut.text), "cut output is not valid UTF-8");
  FUZZ_CHECK(cut.truncated == (size > 64), "truncated=%d for %zu bytes", cut.truncated, size);
  FUZZ_CHECK(cut.text.size() <= growth * (64 + 128) + 64, "%zu bytes out of a 64-byte limit", cut.text.size());
  return 0;
}
