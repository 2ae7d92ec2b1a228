// A fixture that builds a small index in a temporary directory and searches it.
#pragma once

#include <gtest/gtest.h>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {

class SearchScenario : public ::testing::Test {
 protected:
  void Add(Document doc) {
    if (!writer_) {
      auto w = IndexWriter::Open(dir_ / "index");
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      writer_ = std::move(w).value();
    }
    auto outcome = writer_->Put(std::move(doc));
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  }

  SearchResponse Search(const std::string& query, const std::string& lang = "", std::size_t limit = 10,
                        std::size_t offset = 0) {
    SearchRequest request;
    request.query = query;
    request.lang = lang;
    request.limit = limit;
    request.offset = offset;
    return Search(request);
  }

  SearchResponse Search(const SearchRequest& request) {
    if (writer_) {
      EXPECT_TRUE(writer_->Commit().ok());
    }
    auto engine = Engine::Open(dir_ / "index", options_);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    if (!engine.ok()) return {};
    auto response = engine.value()->Search(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? response.value() : SearchResponse{};
  }

  static std::vector<std::string> Ids(const SearchResponse& r) {
    std::vector<std::string> ids;
    for (const auto& h : r.hits) ids.push_back(h.id);
    return ids;
  }

  IndexWriter& Writer() {
    if (!writer_) writer_ = std::move(IndexWriter::Open(dir_ / "index")).value();
    return *writer_;
  }

  testing::TempDir dir_;
  std::unique_ptr<IndexWriter> writer_;
  EngineOptions options_;
};

}  // namespace portalkb
