#include "storage/schema.h"

namespace portalkb::schema {

std::string Term(std::string_view prefix, std::string_view value) {
  std::string term;
  term.reserve(prefix.size() + value.size());
  term.append(prefix);
  term.append(value);
  return term;
}

std::string_view FieldWordPrefix(std::string_view field) {
  if (field == "title") return kTitleWord;
  if (field == "summary") return kSummaryWord;
  if (field == "tags") return kTagWord;
  if (field == "category") return kCategoryWord;
  if (field == "body") return kBodyWord;
  return {};
}

}  // namespace portalkb::schema
