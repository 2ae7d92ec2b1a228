// The storage adapter on its own: the document codec, the Xapian error
// mapping, the reader's retry on a changing index (attempts and a time
// budget), the removal of what a crashed creator left, and the format check
// that keeps readers and the writer off indexes that are not portalkb's.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <vector>

#include <xapian.h>

#include "storage/document_codec.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "test_util.h"

namespace portalkb {
namespace {

Document FullDocument() {
  Document doc;
  doc.id = "doc-1";
  doc.type = DocumentType::kDocument;
  doc.title = "Factuur \"downloaden\"";
  doc.summary = "Samenvatting";
  doc.body = "Pagina een\fPagina twee";
  doc.lang = "nl";
  doc.tags = {"invoice", "pdf"};
  doc.category = "Billing/Invoices";
  doc.updated_at = "2026-11-20";
  doc.url = "https://portal.example/doc-1";
  doc.visibility = {*Grant::Parse("org:acme/role:finance"), *Grant::Parse("user:jan")};
  doc.status = PublishStatus::kDraft;
  doc.publish_at = "2026-12-01";
  doc.unpublish_at = "2027-01-01T00:00:00Z";
  doc.attributes = {{"price", {"12.50"}}, {"product", {"portal", "app"}}};
  doc.source = "in.jsonl:3";
  return doc;
}

TEST(DocumentCodec, RoundTripKeepsEveryField) {
  const Document in = FullDocument();
  auto out = DecodeDocument(EncodeDocument(in));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Document& d = out.value();
  EXPECT_EQ(d.id, in.id);
  EXPECT_EQ(d.type, in.type);
  EXPECT_EQ(d.title, in.title);
  EXPECT_EQ(d.summary, in.summary);
  EXPECT_EQ(d.body, in.body);
  EXPECT_EQ(d.lang, in.lang);
  EXPECT_EQ(d.tags, in.tags);
  EXPECT_EQ(d.category, in.category);
  EXPECT_EQ(d.updated_at, in.updated_at);
  EXPECT_EQ(d.url, in.url);
  EXPECT_EQ(d.visibility, in.visibility);
  EXPECT_EQ(d.status, in.status);
  EXPECT_EQ(d.publish_at, in.publish_at);
  EXPECT_EQ(d.unpublish_at, in.unpublish_at);
  EXPECT_EQ(d.attributes, in.attributes);
  EXPECT_EQ(d.source, in.source);
}

TEST(DocumentCodec, RejectsWhatItDidNotWrite) {
  const std::string cases[] = {
      "",
      "not json",
      "[1, 2]",
      R"({"type": "article", "title": "t", "lang": "en"})",                                      // no id
      R"({"id": "x", "type": "page", "title": "t", "lang": "en"})",                              // unknown type
      R"({"id": "x", "type": "article", "title": 7, "lang": "en"})",                             // wrong JSON type
      R"({"id": "x", "type": "article", "title": "t"})",                                         // no lang
      R"({"id": "x", "type": "article", "title": "t", "lang": "en", "visibility": ["role:"]})",  // bad grant
      R"({"id": "x", "type": "article", "title": "t", "lang": "en", "tags": "one"})",
  };
  for (const auto& data : cases) {
    auto r = DecodeDocument(data);
    ASSERT_FALSE(r.ok()) << data;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << data;
    EXPECT_NE(r.status().message().find("stored document"), std::string::npos) << r.status().message();
  }
}

TEST(DocumentCodec, AttributeSlotsRoundTripAndRejectBadData) {
  const std::map<std::string, unsigned> slots = {{"price", 10}, {"weight", 11}};
  auto back = DecodeAttributeSlots(EncodeAttributeSlots(slots));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), slots);
  EXPECT_TRUE(DecodeAttributeSlots("").value().empty()) << "no slots recorded yet";
  for (const char* bad : {"{", "[]", R"({"price": "ten"})", R"({"price": [10]})"}) {
    auto r = DecodeAttributeSlots(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << bad;
  }
}

TEST(GuardXapian, MapsEachXapianErrorToItsStatusCode) {
  struct Case {
    std::function<void()> fail;
    StatusCode code;
    const char* name;
  };
  const Case cases[] = {
      // Xapian's words when another writer holds the lock, and when it cannot make the lock file.
      {[] { throw Xapian::DatabaseLockError("Unable to get write lock on /x: already locked"); }, StatusCode::kBusy,
       "DatabaseLockError"},
      {[] {
         throw Xapian::DatabaseLockError("Unable to get write lock on /x: Couldn't open lockfile: Permission denied");
       },
       StatusCode::kIOError, "DatabaseLockError (read-only)"},
      {[] { throw Xapian::DatabaseNotFoundError("gone"); }, StatusCode::kIndexNotFound, "DatabaseNotFoundError"},
      {[] { throw Xapian::DatabaseOpeningError("cannot open"); }, StatusCode::kIndexNotFound, "DatabaseOpeningError"},
      {[] { throw Xapian::DatabaseCorruptError("bad block"); }, StatusCode::kCorruption, "DatabaseCorruptError"},
      {[] { throw Xapian::DatabaseVersionError("old"); }, StatusCode::kCorruption, "DatabaseVersionError"},
      {[] { throw Xapian::InvalidArgumentError("bad arg"); }, StatusCode::kInvalidArgument, "InvalidArgumentError"},
      {[] { throw Xapian::QueryParserError("bad query"); }, StatusCode::kInvalidArgument, "QueryParserError"},
      {[] { throw Xapian::RangeError("out of range"); }, StatusCode::kInvalidArgument, "RangeError"},
      {[] { throw Xapian::DatabaseError("disk"); }, StatusCode::kIOError, "DatabaseError"},
      {[] { throw Xapian::DatabaseModifiedError("changed"); }, StatusCode::kInternal, "DatabaseModifiedError"},
      {[] { throw Xapian::UnimplementedError("nope"); }, StatusCode::kInternal, "UnimplementedError"},
      {[] { throw std::bad_alloc(); }, StatusCode::kInternal, "bad_alloc"},
      {[] { throw std::runtime_error("boom"); }, StatusCode::kInternal, "runtime_error"},
  };
  for (const auto& c : cases) {
    const Status s = GuardXapian("op", c.fail);
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s.ToString();
    EXPECT_EQ(s.message().rfind("op: ", 0), 0u) << c.name << ": the label comes first: " << s.message();
  }
  EXPECT_TRUE(GuardXapian("op", [] {}).ok());
  EXPECT_NE(GuardXapian("op", [] { throw Xapian::DatabaseLockError("on /x: already locked"); })
                .message()
                .find("another writer"),
            std::string::npos);
}

// A portalkb index with `docs` documents, committed and closed.
void MakeIndex(const std::string& path, int docs) {
  auto w = WritableStore::Open(path, /*create_if_missing=*/true);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (int i = 0; i < docs; ++i) {
    Xapian::Document doc;
    doc.add_boolean_term(schema::Term(schema::kId, std::to_string(i)));
    ASSERT_TRUE(w.value()->Replace(schema::Term(schema::kId, std::to_string(i)), doc).ok());
  }
  ASSERT_TRUE(w.value()->Commit().ok());
}

// A plain Xapian database with two documents, as another program would make it.
void MakeForeignIndex(const std::string& path, const std::string& format = "") {
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE);
  for (const char* word : {"alpha", "beta"}) {
    Xapian::Document doc;
    doc.add_term(word);
    doc.set_data(word);
    db.add_document(doc);
  }
  if (!format.empty()) db.set_metadata(schema::kFormatKey, format);
  db.commit();
}

std::uintmax_t FileBytes(const std::string& dir) {
  std::uintmax_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

struct Shape {
  Xapian::doccount docs;
  Xapian::rev revision;
};
Shape ShapeOf(const std::string& path) {
  Xapian::Database db(path);
  return {db.get_doccount(), db.get_revision()};
}

class Store : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(Store, ReaderRefusesAForeignXapianDatabase) {
  MakeForeignIndex(dir_ / "foreign");
  auto r = ReadableStore::Open(dir_ / "foreign");
  ASSERT_FALSE(r.ok()) << "a database without the portalkb format stamp was opened";
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("not a portalkb index"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(dir_ / "foreign"), std::string::npos) << r.status().message();
}

TEST_F(Store, ReaderRefusesAnotherFormatVersionAndSaysReindex) {
  MakeForeignIndex(dir_ / "future", std::to_string(schema::kFormatVersion + 1));
  auto r = ReadableStore::Open(dir_ / "future");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("index format " + std::to_string(schema::kFormatVersion + 1)), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("re-index"), std::string::npos) << r.status().message();
}

// Format 2 moved the fields into position ranges and dropped the per-field
// word terms that format 1 relies on: a format 1 index must be re-indexed.
TEST_F(Store, AnOlderFormatVersionIsRefusedByReaderAndWriterWithReindex) {
  const std::string older = std::to_string(schema::kFormatVersion - 1);
  ASSERT_GE(schema::kFormatVersion, 2);
  MakeForeignIndex(dir_ / "older", older);
  const Shape before = ShapeOf(dir_ / "older");
  auto r = ReadableStore::Open(dir_ / "older");
  ASSERT_FALSE(r.ok()) << "an index of format " << older << " was opened";
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("index format " + older + " "), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("re-index"), std::string::npos) << r.status().message();
  auto w = WritableStore::Open(dir_ / "older", /*create_if_missing=*/true);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("re-index"), std::string::npos) << w.status().message();
  EXPECT_EQ(ShapeOf(dir_ / "older").revision, before.revision);
  EXPECT_EQ(Xapian::Database(dir_ / "older").get_metadata(schema::kFormatKey), older);
}

TEST(Schema, EachTextFieldHasAPositionRangeOfItsOwn) {
  constexpr std::size_t n = std::size(schema::kTextFields);
  for (std::size_t f = 0; f < n; ++f) {
    EXPECT_EQ(schema::TextFieldIndex(schema::kTextFields[f]), f);
    const Xapian::termpos first = schema::FieldFirstPosition(f);
    const Xapian::termpos last = schema::FieldLastPosition(f);
    EXPECT_LT(first, last) << schema::kTextFields[f];
    EXPECT_GE(first, 1u) << "Xapian positions start at 1";
    EXPECT_EQ(schema::FieldOfPosition(first), f) << schema::kTextFields[f];
    EXPECT_EQ(schema::FieldOfPosition(last), f) << schema::kTextFields[f];
    EXPECT_NE(schema::FieldOfPosition(last + 1), f) << schema::kTextFields[f] << " overlaps the next range";
  }
  EXPECT_EQ(schema::TextFieldIndex("bodyy"), n);
  EXPECT_EQ(schema::kTextFields[schema::kBodyField], "body");
}

TEST_F(Store, CompactKeepsDocumentsAndTheirIdsAndShrinksAFragmentedIndex) {
  const std::string path = dir_ / "index";
  auto w = std::move(WritableStore::Open(path, /*create_if_missing=*/true)).value();
  ASSERT_TRUE(w->created());
  // Many small commits leave half-full B-tree blocks, as a bulk load does.
  for (int i = 0; i < 3000; ++i) {
    Xapian::Document doc;
    doc.add_boolean_term(schema::Term(schema::kId, std::to_string(i)));
    for (int k = 0; k < 20; ++k) doc.add_posting("w" + std::to_string((i * 7 + k * 13) % 500), k + 1);
    doc.set_data("document " + std::to_string(i));
    ASSERT_TRUE(w->Replace(schema::Term(schema::kId, std::to_string(i)), doc).ok());
    if (i % 50 == 49) {
      ASSERT_TRUE(w->Commit().ok());
    }
  }
  ASSERT_TRUE(w->Commit().ok());
  const auto before = FileBytes(path);
  Xapian::Document pending;
  ASSERT_TRUE(w->Replace(schema::Term(schema::kId, "pending"), pending).ok());
  const Status refused = w->Compact();
  EXPECT_EQ(refused.code(), StatusCode::kInternal) << "compacting would drop an uncommitted change";
  ASSERT_TRUE(w->Commit().ok());

  const Status s = w->Compact();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(w->created()) << "a compacted index is not compacted again";
  EXPECT_FALSE(std::filesystem::exists(path + ".compacting"));
  const auto after = FileBytes(path);
  EXPECT_LT(after, before) << "compacting did not shrink the index";
  {
    Xapian::Database db(path);
    EXPECT_EQ(db.get_doccount(), 3001u);
    EXPECT_EQ(db.get_metadata(schema::kFormatKey), std::to_string(schema::kFormatVersion));
    for (int i : {0, 1234, 2999}) {
      auto it = db.postlist_begin(schema::Term(schema::kId, std::to_string(i)));
      ASSERT_NE(it, db.postlist_end(schema::Term(schema::kId, std::to_string(i))));
      EXPECT_EQ(*it, static_cast<Xapian::docid>(i + 1)) << "document ids were renumbered";
      EXPECT_EQ(db.get_document(*it).get_data(), "document " + std::to_string(i));
    }
  }
  // The writer goes on working on the compacted index.
  Xapian::Document more;
  ASSERT_TRUE(w->Replace(schema::Term(schema::kId, "more"), more).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(ShapeOf(path).docs, 3002u);
}

TEST_F(Store, CompactMergesScratchPartsAfterTheIndexAndRemovesThem) {
  const std::string path = dir_ / "index";
  auto w = std::move(WritableStore::Open(path, /*create_if_missing=*/true)).value();
  ASSERT_TRUE(w->empty());
  ASSERT_TRUE(w->SetMetadata("portalkb.settings", "kept").ok());
  auto doc = [](const std::string& id) {
    Xapian::Document d;
    d.add_boolean_term(schema::Term(schema::kId, id));
    d.add_posting("word", 1);
    d.set_data(id);
    return d;
  };
  ASSERT_TRUE(w->Replace(schema::Term(schema::kId, "main"), doc("main")).ok());
  EXPECT_FALSE(w->empty()) << "an uncommitted document counts";
  ASSERT_TRUE(w->Commit().ok());
  std::vector<std::unique_ptr<WritableStore>> parts;
  std::vector<std::string> part_dirs;
  for (int k = 0; k < 2; ++k) {
    auto part = WritableStore::CreateScratch(path);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    part_dirs.push_back(part.value()->path());
    EXPECT_NE(part_dirs.back().find(path + ".creating-"), std::string::npos) << part_dirs.back();
    for (int i = 0; i < 3; ++i) {
      const std::string id = "p" + std::to_string(k) + "-" + std::to_string(i);
      ASSERT_TRUE(part.value()->Replace(schema::Term(schema::kId, id), doc(id)).ok());
    }
    parts.push_back(std::move(part).value());
  }
  ASSERT_TRUE(parts[0]->Commit().ok());
  EXPECT_EQ(w->Compact({parts[0].get(), parts[1].get()}).code(), StatusCode::kInternal)
      << "a part with uncommitted documents would lose them";
  ASSERT_TRUE(parts[1]->Commit().ok());
  ASSERT_TRUE(w->Compact({parts[0].get(), parts[1].get()}).ok());
  {
    Xapian::Database db(path);
    EXPECT_EQ(db.get_doccount(), 7u);
    EXPECT_EQ(db.get_lastdocid(), 7u);
    EXPECT_EQ(db.get_metadata("portalkb.settings"), "kept");
    EXPECT_EQ(db.get_metadata(schema::kFormatKey), std::to_string(schema::kFormatVersion));
    EXPECT_EQ(db.get_termfreq("word"), 7u);
    for (const char* id : {"main", "p0-0", "p0-2", "p1-1"}) {
      auto it = db.postlist_begin(schema::Term(schema::kId, id));
      ASSERT_NE(it, db.postlist_end(schema::Term(schema::kId, id))) << id;
      EXPECT_EQ(db.get_document(*it).get_data(), id);
    }
  }
  EXPECT_TRUE(std::filesystem::exists(part_dirs[0]));
  parts.clear();
  for (const auto& d : part_dirs) EXPECT_FALSE(std::filesystem::exists(d)) << "a scratch part outlived its store";
  ASSERT_TRUE(w->Replace(schema::Term(schema::kId, "after"), doc("after")).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(ShapeOf(path).docs, 8u);
}

TEST_F(Store, WriterRefusesAForeignDatabaseAndLeavesItAsItWas) {
  MakeForeignIndex(dir_ / "foreign");
  MakeForeignIndex(dir_ / "future", "999");
  for (const char* name : {"foreign", "future"}) {
    const Shape before = ShapeOf(dir_ / name);
    ASSERT_EQ(before.docs, 2u);
    for (bool create : {false, true}) {
      auto w = WritableStore::Open(dir_ / name, create);
      ASSERT_FALSE(w.ok()) << name;
      EXPECT_EQ(w.status().code(), StatusCode::kCorruption) << name;
      EXPECT_TRUE(w.status().message().find("not a portalkb index") != std::string::npos ||
                  w.status().message().find("re-index") != std::string::npos)
          << w.status().message();
    }
    const Shape after = ShapeOf(dir_ / name);
    EXPECT_EQ(after.docs, 2u) << name;
    EXPECT_EQ(after.revision, before.revision) << name << ": a refused writer committed something";
    EXPECT_TRUE(Xapian::Database(dir_ / name).get_metadata(schema::kFormatKey) ==
                (std::string(name) == "future" ? "999" : ""))
        << name << ": the stamp was changed";
  }
}

TEST_F(Store, WriterStampsOnlyANewDatabase) {
  MakeIndex(dir_ / "index", 2);
  EXPECT_EQ(Xapian::Database(dir_ / "index").get_metadata(schema::kFormatKey), std::to_string(schema::kFormatVersion));
  auto reader = ReadableStore::Open(dir_ / "index");
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  // An emptied Xapian database that someone else has used is not ours either.
  {
    Xapian::WritableDatabase db(dir_ / "empty", Xapian::DB_CREATE);
    db.add_document(Xapian::Document());
    db.commit();
    db.delete_document(1);
    db.commit();
  }
  ASSERT_EQ(ShapeOf(dir_ / "empty").docs, 0u);
  const Shape before = ShapeOf(dir_ / "empty");
  EXPECT_EQ(WritableStore::Open(dir_ / "empty", true).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ShapeOf(dir_ / "empty").revision, before.revision);
}

TEST_F(Store, DroppedWriterLeavesTheLastCommit) {
  MakeIndex(dir_ / "index", 2);
  const Shape before = ShapeOf(dir_ / "index");
  {
    auto w = std::move(WritableStore::Open(dir_ / "index", false)).value();
    Xapian::Document doc;
    ASSERT_TRUE(w->Replace(schema::Term(schema::kId, "new"), doc).ok());
    ASSERT_TRUE(w->SetMetadata("portalkb.test", "x").ok());
  }
  const Shape after = ShapeOf(dir_ / "index");
  EXPECT_EQ(after.docs, before.docs);
  EXPECT_EQ(after.revision, before.revision);
  EXPECT_EQ(Xapian::Database(dir_ / "index").get_metadata("portalkb.test"), "");
}

TEST_F(Store, ReadRetriesAModifiedDatabaseAndRunsTheWholeFunctionAgain) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  std::vector<int> attempts;
  reader->SetReopenHookForTesting([&](int attempt) {
    attempts.push_back(attempt);
    if (attempt < 3) throw Xapian::DatabaseModifiedError("revision discarded");
  });
  int runs = 0;
  Xapian::doccount seen = 0;
  const Status s = reader->Read("count", [&](const Xapian::Database& db) {
    ++runs;
    seen = db.get_doccount();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(runs, 1) << "fn runs only once the reopen held";
  EXPECT_EQ(seen, 2u);
}

TEST_F(Store, ReadRetriesAModificationThrownPartWayThroughFn) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  int runs = 0;
  const Status s = reader->Read("scan", [&](const Xapian::Database&) {
    if (++runs < 4) throw Xapian::DatabaseModifiedError("changed under us");
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(runs, 4);
}

TEST_F(Store, ReadTreatsOneCorruptReportAsAModification) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  std::vector<int> attempts;
  reader->SetReopenHookForTesting([&](int attempt) {
    attempts.push_back(attempt);
    if (attempt == 1) throw Xapian::DatabaseCorruptError("block read while a writer committed");
  });
  int runs = 0;
  EXPECT_TRUE(reader->Read("count", [&](const Xapian::Database&) { ++runs; }).ok());
  EXPECT_EQ(attempts, (std::vector<int>{1, 2}));
  EXPECT_EQ(runs, 1);
}

// A clock that moves only when told: by the back-off sleeps and by what a
// test makes each attempt cost.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  std::vector<std::chrono::milliseconds> sleeps;
  bool advances = true;
  void Install(ReadableStore& reader) {
    reader.SetRetryClockForTesting([this] { return now; },
                                   [this](std::chrono::milliseconds d) {
                                     sleeps.push_back(d);
                                     if (advances) now += d;
                                   });
  }
  std::chrono::milliseconds Elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - std::chrono::steady_clock::time_point{});
  }
};

TEST_F(Store, ReadReportsAPersistentFailureOnceAttemptsAndTimeBudgetAreUsedUp) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  struct Case {
    std::function<void()> fail;
    StatusCode code;
    const char* name;
  };
  const Case cases[] = {
      {[] { throw Xapian::DatabaseCorruptError("bad block"); }, StatusCode::kCorruption, "corrupt"},
      {[] { throw Xapian::DatabaseModifiedError("changed"); }, StatusCode::kInternal, "modified"},
  };
  for (const auto& c : cases) {
    FakeClock clock;
    clock.Install(*reader);
    int calls = 0;
    reader->SetReopenHookForTesting([&](int) {
      ++calls;
      c.fail();
    });
    int runs = 0;
    const Status s = reader->Read("search", [&](const Xapian::Database&) { ++runs; });
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s.ToString();
    EXPECT_EQ(s.message().rfind("search: ", 0), 0u) << s.message();
    EXPECT_GT(calls, ReadableStore::kReadAttempts) << c.name << ": instant attempts leave the budget to use";
    EXPECT_LT(calls, ReadableStore::kMaxReadAttempts) << c.name;
    EXPECT_GE(clock.Elapsed(), ReadableStore::kReadRetryBudget) << c.name;
    EXPECT_LE(clock.Elapsed(), ReadableStore::kReadRetryBudget + ReadableStore::kReadBackoffCap) << c.name;
    EXPECT_EQ(runs, 0) << c.name;
  }
}

// Issue 13: a writer committing tens of times a second overtook all ten
// attempts within a few milliseconds, and the search failed.
TEST_F(Store, ReadKeepsRetryingPastTheAttemptCountWhileTheTimeBudgetLasts) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  FakeClock clock;
  clock.Install(*reader);
  const int overtaken = ReadableStore::kReadAttempts + 5;
  std::vector<int> attempts;
  reader->SetReopenHookForTesting([&](int attempt) {
    attempts.push_back(attempt);
    clock.now += std::chrono::milliseconds(1);  // what an attempt costs
    if (attempt <= overtaken) throw Xapian::DatabaseModifiedError("revision discarded");
  });
  int runs = 0;
  const Status s = reader->Read("count", [&](const Xapian::Database&) { ++runs; });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(attempts.size(), static_cast<std::size_t>(overtaken + 1));
  EXPECT_EQ(runs, 1);
  // No wait before the first retry, then doubling up to the cap.
  std::vector<std::chrono::milliseconds> expected = {std::chrono::milliseconds(1), std::chrono::milliseconds(2),
                                                     std::chrono::milliseconds(4), std::chrono::milliseconds(8)};
  while (expected.size() < static_cast<std::size_t>(overtaken - 1)) expected.push_back(ReadableStore::kReadBackoffCap);
  EXPECT_EQ(clock.sleeps, expected);
  EXPECT_LT(clock.Elapsed(), ReadableStore::kReadRetryBudget);
}

TEST_F(Store, ReadMakesAllItsAttemptsEvenWhenTheyOutlastTheTimeBudget) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  FakeClock clock;
  clock.Install(*reader);
  int calls = 0;
  reader->SetReopenHookForTesting([&](int) {
    ++calls;
    clock.now += std::chrono::milliseconds(100);  // a slow request
    throw Xapian::DatabaseModifiedError("changed");
  });
  EXPECT_EQ(reader->Read("search", [](const Xapian::Database&) {}).code(), StatusCode::kInternal);
  EXPECT_EQ(calls, ReadableStore::kReadAttempts);
}

TEST_F(Store, ReadRetriesAreBoundedOnAClockThatDoesNotAdvance) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  FakeClock clock;
  clock.advances = false;
  clock.Install(*reader);
  int calls = 0;
  reader->SetReopenHookForTesting([&](int) {
    ++calls;
    throw Xapian::DatabaseCorruptError("bad block");
  });
  EXPECT_EQ(reader->Read("search", [](const Xapian::Database&) {}).code(), StatusCode::kCorruption);
  EXPECT_EQ(calls, ReadableStore::kMaxReadAttempts);
}

TEST_F(Store, AGenuineCorruptionIsReportedAfterAboutTheTimeBudgetOnTheRealClock) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  reader->SetReopenHookForTesting([](int) { throw Xapian::DatabaseCorruptError("bad block"); });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(reader->Read("search", [](const Xapian::Database&) {}).code(), StatusCode::kCorruption);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, ReadableStore::kReadRetryBudget);
  // Generous: a loaded sanitizer machine sleeps long; unbounded would hang.
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST_F(Store, ReadDoesNotRetryOtherErrors) {
  MakeIndex(dir_ / "index", 2);
  auto reader = std::move(ReadableStore::Open(dir_ / "index")).value();
  int runs = 0;
  Status s = reader->Read("search", [&](const Xapian::Database&) {
    ++runs;
    throw Xapian::InvalidArgumentError("bad slot");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(runs, 1);
  runs = 0;
  s = reader->Read("search", [&](const Xapian::Database&) {
    ++runs;
    throw std::runtime_error("not Xapian");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal) << "no exception escapes Read";
  EXPECT_EQ(runs, 1);
}

// A child process that has exited and been reaped: its pid names no process.
pid_t DeadPid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

// A child process that lives until the object goes.
class LiveChild {
 public:
  LiveChild() {
    if (pipe(fds_) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      close(fds_[1]);
      char c;
      while (read(fds_[0], &c, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    close(fds_[0]);
  }
  ~LiveChild() {
    close(fds_[1]);  // the child's read returns and it exits
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  int fds_[2] = {-1, -1};
  pid_t pid_ = -1;
};

std::string Creating(const std::string& target, pid_t pid, int n) {
  return target + ".creating-" + std::to_string(pid) + "-" + std::to_string(n);
}

TEST_F(Store, CreatingAnIndexRemovesCreationDirectoriesOfDeadProcessesOnly) {
  const std::string target = dir_ / "index";
  const pid_t dead = DeadPid();
  ASSERT_GT(dead, 0);
  LiveChild live;
  ASSERT_GT(live.pid(), 0);
  // What a crash while creating leaves: a half-made database.
  dir_.Write("index.creating-" + std::to_string(dead) + "-0/glass.tmp", "half a table");
  std::filesystem::create_directory(Creating(target, dead, 7));
  const std::vector<std::string> kept = {
      Creating(target, live.pid(), 0),               // another process creating it right now
      Creating(target, getpid(), 99),                // this process (another thread)
      Creating(dir_ / "other", dead, 0),             // another index's
      target + ".creating-" + std::to_string(dead),  // not a name creation uses
      target + ".creating-x" + std::to_string(dead) + "-0",
      target + ".compacting",
  };
  for (const auto& dir : kept) ASSERT_TRUE(std::filesystem::create_directory(dir)) << dir;
  const std::string plain_file = dir_.Write("index.creating-" + std::to_string(dead) + "-1", "a file, not ours");

  auto w = WritableStore::Open(target, /*create_if_missing=*/true);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE(w.value()->created());
  EXPECT_FALSE(std::filesystem::exists(Creating(target, dead, 0)));
  EXPECT_FALSE(std::filesystem::exists(Creating(target, dead, 7)));
  for (const auto& dir : kept) EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir;
  EXPECT_TRUE(std::filesystem::is_regular_file(plain_file));
}

TEST_F(Store, OpeningTheWriterOfAnExistingIndexRemovesADeadCreatorsDirectory) {
  const std::string target = dir_ / "index";
  MakeIndex(target, 2);
  const pid_t dead = DeadPid();
  LiveChild live;
  ASSERT_TRUE(std::filesystem::create_directory(Creating(target, dead, 3)));
  ASSERT_TRUE(std::filesystem::create_directory(Creating(target, live.pid(), 3)));
  auto w = WritableStore::Open(target + "/", /*create_if_missing=*/false);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(Creating(target, dead, 3)));
  EXPECT_TRUE(std::filesystem::is_directory(Creating(target, live.pid(), 3)));
  EXPECT_EQ(ShapeOf(target).docs, 2u);
}

}  // namespace
}  // namespace portalkb
