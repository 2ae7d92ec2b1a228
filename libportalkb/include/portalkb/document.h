// The document model: what portalkb indexes and returns.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "portalkb/status.h"

namespace portalkb {

// One visibility grant. A principal sees a document when any grant matches.
//   public            everybody, including anonymous visitors
//   role:R            any principal holding role R (in any organisation)
//   org:O             any principal of organisation O
//   org:O/role:R      a principal of organisation O holding role R
//   user:U            that user
struct Grant {
  enum class Kind { kPublic, kRole, kOrg, kOrgRole, kUser };
  Kind kind = Kind::kPublic;
  std::string org;   // kOrg, kOrgRole
  std::string role;  // kRole, kOrgRole
  std::string user;  // kUser

  // Parses the textual form above. Names are 1-64 characters of [a-z0-9._-]
  // (lower-cased on input); anything else is InvalidArgument naming the grant.
  static Result<Grant> Parse(std::string_view text);
  std::string ToString() const;
  bool operator==(const Grant&) const = default;
};

enum class DocumentType { kArticle, kDocument };
const char* DocumentTypeName(DocumentType type);  // "article" / "document"
Result<DocumentType> ParseDocumentType(std::string_view text);

enum class PublishStatus { kPublished, kDraft };

struct Document {
  std::string id;  // external id, unique in the index (1-200 bytes, no control chars)
  DocumentType type = DocumentType::kArticle;
  std::string title;
  std::string summary;
  std::string body;  // plain text; PDF pages are separated by '\f'
  std::string lang;  // ISO 639-1 code of a supported language (see SupportedLanguages)
  std::vector<std::string> tags;
  std::string category;    // hierarchical path "Billing/Invoices"
  std::string updated_at;  // ISO date "YYYY-MM-DD" or date-time "YYYY-MM-DDTHH:MM:SSZ"; may be empty
  std::string url;
  std::vector<Grant> visibility;
  // Drafts are seen only by principals holding one of
  // EngineOptions::draft_viewer_roles (default "editor"). A published
  // document is visible from publish_at (if set) until unpublish_at (if set),
  // ISO dates or date-times, judged at search time.
  PublishStatus status = PublishStatus::kPublished;
  std::string publish_at;
  std::string unpublish_at;
  // Further fields ("product": ["portal"], "price": ["12.50"]): filterable and
  // facetable keyword fields; a field whose values are all numbers can also
  // be filtered by range and sorted on. Names: 1-32 characters of [a-z0-9_].
  std::map<std::string, std::vector<std::string>> attributes;
  std::string source;  // where it was loaded from ("file.jsonl:12"); informational
};

// Bounds on what one record may cost to read and index. The defaults are far
// above anything a portal writes; they exist so a hostile or broken file is
// rejected (naming the limit) instead of taking minutes and gigabytes.
struct DocumentLimits {
  // A JSON Lines line, a whole Markdown/HTML/text file or a sidecar, and the
  // body of any document (including text extracted from a PDF). 10 MiB.
  std::size_t max_record_bytes = 10u << 20;
  // A PDF file (images make them large; only the text is kept). 100 MiB.
  std::size_t max_pdf_bytes = 100u << 20;
  std::size_t max_title_bytes = 1024;
  std::size_t max_summary_bytes = 16u << 10;
  std::size_t max_url_bytes = 4096;
  std::size_t max_tags = 100;
  // A tag or a whole category path. Both become single Xapian terms, which
  // cannot exceed 245 bytes including their prefix.
  std::size_t max_term_bytes = 240;
  // HTML element nesting kept; deeper elements are flattened into their
  // parent (their text is kept). Real pages nest a few dozen deep.
  std::size_t max_html_depth = 256;
  // YAML front matter and sidecars: values after alias expansion, and nesting.
  std::size_t max_yaml_values = 10000;
  std::size_t max_yaml_depth = 32;
};

// Checks a document against the schema: required fields, a supported
// language, a well-formed date and category, at least one grant, an org
// grant on customer documents, and `limits`. Normalises in place (trims,
// lower-cases tags, language and grants). The error message names the
// offending field (and the limit it exceeds); echoed values are cut to about
// 80 characters.
Status ValidateDocument(Document& doc, const DocumentLimits& limits = {});

// The id rules of ValidateDocument on their own (1-200 bytes of UTF-8, no
// white space or control characters; not trimmed here), for ids that arrive
// outside a document, such as in a URL path. InvalidArgument naming the rule.
Status ValidateDocumentId(std::string_view id);

// Languages with analysis support (stemmer and stop words), e.g. "nl", "en".
const std::vector<std::string>& SupportedLanguages();
bool IsSupportedLanguage(std::string_view lang);

}  // namespace portalkb
