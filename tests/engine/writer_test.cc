#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include <xapian.h>

#include "portalkb/portalkb.h"
#include "test_util.h"

namespace portalkb {
namespace {

using testing::MakeArticle;

std::uint64_t Total(const std::string& index, const std::string& query) {
  auto engine = Engine::Open(index);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  if (!engine.ok()) return 0;
  SearchRequest request;
  request.query = query;
  request.principal = Principal::Admin();
  auto r = engine.value()->Search(request);
  EXPECT_TRUE(r.ok());
  return r.ok() ? r->total : 0;
}

TEST(IndexWriter, PutWithTheSameIdReplacesTheDocument) {
  testing::TempDir dir;
  auto writer = IndexWriter::Open(dir / "index");
  ASSERT_TRUE(writer.ok());
  auto first = writer.value()->Put(MakeArticle("a", "Old title", "apple"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value(), IndexWriter::PutOutcome::kAdded);
  auto second = writer.value()->Put(MakeArticle("a", "New title", "banana"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value(), IndexWriter::PutOutcome::kUpdated);
  ASSERT_TRUE(writer.value()->Commit().ok());
  EXPECT_EQ(Total(dir / "index", "apple"), 0u);
  EXPECT_EQ(Total(dir / "index", "banana"), 1u);
  auto stats = Engine::Open(dir / "index").value()->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 1u);
}

TEST(Engine, DocumentsGrantedToAUserAreListedWithWhetherOnlyThatUserSeesThem) {
  testing::TempDir dir;
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  auto with = [](std::string id, std::vector<std::string> grants, PublishStatus status = PublishStatus::kPublished) {
    Document d = MakeArticle(id, "Title " + id, "text");
    d.visibility.clear();
    for (const auto& g : grants) d.visibility.push_back(*Grant::Parse(g));
    d.status = status;
    return d;
  };
  {
    auto put = writer->Put(with("only-carol", {"user:carol"}));
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }
  ASSERT_TRUE(writer->Put(with("carol-draft", {"user:carol"}, PublishStatus::kDraft)).ok());
  ASSERT_TRUE(writer->Put(with("carol-and-acme", {"user:carol", "org:acme"})).ok());
  ASSERT_TRUE(writer->Put(with("dave", {"user:dave"})).ok());
  ASSERT_TRUE(writer->Put(with("acme", {"org:acme"})).ok());
  ASSERT_TRUE(writer->Commit().ok());
  auto engine = std::move(Engine::Open(dir / "index")).value();
  bool truncated = true;
  auto carol = engine->DocumentsGrantedTo(*Grant::Parse("user:carol"), 100, &truncated);
  ASSERT_TRUE(carol.ok()) << carol.status().ToString();
  EXPECT_FALSE(truncated);
  std::vector<std::string> got;
  for (const auto& d : carol.value()) got.push_back(d.id + (d.only_grant ? "=only" : "=shared"));
  EXPECT_EQ(got, (std::vector<std::string>{"carol-and-acme=shared", "carol-draft=only", "only-carol=only"}));
  EXPECT_EQ(carol->at(2).title, "Title only-carol");
  auto one = engine->DocumentsGrantedTo(*Grant::Parse("user:carol"), 1, &truncated);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  EXPECT_TRUE(truncated);
  EXPECT_TRUE(engine->DocumentsGrantedTo(*Grant::Parse("user:nobody")).value().empty());
  EXPECT_EQ(engine->DocumentsGrantedTo(*Grant::Parse("user:carol"), 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(IndexWriter, DeleteRemovesByIdAndReportsMissingIds) {
  testing::TempDir dir;
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  ASSERT_TRUE(writer->Put(MakeArticle("a", "Alpha", "word")).ok());
  ASSERT_TRUE(writer->Put(MakeArticle("b", "Beta", "word")).ok());
  ASSERT_TRUE(writer->Commit().ok());
  auto deleted = writer->Delete("a");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted.value());
  auto missing = writer->Delete("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing.value());
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(Total(dir / "index", "word"), 1u);
}

TEST(IndexWriter, InvalidDocumentIsRejectedWithoutTouchingTheIndex) {
  testing::TempDir dir;
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  Document doc = MakeArticle("a", "Alpha", "word");
  doc.visibility.clear();
  auto r = writer->Put(doc);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("visibility"), std::string::npos);
  ASSERT_TRUE(writer->Commit().ok());
  EXPECT_EQ(Engine::Open(dir / "index").value()->Stats()->documents, 0u);
}

TEST(IndexWriter, IngestIndexesGoodRecordsAndReportsBadOnesWithFileAndLine) {
  testing::TempDir dir;
  const std::string jsonl =
      dir.Write("in/docs.jsonl",
                R"({"id": "a", "title": "Alpha", "lang": "en", "visibility": ["public"], "body": "first"})"
                "\n"
                R"({"id": "b", "title": "Beta", "lang": "xx", "visibility": ["public"]})"
                "\n"
                "{broken\n"
                R"({"id": "a", "title": "Alpha again", "lang": "en", "visibility": ["public"], "body": "second"})"
                "\n");
  dir.Write("in/page.md", "---\nid: p\ntitle: Page\nlang: nl\nvisibility: [public]\n---\nTekst.\n");
  dir.Write("in/nogrant.md", "---\nid: q\ntitle: Page\nlang: nl\n---\nTekst.\n");
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  std::size_t progress_calls = 0;
  auto report =
      writer->Ingest({dir / "in", dir / "missing.md"}, [&](std::size_t done, std::size_t total, std::uint64_t) {
        ++progress_calls;
        EXPECT_LE(done, total);
      });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->added, 2u);    // a, p
  EXPECT_EQ(report->updated, 1u);  // a again
  EXPECT_EQ(report->files, 3u);
  EXPECT_EQ(progress_calls, 3u);
  ASSERT_EQ(report->rejected.size(), 4u);
  auto has = [&](const std::string& file_suffix, int line, const std::string& reason_part) {
    for (const auto& r : report->rejected) {
      if (r.file.size() >= file_suffix.size() &&
          r.file.compare(r.file.size() - file_suffix.size(), file_suffix.size(), file_suffix) == 0 && r.line == line &&
          r.reason.find(reason_part) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has("missing.md", 0, "no such file"));
  EXPECT_TRUE(has("docs.jsonl", 2, "lang 'xx'"));
  EXPECT_TRUE(has("docs.jsonl", 3, "invalid JSON"));
  EXPECT_TRUE(has("nogrant.md", 0, "visibility"));
  EXPECT_EQ(Total(dir / "index", "second"), 1u);
  EXPECT_EQ(Total(dir / "index", "first"), 0u);
}

// Records for the ingest tests below: more than two analysis batches, with
// bad records, a repeated id and numeric further fields first seen at
// different points (their value slots must not depend on the threads).
std::string ManyRecords(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 97 == 5) {
      out += "{not json\n";
      continue;
    }
    const std::string id = i == 600 ? "r-3" : "r-" + std::to_string(i);  // record 600 updates r-3
    const std::string lang = i % 131 == 7 ? "xx" : (i % 2 == 0 ? "nl" : "en");
    std::string extra;
    if (i >= 10) extra += R"(, "price": ")" + std::to_string(i) + R"(")";
    if (i >= 300) extra += R"(, "weight": ")" + std::to_string(i % 17) + R"(")";
    out += R"({"id": ")" + id + R"(", "title": "Factuur )" + std::to_string(i) + R"( betalen", "lang": ")" + lang +
           R"(", "visibility": ["public"], "body": "Uw factuur )" + std::to_string(i * 7) + R"( en wachtwoord")" +
           extra + "}\n";
  }
  return out;
}

// Two ingests of the same files report the same: counts, and each
// rejection's line and reason in record order.
void ExpectSameReport(const IngestReport& got, const IngestReport& want) {
  EXPECT_EQ(got.added, want.added);
  EXPECT_EQ(got.updated, want.updated);
  ASSERT_EQ(got.rejected.size(), want.rejected.size());
  for (std::size_t i = 0; i < want.rejected.size(); ++i) {
    EXPECT_EQ(got.rejected[i].line, want.rejected[i].line) << "rejections in record order";
    EXPECT_EQ(got.rejected[i].reason, want.rejected[i].reason);
  }
}

TEST(IndexWriter, IngestOnSeveralThreadsBuildsTheSameIndexAsOnOne) {
  testing::TempDir dir;
  dir.Write("in/docs.jsonl", ManyRecords(700));
  auto ingest = [&](const std::string& index, std::size_t threads) {
    WriterOptions options;
    options.analysis_threads = threads;
    options.commit_every = 100;  // commits in the middle of batches too
    auto writer = std::move(IndexWriter::Open(index, options)).value();
    auto report = writer->Ingest({dir / "in"});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(report).value() : IngestReport{};
  };
  const IngestReport one = ingest(dir / "one", 1);
  const IngestReport three = ingest(dir / "three", 3);
  EXPECT_EQ(one.added, 700u - 8u - 6u - 1u);  // 8 broken lines, 6 unknown languages, r-3 twice
  EXPECT_EQ(one.updated, 1u);
  ASSERT_NO_FATAL_FAILURE(ExpectSameReport(three, one));
  const Xapian::Database a(dir / "one"), b(dir / "three");
  EXPECT_EQ(a.get_metadata("portalkb.slots"), R"({"price":10,"weight":11})");
  EXPECT_EQ(b.get_metadata("portalkb.slots"), a.get_metadata("portalkb.slots"));
  ASSERT_EQ(a.get_lastdocid(), b.get_lastdocid());
  for (Xapian::docid d = 1; d <= a.get_lastdocid(); ++d) {
    const Xapian::Document x = a.get_document(d), y = b.get_document(d);
    ASSERT_EQ(x.get_data(), y.get_data()) << "document " << d << " in the same order";
    EXPECT_EQ(std::vector<std::string>(x.termlist_begin(), x.termlist_end()),
              std::vector<std::string>(y.termlist_begin(), y.termlist_end()));
    EXPECT_EQ(x.get_value(10), y.get_value(10));
    EXPECT_EQ(x.get_value(11), y.get_value(11));
  }
  EXPECT_EQ(Total(dir / "three", "factuur"), one.added);

  WriterOptions too_many;
  too_many.analysis_threads = kMaxAnalysisThreads + 1;
  EXPECT_EQ(IndexWriter::Open(dir / "four", too_many).status().code(), StatusCode::kInvalidArgument);
}

// A document's stored data, terms and values, by its id (document ids
// differ between an index written in parts and one written by one writer).
std::map<std::string, std::string> DocumentsById(const std::string& index) {
  std::map<std::string, std::string> out;
  const Xapian::Database db(index);
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    const Xapian::Document doc = db.get_document(*it);
    std::string id, shape = doc.get_data() + "\n";
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      if ((*t).rfind("Q", 0) == 0) id = *t;
      shape += *t + ":" + std::to_string(t.get_wdf()) + ":";
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) shape += std::to_string(*p) + ",";
      shape += " ";
    }
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) shape += std::to_string(v.get_valueno()) + "=" + *v;
    EXPECT_TRUE(out.emplace(id, shape).second) << "id " << id << " twice in " << index;
  }
  return out;
}

TEST(IndexWriter, ANewIndexLoadedInParallelPartsHoldsWhatOneWriterWrites) {
  testing::TempDir dir;
  dir.Write("in/docs.jsonl", ManyRecords(6000));  // three batches of the parallel load
  // Also the most documents a reader saw in the index while it was loaded.
  auto ingest = [&](const std::string& index, std::size_t threads, Xapian::doccount& seen) {
    WriterOptions options;
    options.analysis_threads = threads;
    options.commit_every = 700;  // each part commits several times
    options.compact_new_index = true;
    auto writer = std::move(IndexWriter::Open(index, options)).value();
    seen = 0;
    auto report = writer->Ingest({dir / "in"}, IngestBytesProgress([&](const IngestStatus& status) {
                                   if (status.finished) return;
                                   seen = std::max(seen, Xapian::Database(index).get_doccount());
                                 }));
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(report).value() : IngestReport{};
  };
  Xapian::doccount seen_one = 0, seen_parts = 0;
  const IngestReport one = ingest(dir / "one", 1, seen_one);
  const IngestReport parts = ingest(dir / "parts", 3, seen_parts);
  EXPECT_GE(seen_one, 700u) << "one writer's commits show as it goes";
  EXPECT_EQ(seen_parts, 0u) << "a load in parts shows its documents at its end, all at once";
  EXPECT_EQ(one.updated, 1u) << "record 600 replaces r-3";
  EXPECT_GT(one.added, 5800u);
  ASSERT_NO_FATAL_FAILURE(ExpectSameReport(parts, one));
  const auto a = DocumentsById(dir / "one");
  const auto b = DocumentsById(dir / "parts");
  ASSERT_EQ(a.size(), one.added);
  EXPECT_TRUE(a == b) << "the same documents, terms, positions and values by id";
  EXPECT_NE(a.at("Qr-3").find("Factuur 600 betalen"), std::string::npos) << "the last record of an id wins";
  EXPECT_EQ(b.at("Qr-3"), a.at("Qr-3"));
  const Xapian::Database x(dir / "one"), y(dir / "parts");
  EXPECT_EQ(y.get_metadata("portalkb.slots"), x.get_metadata("portalkb.slots"));
  EXPECT_EQ(y.get_metadata("portalkb.format"), x.get_metadata("portalkb.format"));
  EXPECT_FALSE(y.get_metadata("portalkb.format").empty());
  EXPECT_EQ(y.get_lastdocid(), y.get_doccount()) << "merged with ids 1..n";
  for (const char* query : {"factuur", "wachtwoord", "4207", "betalen 29995"}) {
    EXPECT_EQ(Total(dir / "parts", query), Total(dir / "one", query)) << query;
  }
  EXPECT_EQ(Total(dir / "parts", "4207"), 2u) << "Factuur 4207 and Uw factuur 4207 (record 601)";
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".creating-"), std::string::npos)
        << "a part was left behind: " << entry.path();
  }
  // Into an index that already holds documents, one writer writes (the
  // parts could not see its ids).
  {
    WriterOptions options;
    options.analysis_threads = 3;
    options.compact_new_index = true;
    auto writer = std::move(IndexWriter::Open(dir / "parts", options)).value();
    auto again = writer->Ingest({dir / "in"});
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->added, 0u);
    EXPECT_EQ(again->updated, one.added + one.updated);
  }
  EXPECT_EQ(DocumentsById(dir / "parts").size(), one.added);
}

TEST(IndexWriter, ProgressCountsBytesWithinOneLargeFile) {
  testing::TempDir dir;
  const std::string file = dir.Write("docs.jsonl", ManyRecords(700));
  const auto size = std::filesystem::file_size(file);
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  std::vector<IngestStatus> seen;
  auto report = writer->Ingest({file}, IngestBytesProgress([&](const IngestStatus& s) { seen.push_back(s); }));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_FALSE(seen.empty());
  std::size_t inside_the_file = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].bytes_total, size);
    EXPECT_EQ(seen[i].files_total, 1u);
    if (i > 0) {
      EXPECT_GE(seen[i].bytes_done, seen[i - 1].bytes_done);
    }
    if (seen[i].bytes_done > 0 && seen[i].bytes_done < size && seen[i].files_done == 0) ++inside_the_file;
  }
  EXPECT_GE(inside_the_file, 2u) << "one file, several batches: progress moves before the file is done";
  EXPECT_TRUE(seen.back().finished);
  EXPECT_EQ(seen.back().bytes_done, size);
  EXPECT_EQ(seen.back().documents, report->added + report->updated);
}

TEST(IndexWriter, PdfHtmlAndTextFilesAreIngestedWithSidecars) {
  testing::TempDir dir;
  dir.Write(
      "d/price.html",
      "<html lang=\"nl\"><head><title>Prijsafspraak</title></head><body><p>Korting 12 procent.</p></body></html>");
  dir.Write("d/price.html.meta.yaml", "id: price\ntype: document\nvisibility: [org:acme/role:finance]\n");
  dir.Write("d/notes.txt", "Release notes\nNieuwe exportfunctie.\n");
  dir.Write("d/notes.txt.meta.yaml", "lang: nl\nvisibility: [public]\n");
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  auto report = writer->Ingest({dir / "d"});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->rejected.empty()) << report->rejected.front().reason;
  EXPECT_EQ(report->added, 2u);
  EXPECT_EQ(Total(dir / "index", "korting"), 1u);
  EXPECT_EQ(Total(dir / "index", "exportfunctie"), 1u);
}

TEST(IndexWriter, IngestSkipsSymlinksOutOfTheDirectoryUnlessToldAndCountsDerivedTitles) {
  testing::TempDir outside;
  testing::TempDir dir;
  const std::string secret = outside.Write("secret.txt", "Secret passwords here\n");
  dir.Write("in/link.txt.meta.yaml", "lang: en\nvisibility: [public]\n");  // sidecars sit beside the path
  dir.Write("in/faq.jsonl",
            R"({"id": "faq", "lang": "en", "visibility": ["public"], "summary": "Reset a password. Easy."})"
            "\n");
  std::filesystem::create_symlink(secret, dir / "in/link.txt");
  {
    auto writer = std::move(IndexWriter::Open(dir / "index")).value();
    auto report = writer->Ingest({dir / "in"});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->added, 1u);
    EXPECT_EQ(report->derived_titles, 1u);
    ASSERT_EQ(report->rejected.size(), 1u);
    EXPECT_EQ(report->rejected[0].file, dir / "in/link.txt");
    EXPECT_NE(report->rejected[0].reason.find("outside"), std::string::npos);
  }
  EXPECT_EQ(Total(dir / "index", "secret"), 0u);
  WriterOptions options;
  options.follow_symlinks = true;
  auto writer = std::move(IndexWriter::Open(dir / "index", options)).value();
  auto report = writer->Ingest({dir / "in"});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->rejected.empty());
  EXPECT_EQ(Total(dir / "index", "secret"), 1u);
}

TEST(Engine, MissingOrForeignIndexIsAClearError) {
  testing::TempDir dir;
  auto missing = Engine::Open(dir / "nothing-here");
  EXPECT_EQ(missing.status().code(), StatusCode::kIndexNotFound);
  dir.Write("notanindex/readme.txt", "hello");
  auto foreign = Engine::Open(dir / "notanindex");
  EXPECT_FALSE(foreign.ok());
  WriterOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_EQ(IndexWriter::Open(dir / "nothing-here", no_create).status().code(), StatusCode::kIndexNotFound);
}

TEST(Engine, StatsCountDocumentsByTypeAndLanguage) {
  testing::TempDir dir;
  auto writer = std::move(IndexWriter::Open(dir / "index")).value();
  ASSERT_TRUE(writer->Put(MakeArticle("a", "A", "x", "nl")).ok());
  ASSERT_TRUE(writer->Put(MakeArticle("b", "B", "y", "nl")).ok());
  Document doc = MakeArticle("c", "C", "z", "sv");
  doc.type = DocumentType::kDocument;
  doc.visibility = {*Grant::Parse("org:acme")};
  ASSERT_TRUE(writer->Put(doc).ok());
  ASSERT_TRUE(writer->Commit().ok());
  auto stats = Engine::Open(dir / "index").value()->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 3u);
  EXPECT_EQ(stats->by_type, (std::map<std::string, std::uint64_t>{{"article", 2}, {"document", 1}}));
  EXPECT_EQ(stats->by_lang, (std::map<std::string, std::uint64_t>{{"nl", 2}, {"sv", 1}}));
  EXPECT_GT(stats->terms, 10u);
  EXPECT_GT(stats->bytes, 0u);
}

}  // namespace
}  // namespace portalkb
