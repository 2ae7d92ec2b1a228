// JSON -> values. Everything here reads input from outside: every string,
// array and number is checked against JsonLimits and the target type before
// it is used, and every error names the field path it is about.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>

#include "core/text.h"
#include "portalkb/json.h"
#include "portalkb/json_value.h"

namespace portalkb {
namespace {

using nlohmann::json;

#define PORTALKB_WIRE_TRY(expr)                  \
  do {                                           \
    Status wire_status_ = (expr);                \
    if (!wire_status_.ok()) return wire_status_; \
  } while (0)

// Whole numbers on the wire stay within what a JavaScript number holds
// exactly, so every client reads back the value that was meant.
constexpr std::uint64_t kMaxWireInteger = (std::uint64_t{1} << 53) - 1;

// Keys that would set who a request runs as. A body never says that: the
// shell takes it from its own authentication.
const std::set<std::string, std::less<>> kPrincipalKeys = {"principal", "user", "org", "roles", "admin"};

std::string Quote(std::string_view key) { return SanitizeUtf8(Abbreviate(key)); }

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? Quote(key) : path + "." + Quote(key);
}

std::string At(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string Where(const std::string& path) { return path.empty() ? "body" : path; }

Status Invalid(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(Where(path) + ": " + what);
}

std::string TypeName(const json& v) {
  if (v.is_number_float()) return "the number " + v.dump();
  if (v.is_number()) return "the number " + v.dump();
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

Status GetString(const json& v, const std::string& path, std::size_t max_bytes, std::string& out) {
  if (!v.is_string()) return Invalid(path, "expected a string, got " + TypeName(v));
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) return Invalid(path, "string longer than " + std::to_string(max_bytes) + " bytes");
  if (const std::size_t bad = FirstInvalidUtf8(s); bad != std::string::npos) {
    return Invalid(path, "not valid UTF-8 (at byte " + std::to_string(bad) + ")");
  }
  out = s;
  return Status::Ok();
}

Status GetStrings(const json& v, const std::string& path, const JsonLimits& limits, std::vector<std::string>& out) {
  if (!v.is_array()) return Invalid(path, "expected an array of strings, got " + TypeName(v));
  if (v.size() > limits.max_array_items) {
    return Invalid(path, "more than " + std::to_string(limits.max_array_items) + " items");
  }
  std::vector<std::string> values(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    PORTALKB_WIRE_TRY(GetString(v[i], At(path, i), limits.max_string_bytes, values[i]));
  }
  out = std::move(values);
  return Status::Ok();
}

Status GetBool(const json& v, const std::string& path, bool& out) {
  if (!v.is_boolean()) return Invalid(path, "expected true or false, got " + TypeName(v));
  out = v.get<bool>();
  return Status::Ok();
}

// A whole number in 0..max. nlohmann gives a number with a fraction or an
// exponent ("2.5", "1e30"), or one past 2^64, as a float: never a whole number
// here, so no rounding decides what a request means.
template <typename T>
Status GetCount(const json& v, const std::string& path, std::uint64_t max, T& out) {
  const std::string expected = "expected a whole number from 0 to " + std::to_string(max);
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n > max) return Invalid(path, expected + ", got " + v.dump());
    out = static_cast<T>(n);
    return Status::Ok();
  }
  if (v.is_number()) return Invalid(path, expected + ", got " + v.dump());
  return Invalid(path, expected + ", got " + TypeName(v));
}

// An object with only the given keys. Get() returns nullptr for a key that
// is absent or null: null means "the default" for every optional field.
class Fields {
 public:
  Fields(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  Status Check(std::initializer_list<std::string_view> known) const {
    if (!object_.is_object()) return Invalid(path_, "expected an object, got " + TypeName(object_));
    for (const auto& item : object_.items()) {
      const std::string& key = item.key();
      bool is_known = false;
      for (auto k : known) is_known = is_known || k == key;
      if (is_known) continue;
      if (kPrincipalKeys.count(key)) {
        return Invalid(Join(path_, key),
                       "unknown key (a request never carries its principal; the caller's authentication gives it)");
      }
      return Invalid(Join(path_, key), "unknown key");
    }
    return Status::Ok();
  }
  const json* Get(std::string_view key) const {
    const auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string Path(std::string_view key) const { return Join(path_, key); }

  Status String(std::string_view key, std::size_t max_bytes, std::string& out) const {
    const json* v = Get(key);
    return v ? GetString(*v, Path(key), max_bytes, out) : Status::Ok();
  }
  Status Strings(std::string_view key, const JsonLimits& limits, std::vector<std::string>& out) const {
    const json* v = Get(key);
    return v ? GetStrings(*v, Path(key), limits, out) : Status::Ok();
  }
  Status Bool(std::string_view key, bool& out) const {
    const json* v = Get(key);
    return v ? GetBool(*v, Path(key), out) : Status::Ok();
  }
  template <typename T>
  Status Count(std::string_view key, std::uint64_t max, T& out) const {
    const json* v = Get(key);
    return v ? GetCount(*v, Path(key), max, out) : Status::Ok();
  }
  Status Required(std::string_view key) const { return Get(key) ? Status::Ok() : Invalid(Path(key), "required"); }

 private:
  const json& object_;
  std::string path_;
};

// Deepest nesting of [ and { outside strings; the byte where it first passes
// `max_depth`, or npos. A scan of its own, so a body of a million '[' costs
// one pass instead of a million-level tree.
std::size_t TooDeepAt(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// json::parse's messages start with "[json.exception.parse_error.101] parse
// error at line 1, column 5: "; keep the part after the position.
std::string ParseMessage(const json::exception& e) {
  std::string what = e.what();
  if (const auto p = what.find("] "); p != std::string::npos) what.erase(0, p + 2);
  return Abbreviate(what, 200);
}

template <typename T, typename F>
Result<T> ParseWith(std::string_view text, const JsonLimits& limits, F from_value) {
  auto value = ParseJson(text, limits);
  if (!value.ok()) return value.status();
  return from_value(value.value(), limits);
}

}  // namespace

Result<json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_body_bytes) {
    return Status::InvalidArgument("body: " + std::to_string(text.size()) + " bytes, over the limit of " +
                                   std::to_string(limits.max_body_bytes) + " bytes (max_body_bytes)");
  }
  if (const std::size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    return Status::InvalidArgument("body: not valid UTF-8 (at byte " + std::to_string(bad) + ")");
  }
  if (const std::size_t at = TooDeepAt(text, limits.max_depth); at != std::string_view::npos) {
    return Status::InvalidArgument("body: nested deeper than " + std::to_string(limits.max_depth) +
                                   " levels (at byte " + std::to_string(at) + "; max_depth)");
  }
  // A repeated key would let two readers of one body (a proxy, this parser)
  // see different requests; nlohmann keeps the last silently, so count them.
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  const json::parser_callback_t track = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == json::parse_event_t::key && !keys.empty() && duplicate.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(key).second) duplicate = key;
    }
    return true;
  };
  try {
    json value = json::parse(text.begin(), text.end(), track);
    if (!duplicate.empty()) return Status::InvalidArgument(Quote(duplicate) + ": key given more than once");
    return value;
  } catch (const json::exception& e) {
    return Status::InvalidArgument("body: invalid JSON: " + ParseMessage(e));
  }
}

Result<SearchRequest> SearchRequestFromJsonValue(const json& value, const JsonLimits& limits) {
  const Fields f(value, "");
  PORTALKB_WIRE_TRY(f.Check({"query", "filters", "facets", "sort", "lang", "limit", "offset", "typo_tolerance",
                             "prefix", "correct", "log", "session"}));
  PORTALKB_WIRE_TRY(f.Required("query"));
  SearchRequest r;
  PORTALKB_WIRE_TRY(f.String("query", limits.max_string_bytes, r.query));
  PORTALKB_WIRE_TRY(f.Strings("filters", limits, r.filters));
  PORTALKB_WIRE_TRY(f.Strings("facets", limits, r.facets));
  PORTALKB_WIRE_TRY(f.String("sort", limits.max_string_bytes, r.sort));
  PORTALKB_WIRE_TRY(f.String("lang", limits.max_string_bytes, r.lang));
  PORTALKB_WIRE_TRY(f.Count("limit", kMaxWireInteger, r.limit));
  PORTALKB_WIRE_TRY(f.Count("offset", kMaxWireInteger, r.offset));
  PORTALKB_WIRE_TRY(f.Bool("typo_tolerance", r.typo_tolerance));
  PORTALKB_WIRE_TRY(f.Bool("prefix", r.prefix));
  PORTALKB_WIRE_TRY(f.Bool("correct", r.correct));
  PORTALKB_WIRE_TRY(f.Bool("log", r.log));
  PORTALKB_WIRE_TRY(f.String("session", limits.max_string_bytes, r.session));
  return r;
}

Result<SearchRequest> SearchRequestFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<SearchRequest>(text, limits, SearchRequestFromJsonValue);
}

Result<SuggestRequest> SuggestRequestFromJsonValue(const json& value, const JsonLimits& limits) {
  const Fields f(value, "");
  PORTALKB_WIRE_TRY(f.Check({"prefix", "lang", "limit"}));
  PORTALKB_WIRE_TRY(f.Required("prefix"));
  SuggestRequest r;
  PORTALKB_WIRE_TRY(f.String("prefix", limits.max_string_bytes, r.prefix));
  PORTALKB_WIRE_TRY(f.String("lang", limits.max_string_bytes, r.lang));
  PORTALKB_WIRE_TRY(f.Count("limit", kMaxWireInteger, r.limit));
  return r;
}

Result<ReportRequest> ReportRequestFromJsonValue(const json& value, const JsonLimits& limits) {
  const Fields f(value, "");
  PORTALKB_WIRE_TRY(f.Check({"kind", "since_ms", "until_ms", "lang", "role", "burst_window_ms", "limit", "bucket"}));
  PORTALKB_WIRE_TRY(f.Required("kind"));
  ReportRequest r;
  PORTALKB_WIRE_TRY(f.String("kind", limits.max_string_bytes, r.kind));
  PORTALKB_WIRE_TRY(f.Count("since_ms", kMaxWireInteger, r.since_ms));
  PORTALKB_WIRE_TRY(f.Count("until_ms", kMaxWireInteger, r.until_ms));
  PORTALKB_WIRE_TRY(f.String("lang", limits.max_string_bytes, r.lang));
  PORTALKB_WIRE_TRY(f.String("role", limits.max_string_bytes, r.role));
  PORTALKB_WIRE_TRY(
      f.Count("burst_window_ms", static_cast<std::uint64_t>(std::numeric_limits<int>::max()), r.burst_window_ms));
  PORTALKB_WIRE_TRY(f.Count("limit", kMaxWireInteger, r.limit));
  PORTALKB_WIRE_TRY(f.String("bucket", limits.max_string_bytes, r.bucket));
  return r;
}

namespace {

// Event ids and comments have bounds of their own, inside JsonLimits'.
constexpr std::size_t kMaxEventIdBytes = 256;
constexpr std::size_t kMaxCommentBytes = 2000;
constexpr std::uint64_t kMaxClickPosition = 100000;

Status EventId(const Fields& f, std::string_view key, const JsonLimits& limits, bool required, std::string& out) {
  if (required) PORTALKB_WIRE_TRY(f.Required(key));
  PORTALKB_WIRE_TRY(f.String(key, std::min(kMaxEventIdBytes, limits.max_string_bytes), out));
  if (required && out.empty()) return Invalid(f.Path(key), "must not be empty");
  return Status::Ok();
}

}  // namespace

Result<ClickEvent> ClickEventFromJsonValue(const json& value, const JsonLimits& limits) {
  const Fields f(value, "");
  PORTALKB_WIRE_TRY(f.Check({"query_id", "doc_id", "position"}));
  ClickEvent e;
  PORTALKB_WIRE_TRY(EventId(f, "query_id", limits, true, e.query_id));
  PORTALKB_WIRE_TRY(EventId(f, "doc_id", limits, true, e.doc_id));
  PORTALKB_WIRE_TRY(f.Required("position"));
  PORTALKB_WIRE_TRY(f.Count("position", kMaxClickPosition, e.position));
  return e;
}

Result<FeedbackEvent> FeedbackEventFromJsonValue(const json& value, const JsonLimits& limits) {
  const Fields f(value, "");
  PORTALKB_WIRE_TRY(f.Check({"query_id", "doc_id", "helpful", "comment"}));
  FeedbackEvent e;
  PORTALKB_WIRE_TRY(EventId(f, "query_id", limits, false, e.query_id));
  PORTALKB_WIRE_TRY(EventId(f, "doc_id", limits, true, e.doc_id));
  PORTALKB_WIRE_TRY(f.Required("helpful"));
  PORTALKB_WIRE_TRY(f.Bool("helpful", e.helpful));
  PORTALKB_WIRE_TRY(f.String("comment", std::min(kMaxCommentBytes, limits.max_string_bytes), e.comment));
  return e;
}

Result<SupportContactEvent> SupportContactEventFromJsonValue(const json& value, const JsonLimits& limits) {
  const Fields f(value, "");
  PORTALKB_WIRE_TRY(f.Check({"query_id"}));
  SupportContactEvent e;
  PORTALKB_WIRE_TRY(EventId(f, "query_id", limits, true, e.query_id));
  return e;
}

Result<Document> DocumentFromJsonValue(const json& value, const JsonLimits& limits) {
  const Fields f(value, "");
  PORTALKB_WIRE_TRY(f.Check({"id", "type", "title", "summary", "body", "lang", "tags", "category", "updated_at", "url",
                             "visibility", "status", "publish_at", "unpublish_at", "attributes", "source"}));
  Document d;
  const std::size_t text_bytes = limits.max_body_bytes;  // title, summary, body: see JsonLimits
  PORTALKB_WIRE_TRY(f.String("id", limits.max_string_bytes, d.id));
  std::string type;
  PORTALKB_WIRE_TRY(f.String("type", limits.max_string_bytes, type));
  if (!type.empty()) {
    auto parsed = ParseDocumentType(type);
    if (!parsed.ok()) return Invalid("type", "expected \"article\" or \"document\", got '" + Abbreviate(type) + "'");
    d.type = parsed.value();
  }
  PORTALKB_WIRE_TRY(f.String("title", text_bytes, d.title));
  PORTALKB_WIRE_TRY(f.String("summary", text_bytes, d.summary));
  PORTALKB_WIRE_TRY(f.String("body", text_bytes, d.body));
  PORTALKB_WIRE_TRY(f.String("lang", limits.max_string_bytes, d.lang));
  PORTALKB_WIRE_TRY(f.Strings("tags", limits, d.tags));
  PORTALKB_WIRE_TRY(f.String("category", limits.max_string_bytes, d.category));
  PORTALKB_WIRE_TRY(f.String("updated_at", limits.max_string_bytes, d.updated_at));
  PORTALKB_WIRE_TRY(f.String("url", limits.max_string_bytes, d.url));
  std::vector<std::string> grants;
  PORTALKB_WIRE_TRY(f.Strings("visibility", limits, grants));
  for (std::size_t i = 0; i < grants.size(); ++i) {
    auto grant = Grant::Parse(grants[i]);
    if (!grant.ok()) return Invalid(At("visibility", i), grant.status().message());
    d.visibility.push_back(std::move(grant).value());
  }
  std::string status;
  PORTALKB_WIRE_TRY(f.String("status", limits.max_string_bytes, status));
  if (status == "draft") {
    d.status = PublishStatus::kDraft;
  } else if (!status.empty() && status != "published") {
    return Invalid("status", "expected \"published\" or \"draft\", got '" + Abbreviate(status) + "'");
  }
  PORTALKB_WIRE_TRY(f.String("publish_at", limits.max_string_bytes, d.publish_at));
  PORTALKB_WIRE_TRY(f.String("unpublish_at", limits.max_string_bytes, d.unpublish_at));
  if (const json* attributes = f.Get("attributes")) {
    if (!attributes->is_object()) return Invalid("attributes", "expected an object, got " + TypeName(*attributes));
    if (attributes->size() > limits.max_array_items) {
      return Invalid("attributes", "more than " + std::to_string(limits.max_array_items) + " fields");
    }
    for (const auto& item : attributes->items()) {
      const std::string path = Join("attributes", item.key());
      std::string name;
      PORTALKB_WIRE_TRY(GetString(json(item.key()), path, limits.max_string_bytes, name));
      PORTALKB_WIRE_TRY(GetStrings(item.value(), path, limits, d.attributes[name]));
    }
  }
  PORTALKB_WIRE_TRY(f.String("source", limits.max_string_bytes, d.source));
  return d;
}

Result<IndexSettings> IndexSettingsFromJsonValue(const json& value, const JsonLimits& limits) {
  if (!value.is_object()) return Invalid("", "expected an object of settings, got " + TypeName(value));
  IndexSettings settings;
  for (const auto& item : value.items()) {
    const std::string path = Join("", item.key());
    if (item.key().size() > limits.max_string_bytes) {
      return Invalid(path, "name longer than " + std::to_string(limits.max_string_bytes) + " bytes");
    }
    const json& v = item.value();
    std::string text;
    if (v.is_boolean()) {
      text = v.get<bool>() ? "true" : "false";
    } else if (v.is_number_unsigned()) {
      text = v.dump();
    } else if (v.is_string()) {
      PORTALKB_WIRE_TRY(GetString(v, path, limits.max_string_bytes, text));
    } else {
      return Invalid(path, "expected a string, true/false or a whole number, got " + TypeName(v));
    }
    if (Status s = settings.Set(item.key(), text); !s.ok()) return Invalid(path, s.message());
  }
  return settings;
}

namespace {

// One rule at `path` ("" for a body that is the rule, "[3]" in a list).
Result<SynonymRule> SynonymRuleFromJsonValueAt(const json& value, const std::string& path, const JsonLimits& limits) {
  const Fields f(value, path);
  PORTALKB_WIRE_TRY(f.Check({"lang", "rule", "terms", "targets"}));
  PORTALKB_WIRE_TRY(f.Required("lang"));
  SynonymRule rule;
  PORTALKB_WIRE_TRY(f.String("lang", limits.max_string_bytes, rule.lang));
  std::string line;
  PORTALKB_WIRE_TRY(f.String("rule", kMaxSynonymLineBytes, line));
  if (f.Get("terms")) {
    PORTALKB_WIRE_TRY(f.Strings("terms", limits, rule.terms));
    PORTALKB_WIRE_TRY(f.Strings("targets", limits, rule.targets));
    if (f.Get("rule") && line != rule.ToString()) {
      return Invalid(f.Path("rule"), "'" + Abbreviate(line) + "' is not the rule the terms give ('" +
                                         Abbreviate(rule.ToString()) + "')");
    }
  } else if (f.Get("rule")) {
    if (f.Get("targets")) return Invalid(f.Path("targets"), "given without terms");
    if (!IsSupportedLanguage(rule.lang)) {
      return Invalid(f.Path("lang"), "unsupported language '" + Abbreviate(rule.lang) + "'");
    }
    auto parsed = ParseSynonyms(line, rule.lang);
    if (!parsed.ok()) return Invalid(f.Path("rule"), parsed.status().message());
    // A comment or an empty line gives no rule, "# lang: xx" more than one
    // language: either is not one rule.
    if (parsed->size() != 1 || parsed->front().lang != rule.lang) {
      return Invalid(f.Path("rule"), "expected exactly one rule");
    }
    rule = std::move(parsed->front());
    // The same bound as "terms" and "targets" given as arrays, so the rule
    // written back (which carries both arrays) parses under the same limits.
    if (std::max(rule.terms.size(), rule.targets.size()) > limits.max_array_items) {
      return Invalid(f.Path("rule"), "more than " + std::to_string(limits.max_array_items) + " terms on one side");
    }
  } else {
    return Invalid(f.Path("terms"), "required (or \"rule\")");
  }
  if (Status s = ValidateSynonymRule(rule); !s.ok()) return Invalid(path, s.message());
  return rule;
}

}  // namespace

Result<SynonymRule> SynonymRuleFromJsonValue(const json& value, const JsonLimits& limits) {
  return SynonymRuleFromJsonValueAt(value, "", limits);
}

Result<std::vector<SynonymRule>> SynonymRulesFromJsonValue(const json& value, const JsonLimits& limits) {
  if (!value.is_array()) return Invalid("", "expected an array of rules, got " + TypeName(value));
  if (value.size() > limits.max_array_items) {
    return Invalid("", "more than " + std::to_string(limits.max_array_items) + " rules");
  }
  std::vector<SynonymRule> rules;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto rule = SynonymRuleFromJsonValueAt(value[i], At("", i), limits);
    if (!rule.ok()) return rule.status();
    rules.push_back(std::move(rule).value());
  }
  return rules;
}

Result<SuggestRequest> SuggestRequestFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<SuggestRequest>(text, limits, SuggestRequestFromJsonValue);
}

Result<ReportRequest> ReportRequestFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<ReportRequest>(text, limits, ReportRequestFromJsonValue);
}

Result<ClickEvent> ClickEventFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<ClickEvent>(text, limits, ClickEventFromJsonValue);
}

Result<FeedbackEvent> FeedbackEventFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<FeedbackEvent>(text, limits, FeedbackEventFromJsonValue);
}

Result<SupportContactEvent> SupportContactEventFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<SupportContactEvent>(text, limits, SupportContactEventFromJsonValue);
}

Result<Document> DocumentFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<Document>(text, limits, DocumentFromJsonValue);
}

Result<IndexSettings> IndexSettingsFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<IndexSettings>(text, limits, IndexSettingsFromJsonValue);
}

Result<SynonymRule> SynonymRuleFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<SynonymRule>(text, limits, SynonymRuleFromJsonValue);
}

Result<std::vector<SynonymRule>> SynonymRulesFromJson(std::string_view text, const JsonLimits& limits) {
  return ParseWith<std::vector<SynonymRule>>(text, limits, SynonymRulesFromJsonValue);
}

}  // namespace portalkb
