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
  int line = 0;        // 1-based, 0 when the whole file is the record
  std::string error;   // empty when `doc` was read
};

using RecordSink = std::function<void(LoadedRecord&&)>;

enum class FileFormat { kJsonLines, kMarkdown, kHtml, kPdf, kText, kUnsupported };
FileFormat FormatOf(const std::string& path);

struct FileList {
  std::vector<std::string> files;      // in a stable (sorted) order
  std::vector<LoadedRecord> errors;    // paths that do not exist or cannot be read
};

// Expands files and directories (recursively; hidden entries and "*.meta.yaml"
// sidecars skipped; files of unsupported formats skipped inside directories
// but reported when named explicitly).
FileList CollectFiles(const std::vector<std::string>& paths);

// Reads one file of any supported format, applying its sidecar metadata.
void LoadFile(const std::string& path, const RecordSink& sink);

// Format loaders over in-memory content, for LoadFile and for tests.
// `file` only labels records. `meta` holds sidecar metadata (may be null).
void LoadJsonLines(std::string_view content, const std::string& file, const RecordSink& sink);
LoadedRecord LoadMarkdown(std::string_view content, const std::string& file);
LoadedRecord LoadHtml(std::string_view content, const std::string& file);
LoadedRecord LoadText(std::string_view content, const std::string& file);
LoadedRecord LoadPdf(std::string_view content, const std::string& file);

}  // namespace portalkb
