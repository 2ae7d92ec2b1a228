// Markdown with YAML front matter. Invariant: CheckLoadedRecord (fuzz_check.h);
// small YAML limits so the alias and depth bounds are reached.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  portalkb::DocumentLimits limits;
  limits.max_yaml_values = 200;
  limits.max_yaml_depth = 8;
  const portalkb::LoadedRecord record = portalkb::LoadMarkdown(content, "fuzz.md", limits);
  FUZZ_CHECK(record.error.empty() || record.line >= 0, "negative line %d", record.line);
  portalkb::fuzz::CheckLoadedRecord(record, limits);
  return 0;
}
