#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ingest/loader.h"
#include "ingest/metadata.h"

namespace portalkb {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSidecarSuffix = ".meta.yaml";
constexpr std::uintmax_t kMaxFileBytes = 256ull << 20;

bool ReadWholeFile(const std::string& path, std::string& out, std::string& error) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    error = "cannot read: " + ec.message();
    return false;
  }
  if (size > kMaxFileBytes) {
    error = "file larger than 256 MiB";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open for reading";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return false;
  }
  out = std::move(buffer).str();
  return true;
}

bool IsHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

FileFormat FormatOf(const std::string& path) {
  const std::string lower = AsciiLower(path);
  if (EndsWith(lower, kSidecarSuffix)) return FileFormat::kUnsupported;
  if (EndsWith(lower, ".jsonl") || EndsWith(lower, ".ndjson")) return FileFormat::kJsonLines;
  if (EndsWith(lower, ".md") || EndsWith(lower, ".markdown")) return FileFormat::kMarkdown;
  if (EndsWith(lower, ".html") || EndsWith(lower, ".htm")) return FileFormat::kHtml;
  if (EndsWith(lower, ".pdf")) return FileFormat::kPdf;
  if (EndsWith(lower, ".txt")) return FileFormat::kText;
  return FileFormat::kUnsupported;
}

FileList CollectFiles(const std::vector<std::string>& paths) {
  FileList list;
  auto error = [&](const std::string& path, const std::string& reason) {
    LoadedRecord r;
    r.file = path;
    r.error = reason;
    list.errors.push_back(std::move(r));
  };
  for (const auto& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      error(path, "no such file or directory");
      continue;
    }
    if (fs::is_directory(status)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        error(path, "cannot list directory: " + ec.message());
        continue;
      }
      for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
        if (ec) {
          error(path, "cannot list directory: " + ec.message());
          break;
        }
        if (IsHidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && FormatOf(it->path().string()) != FileFormat::kUnsupported) {
          found.push_back(it->path().string());
        }
      }
      std::sort(found.begin(), found.end());
      list.files.insert(list.files.end(), found.begin(), found.end());
    } else if (FormatOf(path) == FileFormat::kUnsupported) {
      error(path, "unsupported file type (expected .jsonl, .md, .html, .pdf or .txt)");
    } else {
      list.files.push_back(path);
    }
  }
  return list;
}

void LoadFile(const std::string& path, const RecordSink& sink) {
  const FileFormat format = FormatOf(path);
  std::string content;
  std::string read_error;
  if (!ReadWholeFile(path, content, read_error)) {
    LoadedRecord r;
    r.file = path;
    r.error = read_error;
    sink(std::move(r));
    return;
  }
  if (format == FileFormat::kJsonLines) {
    LoadJsonLines(content, path, sink);
    return;
  }
  LoadedRecord record;
  switch (format) {
    case FileFormat::kMarkdown: record = LoadMarkdown(content, path); break;
    case FileFormat::kHtml: record = LoadHtml(content, path); break;
    case FileFormat::kPdf: record = LoadPdf(content, path); break;
    default: record = LoadText(content, path); break;
  }
  if (record.error.empty()) {
    // Sidecar metadata overrides what the content itself says.
    const std::string sidecar = path + kSidecarSuffix;
    std::error_code ec;
    if (fs::exists(sidecar, ec)) {
      std::string yaml;
      if (!ReadWholeFile(sidecar, yaml, read_error)) {
        record.error = sidecar + ": " + read_error;
      } else if (auto meta = ParseYamlMapping(yaml); !meta.ok()) {
        record.error = sidecar + ": " + meta.status().message();
      } else {
        nlohmann::json fields = std::move(meta).value();
        fields.erase("body");  // the file is the body
        if (Status s = ApplyMetadata(fields, record.doc); !s.ok()) record.error = sidecar + ": " + s.message();
      }
    }
  }
  if (record.error.empty() && Trim(record.doc.id).empty()) {
    record.doc.id = fs::path(path).stem().string();  // file name without extension
  }
  sink(std::move(record));
}

}  // namespace portalkb
