// Files derived from one revision of an index and kept beside Xapian's tables
// (the typo vocabulary trie, the facet columns), so a reader maps them instead
// of rebuilding them from the terms. Each starts with a header naming its
// kind and the index revision it was built from; a reader uses a file only
// when both match, and otherwise builds the structure in memory as before.
// Layout: doc/index-format.md, "Derived files".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "portalkb/status.h"

namespace portalkb {

// Derived file names in the index directory.
inline constexpr const char* kVocabularyFileName = "portalkb-vocabulary.bin";
inline constexpr const char* kFacetsFileName = "portalkb-facets.bin";
inline constexpr const char* kSuffixesFileName = "portalkb-suffixes.bin";  // the vocabulary's words backwards
// Kinds (8 bytes each, the file's first bytes).
inline constexpr std::string_view kVocabularyMagic = "PKBVOCAB";
inline constexpr std::string_view kFacetsMagic = "PKBFACET";
inline constexpr std::string_view kSuffixesMagic = "PKBSUFFX";
// Layout version of the payloads; a file of another version is ignored.
inline constexpr std::uint32_t kDerivedFileVersion = 1;

// A read-only memory mapping of one derived file's payload.
// Thread-safety: immutable; share it freely (the mapping lives as long as
// the last shared_ptr).
class DerivedFile {
 public:
  // Maps `path` and checks its header: NotFound when the file is missing,
  // Corruption when it is another kind or version, was built from another
  // revision than `revision` (stale) or is shorter than its header says.
  static Result<std::shared_ptr<const DerivedFile>> Open(const std::string& path, std::string_view magic,
                                                         std::uint64_t revision);
  ~DerivedFile();
  DerivedFile(const DerivedFile&) = delete;
  DerivedFile& operator=(const DerivedFile&) = delete;

  // The bytes after the header; 8-byte aligned.
  std::string_view payload() const { return payload_; }

 private:
  DerivedFile(void* base, std::size_t length, std::string_view payload)
      : base_(base), length_(length), payload_(payload) {}
  void* base_;
  std::size_t length_;
  std::string_view payload_;
};

// Writes header and `payload` to a temporary file beside `path` and renames
// it over `path`, so a reader sees the old file or the whole new one.
Status WriteDerivedFile(const std::string& path, std::string_view magic, std::uint64_t revision,
                        std::string_view payload);

}  // namespace portalkb
