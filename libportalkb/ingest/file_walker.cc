#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ingest/loader.h"
#include "ingest/metadata.h"

namespace portalkb {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSidecarSuffix = ".meta.yaml";

std::string TooLarge(std::uintmax_t size, std::size_t limit, const char* limit_name) {
  return "file of " + std::to_string(size) + " bytes, over the limit of " + std::to_string(limit) + " bytes (" +
         limit_name + ")";
}

// Reads a file of at most `limit` bytes. The size is checked before reading,
// so an oversized file is never loaded.
bool ReadWholeFile(const std::string& path, std::size_t limit, const char* limit_name, std::string& out,
                   std::string& error) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    error = "cannot read: " + ec.message();
    return false;
  }
  if (size > limit) {
    error = TooLarge(size, limit, limit_name);
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open for reading";
    return false;
  }
  // One byte more than the size, to notice a file that grew meanwhile.
  out.resize(static_cast<std::size_t>(size) + 1);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (in.bad()) {
    error = "read error";
    return false;
  }
  if (static_cast<std::uintmax_t>(in.gcount()) > size) {
    error = "file grew while being read; try again";
    return false;
  }
  out.resize(static_cast<std::size_t>(in.gcount()));
  return true;
}

// Streams a JSON Lines file in blocks, so memory stays at one line (at most
// limits.max_record_bytes) however large the file is. An overlong line is
// reported and skipped without being kept.
void StreamJsonLines(const std::string& path, const RecordSink& sink, const DocumentLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadedRecord r;
    r.file = path;
    r.error = "cannot open for reading";
    sink(std::move(r));
    return;
  }
  std::string line;
  std::vector<char> block(1u << 16);
  int line_no = 1;
  bool overlong = false;
  std::uint64_t consumed = 0;  // bytes up to the end of the current line
  auto finish_line = [&] {
    if (overlong) {
      LoadedRecord r;
      r.file = path;
      r.line = line_no;
      r.error = "line longer than the limit of " + std::to_string(limits.max_record_bytes) +
                " bytes for a record (max_record_bytes)";
      r.bytes_read = consumed;
      sink(std::move(r));
    } else if (!Trim(line).empty()) {
      LoadedRecord r = LoadJsonLine(line, line_no, path, limits);
      r.bytes_read = consumed;
      sink(std::move(r));
    }
    line.clear();
    overlong = false;
    ++line_no;
  };
  std::uint64_t chunk_start = 0;  // file offset of block[0]
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const std::string_view chunk(block.data(), static_cast<std::size_t>(in.gcount()));
    std::size_t begin = 0;
    while (begin < chunk.size()) {
      const std::size_t nl = chunk.find('\n', begin);
      const std::size_t end = nl == std::string_view::npos ? chunk.size() : nl;
      if (!overlong) {
        if (line.size() + (end - begin) > limits.max_record_bytes) {
          overlong = true;
          line.clear();
        } else {
          line.append(chunk.substr(begin, end - begin));
        }
      }
      if (nl == std::string_view::npos) break;
      consumed = chunk_start + nl + 1;
      finish_line();
      begin = nl + 1;
    }
    chunk_start += chunk.size();
  }
  if (in.bad()) {
    LoadedRecord r;
    r.file = path;
    r.line = line_no;
    r.error = "read error";
    sink(std::move(r));
    return;
  }
  consumed = chunk_start;
  if (overlong || !line.empty()) finish_line();
}

// Whether `target` (canonical) is `root` (canonical) or lies below it.
bool IsWithin(const fs::path& target, const fs::path& root) {
  auto t = target.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++t) {
    if (t == target.end() || *t != *r) return false;
  }
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

FileList CollectFiles(const std::vector<std::string>& paths, const WalkOptions& options) {
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
      const fs::path root = fs::canonical(path, ec);
      if (ec) {
        error(path, "cannot list directory: " + ec.message());
        continue;
      }
      // Real directories entered, so followed links cannot loop.
      std::set<fs::path> visited{root};
      auto dir_options = fs::directory_options::skip_permission_denied;
      if (options.follow_symlinks) dir_options |= fs::directory_options::follow_directory_symlink;
      fs::recursive_directory_iterator it(path, dir_options, ec);
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
        const bool is_dir = it->is_directory(ec);
        if (it->is_symlink()) {
          const fs::path target = fs::canonical(it->path(), ec);
          if (ec) {
            ec.clear();
            if (is_dir || FormatOf(it->path().string()) != FileFormat::kUnsupported) {
              error(it->path().string(), "symbolic link to a missing or unreadable target; skipped");
            }
            continue;
          }
          const bool inside = IsWithin(target, root);
          if (!inside && !options.follow_symlinks) {
            if (is_dir || FormatOf(it->path().string()) != FileFormat::kUnsupported) {
              error(it->path().string(), "symbolic link to " + Abbreviate(target.string()) + ", outside " +
                                             Abbreviate(root.string()) +
                                             "; not followed (use --follow-symlinks to index it)");
            }
            continue;
          }
          if (is_dir && options.follow_symlinks && !visited.insert(target).second) {
            it.disable_recursion_pending();
            continue;
          }
        } else if (is_dir && options.follow_symlinks && !visited.insert(fs::canonical(it->path(), ec)).second) {
          it.disable_recursion_pending();
          continue;
        }
        ec.clear();
        if (!is_dir && it->is_regular_file(ec) && FormatOf(it->path().string()) != FileFormat::kUnsupported) {
          found.push_back(it->path().string());
        }
        ec.clear();
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

void LoadFile(const std::string& path, const RecordSink& sink, const DocumentLimits& limits) {
  const FileFormat format = FormatOf(path);
  if (format == FileFormat::kJsonLines) {
    StreamJsonLines(path, sink, limits);
    return;
  }
  std::string content;
  std::string read_error;
  const bool pdf = format == FileFormat::kPdf;
  if (!ReadWholeFile(path, pdf ? limits.max_pdf_bytes : limits.max_record_bytes,
                     pdf ? "max_pdf_bytes" : "max_record_bytes", content, read_error)) {
    LoadedRecord r;
    r.file = path;
    r.error = read_error;
    sink(std::move(r));
    return;
  }
  LoadedRecord record;
  switch (format) {
    case FileFormat::kMarkdown:
      record = LoadMarkdown(content, path, limits);
      break;
    case FileFormat::kHtml:
      record = LoadHtml(content, path, limits);
      break;
    case FileFormat::kPdf:
      record = LoadPdf(content, path);
      break;
    default:
      record = LoadText(content, path);
      break;
  }
  if (record.error.empty()) {
    // Sidecar metadata overrides what the content itself says.
    const std::string sidecar = path + kSidecarSuffix;
    std::error_code ec;
    if (fs::exists(sidecar, ec)) {
      std::string yaml;
      if (!ReadWholeFile(sidecar, limits.max_record_bytes, "max_record_bytes", yaml, read_error)) {
        record.error = sidecar + ": " + read_error;
      } else if (auto meta = ParseYamlMapping(yaml, 1, limits); !meta.ok()) {
        record.error = sidecar + ": " + meta.status().message();
      } else {
        nlohmann::json fields = std::move(meta).value();
        fields.erase("body");  // the file is the body
        if (Status s = ApplyMetadata(fields, record.doc); !s.ok()) record.error = sidecar + ": " + s.message();
        if (fields.contains("title")) record.title_derived = false;
      }
    }
  }
  if (record.error.empty() && Trim(record.doc.id).empty()) {
    record.doc.id = fs::path(path).stem().string();  // file name without extension
  }
  sink(std::move(record));
}

}  // namespace portalkb
