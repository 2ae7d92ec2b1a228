// The one JSON wire format of portalkb: every public request and response as
// JSON text and back. The CLI's --json output, the HTTP server and the Python
// bindings all speak it; doc/wire-format.md is the schema.
//
// Output (ToJson) never fails: strings that are not valid UTF-8 are written
// with U+FFFD in their place. Input (...FromJson) is hostile until proven
// otherwise: a body over JsonLimits, invalid UTF-8, malformed JSON, a key the
// type does not have, a value of the wrong JSON type, an over-long string, an
// over-long array, a number that is not a whole number in range: all are
// InvalidArgument with a message naming the field path first, e.g.
// "filters[3]: string longer than 4096 bytes". No input crashes or throws.
//
// A request parser never reads a principal: `principal`, `user`, `org`,
// `roles` and `admin` are rejected as keys a request body may not carry. The
// shell fills SearchRequest::principal / SuggestRequest::principal from its
// own authenticated source after parsing.
//
// Thread-safety: every function is pure and may be called from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "portalkb/analytics.h"
#include "portalkb/document.h"
#include "portalkb/evaluation.h"
#include "portalkb/index_writer.h"
#include "portalkb/options.h"
#include "portalkb/search.h"
#include "portalkb/settings.h"
#include "portalkb/status.h"
#include "portalkb/synonyms.h"

namespace portalkb {

// Bounds on what parsing one JSON body may cost. Over a bound:
// InvalidArgument naming the field and the bound.
struct JsonLimits {
  std::size_t max_body_bytes = 1u << 20;  // the whole JSON text (1 MiB)
  // Any string value, except the long text of a Document (title, summary,
  // body), which only max_body_bytes and DocumentLimits (at IndexWriter::Put)
  // bound.
  std::size_t max_string_bytes = 4096;
  std::size_t max_array_items = 256;  // items of any array, keys of a free-form object
  std::size_t max_depth = 16;         // nesting of arrays and objects; the top-level object is 1
};

// --- Requests: JSON <-> value ---------------------------------------------

// {"query": "...", "filters": [...], "facets": [...], "sort": "", "lang": "",
//  "limit": 10, "offset": 0, "typo_tolerance": true, "prefix": true,
//  "correct": true, "log": true, "session": ""}; every key but "query" is
// optional with the SearchRequest default. The principal is not written.
std::string ToJson(const SearchRequest& request);
Result<SearchRequest> SearchRequestFromJson(std::string_view json, const JsonLimits& limits = {});

// {"prefix": "...", "lang": "", "limit": 10}. The principal is not written.
std::string ToJson(const SuggestRequest& request);
Result<SuggestRequest> SuggestRequestFromJson(std::string_view json, const JsonLimits& limits = {});

// {"kind": "zero-results", "since_ms": 0, "until_ms": 0, "lang": "", "role": "",
//  "burst_window_ms": 5000, "limit": 50, "bucket": "day"}; "kind" required.
std::string ToJson(const ReportRequest& request);
Result<ReportRequest> ReportRequestFromJson(std::string_view json, const JsonLimits& limits = {});

// Events a visitor's page sends (analytics.h). Strings are bounded more
// tightly than JsonLimits: query_id and doc_id 256 bytes, comment 2000.
// {"query_id": "...", "doc_id": "...", "position": 0}: all required, ids
// non-empty, position 0..100000.
std::string ToJson(const ClickEvent& event);
Result<ClickEvent> ClickEventFromJson(std::string_view json, const JsonLimits& limits = {});
// {"query_id": "", "doc_id": "...", "helpful": true, "comment": ""}: doc_id
// (non-empty) and helpful required.
std::string ToJson(const FeedbackEvent& event);
Result<FeedbackEvent> FeedbackEventFromJson(std::string_view json, const JsonLimits& limits = {});
// {"query_id": "..."}: required, non-empty.
std::string ToJson(const SupportContactEvent& event);
Result<SupportContactEvent> SupportContactEventFromJson(std::string_view json, const JsonLimits& limits = {});

// A document as stored and returned: the JSON Lines keys (id, type, title,
// summary, body, lang, tags, category, updated_at, url, visibility as grant
// strings, status "published"|"draft", publish_at, unpublish_at), further
// fields under "attributes" ({"product": ["portal"]}), and "source". The
// parser checks JSON shape and limits only; IndexWriter::Put validates the
// document itself (ValidateDocument). A grant that does not parse is
// InvalidArgument naming visibility[i].
std::string ToJson(const Document& document);
Result<Document> DocumentFromJson(std::string_view json, const JsonLimits& limits = {});

// The settings that are set, as their text form by name ({"typo.enabled":
// "false"}). The parser also takes true/false and whole numbers for a value;
// each value goes through IndexSettings::Set, so an unknown name or a bad
// value is InvalidArgument naming it.
std::string ToJson(const IndexSettings& settings);
Result<IndexSettings> IndexSettingsFromJson(std::string_view json, const JsonLimits& limits = {});

// {"lang": "nl", "rule": "a, b => c", "terms": ["a", "b"], "targets": ["c"]}.
// The parser takes "lang" and either "rule" (one Solr line) or "terms" (and
// "targets"); given both, they must state the same rule. The rule is checked
// with ValidateSynonymRule.
std::string ToJson(const SynonymRule& rule);
Result<SynonymRule> SynonymRuleFromJson(std::string_view json, const JsonLimits& limits = {});
// An array of rules, as `portalkb synonyms list --json` prints it.
std::string ToJson(const std::vector<SynonymRule>& rules);
Result<std::vector<SynonymRule>> SynonymRulesFromJson(std::string_view json, const JsonLimits& limits = {});

// --- Responses: value -> JSON ---------------------------------------------

// As `portalkb search --json`: query, total, hits, facets, as_admin, took_ms,
// and corrected_query, suggestion and query_id (null when empty).
std::string ToJson(const SearchResponse& response);
std::string ToJson(const Hit& hit);
std::string ToJson(const WordMatch& match);
std::string ToJson(const FacetCount& count);
// As `portalkb related --json`: {"id": id, "related": [hits as in search]}.
std::string RelatedToJson(const std::string& id, const std::vector<Hit>& hits);
std::string ToJson(const Suggestion& suggestion);
// As `portalkb suggest --json`: {"prefix": prefix, "suggestions": [...]}.
std::string SuggestionsToJson(const std::string& prefix, const std::vector<Suggestion>& suggestions);
// As `portalkb stats --json`.
std::string ToJson(const IndexStats& stats);
// As `portalkb settings list --json`: {"settings": every setting in effect
// for `effective` by name, "stored": names of the settings stored with the
// index, in IndexSettings::Names() order}.
std::string SettingsListToJson(const IndexSettings& stored, const EngineOptions& effective);
// As `portalkb report --format json` (report, since, until as ISO days, rows
// as objects keyed by column), plus title, columns, since_ms and until_ms.
std::string ToJson(const Report& report);
// As `portalkb eval --json`.
std::string ToJson(const EvalReport& report);
std::string ToJson(const IngestReport& report);
std::string ToJson(const Rejection& rejection);
// {"error": {"code": StatusCodeName(code), "message": "..."}}; an ok Status
// gives code "ok" and an empty message.
std::string ToJson(const Status& status);

}  // namespace portalkb
