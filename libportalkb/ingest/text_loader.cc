#include "core/text.h"
#include "ingest/loader.h"

namespace portalkb {

LoadedRecord LoadText(std::string_view content, const std::string& file) {
  LoadedRecord record;
  record.file = file;
  record.doc.source = file;
  if (StartsWith(content, "\xEF\xBB\xBF")) content.remove_prefix(3);
  record.doc.body = std::string(content);
  // The first non-empty line is the title unless metadata gives one.
  std::size_t begin = 0;
  while (begin < content.size()) {
    std::size_t end = content.find('\n', begin);
    if (end == std::string_view::npos) end = content.size();
    const std::string_view line = Trim(content.substr(begin, end - begin));
    if (!line.empty()) {
      record.doc.title = std::string(line.substr(0, 200));
      break;
    }
    begin = end + 1;
  }
  return record;
}

}  // namespace portalkb
