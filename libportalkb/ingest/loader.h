// Loaders turn files into Documents. Each record read is handed to a sink,
// good or bad, so one bad record never stops the rest of a file.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "portalkb/document.h"
#include "portalkb/status.h"

namespace portalkb {

// A document as read from a file, not yet validated, or the reason it could
// not be read.
struct LoadedRecord {
  Document doc;
  std::string file;
  int line = 0;                // 1-based, 0 when the whole file is the record
  std::string error;           // empty when `doc` was read
  bool title_derived = false;  // the record had no title; it was taken from its summary or body
  // JSON Lines: bytes of the file read up to the end of this record's line,
  // for progress by bytes (0 for formats read whole).
  std::uint64_t bytes_read = 0;
};

using RecordSink = std::function<void(LoadedRecord&&)>;

enum class FileFormat { kJsonLines, kMarkdown, kHtml, kPdf, kText, kUnsupported };
FileFormat FormatOf(const std::string& path);

struct FileList {
  std::vector<std::string> files;    // in a stable (sorted) order
  std::vector<LoadedRecord> errors;  // paths that do not exist or cannot be read
};

struct WalkOptions {
  // Inside a directory walk, a symbolic link (to a file or a directory) whose
  // target lies outside the directory named is reported and skipped unless
  // this is set, so a planted `link.txt -> /etc/passwd` is never indexed.
  // Links within the directory are read as files; directory links are
  // followed only when this is set (each real directory once). Paths named
  // explicitly are always followed. Default false.
  bool follow_symlinks = false;
};

// Expands files and directories (recursively; hidden entries and "*.meta.yaml"
// sidecars skipped; files of unsupported formats skipped inside directories
// but reported when named explicitly).
FileList CollectFiles(const std::vector<std::string>& paths, const WalkOptions& options = {});

// Reads one file of any supported format, applying its sidecar metadata.
// Files over `limits` are reported without being read; JSON Lines files are
// streamed a line at a time, each line bounded by limits.max_record_bytes.
void LoadFile(const std::string& path, const RecordSink& sink, const DocumentLimits& limits = {});

// Format loaders over in-memory content, for LoadFile and for tests.
// `file` only labels records.
void LoadJsonLines(std::string_view content, const std::string& file, const RecordSink& sink,
                   const DocumentLimits& limits = {});
// One JSON Lines record (`line` without its newline, `line_no` 1-based).
LoadedRecord LoadJsonLine(std::string_view line, int line_no, const std::string& file,
                          const DocumentLimits& limits = {});
LoadedRecord LoadMarkdown(std::string_view content, const std::string& file, const DocumentLimits& limits = {});
LoadedRecord LoadHtml(std::string_view content, const std::string& file, const DocumentLimits& limits = {});
LoadedRecord LoadText(std::string_view content, const std::string& file);
LoadedRecord LoadPdf(std::string_view content, const std::string& file);

// A title for a record that has none: the first sentence of the first
// non-empty line (or PDF page line) of `text`, at most 200 bytes (cut at a
// word). Empty when `text` has no words.
std::string DeriveTitle(std::string_view text);

}  // namespace portalkb
