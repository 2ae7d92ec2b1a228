// Online backup and restore: a backup taken while a writer commits and
// readers search restores to exactly one committed revision, with its
// settings, synonyms and analytics log; tampered archives are refused
// naming the member, before anything is written.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "portalkb/portalkb.h"
#include "storage/store.h"
#include "test_util.h"

namespace portalkb {
namespace {

namespace fs = std::filesystem;
using testing::MakeArticle;

// Every commit of the writer adds this many documents, so a document count
// that is not seed + k * kBatch would be a half-copied commit.
constexpr int kSeed = 10;
constexpr int kBatch = 3;

Document Numbered(int i) {
  return MakeArticle("doc-" + std::to_string(i), "Invoice " + std::to_string(i),
                     "How to download invoice number " + std::to_string(i) + " from the portal");
}

std::uint64_t CountDocuments(const std::string& db) {
  EngineOptions options;
  options.analytics = false;
  auto engine = Engine::Open(db, options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  if (!engine.ok()) return 0;
  auto stats = engine.value()->Stats();
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  return stats.ok() ? stats->documents : 0;
}

// The ids a search finds as admin (every document), sorted.
std::set<std::string> SearchIds(const std::string& db, const std::string& query) {
  EngineOptions options;
  options.analytics = false;
  auto engine = Engine::Open(db, options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  if (!engine.ok()) return {};
  SearchRequest request;
  request.query = query;
  request.principal.admin = true;
  request.limit = 1000;
  request.typo_tolerance = false;
  request.log = false;
  auto response = engine.value()->Search(request);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  std::set<std::string> ids;
  if (response.ok()) {
    for (const auto& hit : response->hits) ids.insert(hit.id);
  }
  return ids;
}

// --- Archives rewritten member by member, for tampering ---

struct Member {
  std::string name;
  unsigned type = AE_IFREG;
  std::string content;
  std::string link;  // symlink target
};

std::vector<Member> ReadMembers(const std::string& path) {
  std::vector<Member> members;
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 10240), ARCHIVE_OK);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    Member m;
    m.name = archive_entry_pathname(entry);
    m.type = archive_entry_filetype(entry);
    char buffer[8192];
    la_ssize_t n = 0;
    while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) m.content.append(buffer, static_cast<std::size_t>(n));
    members.push_back(std::move(m));
  }
  archive_read_free(a);
  return members;
}

void WriteMembers(const std::string& path, const std::vector<Member>& members) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& m : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, m.name.c_str());
    archive_entry_set_filetype(entry, m.type);
    archive_entry_set_perm(entry, 0644);
    if (m.type == AE_IFLNK) {
      archive_entry_set_symlink(entry, m.link.c_str());
      archive_entry_set_size(entry, 0);
    } else {
      archive_entry_set_size(entry, static_cast<la_int64_t>(m.content.size()));
    }
    ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
    if (m.type == AE_IFREG && !m.content.empty()) archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(db_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (int i = 0; i < kSeed; ++i) ASSERT_TRUE(writer.value()->Put(Numbered(i)).ok());
    auto rules = ParseSynonyms("invoice, bill", "en");
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    ASSERT_TRUE(writer.value()->AddSynonyms(rules.value()).ok());
    ASSERT_TRUE(writer.value()->SetSetting("ranking.title_weight", "3").ok());
    ASSERT_TRUE(writer.value()->Commit().ok());
  }

  // Logs `n` searches of `query` by `user` through an engine with analytics on.
  void LogSearches(int n, const std::string& query, const std::string& user, const std::string& db = "") {
    auto engine = Engine::Open(db.empty() ? db_ : db);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    for (int i = 0; i < n; ++i) {
      SearchRequest request;
      request.query = query;
      request.principal.user = user;
      ASSERT_TRUE(engine.value()->Search(request).ok());
    }
    ASSERT_NE(engine.value()->analytics(), nullptr) << engine.value()->analytics_status().ToString();
    ASSERT_TRUE(engine.value()->analytics()->Flush().ok());
  }

  BackupManifest MakeBackup() {
    auto manifest = Backup(db_, archive_);
    EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
    return manifest.ok() ? manifest.value() : BackupManifest{};
  }

  testing::TempDir dir_;
  const std::string db_ = dir_ / "db";
  const std::string archive_ = dir_ / "backup.tar";
};

TEST_F(BackupTest, BackupUnderLoadRestoresOneCommittedRevisionWithItsLog) {
  LogSearches(3, "invoice", "carol");
  std::mutex mutex;
  std::set<std::uint64_t> committed_counts = {kSeed};
  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  std::atomic<int> failed_searches{0};
  auto engine = Engine::Open(db_);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();

  std::thread writer_thread([&] {
    WriterOptions options;
    options.write_derived_files = false;
    auto writer = IndexWriter::Open(db_, options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (int next = kSeed; !stop; next += kBatch) {
      for (int i = next; i < next + kBatch; ++i) ASSERT_TRUE(writer.value()->Put(Numbered(i)).ok());
      ASSERT_TRUE(writer.value()->Commit().ok());
      {
        std::lock_guard<std::mutex> lock(mutex);
        committed_counts.insert(static_cast<std::uint64_t>(next + kBatch));
      }
      ++commits;
    }
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        SearchRequest request;
        request.query = "invoice";
        if (!engine.value()->Search(request).ok()) ++failed_searches;
      }
    });
  }
  // Back up once the writer is under way (bounded wait: a writer that could
  // not start fails the test instead of hanging it).
  for (int waited = 0; commits < 5 && waited < 6000; ++waited)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int commits_before = commits;
  auto manifest = Backup(db_, archive_);
  const int commits_during = commits - commits_before;
  stop = true;
  writer_thread.join();
  for (auto& r : readers) r.join();
  ASSERT_GE(commits_before, 5);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(failed_searches, 0);
  ASSERT_TRUE(engine.value()->analytics()->Flush().ok());
  engine.value().reset();
  std::printf("backup of %llu documents (revision %llu) while %d commits landed\n",
              static_cast<unsigned long long>(manifest->documents),
              static_cast<unsigned long long>(manifest->index_revision), commits_during);

  // One committed revision: a count the writer committed, never a part of a
  // batch, and at least what was committed before the backup began.
  EXPECT_TRUE(committed_counts.count(manifest->documents)) << manifest->documents << " documents";
  EXPECT_GE(manifest->documents, static_cast<std::uint64_t>(kSeed + commits_before * kBatch));

  auto restored = Restore(archive_, dir_ / "restored");
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->documents, manifest->documents);
  EXPECT_EQ(restored->index_revision, manifest->index_revision);
  EXPECT_EQ(CountDocuments(dir_ / "restored"), manifest->documents);
  if (std::system("command -v xapian-check >/dev/null 2>&1") == 0) {
    const std::string check = "xapian-check '" + dir_ / "restored" + "' >/dev/null";
    EXPECT_EQ(std::system(check.c_str()), 0) << check;
  } else {
    std::printf("xapian-check not installed (Debian xapian-tools): restored index not checked with it\n");
  }
  // Exactly the documents of that revision: doc-0 .. doc-(N-1).
  std::set<std::string> expected;
  for (std::uint64_t i = 0; i < manifest->documents; ++i) expected.insert("doc-" + std::to_string(i));
  EXPECT_EQ(SearchIds(dir_ / "restored", "invoice"), expected);
  EXPECT_EQ(SearchIds(dir_ / "restored", "bill"), expected) << "synonyms restored";

  // Settings and synonyms live in the index's metadata and come with it.
  auto restored_writer = IndexWriter::Open(dir_ / "restored");
  ASSERT_TRUE(restored_writer.ok()) << restored_writer.status().ToString();
  auto settings = restored_writer.value()->Settings();
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->ToMap().at("ranking.title_weight"), "3");
  auto synonyms = restored_writer.value()->Synonyms();
  ASSERT_TRUE(synonyms.ok());
  ASSERT_EQ(synonyms->size(), 1u);
  EXPECT_EQ(synonyms->front().ToString(), "invoice, bill");
  restored_writer.value().reset();

  // The analytics log: as many searches as the manifest counted, at least
  // those flushed before the backup began, in a log whose key came along
  // (erasing carol's searches needs the key her pseudonym was made with).
  const auto& rows = manifest->store_rows.at("analytics");
  ASSERT_TRUE(rows.count("searches"));
  EXPECT_GE(rows.at("searches"), 3);
  const std::string restored_log = Analytics::PathFor(dir_ / "restored");
  ASSERT_TRUE(fs::exists(Analytics::KeyPathFor(restored_log)));
  EXPECT_EQ(fs::status(Analytics::KeyPathFor(restored_log)).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto log = Analytics::Open(restored_log);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::int64_t logged = 0;
  for (std::int64_t after = 0;;) {
    auto page = log.value()->Searches(0, 0, after, 10000);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    logged += static_cast<std::int64_t>(page->size());
    after = page->back().seq;
  }
  EXPECT_EQ(logged, rows.at("searches"));
  // Every search was "invoice": the report's one row counts them all.
  ReportRequest report;
  report.kind = "top-queries";
  auto top = log.value()->Run(report);
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  ASSERT_EQ(top->rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(top->rows[0][0]), "invoice");
  EXPECT_EQ(std::get<std::int64_t>(top->rows[0][1]), rows.at("searches"));
  auto erased = log.value()->EraseUser("carol");
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased.value(), 3u) << "carol's pseudonym matches: the key was restored";
}

// The index copy itself, under a writer committing as fast as it can, on an
// index large enough that a copy takes several commits' time: each copy is
// one committed revision, and overtaken copies start again.
TEST_F(BackupTest, IndexCopyIsOneRevisionUnderFastCommits) {
  {
    auto writer = IndexWriter::Open(db_);
    ASSERT_TRUE(writer.ok());
    for (int i = kSeed; i < 3000 + kSeed; ++i) ASSERT_TRUE(writer.value()->Put(Numbered(i)).ok());
    ASSERT_TRUE(writer.value()->Commit().ok());
  }
  std::mutex mutex;
  std::set<std::uint64_t> committed_counts = {3000 + kSeed};
  std::atomic<bool> stop{false};
  // The writer's pause between commits. A copy under ASan on a busy machine
  // can be overtaken by every one of its attempts at 2 ms (a Busy answer,
  // as documented); then the writer slows down and the round is tried again.
  std::atomic<int> pause_ms{2};
  std::thread writer_thread([&] {
    WriterOptions options;
    options.write_derived_files = false;
    auto writer = IndexWriter::Open(db_, options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (int next = 3000 + kSeed; !stop; next += kBatch) {
      for (int i = next; i < next + kBatch; ++i) ASSERT_TRUE(writer.value()->Put(Numbered(i)).ok());
      ASSERT_TRUE(writer.value()->Commit().ok());
      {
        std::lock_guard<std::mutex> lock(mutex);
        committed_counts.insert(static_cast<std::uint64_t>(next + kBatch));
      }
      // Hundreds of commits a second: faster than a copy, yet leaving each
      // attempt a chance (a writer that never pauses can starve any copy).
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms.load()));
    }
  });
  int total_attempts = 0;
  std::vector<std::uint64_t> copied;
  for (int round = 0; round < 5; ++round) {
    const std::string copy = dir_ / ("copy-" + std::to_string(round));
    auto info = CopyIndexSnapshot(db_, copy, 50);
    for (int slower = 0; !info.ok() && info.status().code() == StatusCode::kBusy && slower < 4; ++slower) {
      pause_ms = pause_ms * 4;
      info = CopyIndexSnapshot(db_, copy, 50);
    }
    if (!info.ok()) {
      ADD_FAILURE() << info.status().ToString();
      break;
    }
    total_attempts += info->attempts;
    copied.push_back(info->documents);
    EXPECT_EQ(CountDocuments(copy), info->documents);
  }
  stop = true;
  writer_thread.join();
  std::printf("5 copies of a 3000-document index under fast commits took %d attempts\n", total_attempts);
  for (const auto n : copied) EXPECT_TRUE(committed_counts.count(n)) << n << " documents";
}

TEST_F(BackupTest, ManifestListsEveryMemberWithItsChecksum) {
  LogSearches(2, "invoice", "dave");
  const auto manifest = MakeBackup();
  EXPECT_EQ(manifest.format_version, kBackupFormatVersion);
  EXPECT_EQ(manifest.documents, static_cast<std::uint64_t>(kSeed));
  EXPECT_EQ(manifest.store_rows.at("analytics").at("searches"), 2);
  EXPECT_EQ(fs::status(archive_).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const auto members = ReadMembers(archive_);
  ASSERT_FALSE(members.empty());
  EXPECT_EQ(members[0].name, "MANIFEST.json");
  const auto json = nlohmann::json::parse(members[0].content);
  EXPECT_EQ(json["index"]["documents"], kSeed);
  std::set<std::string> names;
  for (std::size_t i = 1; i < members.size(); ++i) names.insert(members[i].name);
  EXPECT_TRUE(names.count("index/iamglass"));
  EXPECT_TRUE(names.count("analytics.sqlite"));
  EXPECT_TRUE(names.count("analytics.sqlite.key"));
  ASSERT_EQ(manifest.files.size(), members.size() - 1);
  for (std::size_t i = 0; i < manifest.files.size(); ++i) {
    EXPECT_EQ(manifest.files[i].path, members[i + 1].name);
    EXPECT_EQ(manifest.files[i].size, members[i + 1].content.size());
    EXPECT_EQ(manifest.files[i].sha256.size(), 64u);
  }
  // A second backup to the same file needs overwrite.
  auto again = Backup(db_, archive_);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  BackupOptions overwrite;
  overwrite.overwrite = true;
  EXPECT_TRUE(Backup(db_, archive_, overwrite).ok());
}

TEST_F(BackupTest, RefusesToOverwriteUnlessAsked) {
  LogSearches(2, "invoice", "frank");
  const auto manifest = MakeBackup();
  // Another index at the target, with more documents.
  const std::string other = dir_ / "other";
  {
    auto writer = IndexWriter::Open(other);
    ASSERT_TRUE(writer.ok());
    for (int i = 100; i < 100 + 2 * kSeed; ++i) ASSERT_TRUE(writer.value()->Put(Numbered(i)).ok());
    ASSERT_TRUE(writer.value()->Commit().ok());
  }
  LogSearches(5, "password", "gina", other);  // its own log, replaced along with it
  auto refused = Restore(archive_, other);
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(refused.status().message().find(other), std::string::npos) << refused.status().message();
  EXPECT_EQ(CountDocuments(other), 2u * kSeed) << "the existing index is untouched";

  RestoreOptions force;
  force.overwrite = true;
  // A writer holding the target's lock: Busy, nothing replaced.
  {
    auto writer = IndexWriter::Open(other);
    ASSERT_TRUE(writer.ok());
    auto busy = Restore(archive_, other, force);
    EXPECT_EQ(busy.status().code(), StatusCode::kBusy) << busy.status().ToString();
  }
  EXPECT_EQ(CountDocuments(other), 2u * kSeed);
  auto replaced = Restore(archive_, other, force);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(CountDocuments(other), manifest.documents);
  EXPECT_EQ(SearchIds(other, "invoice").count("doc-100"), 0u);
  {
    auto log = Analytics::Open(Analytics::PathFor(other));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto searches = log.value()->Searches(0, 0, 0, 100);
    ASSERT_TRUE(searches.ok());
    ASSERT_EQ(searches->size(), 2u) << "the archive's log, not the replaced one";
    EXPECT_EQ(searches->front().query, "invoice");
  }
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".other.restore-"), std::string::npos) << "no staging left";
  }

  // Never a directory that is not an index, even when asked.
  dir_.Write("home/notes.txt", "keep me");
  auto not_index = Restore(archive_, dir_ / "home", force);
  EXPECT_EQ(not_index.status().code(), StatusCode::kAlreadyExists) << not_index.status().ToString();
  EXPECT_EQ(Slurp(dir_ / "home/notes.txt"), "keep me");
}

TEST_F(BackupTest, VerifyOnlyChecksAndWritesNothing) {
  const auto manifest = MakeBackup();
  RestoreOptions verify;
  verify.verify_only = true;
  auto verified = Restore(archive_, dir_ / "never", verify);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->documents, manifest.documents);
  EXPECT_EQ(BackupManifestToJson(verified.value()), BackupManifestToJson(manifest));
  EXPECT_FALSE(fs::exists(dir_ / "never"));
}

// One way to spoil an archive, and what the refusal must name.
struct Tamper {
  const char* name;
  std::function<void(std::vector<Member>&)> edit;
  const char* expected;  // a part of the error message
};

TEST_F(BackupTest, TamperedArchivesAreRefusedNamingTheMemberBeforeAnythingIsWritten) {
  LogSearches(1, "invoice", "erin");  // so the archive holds a log
  MakeBackup();
  const auto good = ReadMembers(archive_);
  auto find = [](std::vector<Member>& ms, const std::string& name) -> Member& {
    for (auto& m : ms) {
      if (m.name == name) return m;
    }
    throw std::runtime_error("no member " + name);
  };
  const std::vector<Tamper> cases = {
      {"changed byte", [&](std::vector<Member>& ms) { find(ms, "index/postlist.glass").content[100] ^= 0x01; },
       "'index/postlist.glass' does not match its SHA-256"},
      {"changed log", [&](std::vector<Member>& ms) { find(ms, "analytics.sqlite").content[50] ^= 0x01; },
       "'analytics.sqlite' does not match its SHA-256"},
      {"extra index member",
       [](std::vector<Member>& ms) {
         ms.push_back({"index/extra.glass", AE_IFREG, "x", ""});
       },
       "'index/extra.glass' is not listed"},
      {"unknown member",
       [](std::vector<Member>& ms) {
         ms.push_back({"notes.txt", AE_IFREG, "x", ""});
       },
       "'notes.txt': unknown member"},
      {"parent path",
       [](std::vector<Member>& ms) {
         ms.push_back({"../x", AE_IFREG, "x", ""});
       },
       "'../x': path with '..'"},
      {"nested parent path",
       [](std::vector<Member>& ms) {
         ms.push_back({"index/../../x", AE_IFREG, "x", ""});
       },
       "'index/../../x': path with '..'"},
      {"absolute path",
       [](std::vector<Member>& ms) {
         ms.push_back({"/tmp/x", AE_IFREG, "x", ""});
       },
       "'/tmp/x': absolute path"},
      {"symbolic link",
       [](std::vector<Member>& ms) {
         ms.insert(ms.begin() + 1, {"index/iamglass", AE_IFLNK, "", "/etc/passwd"});
       },
       "'index/iamglass' is a symbolic link"},
      {"device",
       [](std::vector<Member>& ms) {
         ms.insert(ms.begin() + 1, {"index/iamglass", AE_IFCHR, "", ""});
       },
       "'index/iamglass' is a character device"},
      {"missing member", [](std::vector<Member>& ms) { ms.erase(ms.begin() + 1); }, "is missing"},
      {"member twice", [](std::vector<Member>& ms) { ms.push_back(ms[1]); }, "appears twice"},
      {"manifest not first", [](std::vector<Member>& ms) { std::swap(ms[0], ms[1]); }, "not MANIFEST.json"},
      {"newer format",
       [](std::vector<Member>& ms) {
         auto j = nlohmann::json::parse(ms[0].content);
         j["format_version"] = kBackupFormatVersion + 1;
         ms[0].content = j.dump();
       },
       "backup format version 2 is not readable"},
      {"lying size in manifest",
       [](std::vector<Member>& ms) {
         auto j = nlohmann::json::parse(ms[0].content);
         j["files"][0]["size"] = j["files"][0]["size"].get<std::uint64_t>() + 1;
         ms[0].content = j.dump();
       },
       "the manifest says"},
      {"escape in created_at",
       [](std::vector<Member>& ms) {
         auto j = nlohmann::json::parse(ms[0].content);
         j["created_at"] = "\x1b]0;owned\x07";
         ms[0].content = j.dump();
       },
       "created_at: not an ISO 8601 date-time"},
      {"odd table name",
       [](std::vector<Member>& ms) {
         auto j = nlohmann::json::parse(ms[0].content);
         j["stores"]["analytics"]["rows"]["x\ny"] = 1;
         ms[0].content = j.dump();
       },
       "stores.analytics.rows: a table name"},
      {"unknown store",
       [](std::vector<Member>& ms) {
         auto j = nlohmann::json::parse(ms[0].content);
         j["stores"]["secrets"] = {{"rows", nlohmann::json::object()}};
         ms[0].content = j.dump();
       },
       "stores: unknown store"},
      {"unknown manifest key",
       [](std::vector<Member>& ms) {
         auto j = nlohmann::json::parse(ms[0].content);
         j["run"] = "rm -rf /";
         ms[0].content = j.dump();
       },
       "MANIFEST.json: run: unknown key"},
      {"manifest lists a path outside",
       [](std::vector<Member>& ms) {
         auto j = nlohmann::json::parse(ms[0].content);
         j["files"][0]["path"] = "../../etc/cron.d/x";
         ms[0].content = j.dump();
       },
       "files[0].path: archive member '../../etc/cron.d/x': path with '..'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto members = good;
    c.edit(members);
    const std::string bad = dir_ / "bad.tar";
    fs::remove(bad);
    WriteMembers(bad, members);
    RestoreOptions verify;
    verify.verify_only = true;
    auto verified = Restore(bad, "", verify);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.status().code(), StatusCode::kCorruption) << verified.status().ToString();
    EXPECT_NE(verified.status().message().find(c.expected), std::string::npos) << verified.status().message();
    auto restored = Restore(bad, dir_ / "target");
    EXPECT_FALSE(restored.ok());
    EXPECT_FALSE(fs::exists(dir_ / "target")) << "nothing written";
    EXPECT_FALSE(fs::exists(dir_ / "target.analytics.sqlite"));
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      EXPECT_EQ(entry.path().filename().string().find(".target.restore-"), std::string::npos) << "no staging left";
    }
  }
}

TEST_F(BackupTest, TruncatedArchiveIsRefusedNamingTheMember) {
  MakeBackup();
  const std::string bytes = Slurp(archive_);
  // Cut inside the data of some member (past the manifest), and at a block
  // boundary after the first few members.
  for (const std::size_t keep : {bytes.size() / 2, bytes.size() / 2 / 512 * 512, std::size_t{1500}}) {
    SCOPED_TRACE(keep);
    const std::string cut = dir_ / "cut.tar";
    std::ofstream(cut, std::ios::binary | std::ios::trunc) << bytes.substr(0, keep);
    RestoreOptions verify;
    verify.verify_only = true;
    auto verified = Restore(cut, "", verify);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.status().code(), StatusCode::kCorruption) << verified.status().ToString();
    EXPECT_NE(verified.status().message().find("archive member '"), std::string::npos) << verified.status().message();
  }
}

TEST_F(BackupTest, ResourceLimitsAreCheckedFromTheManifest) {
  MakeBackup();
  RestoreOptions verify;
  verify.verify_only = true;
  verify.max_file_bytes = 100;
  auto big = Restore(archive_, "", verify);
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted) << big.status().ToString();
  EXPECT_NE(big.status().message().find("more than the limit of 100"), std::string::npos);
  verify.max_file_bytes = RestoreOptions{}.max_file_bytes;
  verify.max_files = 2;
  auto many = Restore(archive_, "", verify);
  EXPECT_EQ(many.status().code(), StatusCode::kResourceExhausted) << many.status().ToString();
}

TEST_F(BackupTest, NotAnIndexIsRefused) {
  dir_.Write("plain/readme.txt", "not an index");
  auto manifest = Backup(dir_ / "plain", dir_ / "x.tar");
  EXPECT_FALSE(manifest.ok());
  auto missing = Backup(dir_ / "missing", dir_ / "y.tar");
  EXPECT_EQ(missing.status().code(), StatusCode::kIndexNotFound) << missing.status().ToString();
  EXPECT_FALSE(fs::exists(dir_ / "x.tar"));
  EXPECT_FALSE(fs::exists(dir_ / "y.tar"));
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos) << "no staging left";
  }
}

}  // namespace
}  // namespace portalkb
