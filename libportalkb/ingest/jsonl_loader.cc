#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ingest/loader.h"
#include "ingest/metadata.h"

namespace portalkb {
namespace {

using nlohmann::json;

constexpr int kNumberOutOfRange = 406;  // nlohmann out_of_range.406

// Builds the value as json::parse does (with the same DOM builder), and on an
// error keeps what a person needs to fix it: where (byte position), what, and
// for a number out of range, the key it belongs to. json::parse's exceptions
// carry no position for out-of-range numbers, hence the SAX interface.
class RecordingSax {
 public:
  explicit RecordingSax(json& result) : dom_(result, /*allow_exceptions=*/false) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return dom_.number_float(v, s); }
  bool string(json::string_t& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) {
    keys_.emplace_back();
    return dom_.start_object(n);
  }
  bool key(json::string_t& k) {
    if (!keys_.empty()) keys_.back() = k;
    return dom_.key(k);
  }
  bool end_object() {
    if (!keys_.empty()) keys_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return dom_.start_array(n); }
  bool end_array() { return dom_.end_array(); }
  bool parse_error(std::size_t position, const std::string& token, const json::exception& e) {
    position_ = position;
    id_ = e.id;
    // A number out of range is reported where it starts, not where it ends.
    if (id_ == kNumberOutOfRange && token.size() <= position) position_ = position - token.size() + 1;
    std::string what = e.what();
    // Drop "[json.exception.parse_error.101] parse error at line 1, column 5: ".
    if (const auto p = what.find("] "); p != std::string::npos) what.erase(0, p + 2);
    if (const auto p = what.find(": "); StartsWith(what, "parse error") && p != std::string::npos) {
      what.erase(0, p + 2);
    }
    reason_ = std::move(what);
    for (const auto& k : keys_) {
      if (k.empty()) continue;
      field_ += (field_.empty() ? "" : ".") + k;
    }
    return false;
  }

  std::size_t position() const { return position_; }
  int id() const { return id_; }
  const std::string& reason() const { return reason_; }
  const std::string& field() const { return field_; }

 private:
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<std::string> keys_;  // the key being read at each open object
  std::size_t position_ = 0;
  int id_ = 0;
  std::string reason_;
  std::string field_;
};

}  // namespace

LoadedRecord LoadJsonLine(std::string_view line, int line_no, const std::string& file, const DocumentLimits& limits) {
  LoadedRecord record;
  record.file = file;
  record.line = line_no;
  record.doc.source = file + ":" + std::to_string(line_no);
  if (line.size() > limits.max_record_bytes) {
    record.error = "line longer than the limit of " + std::to_string(limits.max_record_bytes) +
                   " bytes for a record (max_record_bytes)";
    return record;
  }
  const std::string_view text = Trim(line);
  // Columns are 1-based byte offsets into the line as written.
  const std::size_t leading = text.empty() ? 0 : static_cast<std::size_t>(text.data() - line.data());
  if (const std::size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    record.error =
        "column " + std::to_string(leading + bad + 1) + ": not valid UTF-8 (byte " + byte + "); save the file as UTF-8";
    return record;
  }
  json object;
  RecordingSax sax(object);
  if (!json::sax_parse(text, &sax)) {
    const std::string column = std::to_string(leading + (sax.position() > 0 ? sax.position() : 1));
    if (sax.id() == kNumberOutOfRange) {
      record.error = (sax.field().empty() ? std::string("a number") : "field '" + Abbreviate(sax.field()) + "'") +
                     " at column " + column + ": number out of range (" + Abbreviate(sax.reason()) + ")";
    } else {
      record.error = "invalid JSON at column " + column + ": " + Abbreviate(sax.reason(), 160);
    }
    return record;
  }
  if (!object.is_object()) {
    record.error = "expected a JSON object per line";
  } else if (Status s = ApplyMetadata(object, record.doc); !s.ok()) {
    record.error = s.message();
  } else if (Trim(record.doc.title).empty()) {
    // FAQ answers and exported tickets often have no title of their own.
    record.doc.title = DeriveTitle(Trim(record.doc.summary).empty() ? record.doc.body : record.doc.summary);
    record.title_derived = !record.doc.title.empty();
  }
  return record;
}

void LoadJsonLines(std::string_view content, const std::string& file, const RecordSink& sink,
                   const DocumentLimits& limits) {
  int line_no = 0;
  std::size_t begin = 0;
  while (begin < content.size()) {
    std::size_t end = content.find('\n', begin);
    if (end == std::string_view::npos) end = content.size();
    const std::string_view line = content.substr(begin, end - begin);
    ++line_no;
    begin = end + 1;
    if (Trim(line).empty()) continue;
    sink(LoadJsonLine(line, line_no, file, limits));
  }
}

}  // namespace portalkb
