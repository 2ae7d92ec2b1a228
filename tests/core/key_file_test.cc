// The private key file helper shared by the audit, pseudonym and accounts
// keys: what it refuses, in which words, and how it creates a file.
#include "core/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "test_util.h"

namespace portalkb {
namespace {

const KeyFileKind kKind = KeyFileKind::Exactly("test key file", 4);

TEST(KeyFile, ReadsAPrivateFileOfTheRightSize) {
  testing::TempDir dir;
  const std::string path = dir.Write("k", "abcd");
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  auto key = ReadKeyFile(path, kKind);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key.value(), "abcd");
}

TEST(KeyFile, RefusesEachBadFileNamingItInTheKindsWords) {
  testing::TempDir dir;
  const std::string missing = dir / "missing";
  const std::string open_file = dir.Write("open", "abcd");
  ASSERT_EQ(chmod(open_file.c_str(), 0640), 0);
  const std::string short_file = dir.Write("short", "abc");
  ASSERT_EQ(chmod(short_file.c_str(), 0600), 0);
  const std::string directory = dir / "directory";
  std::filesystem::create_directory(directory);
  ASSERT_EQ(chmod(directory.c_str(), 0700), 0);
  const std::string link = dir / "link";
  ASSERT_EQ(symlink(short_file.c_str(), link.c_str()), 0);
  struct Case {
    std::string path;
    StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      {missing, StatusCode::kNotFound, "no test key file '" + missing + "'"},
      {open_file, StatusCode::kPermissionDenied,
       "test key file '" + open_file + "' has mode 0640: group and others must have no access (chmod 600 '" +
           open_file + "')"},
      {short_file, StatusCode::kCorruption, "test key file '" + short_file + "' holds 3 bytes, expected 4"},
      {directory, StatusCode::kCorruption, "test key file '" + directory + "' is not a regular file"},
      // Never followed: a link could point a key file anywhere.
      {link, StatusCode::kIOError, "cannot open test key file '" + link + "': "},
  };
  for (const auto& c : cases) {
    auto key = ReadKeyFile(c.path, kKind);
    ASSERT_FALSE(key.ok()) << c.path;
    EXPECT_EQ(key.status().code(), c.code) << key.status().ToString();
    EXPECT_EQ(key.status().message().substr(0, c.message.size()), c.message);
  }
}

TEST(KeyFile, ASizeRangeWithItsOwnRuleBoundsTheRead) {
  testing::TempDir dir;
  const KeyFileKind ranged{"ranged key file", 0, 8, "; expected at most 8"};
  const std::string small = dir.Write("small", "ab");
  const std::string large = dir.Write("large", "abcdefghi");
  for (const auto& p : {small, large}) ASSERT_EQ(chmod(p.c_str(), 0600), 0);
  EXPECT_EQ(ReadKeyFile(small, ranged).value(), "ab");
  auto refused = ReadKeyFile(large, ranged);
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(refused.status().message(), "ranged key file '" + large + "' holds 9 bytes; expected at most 8");
}

TEST(KeyFile, CreatesA0600FileAndKeepsOneThatIsThereAlready) {
  testing::TempDir dir;
  const std::string path = dir / "k";
  ASSERT_TRUE(CreateKeyFile(path, kKind.name, "abcd").ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(ReadKeyFile(path, kKind).value(), "abcd");
  // A second creator (another process racing the first) leaves the first key.
  EXPECT_TRUE(CreateKeyFile(path, kKind.name, "wxyz").ok());
  EXPECT_EQ(ReadKeyFile(path, kKind).value(), "abcd");
  // No temporary file stays behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1);
}

TEST(KeyFile, CreationInAMissingDirectoryNamesTheFile) {
  testing::TempDir dir;
  const std::string path = dir / "no-such-dir/k";
  const Status s = CreateKeyFile(path, kKind.name, "abcd");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("cannot create test key file '" + path + ".tmp-"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace portalkb
