// The stored form of a document (Xapian document data): compact JSON holding
// every field, so results and snippets need no second lookup.
#pragma once

#include <string>

#include "portalkb/document.h"
#include "portalkb/status.h"

namespace portalkb {

std::string EncodeDocument(const Document& doc);
// Corruption if `data` is not what EncodeDocument wrote.
Result<Document> DecodeDocument(const std::string& data);

}  // namespace portalkb
