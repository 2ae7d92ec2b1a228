// Shared by the fuzz targets: an invariant check that reports what broke and
// aborts (so libFuzzer saves the input), and the checks every loader's
// records must pass.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/loader.h"
#include "portalkb/document.h"
#include "portalkb/json.h"

// Not assert(): it must hold in release builds too.
#define FUZZ_CHECK(cond, ...)                                                             \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n  ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                                  \
      std::fprintf(stderr, "\n");                                                         \
      std::abort();                                                                       \
    }                                                                                     \
  } while (false)

namespace portalkb::fuzz {

// Wire limits wide enough for any document ValidateDocument accepts, so a
// refusal in the round trip below is a disagreement between the two.
inline JsonLimits WideJsonLimits() {
  JsonLimits limits;
  limits.max_body_bytes = 256u << 20;
  limits.max_string_bytes = 256u << 20;
  limits.max_array_items = 1u << 20;
  return limits;
}

// What a loaded record must satisfy. A record without an error is not yet
// valid (the writer validates, and the id, language and grants may come from
// the caller), so: fill those the way a caller would when they are missing;
// then ValidateDocument either refuses with InvalidArgument and a message, or
// accepts, and then the document is a fixed point of validation and survives
// the wire round trip (ToJson, DocumentFromJson) unchanged.
inline void CheckLoadedRecord(const LoadedRecord& record, const DocumentLimits& limits) {
  if (!record.error.empty()) return;
  Document doc = record.doc;
  if (doc.id.empty()) doc.id = "fuzz-doc";
  if (doc.lang.empty()) doc.lang = "en";
  if (doc.visibility.empty()) doc.visibility.push_back(Grant{});
  Status s = ValidateDocument(doc, limits);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument, "ValidateDocument: unexpected code: %s", s.ToString().c_str());
    FUZZ_CHECK(!s.message().empty(), "ValidateDocument: refusal without a message");
    return;
  }
  const std::string json = ToJson(doc);
  Document again = doc;
  s = ValidateDocument(again, limits);
  FUZZ_CHECK(s.ok(), "a validated document fails validation again: %s", s.ToString().c_str());
  FUZZ_CHECK(ToJson(again) == json, "validation is not idempotent:\n  %s\n  %s", json.c_str(), ToJson(again).c_str());
  auto parsed = DocumentFromJson(json, WideJsonLimits());
  FUZZ_CHECK(parsed.ok(), "the wire format refuses a valid document: %s\n  %s", parsed.status().ToString().c_str(),
             json.c_str());
  Document round = std::move(parsed).value();
  s = ValidateDocument(round, limits);
  FUZZ_CHECK(s.ok(), "a valid document fails validation after the wire round trip: %s", s.ToString().c_str());
  FUZZ_CHECK(ToJson(round) == json, "the wire round trip changes a document:\n  %s\n  %s", json.c_str(),
             ToJson(round).c_str());
}

}  // namespace portalkb::fuzz
