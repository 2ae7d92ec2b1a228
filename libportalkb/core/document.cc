#include "portalkb/document.h"

#include <algorithm>

#include "core/text.h"
#include "portalkb/principal.h"

namespace portalkb {
namespace {

constexpr std::size_t kMaxIdBytes = 200;
constexpr int kMaxCategoryDepth = 8;

// Untrusted values are echoed cut short, so one bad record cannot flood a log.
std::string Quoted(std::string_view value) { return "'" + Abbreviate(value) + "'"; }

Status OverLimit(std::string_view field, std::size_t size, std::size_t limit, std::string_view limit_name) {
  return Status::InvalidArgument(std::string(field) + ": " + std::to_string(size) + " bytes, over the limit of " +
                                 std::to_string(limit) + " bytes (" + std::string(limit_name) + ")");
}

// Grant names follow the one rule for principal ids (NormalizePrincipalId).
Result<std::string> ParseName(std::string_view grant, std::string_view what, std::string_view raw) {
  auto name = NormalizePrincipalId(raw, what);
  if (!name.ok()) {
    return Status::InvalidArgument("grant " + Quoted(grant) + ": " + std::string(what) +
                                   " must be 1-64 characters of a-z 0-9 . _ - @");
  }
  return name;
}

}  // namespace

Result<Grant> Grant::Parse(std::string_view text) {
  const std::string_view t = Trim(text);
  const std::string lower = AsciiLower(t);
  Grant g;
  if (lower == "public") return g;
  auto field = [&](std::string_view prefix) { return std::string_view(t).substr(prefix.size()); };
  if (StartsWith(lower, "role:")) {
    auto role = ParseName(t, "role", field("role:"));
    if (!role.ok()) return role.status();
    g.kind = Kind::kRole;
    g.role = std::move(role).value();
    return g;
  }
  if (StartsWith(lower, "user:")) {
    auto user = ParseName(t, "user", field("user:"));
    if (!user.ok()) return user.status();
    g.kind = Kind::kUser;
    g.user = std::move(user).value();
    return g;
  }
  if (StartsWith(lower, "org:")) {
    std::string_view rest = field("org:");
    const auto slash = rest.find('/');
    auto org = ParseName(t, "org", rest.substr(0, slash));
    if (!org.ok()) return org.status();
    g.org = std::move(org).value();
    if (slash == std::string_view::npos) {
      g.kind = Kind::kOrg;
      return g;
    }
    std::string_view role_part = rest.substr(slash + 1);
    if (!StartsWith(AsciiLower(role_part), "role:")) {
      return Status::InvalidArgument("grant " + Quoted(t) + ": expected org:O/role:R");
    }
    auto role = ParseName(t, "role", role_part.substr(5));
    if (!role.ok()) return role.status();
    g.kind = Kind::kOrgRole;
    g.role = std::move(role).value();
    return g;
  }
  return Status::InvalidArgument("grant " + Quoted(t) + ": expected public, role:R, org:O, org:O/role:R or user:U");
}

std::string Grant::ToString() const {
  switch (kind) {
    case Kind::kPublic:
      return "public";
    case Kind::kRole:
      return "role:" + role;
    case Kind::kOrg:
      return "org:" + org;
    case Kind::kOrgRole:
      return "org:" + org + "/role:" + role;
    case Kind::kUser:
      return "user:" + user;
  }
  return "public";
}

const char* DocumentTypeName(DocumentType type) { return type == DocumentType::kArticle ? "article" : "document"; }

Result<DocumentType> ParseDocumentType(std::string_view text) {
  const std::string t = AsciiLower(Trim(text));
  if (t == "article") return DocumentType::kArticle;
  if (t == "document") return DocumentType::kDocument;
  return Status::InvalidArgument("type " + Quoted(text) + ": expected article or document");
}

const std::vector<std::string>& SupportedLanguages() {
  static const std::vector<std::string> kLanguages = {"nl", "en", "sv", "de"};
  return kLanguages;
}

bool IsSupportedLanguage(std::string_view lang) {
  const auto& langs = SupportedLanguages();
  return std::find(langs.begin(), langs.end(), lang) != langs.end();
}

Status ValidateDocumentId(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("id: missing");
  if (id.size() > kMaxIdBytes) return Status::InvalidArgument("id: longer than 200 bytes");
  if (!IsValidUtf8(id)) return Status::InvalidArgument("id: not valid UTF-8");
  for (unsigned char c : id) {
    if (c < 0x20 || c == ' ' || c == 0x7F) {
      return Status::InvalidArgument("id " + Quoted(id) + ": contains white space or control characters");
    }
  }
  return Status::Ok();
}

Status ValidateDocument(Document& doc, const DocumentLimits& limits) {
  doc.id = std::string(Trim(doc.id));
  if (Status s = ValidateDocumentId(doc.id); !s.ok()) return s;
  // Sizes are checked before the copies below, so an oversized field costs
  // nothing more than its rejection.
  doc.title = SanitizeUtf8(Trim(doc.title));
  if (doc.title.empty()) return Status::InvalidArgument("title: missing");
  if (doc.title.size() > limits.max_title_bytes) {
    return OverLimit("title", doc.title.size(), limits.max_title_bytes, "max_title_bytes");
  }
  if (doc.summary.size() > limits.max_summary_bytes) {
    return OverLimit("summary", doc.summary.size(), limits.max_summary_bytes, "max_summary_bytes");
  }
  doc.summary = SanitizeUtf8(Trim(doc.summary));
  if (doc.body.size() > limits.max_record_bytes) {
    return OverLimit("body", doc.body.size(), limits.max_record_bytes, "max_record_bytes");
  }
  doc.body = SanitizeUtf8(doc.body);
  if (doc.url.size() > limits.max_url_bytes)
    return OverLimit("url", doc.url.size(), limits.max_url_bytes, "max_url_bytes");
  doc.url = SanitizeUtf8(Trim(doc.url));

  doc.lang = AsciiLower(Trim(doc.lang));
  if (doc.lang.empty()) return Status::InvalidArgument("lang: missing");
  if (!IsSupportedLanguage(doc.lang)) {
    std::string supported;
    for (const auto& l : SupportedLanguages()) supported += (supported.empty() ? "" : ", ") + l;
    return Status::InvalidArgument("lang " + Quoted(doc.lang) + ": not supported (supported: " + supported + ")");
  }

  doc.updated_at = std::string(Trim(doc.updated_at));
  if (!doc.updated_at.empty() && !ParseIsoDateTime(doc.updated_at)) {
    return Status::InvalidArgument("updated_at " + Quoted(doc.updated_at) +
                                   ": expected an ISO date like 2026-03-14 or 2026-03-14T09:30:00Z");
  }

  // Category: trim each level; no empty levels.
  std::string category;
  int depth = 0;
  std::string_view rest = Trim(doc.category);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view level = Trim(rest.substr(0, slash));
    if (level.empty()) return Status::InvalidArgument("category " + Quoted(doc.category) + ": empty level");
    if (++depth > kMaxCategoryDepth)
      return Status::InvalidArgument("category " + Quoted(doc.category) + ": deeper than 8 levels");
    if (!category.empty()) category += '/';
    category += SanitizeUtf8(level);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
    if (Trim(rest).empty()) return Status::InvalidArgument("category " + Quoted(doc.category) + ": empty level");
  }
  // The whole path is one term (and so is each of its prefixes).
  if (category.size() > limits.max_term_bytes) {
    return Status::InvalidArgument("category " + Quoted(category) + ": " + std::to_string(category.size()) +
                                   " bytes, over the limit of " + std::to_string(limits.max_term_bytes) +
                                   " bytes for a category path (max_term_bytes)");
  }
  doc.category = std::move(category);

  if (doc.tags.size() > limits.max_tags) {
    return Status::InvalidArgument("tags: " + std::to_string(doc.tags.size()) + " tags, over the limit of " +
                                   std::to_string(limits.max_tags) + " (max_tags)");
  }
  std::vector<std::string> tags;
  for (const auto& tag : doc.tags) {
    std::string t = SanitizeUtf8(AsciiLower(Trim(tag)));
    if (t.size() > limits.max_term_bytes) {
      return Status::InvalidArgument("tags: " + Quoted(t) + " is " + std::to_string(t.size()) +
                                     " bytes, over the limit of " + std::to_string(limits.max_term_bytes) +
                                     " bytes for a tag (max_term_bytes)");
    }
    if (!t.empty() && std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(std::move(t));
  }
  doc.tags = std::move(tags);

  for (std::string* field : {&doc.publish_at, &doc.unpublish_at}) {
    *field = std::string(Trim(*field));
    if (!field->empty() && !ParseIsoDateTime(*field)) {
      return Status::InvalidArgument(std::string(field == &doc.publish_at ? "publish_at" : "unpublish_at") + " " +
                                     Quoted(*field) + ": expected an ISO date like 2026-03-14 or 2026-03-14T09:30:00Z");
    }
  }
  if (!doc.publish_at.empty() && !doc.unpublish_at.empty() &&
      *ParseIsoDateTime(doc.unpublish_at) <= *ParseIsoDateTime(doc.publish_at)) {
    return Status::InvalidArgument("unpublish_at " + Quoted(doc.unpublish_at) + " is not after publish_at " +
                                   Quoted(doc.publish_at));
  }
  for (auto& [name, values] : doc.attributes) {
    if (name.empty() || name.size() > 32 || !std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        })) {
      return Status::InvalidArgument("field " + Quoted(name) + ": names are 1-32 characters of a-z 0-9 _");
    }
    for (auto& v : values) {
      v = SanitizeUtf8(Trim(v));
      if (v.size() > 200)
        return Status::InvalidArgument("field " + Quoted(name) + ": a value is longer than 200 bytes");
    }
  }
  if (doc.visibility.empty()) {
    return Status::InvalidArgument(
        "visibility: no grant; every document must say who may see it "
        "(public, role:R, org:O, org:O/role:R or user:U)");
  }
  if (doc.type == DocumentType::kDocument) {
    const bool has_org = std::any_of(doc.visibility.begin(), doc.visibility.end(), [](const Grant& g) {
      return g.kind == Grant::Kind::kOrg || g.kind == Grant::Kind::kOrgRole;
    });
    if (!has_org) {
      return Status::InvalidArgument(
          "visibility: a customer document (type document) needs an org:O or org:O/role:R grant");
    }
  }
  return Status::Ok();
}

}  // namespace portalkb
