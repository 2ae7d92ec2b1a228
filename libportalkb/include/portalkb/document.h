// The document model: what portalkb indexes and returns.
#pragma once

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
  std::string id;          // external id, unique in the index (1-200 bytes, no control chars)
  DocumentType type = DocumentType::kArticle;
  std::string title;
  std::string summary;
  std::string body;        // plain text; PDF pages are separated by '\f'
  std::string lang;        // ISO 639-1 code of a supported language (see SupportedLanguages)
  std::vector<std::string> tags;
  std::string category;    // hierarchical path "Billing/Invoices"
  std::string updated_at;  // ISO date "YYYY-MM-DD" or date-time "YYYY-MM-DDTHH:MM:SSZ"; may be empty
  std::string url;
  std::vector<Grant> visibility;
  // Drafts are seen only by principals with the "editor" role. A published
  // document is visible from publish_at (if set) until unpublish_at (if set),
  // ISO dates or date-times, judged at search time.
  PublishStatus status = PublishStatus::kPublished;
  std::string publish_at;
  std::string unpublish_at;
  // Further fields ("product": ["portal"], "price": ["12.50"]): filterable and
  // facetable keyword fields; a field whose values are all numbers can also
  // be filtered by range and sorted on. Names: 1-32 characters of [a-z0-9_].
  std::map<std::string, std::vector<std::string>> attributes;
  std::string source;      // where it was loaded from ("file.jsonl:12"); informational
};

// Checks a document against the schema: required fields, a supported
// language, a well-formed date and category, at least one grant, and an org
// grant on customer documents. Normalises in place (trims, lower-cases tags,
// language and grants). The error message names the offending field.
Status ValidateDocument(Document& doc);

// Languages with analysis support (stemmer and stop words), e.g. "nl", "en".
const std::vector<std::string>& SupportedLanguages();
bool IsSupportedLanguage(std::string_view lang);

}  // namespace portalkb
