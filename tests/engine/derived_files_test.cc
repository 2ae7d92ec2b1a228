// The derived files a commit leaves beside the index (typo vocabulary, facet
// columns): written for the committed revision, mapped by readers of that
// revision, ignored (structure built in memory) when stale or damaged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "facets/facet_index.h"
#include "portalkb/portalkb.h"
#include "storage/derived_file.h"
#include "test_util.h"
#include "typo/typo_expander.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

class DerivedFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(index_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    Document a = MakeArticle("a", "Factuur betalen", "Uw factuur betalen met iDEAL", "nl");
    a.tags = {"betalen"};
    a.category = "Billing/Invoices";
    Document b = MakeArticle("b", "Wachtwoord vergeten", "Stel een nieuw wachtwoord in", "nl");
    b.category = "Account";
    b.updated_at = "2026-01-02";
    ASSERT_TRUE(writer.value()->Put(a).ok());
    ASSERT_TRUE(writer.value()->Put(b).ok());
    ASSERT_TRUE(writer.value()->Commit().ok());
  }

  Xapian::Database Db() const { return Xapian::Database(index_); }
  std::string File(const char* name) const { return index_ + "/" + name; }

  testing::TempDir dir_;
  const std::string index_ = dir_ / "index";
};

TEST_F(DerivedFiles, CommitWritesBothForItsRevision) {
  const Xapian::Database db = Db();
  for (auto [name, magic] : {std::pair{kVocabularyFileName, kVocabularyMagic}, {kFacetsFileName, kFacetsMagic}}) {
    auto file = DerivedFile::Open(File(name), magic, db.get_revision());
    EXPECT_TRUE(file.ok()) << name << ": " << file.status().ToString();
  }
  const auto vocabulary = Vocabulary::Open(index_, db);
  EXPECT_EQ(vocabulary->words().Frequency("factuur"), 1u);
  EXPECT_EQ(vocabulary->words().Frequency("wachtwoord"), 1u);
  EXPECT_EQ(vocabulary->words().size(), Vocabulary::Load(db)->words().size());
}

TEST_F(DerivedFiles, ReadersUseTheFileOfTheirRevisionAndIgnoreOthers) {
  const Xapian::Database db = Db();
  // A planted vocabulary for this revision is what Open returns: the file is used, not the terms.
  const TermTrie planted({{"spookwoord", 3}});
  ASSERT_TRUE(
      WriteDerivedFile(File(kVocabularyFileName), kVocabularyMagic, db.get_revision(), planted.Serialize()).ok());
  EXPECT_EQ(Vocabulary::Open(index_, db)->words().Frequency("spookwoord"), 3u);
  EXPECT_EQ(Vocabulary::Open(index_, db)->words().Frequency("factuur"), 0u);

  // The same file stamped with another revision is stale: built from the index instead.
  ASSERT_TRUE(
      WriteDerivedFile(File(kVocabularyFileName), kVocabularyMagic, db.get_revision() + 1, planted.Serialize()).ok());
  EXPECT_EQ(Vocabulary::Open(index_, db)->words().Frequency("spookwoord"), 0u);
  EXPECT_EQ(Vocabulary::Open(index_, db)->words().Frequency("factuur"), 1u);
  auto stale = DerivedFile::Open(File(kVocabularyFileName), kVocabularyMagic, db.get_revision());
  EXPECT_EQ(stale.status().code(), StatusCode::kCorruption);
  EXPECT_NE(stale.status().message().find("revision"), std::string::npos) << stale.status().message();

  // Truncated, wrong kind, or missing: the same fallback.
  std::filesystem::resize_file(File(kFacetsFileName), 40);
  EXPECT_EQ(DerivedFile::Open(File(kFacetsFileName), kFacetsMagic, db.get_revision()).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DerivedFile::Open(File(kFacetsFileName), kVocabularyMagic, db.get_revision()).status().code(),
            StatusCode::kCorruption);
  std::filesystem::remove(File(kVocabularyFileName));
  EXPECT_EQ(DerivedFile::Open(File(kVocabularyFileName), kVocabularyMagic, db.get_revision()).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Vocabulary::Open(index_, db)->words().Frequency("factuur"), 1u);
  const auto facets = FacetIndex::Open(index_, db);
  ASSERT_NE(facets->Find("category"), nullptr);
  EXPECT_EQ(facets->Find("category")->value_count(), 3u);  // Account, Billing, Billing/Invoices
}

TEST_F(DerivedFiles, MappedFacetColumnsEqualTheBuiltOnes) {
  const Xapian::Database db = Db();
  const auto mapped = FacetIndex::Open(index_, db);
  const auto built = FacetIndex::Load(db);
  EXPECT_EQ(mapped->bytes(), built->bytes());
  EXPECT_NE(mapped->bytes().data(), built->bytes().data());
  for (const char* field : {"type", "lang", "category", "tags"}) {
    const FacetIndex::Column* m = mapped->Find(field);
    const FacetIndex::Column* b = built->Find(field);
    ASSERT_NE(m, nullptr) << field;
    ASSERT_NE(b, nullptr) << field;
    ASSERT_EQ(m->value_count(), b->value_count()) << field;
    for (std::size_t id = 0; id < m->value_count(); ++id) EXPECT_EQ(m->name(id), b->name(id)) << field;
  }
  EXPECT_EQ(mapped->Find("tags")->name(0), "betalen");
  EXPECT_EQ(mapped->Find("nothing"), nullptr);
}

TEST_F(DerivedFiles, AWriterWithoutThemLeavesStaleFilesThatReadersIgnore) {
  WriterOptions options;
  options.write_derived_files = false;
  auto writer = IndexWriter::Open(index_, options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer.value()->Put(MakeArticle("c", "Verhuizing doorgeven", "Geef uw verhuizing door", "nl")).ok());
  ASSERT_TRUE(writer.value()->Commit().ok());
  const Xapian::Database db = Db();
  EXPECT_EQ(DerivedFile::Open(File(kVocabularyFileName), kVocabularyMagic, db.get_revision()).status().code(),
            StatusCode::kCorruption)
      << "still the previous revision's";
  EXPECT_EQ(Vocabulary::Open(index_, db)->words().Frequency("verhuizing"), 1u) << "built from the index instead";
  EXPECT_EQ(FacetIndex::Open(index_, db)->updated_at().size(), 4u) << "columns cover docids 0..3";
}

TEST_F(DerivedFiles, SearchesAnswerTheSameWithAndWithoutTheFiles) {
  auto run = [&] {
    auto engine = Engine::Open(index_);
    EXPECT_TRUE(engine.ok());
    SearchRequest r;
    r.query = "factur";  // one typo: needs the vocabulary
    r.facets = {"category", "updated_at"};
    r.principal = Principal::Admin();
    auto response = engine.value()->Search(r);
    EXPECT_TRUE(response.ok());
    std::vector<std::string> out;
    for (const auto& h : response->hits) out.push_back(h.id);
    for (const auto& c : response->facets["category"]) out.push_back(c.value + "=" + std::to_string(c.count));
    return out;
  };
  const auto with_files = run();
  EXPECT_EQ(with_files, (std::vector<std::string>{"a", "Billing=1", "Billing/Invoices=1"}));
  std::filesystem::remove(File(kVocabularyFileName));
  std::filesystem::remove(File(kFacetsFileName));
  EXPECT_EQ(run(), with_files);
}

}  // namespace
}  // namespace portalkb
