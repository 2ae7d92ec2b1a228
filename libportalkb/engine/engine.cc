#include "portalkb/engine.h"

#include "search/searcher.h"
#include "storage/store.h"

namespace portalkb {

Engine::Engine(std::string path, EngineOptions options, std::unique_ptr<Searcher> searcher)
    : path_(std::move(path)), options_(std::move(options)), searcher_(std::move(searcher)) {}

Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& path, EngineOptions options) {
  auto store = ReadableStore::Open(path);
  if (!store.ok()) return store.status();
  auto searcher = std::make_unique<Searcher>(std::move(store).value(), options);
  return std::unique_ptr<Engine>(new Engine(path, std::move(options), std::move(searcher)));
}

Result<SearchResponse> Engine::Search(const SearchRequest& request) { return searcher_->Search(request); }

Result<std::vector<Hit>> Engine::Related(const std::string& id, const Principal& principal, std::size_t limit) {
  return searcher_->Related(id, principal, limit);
}

Result<std::vector<Suggestion>> Engine::Suggest(const SuggestRequest& request) { return searcher_->Suggest(request); }

Result<IndexStats> Engine::Stats() { return searcher_->Stats(); }

Result<std::vector<SynonymRule>> Engine::Synonyms() { return searcher_->Synonyms(); }

}  // namespace portalkb
