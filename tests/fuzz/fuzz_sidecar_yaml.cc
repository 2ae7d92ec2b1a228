// Sidecar <file>.meta.yaml metadata (yaml-cpp), applied as LoadFile does:
// "body" dropped, the rest over a text record. Invariant: ParseYamlMapping
// gives an object or InvalidArgument (no exception escapes, aliases and
// depth bounded), and the resulting record passes CheckLoadedRecord
// (fuzz_check.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "ingest/metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  portalkb::DocumentLimits limits;
  limits.max_yaml_values = 200;
  limits.max_yaml_depth = 8;
  auto meta = portalkb::ParseYamlMapping(yaml, 1, limits);
  if (!meta.ok()) {
    FUZZ_CHECK(meta.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
               meta.status().ToString().c_str());
    return 0;
  }
  nlohmann::json fields = std::move(meta).value();
  FUZZ_CHECK(fields.is_object(), "not a mapping: %s", fields.dump().c_str());
  fields.erase("body");
  portalkb::LoadedRecord record = portalkb::LoadText("The file's own text.\n", "fuzz.txt");
  if (portalkb::Status s = portalkb::ApplyMetadata(fields, record.doc); !s.ok()) {
    FUZZ_CHECK(s.code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s", s.ToString().c_str());
    return 0;
  }
  portalkb::fuzz::CheckLoadedRecord(record, limits);
  return 0;
}
