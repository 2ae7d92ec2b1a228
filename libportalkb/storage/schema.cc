#include "storage/schema.h"

namespace portalkb::schema {

std::string Term(std::string_view prefix, std::string_view value) {
  std::string term;
  term.reserve(prefix.size() + value.size());
  term.append(prefix);
  term.append(value);
  return term;
}

}  // namespace portalkb::schema
