// The stored form of a document (Xapian document data): compact JSON holding
// every field, so results and snippets need no second lookup.
#pragma once

#include <map>
#include <string>

#include "portalkb/document.h"
#include "portalkb/status.h"

namespace portalkb {

std::string EncodeDocument(const Document& doc);
// Corruption if `data` is not what EncodeDocument wrote.
Result<Document> DecodeDocument(const std::string& data);

// The value slots of numeric further fields, as stored in schema::kSlotsKey.
std::string EncodeAttributeSlots(const std::map<std::string, unsigned>& slots);
Result<std::map<std::string, unsigned>> DecodeAttributeSlots(const std::string& json);

}  // namespace portalkb
