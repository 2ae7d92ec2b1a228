// HTML (gumbo). Invariant: CheckLoadedRecord (fuzz_check.h), and the text of
// scripts and styles never reaches the title or body: each input is preceded
// by a <script> and a <style> holding marker words, which must not appear
// (unless the input itself holds them).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::string_view kScriptMarker = "qzxscriptmarker";
  static constexpr std::string_view kStyleMarker = "qzxstylemarker";
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string content = "<script>var " + std::string(kScriptMarker) + " = 1;</script><style>." +
                        std::string(kStyleMarker) + " { color: red }</style>";
  content += input;
  portalkb::DocumentLimits limits;
  limits.max_html_depth = 32;  // reached by small inputs
  const portalkb::LoadedRecord record = portalkb::LoadHtml(content, "fuzz.html", limits);
  for (std::string_view marker : {kScriptMarker, kStyleMarker}) {
    if (input.find(marker) != std::string_view::npos) continue;
    FUZZ_CHECK(record.doc.body.find(marker) == std::string::npos && record.doc.title.find(marker) == std::string::npos,
               "the text of a script or style (%.*s) reached the document", static_cast<int>(marker.size()),
               marker.data());
  }
  portalkb::fuzz::CheckLoadedRecord(record, limits);
  return 0;
}
