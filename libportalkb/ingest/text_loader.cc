#include "core/text.h"
#include "ingest/loader.h"

namespace portalkb {
namespace {

constexpr std::size_t kMaxDerivedTitleBytes = 200;

}  // namespace

std::string DeriveTitle(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::string_view line;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find_first_of("\n\f", begin);  // PDF pages end with a form feed
    if (end == std::string_view::npos) end = text.size();
    line = Trim(text.substr(begin, end - begin));
    if (!line.empty()) break;
    begin = end + 1;
  }
  // The first sentence: up to ". ", "? " or "! " ("4.2" and "e.g." inside a
  // word do not end it); a lone trailing full stop is dropped.
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    if ((line[i] == '.' || line[i] == '?' || line[i] == '!') && (line[i + 1] == ' ' || line[i + 1] == '\t')) {
      // Trimmed again: "word . more" ends the sentence after a space.
      line = Trim(line.substr(0, line[i] == '.' ? i : i + 1));
      break;
    }
  }
  if (line.size() > 1 && line.back() == '.' && line[line.size() - 2] != '.')
    line = Trim(line.substr(0, line.size() - 1));
  if (line.size() > kMaxDerivedTitleBytes) {
    std::string_view cut = Utf8Prefix(line, kMaxDerivedTitleBytes);
    if (const auto space = cut.rfind(' '); space != std::string_view::npos && space > 0) cut = cut.substr(0, space);
    return std::string(Trim(cut)) + "\xE2\x80\xA6";  // …
  }
  return std::string(line);
}

LoadedRecord LoadText(std::string_view content, const std::string& file) {
  LoadedRecord record;
  record.file = file;
  record.doc.source = file;
  if (StartsWith(content, "\xEF\xBB\xBF")) content.remove_prefix(3);
  record.doc.body = std::string(content);
  // The title comes from the first line unless metadata gives one.
  record.doc.title = DeriveTitle(content);
  return record;
}

}  // namespace portalkb
