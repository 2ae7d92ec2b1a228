// Saved indexes, one per storage format version (tests/fixtures/format/v<N>/,
// made by scripts/make_format_fixture.sh): the current version's opens and
// answers its known searches; every older one is refused with an error
// that says to re-index. Bumping schema::kFormatVersion needs only a new
// fixture made with the script.
#include <gtest/gtest.h>

#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reliability/reliability_util.h"
#include "storage/schema.h"
#include "test_util.h"

namespace portalkb {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(PORTALKB_SOURCE_DIR) / "tests/fixtures/format";

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

struct KnownSearch {
  std::string query;
  std::vector<std::string> roles;
  std::set<std::string> ids;
  int line = 0;
};

std::vector<KnownSearch> ReadQueries(const fs::path& path) {
  std::vector<KnownSearch> searches;
  std::ifstream in(path);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto fields = Split(line, '\t');
    if (fields.size() != 3) {
      ADD_FAILURE() << path << ":" << number << ": expected query, roles and ids separated by tabs";
      continue;
    }
    KnownSearch s{fields[0], {}, {}, number};
    if (fields[1] != "-") s.roles = Split(fields[1], ',');
    if (fields[2] != "-") {
      for (const auto& id : Split(fields[2], ',')) s.ids.insert(id);
    }
    searches.push_back(std::move(s));
  }
  return searches;
}

// A copy of the fixture's index in a temporary directory: opening must not
// touch the checked-in files.
std::string CopyIndex(const fs::path& fixture, const testing::TempDir& dir) {
  const std::string copy = dir / "index";
  fs::copy(fixture / "index", copy, fs::copy_options::recursive);
  return copy;
}

struct Fixture {
  fs::path path;
  int version = 0;
};

std::vector<Fixture> Fixtures() {
  std::vector<Fixture> fixtures;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.size() < 2 || name[0] != 'v') continue;
    std::ifstream in(entry.path() / "VERSION");
    int version = 0;
    if (!(in >> version)) {
      ADD_FAILURE() << entry.path() << ": no readable VERSION file";
      continue;
    }
    EXPECT_EQ("v" + std::to_string(version), name) << entry.path() << ": VERSION does not match the folder";
    fixtures.push_back({entry.path(), version});
  }
  return fixtures;
}

void ExpectRefusedAsOlder(const std::string& index, int version) {
  EngineOptions options;
  options.analytics = false;
  auto engine = Engine::Open(index, options);
  ASSERT_FALSE(engine.ok()) << "format " << version << " opened by a build of format " << schema::kFormatVersion;
  EXPECT_EQ(engine.status().code(), StatusCode::kCorruption) << engine.status().ToString();
  EXPECT_NE(engine.status().message().find("re-index"), std::string::npos) << engine.status().ToString();
  EXPECT_NE(engine.status().message().find(index), std::string::npos) << engine.status().ToString();
  auto writer = IndexWriter::Open(index);
  ASSERT_FALSE(writer.ok()) << "a writer opened format " << version;
  EXPECT_NE(writer.status().message().find("re-index"), std::string::npos) << writer.status().ToString();
}

TEST(FormatFixtures, TheCurrentVersionOpensAndOlderOnesAreRefusedWithReindex) {
  const auto fixtures = Fixtures();
  bool current_seen = false;
  for (const auto& fixture : fixtures) {
    SCOPED_TRACE(fixture.path.string());
    testing::TempDir dir;
    const std::string index = CopyIndex(fixture.path, dir);
    ASSERT_LE(fixture.version, schema::kFormatVersion) << "a fixture from the future";
    if (fixture.version < schema::kFormatVersion) {
      ExpectRefusedAsOlder(index, fixture.version);
      continue;
    }
    current_seen = true;
    EngineOptions options;
    options.analytics = false;
    auto engine = Engine::Open(index, options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    const auto searches = ReadQueries(fixture.path / "queries.tsv");
    ASSERT_FALSE(searches.empty()) << "no known searches in queries.tsv";
    for (const auto& known : searches) {
      SearchRequest request;
      request.query = known.query;
      request.principal.roles = known.roles;
      request.limit = 100;
      request.log = false;
      auto response = engine.value()->Search(request);
      ASSERT_TRUE(response.ok()) << "queries.tsv:" << known.line << ": " << response.status().ToString();
      std::set<std::string> ids;
      for (const auto& hit : response->hits) ids.insert(hit.id);
      EXPECT_EQ(ids, known.ids) << "queries.tsv:" << known.line << ": " << known.query;
    }
  }
  EXPECT_TRUE(current_seen) << "no fixture of the current format version " << schema::kFormatVersion
                            << ": run scripts/make_format_fixture.sh and commit tests/fixtures/format/v"
                            << schema::kFormatVersion;
}

TEST(FormatFixtures, AnOlderStampIsRefusedWithReindex) {
  // Until a second version exists, the refusal is checked on a copy of the
  // current fixture stamped one version lower (what an old build wrote).
  const fs::path current = kFixtures / ("v" + std::to_string(schema::kFormatVersion));
  ASSERT_TRUE(fs::is_directory(current)) << current << " is missing: run scripts/make_format_fixture.sh";
  testing::TempDir dir;
  const std::string index = CopyIndex(current, dir);
  {
    Xapian::WritableDatabase db(index, Xapian::DB_OPEN);
    db.set_metadata(schema::kFormatKey, std::to_string(schema::kFormatVersion - 1));
    db.commit();
  }
  ExpectRefusedAsOlder(index, schema::kFormatVersion - 1);
}

}  // namespace
}  // namespace portalkb
