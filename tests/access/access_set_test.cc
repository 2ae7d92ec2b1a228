// The access bitset (access/access_set.h) against the access filter built
// from terms: the same documents for every principal, query shape and time,
// and never a set of another revision.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <xapian.h>

#include "access/access_filter.h"
#include "access/access_set.h"
#include "analysis/analyzer.h"
#include "search/language_detector.h"
#include "search/match_bits.h"
#include "storage/schema.h"
#include "test_util.h"

namespace portalkb {
namespace {

using Q = Xapian::Query;

std::vector<Xapian::docid> Matching(const Xapian::Database& db, const Q& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  std::vector<Xapian::docid> ids;
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
  for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(*it);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Xapian::Document MakeDoc(std::mt19937& random) {
  static const char* kGrants[] = {"public",  "role:customer", "org:org7", "org:org7/role:finance",
                                  "user:u1", "org:org8"};
  Xapian::Document doc;
  const int grants = static_cast<int>(random() % 3);  // some documents have none
  for (int g = 0; g < grants; ++g) doc.add_boolean_term(schema::Term(schema::kGrant, kGrants[random() % 6]));
  doc.add_boolean_term(schema::Term(schema::kStatus, random() % 5 == 0 ? "draft" : "published"));
  const bool windowed = random() % 4 == 0;
  doc.add_value(schema::kSlotPublishAt, Xapian::sortable_serialise(windowed ? 1000.0 : schema::kNoStart));
  doc.add_value(schema::kSlotUnpublishAt, Xapian::sortable_serialise(windowed ? 2000.0 : schema::kNoEnd));
  doc.add_term(random() % 2 == 0 ? "even" : "odd");
  if (random() % 3 == 0) doc.add_term("third");
  return doc;
}

class AccessSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Xapian::WritableDatabase db(dir_ / "index", Xapian::DB_CREATE);
    std::mt19937 random(7);
    for (int i = 0; i < 700; ++i) db.add_document(MakeDoc(random));
    // Gaps in the ids, across 64-bit words, and a last id past them.
    for (Xapian::docid id : {1u, 2u, 63u, 64u, 65u, 128u, 300u, 301u}) db.delete_document(id);
    db.replace_document(900, MakeDoc(random));
    db.commit();
  }
  testing::TempDir dir_;
};

std::vector<Principal> Principals() {
  std::vector<Principal> out{Principal::Anonymous()};
  Principal customer;
  customer.roles = {"customer"};
  out.push_back(customer);
  Principal finance;
  finance.org = "org7";
  finance.roles = {"finance", "editor"};
  out.push_back(finance);
  Principal user;
  user.user = "u1";
  user.org = "org8";
  out.push_back(user);
  return out;
}

TEST_F(AccessSetTest, AdmitsExactlyWhatTheGrantTermsAdmitForEveryQueryShapeAndTime) {
  const Xapian::Database db(dir_ / "index");
  const AccessSetCache cache;
  const std::vector<std::string> draft_viewers{"editor"};
  const Q shapes[] = {schema::MatchAllQuery(), Q("even"), Q(Q::OP_OR, Q("odd"), Q("third")),
                      Q(Q::OP_AND, Q("even"), Q("third")), Q(Q::OP_AND_NOT, schema::MatchAllQuery(), Q("third"))};
  std::size_t compared = 0, admitted = 0;
  for (const Principal& p : Principals()) {
    for (long long now : {500LL, 1000LL, 1500LL, 2000LL, 2500LL}) {
      const Q by_terms = AccessFilter(p, now, draft_viewers);
      // The first request of a revision matches the terms; from the second on
      // the bitset serves.
      const Q first = AccessFilter(p, now, draft_viewers, db, cache);
      const Q by_set = AccessFilter(p, now, draft_viewers, db, cache);
      ASSERT_NE(by_set.get_description().find("AccessSet("), std::string::npos) << by_set.get_description();
      EXPECT_EQ(Matching(db, Q(Q::OP_FILTER, schema::MatchAllQuery(), first)),
                Matching(db, Q(Q::OP_FILTER, schema::MatchAllQuery(), by_terms)));
      for (const Q& shape : shapes) {
        const auto expected = Matching(db, Q(Q::OP_FILTER, shape, by_terms));
        EXPECT_EQ(Matching(db, Q(Q::OP_FILTER, shape, by_set)), expected)
            << shape.get_description() << " as " << p.org << "/" << p.user << " at " << now;
        // As the left side of an AND, so the set is driven by check() too.
        EXPECT_EQ(Matching(db, Q(Q::OP_AND, by_set, shape)), expected) << shape.get_description();
        ++compared;
        admitted += expected.size();
      }
    }
  }
  EXPECT_EQ(compared, 4u * 5u * 5u);
  EXPECT_GT(admitted, 1000u) << "the comparison must cover admitted documents, not only empty answers";
}

TEST(AccessSet, NextFindsEachAdmittedIdAcrossWordBoundariesAndThenNone) {
  testing::TempDir dir;
  Xapian::WritableDatabase w(dir / "index", Xapian::DB_CREATE);
  const std::vector<Xapian::docid> admitted{1, 63, 64, 127, 128, 129, 500};
  for (Xapian::docid id = 1; id <= 510; ++id) {
    Xapian::Document doc;
    if (std::find(admitted.begin(), admitted.end(), id) != admitted.end()) doc.add_boolean_term("XGpublic");
    w.replace_document(id, doc);
  }
  w.commit();
  const Xapian::Database db(dir / "index");
  AccessTerms terms;
  terms.any_of = {"XGpublic"};
  const auto set = AccessSet::Build(db, terms);
  EXPECT_EQ(set->count(), admitted.size());
  std::vector<Xapian::docid> walked;
  for (Xapian::docid id = set->Next(1); id != 0; id = set->Next(id + 1)) walked.push_back(id);
  EXPECT_EQ(walked, admitted);
  EXPECT_EQ(set->Next(501), 0u);
  EXPECT_EQ(set->Next(1u << 30), 0u);
  EXPECT_TRUE(set->Contains(64));
  EXPECT_FALSE(set->Contains(65));
  EXPECT_FALSE(set->Contains(1u << 30));
  EXPECT_EQ(set->revision(), db.get_revision());
}

TEST(AccessSetCache, ANewRevisionIsNeverAnsweredWithAnOlderSet) {
  testing::TempDir dir;
  Xapian::WritableDatabase w(dir / "index", Xapian::DB_CREATE);
  for (int i = 0; i < 10; ++i) {
    Xapian::Document doc;
    doc.add_boolean_term("XGpublic");
    w.add_document(doc);
  }
  w.commit();
  AccessTerms terms;
  terms.any_of = {"XGpublic"};
  const AccessSetCache cache;
  EXPECT_EQ(cache.Get(Xapian::Database(dir / "index"), terms), nullptr) << "the first request of a revision";
  const auto first = cache.Get(Xapian::Database(dir / "index"), terms);
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(first->Contains(5));
  EXPECT_EQ(cache.Get(Xapian::Database(dir / "index"), terms), first) << "the same revision is answered from the cache";
  // Document 5 keeps its id and loses its grant: the set of the old
  // revision would still admit it.
  w.replace_document(5, Xapian::Document());
  w.commit();
  EXPECT_EQ(cache.Get(Xapian::Database(dir / "index"), terms), nullptr) << "the first request of the new revision";
  const auto second = cache.Get(Xapian::Database(dir / "index"), terms);
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(second->Contains(5));
  EXPECT_EQ(second->count(), 9u);

  // Over its byte bound the cache drops the least recently used sets and
  // builds them again when asked, with the same answer.
  const AccessSetCache small(1);
  AccessTerms other = terms;
  other.any_of.push_back("XGrole:customer");
  (void)small.Get(Xapian::Database(dir / "index"), terms);
  const auto a = small.Get(Xapian::Database(dir / "index"), terms);
  ASSERT_NE(a, nullptr);
  (void)small.Get(Xapian::Database(dir / "index"), other);
  (void)small.Get(Xapian::Database(dir / "index"), other);  // built: over the bound, `terms` goes
  EXPECT_EQ(small.Get(Xapian::Database(dir / "index"), terms), nullptr) << "evicted: asked for afresh";
  const auto again = small.Get(Xapian::Database(dir / "index"), terms);
  ASSERT_NE(again, nullptr);
  EXPECT_NE(again, a) << "evicted and rebuilt";
  EXPECT_EQ(again->count(), a->count());
  EXPECT_EQ(AccessTerms{}.Key() == terms.Key(), false);
  EXPECT_NE(terms.Key(), other.Key());
}

}  // namespace
}  // namespace portalkb

namespace portalkb {
namespace {

TEST_F(AccessSetTest, VisibleDocumentsAreExactlyWhatTheFilterAdmitsWhenTheyCanBeHad) {
  const Xapian::Database db(dir_ / "index");
  const AccessSetCache cache;
  const std::vector<std::string> draft_viewers{"editor"};
  int had = 0;
  for (const Principal& p : Principals()) {
    for (long long now : {500LL, 1500LL, 2500LL}) {
      (void)VisibleDocuments::Of(p, now, draft_viewers, db, cache);  // the first request of the revision
      const auto visible = VisibleDocuments::Of(p, now, draft_viewers, db, cache);
      // Windowed documents (1000..2000) exclude something at 500 and 2500.
      EXPECT_EQ(visible.has_value(), now == 1500) << "at " << now;
      if (!visible) continue;
      ++had;
      const auto admitted = Matching(db, AccessFilter(p, now, draft_viewers));
      for (Xapian::docid id = 1; id <= db.get_lastdocid() + 70; ++id) {
        const bool expected = std::binary_search(admitted.begin(), admitted.end(), id);
        ASSERT_EQ(visible->Contains(id), expected) << "document " << id << " for " << p.org << "/" << p.user;
      }
    }
  }
  EXPECT_EQ(had, 4);
  const auto admin = VisibleDocuments::Of(Principal::Admin(), 500, draft_viewers, db, cache);
  ASSERT_TRUE(admin.has_value());
  EXPECT_TRUE(admin->Contains(3));
}

TEST(WindowOpenForAll, OnlyWhenNoWindowCanExcludeAndEveryDocumentHasBothValues) {
  testing::TempDir dir;
  Xapian::WritableDatabase w(dir / "index", Xapian::DB_CREATE);
  auto doc = [](double from, double until) {
    Xapian::Document d;
    d.add_value(schema::kSlotPublishAt, Xapian::sortable_serialise(from));
    d.add_value(schema::kSlotUnpublishAt, Xapian::sortable_serialise(until));
    return d;
  };
  w.add_document(doc(schema::kNoStart, schema::kNoEnd));
  w.commit();
  EXPECT_TRUE(WindowOpenForAll(Xapian::Database(dir / "index"), 1000));
  w.add_document(doc(1000, 2000));
  w.commit();
  EXPECT_FALSE(WindowOpenForAll(Xapian::Database(dir / "index"), 999));
  EXPECT_TRUE(WindowOpenForAll(Xapian::Database(dir / "index"), 1000));
  EXPECT_TRUE(WindowOpenForAll(Xapian::Database(dir / "index"), 2000));
  EXPECT_FALSE(WindowOpenForAll(Xapian::Database(dir / "index"), 2001));
  w.add_document(Xapian::Document());  // no window values: the value ranges exclude it
  w.commit();
  EXPECT_FALSE(WindowOpenForAll(Xapian::Database(dir / "index"), 1500));
}

// Detection and the language probe from the sets answer as the queries do.
TEST(LanguageSets, DetectionAndTheLanguageProbeAnswerAsTheQueriesDo) {
  testing::TempDir dir;
  Xapian::WritableDatabase w(dir / "index", Xapian::DB_CREATE);
  std::mt19937 random(11);
  const char* kLangs[] = {"nl", "en", "sv", "de"};
  const char* kWords[] = {"factuur", "invoice", "faktura", "rechnung", "betalen", "pay", "betala", "zahlen", "portal"};
  static_assert(std::size(kWords) == 9);
  for (int i = 0; i < 900; ++i) {
    Xapian::Document d = MakeDoc(random);
    const std::size_t lang = random() % 4;
    d.add_boolean_term(schema::Term(schema::kLang, kLangs[lang]));
    // Mostly its language's words (kWords holds two per language in turn).
    for (int k = 0; k < 3; ++k)
      d.add_term(random() % 5 == 0 ? kWords[random() % 9] : kWords[lang + 4 * (random() % 2)]);
    d.clear_values();
    d.add_value(schema::kSlotPublishAt, Xapian::sortable_serialise(schema::kNoStart));
    d.add_value(schema::kSlotUnpublishAt, Xapian::sortable_serialise(schema::kNoEnd));
    w.add_document(d);
  }
  w.commit();
  const Xapian::Database db(dir / "index");
  const AccessSetCache cache;
  const Tokenizer tokenizer;
  std::vector<Principal> principals = Principals();
  principals.push_back(Principal::Admin());
  int detected = 0;
  for (const Principal& p : principals) {
    const Xapian::Query access = AccessFilter(p, 1500, {});
    (void)LanguageSets::Of(VisibleDocuments::Of(p, 1500, {}, db, cache), db, cache);  // first requests
    const auto sets = LanguageSets::Of(VisibleDocuments::Of(p, 1500, {}, db, cache), db, cache);
    ASSERT_TRUE(sets.has_value());
    for (const char* query : {"factuur betalen", "invoice pay", "faktura betala", "rechnung zahlen", "portal",
                              "portal invoice factuur", "unknown words"}) {
      const auto tokens = tokenizer.Tokenize(query);
      const std::string by_queries = DetectQueryLanguage(db, tokens, access, nullptr);
      EXPECT_EQ(DetectQueryLanguage(db, tokens, access, &*sets), by_queries) << query;
      detected += by_queries.empty() ? 0 : 1;
    }
    for (const char* word : kWords) {
      for (const char* lang : kLangs) {
        EXPECT_EQ(OccursInLanguage(db, word, lang, access, &*sets), OccursInLanguage(db, word, lang, access, nullptr))
            << word << " in " << lang;
      }
    }
  }
  EXPECT_GT(detected, 0) << "the comparison must include detected languages";
}

}  // namespace
}  // namespace portalkb

namespace portalkb {
namespace {

// A document of the grant `grant`, published, without a publishing window.
Xapian::Document GrantedDoc(const std::string& grant) {
  Xapian::Document doc;
  doc.add_boolean_term(schema::Term(schema::kGrant, grant));
  doc.add_boolean_term(schema::Term(schema::kStatus, "published"));
  doc.add_value(schema::kSlotPublishAt, Xapian::sortable_serialise(schema::kNoStart));
  doc.add_value(schema::kSlotUnpublishAt, Xapian::sortable_serialise(schema::kNoEnd));
  doc.add_term("word");
  return doc;
}

// A revision number names a state of one database only. A compacted copy
// (Xapian's compact commits revision 1: Backup's copy, which Restore renames
// into place under running readers, and a new index's final compaction)
// starts counting again, with other documents at the same ids; the engine
// keeps its newer snapshot (and that snapshot's AccessSetCache) while the
// index's revision is below the snapshot's. A set of the old database must
// never answer for the new one.
TEST(AccessSetCache, AnotherDatabaseAtTheSameRevisionIsNeverAnsweredWithItsSet) {
  testing::TempDir dir;
  {
    Xapian::WritableDatabase before(dir / "index", Xapian::DB_CREATE);
    before.add_document(GrantedDoc("public"));        // 1
    before.add_document(GrantedDoc("role:finance"));  // 2
    before.commit();
  }
  {
    Xapian::WritableDatabase staging(dir / "staging", Xapian::DB_CREATE);
    staging.add_document(GrantedDoc("role:finance"));  // 1: hidden from the anonymous
    staging.commit();
    staging.add_document(GrantedDoc("public"));  // 2
    staging.commit();
  }
  Xapian::Database(dir / "staging").compact(dir / "restored");
  const Xapian::Database old_db(dir / "index");
  const Xapian::Database restored(dir / "restored");
  ASSERT_EQ(restored.get_revision(), old_db.get_revision()) << "the compacted copy starts again at revision 1";

  const Principal anonymous = Principal::Anonymous();
  const std::vector<std::string> draft_viewers{"editor"};
  const long long now = 1500;
  const AccessSetCache cache;                                        // one snapshot's
  (void)AccessFilter(anonymous, now, draft_viewers, old_db, cache);  // the first request of the revision
  EXPECT_EQ(Matching(old_db, AccessFilter(anonymous, now, draft_viewers, old_db, cache)),
            std::vector<Xapian::docid>{1});

  const std::vector<Xapian::docid> by_terms = Matching(restored, AccessFilter(anonymous, now, draft_viewers));
  ASSERT_EQ(by_terms, std::vector<Xapian::docid>{2});
  EXPECT_EQ(Matching(restored, AccessFilter(anonymous, now, draft_viewers, restored, cache)), by_terms)
      << "document 1 of the restored index is for role:finance only";
  const auto visible = VisibleDocuments::Of(anonymous, now, draft_viewers, restored, cache);
  if (visible.has_value()) {
    EXPECT_FALSE(visible->Contains(1)) << "probes and facet counts must not see document 1 either";
  }
}

}  // namespace
}  // namespace portalkb

namespace portalkb {
namespace {

// The bitset evaluator against Xapian's matcher on boolean query shapes.
TEST(MatchBitsEvaluator, MatchesWhatXapianMatchesAndGivesUpOnWhatItCannotEvaluate) {
  testing::TempDir dir;
  Xapian::WritableDatabase w(dir / "index", Xapian::DB_CREATE);
  std::mt19937 random(5);
  for (int i = 0; i < 400; ++i) {
    Xapian::Document d;
    for (int t = 0; t < 6; ++t) {
      if (random() % 3 == 0) d.add_posting("t" + std::to_string(t), 1);
    }
    w.add_document(d);
  }
  for (Xapian::docid id : {3u, 64u, 65u, 200u}) w.delete_document(id);
  w.commit();
  const Xapian::Database db(dir / "index");
  const Q t0("t0"), t1("t1"), t2("t2"), t3("t3");
  const std::vector<Q> three{t0, t1, t2};
  const Q shapes[] = {
      t0,
      Q(Q::OP_OR, t0, t1),
      Q(Q::OP_AND, t0, t1),
      Q(Q::OP_AND_NOT, Q(Q::OP_OR, t0, t1), t2),
      Q(Q::OP_AND_NOT, schema::MatchAllQuery(), Q(Q::OP_OR, t2, t3)),
      Q(Q::OP_AND_MAYBE, t0, t1),
      Q(Q::OP_FILTER, Q(Q::OP_OR, t0, t3), t2),
      Q(Q::OP_XOR, three.begin(), three.end()),
      Q(Q::OP_SYNONYM, t1, t2),
      Q(Q::OP_MAX, t0, t3),
      Q(Q::OP_SCALE_WEIGHT, Q(Q::OP_OR, t0, t2), 0.0),
      Q(Q::OP_OR, Q("absent"), Q(Q::OP_AND, t1, Q::MatchNothing)),
  };
  for (const Q& shape : shapes) {
    MatchBitsEvaluator evaluator(db);
    const auto bits = evaluator.Evaluate(shape);
    ASSERT_TRUE(bits.has_value()) << shape.get_description();
    std::vector<Xapian::docid> ids;
    bits->ForEach([&](Xapian::docid id) { ids.push_back(id); });
    EXPECT_EQ(ids, Matching(db, shape)) << shape.get_description();
    EXPECT_EQ(bits->Count(), ids.size());
  }
  MatchBitsEvaluator evaluator(db);
  EXPECT_FALSE(evaluator.Evaluate(Q(Q::OP_PHRASE, t0, t1)).has_value()) << "positional: for Xapian's matcher";
  EXPECT_FALSE(evaluator.Evaluate(Q(Q::OP_VALUE_GE, 1, "a")).has_value());
  EXPECT_FALSE(evaluator.Evaluate(Q(Q::OP_OR, t0, Q(Q::OP_VALUE_GE, 1, "a"))).has_value()) << "a part it cannot do";
  // Past its byte budget (here two bitsets) it gives up rather than grow.
  MatchBitsEvaluator small(db, 2 * (db.get_lastdocid() / 64 + 1) * sizeof(std::uint64_t));
  EXPECT_TRUE(small.Evaluate(t0).has_value());
  EXPECT_FALSE(small.Evaluate(Q(Q::OP_OR, t1, t2)).has_value());
  // At least n of several sets.
  std::vector<MatchBits> sets;
  for (const Q& q : {t0, t1, t2}) sets.push_back(*evaluator.Evaluate(q));
  const auto two = evaluator.AtLeast(sets, 2);
  ASSERT_TRUE(two.has_value());
  std::vector<Xapian::docid> ids;
  two->ForEach([&](Xapian::docid id) { ids.push_back(id); });
  const std::vector<Q> pairs{Q(Q::OP_AND, t0, t1), Q(Q::OP_AND, t0, t2), Q(Q::OP_AND, t1, t2)};
  const Q any_two(Q::OP_OR, pairs.begin(), pairs.end());
  EXPECT_EQ(ids, Matching(db, any_two));
  EXPECT_FALSE(evaluator.AtLeast(std::vector<MatchBits>(256, MatchBits(10)), 1).has_value()) << "counts are bytes";
}

}  // namespace
}  // namespace portalkb
