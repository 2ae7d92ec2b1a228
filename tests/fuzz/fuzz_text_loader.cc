// Plain text, and DeriveTitle on it. Invariant: CheckLoadedRecord
// (fuzz_check.h); the body is the text without a byte-order mark; a derived
// title is at most 200 bytes plus an ellipsis and never starts or ends with
// white space.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  const portalkb::LoadedRecord record = portalkb::LoadText(content, "fuzz.txt");
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  FUZZ_CHECK(record.error.empty(), "text never fails: %s", record.error.c_str());
  FUZZ_CHECK(record.doc.body == content, "the body is not the text");
  const std::string& title = record.doc.title;
  FUZZ_CHECK(title.size() <= 200 + 3, "a derived title of %zu bytes", title.size());
  FUZZ_CHECK(title.empty() || (title.front() != ' ' && title.back() != ' '), "untrimmed title [%s]", title.c_str());
  portalkb::fuzz::CheckLoadedRecord(record, portalkb::DocumentLimits{});
  return 0;
}
