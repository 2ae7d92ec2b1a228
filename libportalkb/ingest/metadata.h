// Document metadata from JSON, YAML front matter or a YAML sidecar.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "portalkb/document.h"
#include "portalkb/status.h"

namespace portalkb {

// Copies the known keys of a JSON object onto `doc`: id, type, title,
// summary, body, lang, tags, category, updated_at, url, visibility. Lists may
// also be given as comma-separated strings. Unknown keys are ignored. Errors
// name the key and what was expected.
Status ApplyMetadata(const nlohmann::json& object, Document& doc);

// Parses YAML text (a mapping) into JSON for ApplyMetadata. On a syntax error
// the message gives the 1-based line within `yaml`, offset by `first_line - 1`.
// Aliases are expanded, so the values produced (limits.max_yaml_values) and
// the nesting (limits.max_yaml_depth) are bounded: a "billion laughs" block
// is an error, not a hang.
Result<nlohmann::json> ParseYamlMapping(std::string_view yaml, int first_line = 1, const DocumentLimits& limits = {});

// Splits "---\nYAML\n---\nbody" into the YAML and the body. Returns false if
// the content does not start with a front-matter block. `body_line` is the
// 1-based line the body starts on.
bool SplitFrontMatter(std::string_view content, std::string_view& yaml, std::string_view& body, int& body_line);

}  // namespace portalkb
