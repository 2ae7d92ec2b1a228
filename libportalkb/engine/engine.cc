#include "portalkb/engine.h"

#include <algorithm>
#include <chrono>

#include "analysis/analyzer.h"
#include "search/searcher.h"
#include "storage/store.h"

namespace portalkb {
namespace {

// The normalised form analytics groups queries by: folded words separated by
// spaces, with redaction placeholders ("[email]") kept as they are.
std::string NormalizeForAnalytics(const Tokenizer& tokenizer, const std::string& redacted) {
  std::string out;
  auto add_words = [&](std::string_view chunk) {
    for (const Token& t : tokenizer.Tokenize(chunk)) {
      if (!t.joined) out += (out.empty() ? "" : " ") + t.folded;
    }
  };
  std::size_t i = 0;
  while (i < redacted.size()) {
    const auto open = redacted.find('[', i);
    const auto close = open == std::string::npos ? std::string::npos : redacted.find(']', open);
    if (close == std::string::npos || close - open > 33) {
      add_words(std::string_view(redacted).substr(i));
      break;
    }
    add_words(std::string_view(redacted).substr(i, open - i));
    out += (out.empty() ? "" : " ") + redacted.substr(open, close - open + 1);
    i = close + 1;
  }
  return out;
}

}  // namespace

Engine::Engine(std::string path, EngineOptions options, std::unique_ptr<Searcher> searcher)
    : path_(std::move(path)), options_(std::move(options)), searcher_(std::move(searcher)) {}

Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& path, EngineOptions options) {
  auto store = ReadableStore::Open(path);
  if (!store.ok()) return store.status();
  auto searcher = std::make_unique<Searcher>(std::move(store).value(), options);
  std::unique_ptr<Engine> engine(new Engine(path, options, std::move(searcher)));
  engine->tokenizer_ = std::make_unique<Tokenizer>();
  // Unreadable settings do not stop reading (Settings() reports them); the
  // engine's own options stay in force, as in Searcher::Refresh.
  auto settings = engine->searcher_->Settings();
  if (settings.ok() && settings->log_searches == false) {
    engine->analytics_status_ = Status::InvalidArgument("search logging is switched off for this index");
  } else if (options.analytics) {
    AnalyticsOptions analytics_options = options.analytics_options;
    if (!analytics_options.normalize) {
      auto tokenizer = std::make_shared<Tokenizer>();
      analytics_options.normalize = [tokenizer](const std::string& text) { return NormalizeForAnalytics(*tokenizer, text); };
    }
    auto analytics = Analytics::OpenForIndex(path, std::move(analytics_options));
    if (analytics.ok()) {
      engine->analytics_ = std::move(analytics).value();
    } else {
      engine->analytics_status_ = analytics.status();
    }
  } else {
    engine->analytics_status_ = Status::InvalidArgument("analytics switched off for this engine");
  }
  return engine;
}

Result<SearchResponse> Engine::Search(const SearchRequest& request) {
  auto response = searcher_->Search(request);
  // The index's own setting may have switched logging off since Open.
  if (!response.ok() || !request.log || analytics_ == nullptr || !searcher_->options().analytics) return response;
  SearchEvent event;
  event.ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  event.query_id = Analytics::NewQueryId();
  event.query = request.query;
  event.lang = request.lang;
  event.roles = request.principal.roles;
  event.org = request.principal.org;
  event.user = request.principal.user;
  event.session = request.session;
  event.results = response->total;
  event.corrected = response->corrected_query;
  event.latency_ms = response->took_ms;
  response->query_id = event.query_id;
  analytics_->LogSearch(std::move(event));
  return response;
}

Result<std::vector<Hit>> Engine::Related(const std::string& id, const Principal& principal, std::size_t limit) {
  return searcher_->Related(id, principal, limit);
}

Result<std::vector<Suggestion>> Engine::Suggest(const SuggestRequest& request) {
  auto suggestions = searcher_->Suggest(request);
  if (!suggestions.ok() || analytics_ == nullptr || suggestions->size() >= request.limit) return suggestions;
  // Then frequent successful queries, each only if it finds something this
  // principal may see: another visitor's query never hints at hidden content.
  const std::string prefix = NormalizeForAnalytics(*tokenizer_, request.prefix) +
                             (!request.prefix.empty() && request.prefix.back() == ' ' ? " " : "");
  // Like prefix matching, from prefix_min_length letters: one letter would
  // only rank the whole log.
  const auto letters = std::count_if(prefix.begin(), prefix.end(), [](char c) { return (c & 0xC0) != 0x80; });
  if (static_cast<std::size_t>(letters) < searcher_->options().search.prefix_min_length) return suggestions;
  auto frequent = analytics_->FrequentQueries(prefix, 5);
  if (!frequent.ok()) return suggestions;
  for (const auto& [query, count] : frequent.value()) {
    if (suggestions->size() >= request.limit) break;
    const bool repeated = std::any_of(suggestions->begin(), suggestions->end(), [&](const Suggestion& s) {
      return NormalizeForAnalytics(*tokenizer_, s.text) == query;
    });
    if (repeated) continue;
    SearchRequest probe;
    probe.query = query;
    probe.lang = request.lang;
    probe.principal = request.principal;
    probe.limit = 1;
    probe.correct = false;
    probe.prefix = false;
    probe.log = false;
    auto found = searcher_->Search(probe);
    if (found.ok() && found->total > 0) suggestions->push_back({query, "query", ""});
  }
  return suggestions;
}

Result<IndexStats> Engine::Stats() { return searcher_->Stats(); }

Result<IndexSettings> Engine::Settings() { return searcher_->Settings(); }

EngineOptions Engine::EffectiveOptions() {
  EngineOptions effective = options_;
  auto settings = searcher_->Settings();
  if (settings.ok()) settings->ApplyTo(effective);
  return effective;
}

Result<std::vector<SynonymRule>> Engine::Synonyms() { return searcher_->Synonyms(); }

}  // namespace portalkb
