#include "storage/schema.h"

#include <algorithm>

namespace portalkb::schema {

std::string Term(std::string_view prefix, std::string_view value) {
  std::string term;
  term.reserve(prefix.size() + value.size());
  term.append(prefix);
  term.append(value);
  return term;
}

std::size_t TextFieldIndex(std::string_view field) {
  return static_cast<std::size_t>(std::find(std::begin(kTextFields), std::end(kTextFields), field) -
                                  std::begin(kTextFields));
}

Xapian::termpos FieldFirstPosition(std::size_t field) {
  if (field == kBodyField) return 1;
  return kShortFieldsFirstPosition + static_cast<Xapian::termpos>(field) * kShortFieldPositions;
}

Xapian::termpos FieldLastPosition(std::size_t field) {
  if (field == kBodyField) return kShortFieldsFirstPosition - 1;
  return FieldFirstPosition(field) + kShortFieldPositions - 1;
}

std::size_t FieldOfPosition(Xapian::termpos pos) {
  if (pos < kShortFieldsFirstPosition) return kBodyField;
  const std::size_t field = (pos - kShortFieldsFirstPosition) / kShortFieldPositions;
  return field < kBodyField ? field : kBodyField;  // past the last range: not written by the indexer
}

}  // namespace portalkb::schema
