#include <cmark.h>

#include <memory>

#include "core/text.h"
#include "ingest/loader.h"
#include "ingest/metadata.h"

namespace portalkb {
namespace {

struct CmarkNodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct CmarkIterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};

bool IsBlock(cmark_node_type type) {
  return type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING || type == CMARK_NODE_ITEM ||
         type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_BLOCK_QUOTE || type == CMARK_NODE_HTML_BLOCK ||
         type == CMARK_NODE_THEMATIC_BREAK;
}

// Renders Markdown to plain text: one line per block, inline markup dropped.
// Also returns the text of the first heading, a fallback title.
std::string MarkdownToText(std::string_view markdown, std::string& first_heading) {
  std::unique_ptr<cmark_node, CmarkNodeDeleter> root(
      cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT));
  std::string text;
  if (!root) return text;
  std::unique_ptr<cmark_iter, CmarkIterDeleter> iter(cmark_iter_new(root.get()));
  bool in_heading = false;
  bool heading_taken = false;
  cmark_event_type event;
  while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    const cmark_node_type type = cmark_node_get_type(node);
    if (event == CMARK_EVENT_ENTER) {
      if (type == CMARK_NODE_HEADING && !heading_taken) in_heading = true;
      if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK) {
        const char* literal = cmark_node_get_literal(node);
        if (literal != nullptr) {
          text += literal;
          if (in_heading) first_heading += literal;
        }
      } else if (type == CMARK_NODE_SOFTBREAK) {
        text += ' ';
      } else if (type == CMARK_NODE_LINEBREAK) {
        text += '\n';
      }
    } else if (event == CMARK_EVENT_EXIT && IsBlock(type)) {
      if (type == CMARK_NODE_HEADING && in_heading) {
        in_heading = false;
        heading_taken = true;
      }
      if (!text.empty() && text.back() != '\n') text += '\n';
    }
  }
  return text;
}

}  // namespace

LoadedRecord LoadMarkdown(std::string_view content, const std::string& file, const DocumentLimits& limits) {
  LoadedRecord record;
  record.file = file;
  record.doc.source = file;
  std::string_view yaml;
  std::string_view body = content;
  int body_line = 1;
  if (SplitFrontMatter(content, yaml, body, body_line)) {
    auto meta = ParseYamlMapping(yaml, 2, limits);
    if (!meta.ok()) {
      record.line = 1;
      record.error = "front matter: " + meta.status().message();
      return record;
    }
    if (Status s = ApplyMetadata(meta.value(), record.doc); !s.ok()) {
      record.line = 1;
      record.error = "front matter: " + s.message();
      return record;
    }
  } else if (StartsWith(content, "---\n") || StartsWith(content, "---\r\n")) {
    record.line = 1;
    record.error = "front matter starting on line 1 is not closed by a '---' line";
    return record;
  }
  std::string heading;
  record.doc.body = MarkdownToText(body, heading);
  if (Trim(record.doc.title).empty()) record.doc.title = std::string(Trim(heading));
  if (Trim(record.doc.title).empty()) {
    record.doc.title = DeriveTitle(Trim(record.doc.summary).empty() ? record.doc.body : record.doc.summary);
    record.title_derived = !record.doc.title.empty();
  }
  return record;
}

}  // namespace portalkb
