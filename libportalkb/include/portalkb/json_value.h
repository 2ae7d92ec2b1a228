// The wire format of portalkb/json.h as nlohmann::json values, for shells
// that compose a document of several parts (a server wrapping a response, a
// CLI printing with indentation). Including this header requires
// nlohmann-json (Debian: nlohmann-json3-dev); portalkb/json.h does not.
// Same shapes, same checks: ToJson(x) is ToJsonValue(x) dumped compactly
// with invalid UTF-8 replaced.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "portalkb/json.h"

namespace portalkb {

// The compact text of `value`, with invalid UTF-8 replaced by U+FFFD
// (never throws). `indent` < 0: one line.
std::string DumpJson(const nlohmann::json& value, int indent = -1);

// Parses JSON text under `limits` (body size, UTF-8, depth); the errors of
// portalkb/json.h's parsers. The value is not checked against any type.
Result<nlohmann::json> ParseJson(std::string_view text, const JsonLimits& limits = {});

nlohmann::json ToJsonValue(const SearchRequest& request);
nlohmann::json ToJsonValue(const SuggestRequest& request);
nlohmann::json ToJsonValue(const ReportRequest& request);
nlohmann::json ToJsonValue(const Document& document);
nlohmann::json ToJsonValue(const ClickEvent& event);
nlohmann::json ToJsonValue(const FeedbackEvent& event);
nlohmann::json ToJsonValue(const SupportContactEvent& event);
nlohmann::json ToJsonValue(const IndexSettings& settings);
nlohmann::json ToJsonValue(const SynonymRule& rule);
nlohmann::json ToJsonValue(const std::vector<SynonymRule>& rules);
nlohmann::json ToJsonValue(const SearchResponse& response);
nlohmann::json ToJsonValue(const Hit& hit);
nlohmann::json ToJsonValue(const WordMatch& match);
nlohmann::json ToJsonValue(const FacetCount& count);
nlohmann::json RelatedToJsonValue(const std::string& id, const std::vector<Hit>& hits);
nlohmann::json ToJsonValue(const Suggestion& suggestion);
nlohmann::json SuggestionsToJsonValue(const std::string& prefix, const std::vector<Suggestion>& suggestions);
nlohmann::json ToJsonValue(const IndexStats& stats);
nlohmann::json SettingsListToJsonValue(const IndexSettings& stored, const EngineOptions& effective);
nlohmann::json ToJsonValue(const Report& report);
nlohmann::json ToJsonValue(const EvalReport& report);
nlohmann::json ToJsonValue(const EvalMetrics& metrics);
nlohmann::json ToJsonValue(const IngestReport& report);
nlohmann::json ToJsonValue(const Rejection& rejection);
nlohmann::json ToJsonValue(const Status& status);

// The parsers of portalkb/json.h over a value already parsed (e.g. one part
// of a larger body). Strings, arrays and numbers are checked against
// `limits`; depth and body size are the business of whoever parsed `value`.
Result<SearchRequest> SearchRequestFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<SuggestRequest> SuggestRequestFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<ReportRequest> ReportRequestFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<Document> DocumentFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<ClickEvent> ClickEventFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<FeedbackEvent> FeedbackEventFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<SupportContactEvent> SupportContactEventFromJsonValue(const nlohmann::json& value,
                                                             const JsonLimits& limits = {});
Result<IndexSettings> IndexSettingsFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<SynonymRule> SynonymRuleFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});
Result<std::vector<SynonymRule>> SynonymRulesFromJsonValue(const nlohmann::json& value, const JsonLimits& limits = {});

}  // namespace portalkb
