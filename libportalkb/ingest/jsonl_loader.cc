#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ingest/loader.h"
#include "ingest/metadata.h"

namespace portalkb {

void LoadJsonLines(std::string_view content, const std::string& file, const RecordSink& sink) {
  int line_no = 0;
  std::size_t begin = 0;
  while (begin < content.size()) {
    std::size_t end = content.find('\n', begin);
    if (end == std::string_view::npos) end = content.size();
    const std::string_view line = Trim(content.substr(begin, end - begin));
    ++line_no;
    begin = end + 1;
    if (line.empty()) continue;
    LoadedRecord record;
    record.file = file;
    record.line = line_no;
    record.doc.source = file + ":" + std::to_string(line_no);
    nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded()) {
      record.error = "invalid JSON";
    } else if (!object.is_object()) {
      record.error = "expected a JSON object per line";
    } else if (Status s = ApplyMetadata(object, record.doc); !s.ok()) {
      record.error = s.message();
    }
    sink(std::move(record));
  }
}

}  // namespace portalkb
