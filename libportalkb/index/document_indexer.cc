#include "index/document_indexer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include "core/text.h"
#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

// Xapian rejects terms over 245 bytes; ids and tags are the only unbounded ones.
constexpr std::size_t kMaxTermBytes = 240;

void AddBoolean(Xapian::Document& xdoc, std::string_view prefix, std::string_view value) {
  std::string term = schema::Term(prefix, value);
  if (term.size() <= kMaxTermBytes) xdoc.add_boolean_term(term);
}

}  // namespace

bool IsNumeric(const std::vector<std::string>& values) {
  if (values.empty()) return false;
  for (const auto& v : values) {
    if (v.empty()) return false;
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + v.size() || !std::isfinite(d)) return false;
  }
  return true;
}

Xapian::Document DocumentIndexer::Build(const Document& doc) {
  AssignSlots(doc);
  return Analyse(doc, tokenizer_, slots_);
}

void DocumentIndexer::AssignSlots(const Document& doc) {
  for (const auto& [name, values] : doc.attributes) {
    if (!IsNumeric(values) || slots_.count(name) > 0) continue;
    Xapian::valueno next = schema::kFirstAttributeSlot;
    for (const auto& [n, s] : slots_) next = std::max(next, s + 1);
    slots_.emplace(name, next);
    slots_changed_ = true;
  }
}

Xapian::Document DocumentIndexer::Analyse(const Document& doc, const Tokenizer& tokenizer,
                                          const AttributeSlots& slots) {
  using namespace schema;
  Xapian::Document xdoc;
  const LanguageRules rules(doc.lang);

  std::string tag_text;
  for (const auto& tag : doc.tags) tag_text += tag + "\n";
  std::string category_text = doc.category;
  for (char& c : category_text) {
    if (c == '/') c = '\n';
  }

  // In kTextFields order. Only the title has words of its own beside the
  // unprefixed ones (it ranks above the rest); the other fields are told
  // apart by their position ranges (schema::FieldFirstPosition).
  const std::string* fields[] = {&doc.title, &doc.summary, &tag_text, &category_text, &doc.body};
  static_assert(std::size(fields) == std::size(kTextFields));

  for (std::size_t f = 0; f < std::size(fields); ++f) {
    const bool title = f == 0;
    const Xapian::termpos first = FieldFirstPosition(f);
    const Xapian::termpos span = FieldLastPosition(f) - first;
    for (const Token& t : tokenizer.Tokenize(*fields[f])) {
      xdoc.add_posting(t.folded, first + std::min<Xapian::termpos>(t.position, span));
      if (t.lowered != t.folded) xdoc.add_term(Term(kAccented, t.lowered));
      if (rules.IsStop(t.folded)) {
        if (title) xdoc.add_term(Term(kTitleWord, t.folded));
        continue;
      }
      const std::string stem = rules.Stem(t.folded);
      xdoc.add_term(Term(kStem, stem));
      if (title) {
        xdoc.add_term(Term(kTitleWord, t.folded));
        xdoc.add_term(Term(kTitleStem, stem));
      }
    }
  }

  AddBoolean(xdoc, kId, doc.id);
  AddBoolean(xdoc, kType, DocumentTypeName(doc.type));
  AddBoolean(xdoc, kLang, doc.lang);
  for (const auto& tag : doc.tags) AddBoolean(xdoc, kTag, tag);
  if (!doc.category.empty()) {
    // One term per level: "Billing" and "Billing/Invoices".
    for (std::size_t slash = doc.category.find('/');; slash = doc.category.find('/', slash + 1)) {
      AddBoolean(xdoc, kCategory, doc.category.substr(0, slash));
      if (slash == std::string::npos) break;
    }
  }
  for (const auto& grant : doc.visibility) {
    AddBoolean(xdoc, kGrant, grant.ToString());
    if (!grant.org.empty()) AddBoolean(xdoc, kOrg, grant.org);
  }
  AddBoolean(xdoc, kStatus, doc.status == PublishStatus::kDraft ? "draft" : "published");
  const auto publish = ParseIsoDateTime(doc.publish_at);
  const auto unpublish = ParseIsoDateTime(doc.unpublish_at);
  xdoc.add_value(kSlotPublishAt, Xapian::sortable_serialise(publish ? static_cast<double>(*publish) : kNoStart));
  xdoc.add_value(kSlotUnpublishAt, Xapian::sortable_serialise(unpublish ? static_cast<double>(*unpublish) : kNoEnd));
  for (const auto& [name, values] : doc.attributes) {
    for (const auto& v : values) AddBoolean(xdoc, kAttribute, name + ":" + AsciiLower(v));
    if (!IsNumeric(values)) continue;
    const auto slot = slots.find(name);
    if (slot == slots.end()) continue;  // AssignSlots was not run: a caller's bug, not the document's
    xdoc.add_value(slot->second, Xapian::sortable_serialise(std::strtod(values.front().c_str(), nullptr)));
  }
  if (auto seconds = ParseIsoDateTime(doc.updated_at)) {
    xdoc.add_value(kSlotUpdatedAt, Xapian::sortable_serialise(static_cast<double>(*seconds)));
  }
  xdoc.set_data(EncodeDocument(doc));
  return xdoc;
}

}  // namespace portalkb
