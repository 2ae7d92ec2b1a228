#include "index/document_indexer.h"

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

Xapian::Document DocumentIndexer::Build(const Document& doc) const {
  using namespace schema;
  Xapian::Document xdoc;
  const LanguageRules rules(doc.lang);

  std::string tag_text;
  for (const auto& tag : doc.tags) tag_text += tag + "\n";
  std::string category_text = doc.category;
  for (char& c : category_text) {
    if (c == '/') c = '\n';
  }

  struct Field {
    const std::string* text;
    std::string_view word_prefix;
  };
  const Field fields[] = {
      {&doc.title, kTitleWord}, {&doc.summary, kSummaryWord}, {&tag_text, kTagWord},
      {&category_text, kCategoryWord}, {&doc.body, kBodyWord},
  };

  Xapian::termpos base = 1;
  for (const auto& field : fields) {
    const std::vector<Token> tokens = tokenizer_.Tokenize(*field.text);
    Xapian::termpos last = 0;
    for (const Token& t : tokens) {
      const Xapian::termpos pos = base + t.position;
      last = std::max(last, pos);
      xdoc.add_posting(t.folded, pos);
      if (t.lowered != t.folded) xdoc.add_term(Term(kAccented, t.lowered));
      const bool stop = rules.IsStop(t.folded);
      const std::string stem = stop ? std::string() : rules.Stem(t.folded);
      if (!stop) xdoc.add_term(Term(kStem, stem));
      xdoc.add_term(Term(field.word_prefix, t.folded));
      if (field.word_prefix == kTitleWord && !stop) xdoc.add_term(Term(kTitleStem, stem));
    }
    base = std::max(base, last) + kFieldPositionGap;
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
  for (const auto& grant : doc.visibility) AddBoolean(xdoc, kGrant, grant.ToString());
  if (auto seconds = ParseIsoDateTime(doc.updated_at)) {
    xdoc.add_value(kSlotUpdatedAt, Xapian::sortable_serialise(static_cast<double>(*seconds)));
  }
  xdoc.set_data(EncodeDocument(doc));
  return xdoc;
}

}  // namespace portalkb
