// Helpers shared by the tests: temporary directories and small fixtures.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "portalkb/document.h"

namespace portalkb::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/portalkb-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      // Never go on with the template itself: tests would share one fixed
      // path. gtest reports the exception as this test's failure.
      const std::string why = "mkdtemp(" + pattern + ") failed: " + std::strerror(errno);
      ADD_FAILURE() << why;
      throw std::runtime_error(why);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  // Writes `content` to `name` (creating parent directories) and returns the path.
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string full = *this / name;
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream(full, std::ios::binary) << content;
    return full;
  }

 private:
  std::string path_;
};

// A valid public article; tests change what they need.
inline Document MakeArticle(const std::string& id, const std::string& title, const std::string& body,
                            const std::string& lang = "en") {
  Document doc;
  doc.id = id;
  doc.title = title;
  doc.body = body;
  doc.lang = lang;
  doc.visibility = {Grant{}};
  return doc;
}

// `doc` with its visibility replaced by `grants` (each must parse).
inline Document WithGrants(Document doc, std::initializer_list<const char*> grants) {
  doc.visibility.clear();
  for (const char* g : grants) doc.visibility.push_back(*Grant::Parse(g));
  return doc;
}

}  // namespace portalkb::testing
