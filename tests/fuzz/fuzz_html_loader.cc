// HTML (gumbo). Invariant: CheckLoadedRecord (fuzz_check.h), and the text of
// scripts and styles never reaches the title or body. Each input is loaded
// twice, preceded by a <script> and a <style> whose words differ in one
// letter between the two loads: a title or body that differs between them
// holds script or style text. (Checking that the words are absent instead
// fails on inputs that spell them with visible text around an inline tag,
// "q<b>zx...", which is how the page reads.)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"

namespace {

std::string Prefixed(std::string_view input, char letter) {
  const std::string script_word = std::string("qz") + letter + "scriptmarker";
  const std::string style_word = std::string("qz") + letter + "stylemarker";
  return "<script>var " + script_word + " = 1;</script><style>." + style_word + " { color: red }</style>" +
         std::string(input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  portalkb::DocumentLimits limits;
  limits.max_html_depth = 32;  // reached by small inputs
  const portalkb::LoadedRecord a = portalkb::LoadHtml(Prefixed(input, 'x'), "fuzz.html", limits);
  const portalkb::LoadedRecord b = portalkb::LoadHtml(Prefixed(input, 'y'), "fuzz.html", limits);
  FUZZ_CHECK(a.doc.body == b.doc.body && a.doc.title == b.doc.title && a.error == b.error,
             "the text of a script or style reached the document (title '%.80s', body '%.200s')", a.doc.title.c_str(),
             a.doc.body.c_str());
  portalkb::fuzz::CheckLoadedRecord(a, limits);
  return 0;
}
