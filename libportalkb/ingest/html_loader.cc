#include <gumbo.h>

#include <memory>

#include "core/text.h"
#include "ingest/loader.h"

namespace portalkb {
namespace {

struct GumboOutputDeleter {
  void operator()(GumboOutput* output) const { gumbo_destroy_output(&kGumboDefaultOptions, output); }
};

bool IsSkipped(GumboTag tag) {
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT ||
         tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_SVG;
}

bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
      return true;
    default:
      return false;
  }
}

// Collects visible text. Iterative: hostile documents may nest very deeply.
void CollectText(const GumboNode* root, std::string& out) {
  struct Frame {
    const GumboNode* node;
    unsigned child;
  };
  std::vector<Frame> stack{{root, 0}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboNode* node = frame.node;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
      out += node->v.text.text;
      stack.pop_back();
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT && node->type != GUMBO_NODE_TEMPLATE) {
      stack.pop_back();
      continue;
    }
    const GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    if (frame.child == 0 && node->type == GUMBO_NODE_ELEMENT) {
      if (IsSkipped(node->v.element.tag)) {
        stack.pop_back();
        continue;
      }
      if (IsBlock(node->v.element.tag) && !out.empty() && out.back() != '\n') out += '\n';
    }
    if (frame.child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[frame.child++]);
      stack.push_back({child, 0});
    } else {
      if (node->type == GUMBO_NODE_ELEMENT && IsBlock(node->v.element.tag) && !out.empty() && out.back() != '\n') {
        out += '\n';
      }
      stack.pop_back();
    }
  }
}

// Finds the first element with `tag` (breadth of the whole tree, iteratively).
const GumboNode* FindFirst(const GumboNode* root, GumboTag tag) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) continue;
    if (node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag) return node;
    const GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(children.data[i]));
  }
  return nullptr;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

// Collapses runs of spaces within lines and drops empty lines.
std::string TidyLines(std::string_view text) {
  std::string out;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string line = CollapseWhitespace(text.substr(begin, end - begin));
    if (!line.empty()) {
      out += line;
      out += '\n';
    }
    begin = end + 1;
  }
  return out;
}

}  // namespace

LoadedRecord LoadHtml(std::string_view content, const std::string& file) {
  LoadedRecord record;
  record.file = file;
  record.doc.source = file;
  std::unique_ptr<GumboOutput, GumboOutputDeleter> output(
      gumbo_parse_with_options(&kGumboDefaultOptions, content.data(), content.size()));
  if (!output) {
    record.error = "could not parse HTML";
    return record;
  }
  const GumboNode* root = output->root;
  if (const GumboNode* title = FindFirst(output->document, GUMBO_TAG_TITLE)) {
    std::string text;
    CollectText(title, text);
    record.doc.title = CollapseWhitespace(text);
  }
  if (Trim(record.doc.title).empty()) {
    if (const GumboNode* h1 = FindFirst(output->document, GUMBO_TAG_H1)) {
      std::string text;
      CollectText(h1, text);
      record.doc.title = CollapseWhitespace(text);
    }
  }
  if (root->type == GUMBO_NODE_ELEMENT) {
    if (const GumboAttribute* lang = gumbo_get_attribute(&root->v.element.attributes, "lang")) {
      std::string code = AsciiLower(lang->value);
      record.doc.lang = code.substr(0, code.find('-'));
    }
  }
  if (const GumboNode* body = FindFirst(output->document, GUMBO_TAG_BODY)) {
    std::string text;
    CollectText(body, text);
    record.doc.body = TidyLines(text);
  }
  return record;
}

}  // namespace portalkb
