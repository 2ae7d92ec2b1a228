// Settings stored with the index reach every reader, take effect on an
// engine that is already open, and override the engine's own options.
#include <gtest/gtest.h>
#include <xapian.h>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

class StoredSettings : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = std::move(IndexWriter::Open(dir_ / "index")).value();
    ASSERT_TRUE(writer_->Put(MakeArticle("pw", "Reset your password", "Choose a new password.")).ok());
    ASSERT_TRUE(writer_->Put(MakeArticle("case", "Open an ärende", "Every ärende gets a number.")).ok());
    ASSERT_TRUE(writer_->Commit().ok());
  }

  std::uint64_t Total(Engine& engine, const std::string& query) {
    SearchRequest request;
    request.query = query;
    request.correct = false;
    auto r = engine.Search(request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : 0;
  }

  testing::TempDir dir_;
  std::unique_ptr<IndexWriter> writer_;
};

TEST_F(StoredSettings, TypoSwitchTakesEffectOnAnOpenEngineWithoutReindexing) {
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  EXPECT_EQ(Total(*engine, "pasword"), 1u);
  ASSERT_TRUE(writer_->SetSetting("typo.enabled", "false").ok());
  ASSERT_TRUE(writer_->Commit().ok());
  EXPECT_EQ(Total(*engine, "pasword"), 0u);
  EXPECT_EQ(Total(*engine, "password"), 1u);
  EXPECT_FALSE(engine->EffectiveOptions().search.typo.enabled);
  ASSERT_TRUE(writer_->UnsetSetting("typo.enabled").ok());
  ASSERT_TRUE(writer_->Commit().ok());
  EXPECT_EQ(Total(*engine, "pasword"), 1u);
}

TEST_F(StoredSettings, DisabledWordsAreFoldedLikeQueryWordsAndMatchOnlyExactly) {
  ASSERT_TRUE(writer_->Put(MakeArticle("lecture", "Hannah Arendt lecture", "Notes from the lecture.")).ok());
  ASSERT_TRUE(writer_->Commit().ok());
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  EXPECT_EQ(Total(*engine, "ärende"), 2u);  // "arendt" is one typo away
  ASSERT_TRUE(writer_->SetSetting("typo.disabled_words", "Ärende").ok());
  ASSERT_TRUE(writer_->Commit().ok());
  EXPECT_EQ(writer_->Settings()->ToMap().at("typo.disabled_words"), "arende");
  EXPECT_EQ(Total(*engine, "ÄRENDE"), 1u);
  EXPECT_EQ(Total(*engine, "arende"), 1u);
  EXPECT_EQ(Total(*engine, "lecturr"), 1u);  // other words keep their typo tolerance
}

TEST_F(StoredSettings, StoredThresholdOverridesTheEngineOptions) {
  EngineOptions options;
  options.search.typo.min_length_one_typo = 20;  // the caller's choice: no typos on these words
  auto engine = std::move(Engine::Open(dir_ / "index", options)).value();
  EXPECT_EQ(Total(*engine, "pasword"), 0u);
  ASSERT_TRUE(writer_->SetSetting("typo.min_length_one_typo", "5").ok());
  ASSERT_TRUE(writer_->Commit().ok());
  EXPECT_EQ(Total(*engine, "pasword"), 1u);
}

TEST_F(StoredSettings, LoggingSwitchedOffForTheIndexLogsNothing) {
  ASSERT_TRUE(writer_->SetSetting("analytics.log_searches", "false").ok());
  ASSERT_TRUE(writer_->Commit().ok());
  {
    auto engine = std::move(Engine::Open(dir_ / "index")).value();
    EXPECT_EQ(engine->analytics(), nullptr);
    SearchRequest request;
    request.query = "password";
    auto r = engine->Search(request);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->query_id.empty());
  }
  EXPECT_FALSE(std::filesystem::exists(Analytics::PathFor(dir_ / "index")));

  // Switched off while an engine with a log is open: later searches are not logged.
  ASSERT_TRUE(writer_->UnsetSetting("analytics.log_searches").ok());
  ASSERT_TRUE(writer_->Commit().ok());
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  ASSERT_NE(engine->analytics(), nullptr);
  SearchRequest request;
  request.query = "password";
  EXPECT_FALSE(engine->Search(request)->query_id.empty());
  ASSERT_TRUE(writer_->SetSetting("analytics.log_searches", "false").ok());
  ASSERT_TRUE(writer_->Commit().ok());
  EXPECT_TRUE(engine->Search(request)->query_id.empty());
}

// Opening the log compiles the redaction patterns (about 30 ms of a CLI
// process): a search that does not log must not pay for it.
TEST_F(StoredSettings, TheAnalyticsLogOpensOnlyWhenFirstUsed) {
  const std::string log = Analytics::PathFor(dir_ / "index");
  auto engine = std::move(Engine::Open(dir_ / "index")).value();
  SearchRequest request;
  request.query = "password";
  request.log = false;
  auto r = engine->Search(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->total, 1u);
  EXPECT_FALSE(std::filesystem::exists(log)) << "the log was opened for a search that does not log";
  request.log = true;
  r = engine->Search(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->query_id.empty()) << engine->analytics_status().ToString();
  EXPECT_TRUE(std::filesystem::exists(log));
  EXPECT_TRUE(engine->analytics_status().ok()) << engine->analytics_status().ToString();
  EXPECT_NE(engine->analytics(), nullptr);
}

TEST_F(StoredSettings, AnalyticsStatusSaysWhyWithoutASearchFirst) {
  EngineOptions options;
  options.analytics = false;
  auto engine = std::move(Engine::Open(dir_ / "index", options)).value();
  EXPECT_FALSE(engine->analytics_status().ok());
  EXPECT_NE(engine->analytics_status().message().find("switched off"), std::string::npos)
      << engine->analytics_status().ToString();
  EXPECT_EQ(engine->analytics(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(Analytics::PathFor(dir_ / "index")));
}

TEST_F(StoredSettings, InvalidValueIsRejectedAndTheStoredSettingsStay) {
  ASSERT_TRUE(writer_->SetSetting("typo.first_letter_cost", "1").ok());
  const Status bad = writer_->SetSetting("typo.first_letter_cost", "7");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("typo.first_letter_cost"), std::string::npos);
  ASSERT_TRUE(writer_->Commit().ok());
  EXPECT_EQ(Engine::Open(dir_ / "index").value()->Settings()->ToMap().at("typo.first_letter_cost"), "1");
}

TEST_F(StoredSettings, UnreadableStoredSettingsAreReportedButDoNotStopSearching) {
  writer_.reset();
  {
    // As a newer version might leave them: a setting this build does not know.
    Xapian::WritableDatabase db(dir_ / "index", Xapian::DB_OPEN);
    db.set_metadata("portalkb.settings", "typo.enabled=false\ntypo.from_the_future=1\n");
    db.commit();
  }
  auto engine = Engine::Open(dir_ / "index");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto settings = engine.value()->Settings();
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().code(), StatusCode::kCorruption);
  EXPECT_NE(settings.status().message().find("line 2"), std::string::npos) << settings.status().message();
  EXPECT_EQ(Total(*engine.value(), "pasword"), 1u) << "the engine's own options stay in force";
}

}  // namespace
}  // namespace portalkb
