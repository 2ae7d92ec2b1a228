// JSON Lines ingest: every line a record, good or bad. Invariant: one record
// per non-blank line at most, each with a line number inside the text, every
// good record passing CheckLoadedRecord (fuzz_check.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  portalkb::DocumentLimits limits;
  limits.max_record_bytes = 64u << 10;  // small enough that the fuzzer reaches it
  std::size_t lines = 1;
  for (char c : content) lines += c == '\n';
  std::size_t records = 0;
  portalkb::LoadJsonLines(
      content, "fuzz.jsonl",
      [&](portalkb::LoadedRecord&& record) {
        ++records;
        FUZZ_CHECK(record.line >= 1 && static_cast<std::size_t>(record.line) <= lines, "line %d of %zu", record.line,
                   lines);
        FUZZ_CHECK(record.bytes_read <= size, "bytes_read %llu of %zu",
                   static_cast<unsigned long long>(record.bytes_read), size);
        portalkb::fuzz::CheckLoadedRecord(record, limits);
      },
      limits);
  FUZZ_CHECK(records <= lines, "%zu records from %zu lines", records, lines);
  return 0;
}
