// PDF (poppler). Invariant: CheckLoadedRecord (fuzz_check.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  const portalkb::LoadedRecord record = portalkb::LoadPdf(content, "fuzz.pdf");
  portalkb::fuzz::CheckLoadedRecord(record, portalkb::DocumentLimits{});
  return 0;
}
