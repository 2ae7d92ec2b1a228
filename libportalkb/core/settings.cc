#include "portalkb/settings.h"

#include <algorithm>
#include <charconv>

#include "core/text.h"

namespace portalkb {
namespace {

const std::vector<std::string> kTypoFields = {"title", "summary", "body", "tags", "category"};

Result<bool> ParseBool(const std::string& name, const std::string& value) {
  if (value == "true" || value == "on" || value == "yes" || value == "1") return true;
  if (value == "false" || value == "off" || value == "no" || value == "0") return false;
  return Status::InvalidArgument(name + ": '" + value + "' is not true or false");
}

Result<long long> ParseWhole(const std::string& name, const std::string& value, long long min, long long max) {
  long long n = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc() || ptr != end || n < min || n > max) {
    return Status::InvalidArgument(name + ": '" + value + "' is not a whole number from " + std::to_string(min) +
                                   " to " + std::to_string(max));
  }
  return n;
}

// A comma-separated list without repeats, in the order given.
std::vector<std::string> ParseList(const std::string& value) {
  std::vector<std::string> out;
  for (auto& item : SplitList(value)) {
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

const char* BoolText(bool b) { return b ? "true" : "false"; }

// The decimal ranking settings: name, where they are kept, what they
// override, and their range.
struct RealSetting {
  const char* name;
  std::optional<double> IndexSettings::*setting;
  double SearchOptions::*option;
  double min;
  double max;
};
constexpr RealSetting kRealSettings[] = {
    {"ranking.bm25_k1", &IndexSettings::bm25_k1, &SearchOptions::bm25_k1, 0, 10},
    {"ranking.bm25_b", &IndexSettings::bm25_b, &SearchOptions::bm25_b, 0, 1},
    {"ranking.title_weight", &IndexSettings::title_weight, &SearchOptions::title_weight, 0, 100},
    {"ranking.long_query_title_weight", &IndexSettings::long_query_title_weight,
     &SearchOptions::long_query_title_weight, 0, 100},
    {"ranking.exact_word_weight", &IndexSettings::exact_word_weight, &SearchOptions::exact_word_weight, 0, 100},
    {"ranking.synonym_weight", &IndexSettings::synonym_weight, &SearchOptions::synonym_weight, 0, 100},
    {"ranking.one_typo_weight", &IndexSettings::one_typo_weight, &SearchOptions::one_typo_weight, 0, 100},
    {"ranking.two_typo_weight", &IndexSettings::two_typo_weight, &SearchOptions::two_typo_weight, 0, 100},
    {"ranking.prefix_weight", &IndexSettings::prefix_weight, &SearchOptions::prefix_weight, 0, 100},
};

const RealSetting* FindRealSetting(const std::string& name) {
  for (const auto& r : kRealSettings) {
    if (name == r.name) return &r;
  }
  return nullptr;
}

// A plain decimal ("1.2", "0", "10"): digits with at most one point, no sign,
// exponent, "inf" or "nan", within [min, max].
Result<double> ParseReal(const std::string& name, const std::string& value, double min, double max) {
  const bool plain = !value.empty() && value.size() <= 32 &&
                     value.find_first_not_of("0123456789.") == std::string::npos &&
                     std::count(value.begin(), value.end(), '.') <= 1 && value != ".";
  double d = 0;
  if (plain) {
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, d);
    if (ec == std::errc() && ptr == end && d >= min && d <= max) return d;
  }
  std::string range = std::to_string(max);
  range.erase(range.find_last_not_of('0') + 1);
  if (!range.empty() && range.back() == '.') range.pop_back();
  return Status::InvalidArgument(name + ": '" + value + "' is not a decimal number from 0 to " + range);
}

// Shortest text that reads back as the same double.
std::string RealText(double d) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return ec == std::errc() ? std::string(buffer, ptr) : std::to_string(d);
}

}  // namespace

const std::vector<std::string>& IndexSettings::Names() {
  static const std::vector<std::string> kNames = {
      "typo.enabled",        "typo.min_length_one_typo", "typo.min_length_two_typos", "typo.first_letter_cost",
      "typo.disabled_words", "typo.disabled_fields",     "analytics.log_searches"};
  static const std::vector<std::string> kAll = [] {
    std::vector<std::string> names = kNames;
    for (const auto& r : kRealSettings) names.push_back(r.name);
    names.push_back("ranking.tier_max_words");
    names.push_back("ranking.min_matched_words");
    names.push_back("search.count_limit");
    return names;
  }();
  return kAll;
}

Status IndexSettings::Set(const std::string& name, const std::string& value) {
  if (const RealSetting* r = FindRealSetting(name)) {
    auto d = ParseReal(name, value, r->min, r->max);
    if (!d.ok()) return d.status();
    this->*(r->setting) = d.value();
  } else if (name == "ranking.tier_max_words" || name == "ranking.min_matched_words") {
    auto n = ParseWhole(name, value, 0, 64);
    if (!n.ok()) return n.status();
    (name == "ranking.tier_max_words" ? tier_max_words : min_matched_words) = static_cast<std::size_t>(n.value());
  } else if (name == "search.count_limit") {
    auto n = ParseWhole(name, value, 0, 10000000);
    if (!n.ok()) return n.status();
    count_limit = static_cast<std::size_t>(n.value());
  } else if (name == "typo.enabled" || name == "analytics.log_searches") {
    auto b = ParseBool(name, value);
    if (!b.ok()) return b.status();
    (name == "typo.enabled" ? typo_enabled : log_searches) = b.value();
  } else if (name == "typo.min_length_one_typo" || name == "typo.min_length_two_typos") {
    auto n = ParseWhole(name, value, 1, 64);
    if (!n.ok()) return n.status();
    (name == "typo.min_length_one_typo" ? typo_min_length_one_typo : typo_min_length_two_typos) =
        static_cast<std::size_t>(n.value());
  } else if (name == "typo.first_letter_cost") {
    auto n = ParseWhole(name, value, 1, 2);
    if (!n.ok()) return n.status();
    typo_first_letter_cost = static_cast<int>(n.value());
  } else if (name == "typo.disabled_words") {
    auto words = ParseList(value);
    for (const auto& w : words) {
      if (!IsValidUtf8(w) || w.find_first_of("=\n\r") != std::string::npos) {
        return Status::InvalidArgument(name + ": '" + w + "' is not a word");
      }
    }
    typo_disabled_words = std::move(words);
  } else if (name == "typo.disabled_fields") {
    auto fields = ParseList(value);
    for (const auto& f : fields) {
      if (std::find(kTypoFields.begin(), kTypoFields.end(), f) == kTypoFields.end()) {
        return Status::InvalidArgument(name + ": unknown field '" + f +
                                       "' (expected title, summary, body, tags or category)");
      }
    }
    typo_disabled_fields = std::move(fields);
  } else {
    return Status::InvalidArgument("unknown setting '" + name + "'");
  }
  return Status::Ok();
}

Status IndexSettings::Unset(const std::string& name) {
  if (const RealSetting* r = FindRealSetting(name))
    (this->*(r->setting)).reset();
  else if (name == "ranking.tier_max_words")
    tier_max_words.reset();
  else if (name == "ranking.min_matched_words")
    min_matched_words.reset();
  else if (name == "search.count_limit")
    count_limit.reset();
  else if (name == "typo.enabled")
    typo_enabled.reset();
  else if (name == "typo.min_length_one_typo")
    typo_min_length_one_typo.reset();
  else if (name == "typo.min_length_two_typos")
    typo_min_length_two_typos.reset();
  else if (name == "typo.first_letter_cost")
    typo_first_letter_cost.reset();
  else if (name == "typo.disabled_words")
    typo_disabled_words.reset();
  else if (name == "typo.disabled_fields")
    typo_disabled_fields.reset();
  else if (name == "analytics.log_searches")
    log_searches.reset();
  else
    return Status::InvalidArgument("unknown setting '" + name + "'");
  return Status::Ok();
}

std::map<std::string, std::string> IndexSettings::ToMap() const {
  std::map<std::string, std::string> out;
  if (typo_enabled) out["typo.enabled"] = BoolText(*typo_enabled);
  if (typo_min_length_one_typo) out["typo.min_length_one_typo"] = std::to_string(*typo_min_length_one_typo);
  if (typo_min_length_two_typos) out["typo.min_length_two_typos"] = std::to_string(*typo_min_length_two_typos);
  if (typo_first_letter_cost) out["typo.first_letter_cost"] = std::to_string(*typo_first_letter_cost);
  if (typo_disabled_words) out["typo.disabled_words"] = JoinList(*typo_disabled_words);
  if (typo_disabled_fields) out["typo.disabled_fields"] = JoinList(*typo_disabled_fields);
  if (log_searches) out["analytics.log_searches"] = BoolText(*log_searches);
  for (const auto& r : kRealSettings) {
    if (this->*(r.setting)) out[r.name] = RealText(*(this->*(r.setting)));
  }
  if (tier_max_words) out["ranking.tier_max_words"] = std::to_string(*tier_max_words);
  if (min_matched_words) out["ranking.min_matched_words"] = std::to_string(*min_matched_words);
  if (count_limit) out["search.count_limit"] = std::to_string(*count_limit);
  return out;
}

std::map<std::string, std::string> IndexSettings::Effective(const EngineOptions& options) {
  const TypoOptions& t = options.search.typo;
  std::map<std::string, std::string> out = {{"typo.enabled", BoolText(t.enabled)},
                                            {"typo.min_length_one_typo", std::to_string(t.min_length_one_typo)},
                                            {"typo.min_length_two_typos", std::to_string(t.min_length_two_typos)},
                                            {"typo.first_letter_cost", std::to_string(t.first_letter_cost)},
                                            {"typo.disabled_words", JoinList(t.disabled_words)},
                                            {"typo.disabled_fields", JoinList(t.disabled_fields)},
                                            {"analytics.log_searches", BoolText(options.analytics)}};
  for (const auto& r : kRealSettings) out[r.name] = RealText(options.search.*(r.option));
  out["ranking.tier_max_words"] = std::to_string(options.search.tier_max_words);
  out["ranking.min_matched_words"] = std::to_string(options.search.min_matched_words);
  out["search.count_limit"] = std::to_string(options.search.count_limit);
  return out;
}

void IndexSettings::ApplyTo(EngineOptions& options) const {
  TypoOptions& t = options.search.typo;
  if (typo_enabled) t.enabled = *typo_enabled;
  if (typo_min_length_one_typo) t.min_length_one_typo = *typo_min_length_one_typo;
  if (typo_min_length_two_typos) t.min_length_two_typos = *typo_min_length_two_typos;
  if (typo_first_letter_cost) t.first_letter_cost = *typo_first_letter_cost;
  if (typo_disabled_words) t.disabled_words = *typo_disabled_words;
  if (typo_disabled_fields) t.disabled_fields = *typo_disabled_fields;
  if (log_searches) options.analytics = *log_searches;
  for (const auto& r : kRealSettings) {
    if (this->*(r.setting)) options.search.*(r.option) = *(this->*(r.setting));
  }
  if (tier_max_words) options.search.tier_max_words = *tier_max_words;
  if (min_matched_words) options.search.min_matched_words = *min_matched_words;
  if (count_limit) options.search.count_limit = *count_limit;
}

std::string IndexSettings::Encode() const {
  std::string out;
  for (const auto& [name, value] : ToMap()) out += name + "=" + value + "\n";
  return out;
}

Result<IndexSettings> IndexSettings::Decode(std::string_view text) {
  IndexSettings settings;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string line(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    const auto eq = line.find('=');
    Status s = eq == std::string::npos ? Status::InvalidArgument("no '='")
                                       : settings.Set(line.substr(0, eq), line.substr(eq + 1));
    if (!s.ok()) return Status::Corruption("stored settings, line " + std::to_string(line_number) + ": " + s.message());
  }
  return settings;
}

}  // namespace portalkb
