#include <yaml-cpp/yaml.h>

#include <set>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ingest/metadata.h"

namespace portalkb {
namespace {

using nlohmann::json;

// Converts with a budget: yaml-cpp shares aliased nodes, but the JSON copy
// expands them, so "a: &a [x, x], b: &b [*a, *a], ..." doubles per line.
// `values` counts every node produced; recursion depth is capped too.
struct YamlBudget {
  std::size_t values_left;
  std::size_t max_depth;
  std::string error;
};

json YamlToJson(const YAML::Node& node, YamlBudget& budget, std::size_t depth) {
  if (!budget.error.empty()) return nullptr;
  if (budget.values_left == 0) {
    budget.error = "more values than the limit (max_yaml_values), counting each alias use";
    return nullptr;
  }
  --budget.values_left;
  if (depth > budget.max_depth) {
    budget.error = "nested deeper than the limit of " + std::to_string(budget.max_depth) + " (max_yaml_depth)";
    return nullptr;
  }
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node) {
        arr.push_back(YamlToJson(item, budget, depth + 1));
        if (!budget.error.empty()) break;
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) {
        obj[kv.first.as<std::string>()] = YamlToJson(kv.second, budget, depth + 1);
        if (!budget.error.empty()) break;
      }
      return obj;
    }
    case YAML::NodeType::Scalar:
      return node.Scalar();
    default:
      return nullptr;
  }
}

// The value itself, not a look-up by name: a key may hold a NUL byte
// ("a\u0000b"), which a C string would cut short.
Result<std::string> StringValue(const json& v, std::string_view key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return Status::InvalidArgument(std::string(key) + ": expected a string");
}

Result<std::string> StringField(const json& object, const char* key) { return StringValue(object.at(key), key); }

Result<std::vector<std::string>> ListValue(const json& v, std::string_view key) {
  std::vector<std::string> out;
  if (v.is_string()) return SplitList(v.get<std::string>());
  if (!v.is_array()) return Status::InvalidArgument(std::string(key) + ": expected a list of strings");
  for (const auto& item : v) {
    if (!item.is_string()) return Status::InvalidArgument(std::string(key) + ": expected a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::vector<std::string>> ListField(const json& object, const char* key) {
  return ListValue(object.at(key), key);
}

}  // namespace

Status ApplyMetadata(const json& object, Document& doc) {
  if (!object.is_object()) return Status::InvalidArgument("expected an object with document fields");
  struct Text {
    const char* key;
    std::string Document::*field;
  };
  static constexpr Text kTextFields[] = {
      {"id", &Document::id},
      {"title", &Document::title},
      {"summary", &Document::summary},
      {"body", &Document::body},
      {"lang", &Document::lang},
      {"category", &Document::category},
      {"updated_at", &Document::updated_at},
      {"url", &Document::url},
      {"publish_at", &Document::publish_at},
      {"unpublish_at", &Document::unpublish_at},
  };
  for (const auto& f : kTextFields) {
    if (!object.contains(f.key) || object.at(f.key).is_null()) continue;
    auto value = StringField(object, f.key);
    if (!value.ok()) return value.status();
    doc.*f.field = std::move(value).value();
  }
  if (object.contains("type") && !object.at("type").is_null()) {
    auto text = StringField(object, "type");
    if (!text.ok()) return text.status();
    auto type = ParseDocumentType(text.value());
    if (!type.ok()) return type.status();
    doc.type = type.value();
  }
  if (object.contains("tags") && !object.at("tags").is_null()) {
    auto tags = ListField(object, "tags");
    if (!tags.ok()) return tags.status();
    doc.tags = std::move(tags).value();
  }
  if (object.contains("visibility") && !object.at("visibility").is_null()) {
    auto grants = ListField(object, "visibility");
    if (!grants.ok()) return grants.status();
    doc.visibility.clear();
    for (const auto& text : grants.value()) {
      auto grant = Grant::Parse(text);
      if (!grant.ok()) return Status::InvalidArgument("visibility: " + grant.status().message());
      doc.visibility.push_back(std::move(grant).value());
    }
  }
  if (object.contains("status") && !object.at("status").is_null()) {
    auto text = StringField(object, "status");
    if (!text.ok()) return text.status();
    const std::string v = AsciiLower(Trim(text.value()));
    if (v == "published") {
      doc.status = PublishStatus::kPublished;
    } else if (v == "draft") {
      doc.status = PublishStatus::kDraft;
    } else {
      return Status::InvalidArgument("status '" + Abbreviate(text.value()) + "': expected published or draft");
    }
  }
  // Any other scalar or list of scalars is a further field.
  static const std::set<std::string> kKnown = {"id",         "type",     "title",      "summary",     "body",
                                               "lang",       "category", "updated_at", "url",         "tags",
                                               "visibility", "status",   "publish_at", "unpublish_at"};
  for (const auto& [key, value] : object.items()) {
    if (kKnown.count(key) || value.is_null() || value.is_object()) continue;
    std::vector<std::string> values;
    if (value.is_array()) {
      auto list = ListValue(value, key);
      if (!list.ok()) return list.status();
      values = std::move(list).value();
    } else {
      auto single = StringValue(value, key);
      if (!single.ok()) return single.status();
      values.push_back(std::move(single).value());
    }
    doc.attributes[AsciiLower(key)] = std::move(values);
  }
  return Status::Ok();
}

Result<json> ParseYamlMapping(std::string_view yaml, int first_line, const DocumentLimits& limits) {
  try {
    const YAML::Node node = YAML::Load(std::string(yaml));
    if (node.IsNull()) return json::object();
    if (!node.IsMap()) {
      return Status::InvalidArgument("line " + std::to_string(first_line) + ": expected key: value pairs");
    }
    YamlBudget budget{limits.max_yaml_values, limits.max_yaml_depth, {}};
    json converted = YamlToJson(node, budget, 0);
    if (!budget.error.empty()) return Status::InvalidArgument("YAML: " + budget.error);
    return converted;
  } catch (const YAML::Exception& e) {
    const int line = first_line + (e.mark.line >= 0 ? e.mark.line : 0);
    return Status::InvalidArgument("line " + std::to_string(line) + ": invalid YAML: " + e.msg);
  }
}

bool SplitFrontMatter(std::string_view content, std::string_view& yaml, std::string_view& body, int& body_line) {
  if (StartsWith(content, "\xEF\xBB\xBF")) content.remove_prefix(3);  // UTF-8 BOM
  if (!StartsWith(content, "---")) return false;
  std::size_t pos = content.find('\n');
  if (pos == std::string_view::npos || Trim(content.substr(0, pos)) != "---") return false;
  const std::size_t yaml_begin = pos + 1;
  int line = 2;
  std::size_t line_begin = yaml_begin;
  while (line_begin <= content.size()) {
    std::size_t line_end = content.find('\n', line_begin);
    if (line_end == std::string_view::npos) line_end = content.size();
    const std::string_view text = Trim(content.substr(line_begin, line_end - line_begin));
    if (text == "---" || text == "...") {
      yaml = content.substr(yaml_begin, line_begin - yaml_begin);
      body = line_end < content.size() ? content.substr(line_end + 1) : std::string_view();
      body_line = line + 1;
      return true;
    }
    if (line_end == content.size()) break;
    line_begin = line_end + 1;
    ++line;
  }
  return false;  // unterminated front matter: the caller reports it
}

}  // namespace portalkb
