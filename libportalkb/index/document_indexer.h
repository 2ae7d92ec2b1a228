// Turns a validated Document into the terms, values and data of its Xapian
// document (see storage/schema.h for the layout).
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "portalkb/document.h"

namespace portalkb {

// Value slots of numeric further fields ("price" -> 10), stored with the index.
using AttributeSlots = std::map<std::string, Xapian::valueno>;

// True when every value parses as a finite number.
bool IsNumeric(const std::vector<std::string>& values);

// Thread-safety: not safe for concurrent use (owns a Tokenizer).
class DocumentIndexer {
 public:
  explicit DocumentIndexer(AttributeSlots slots = {}) : slots_(std::move(slots)) {}

  // `doc` must have passed ValidateDocument. A numeric further field seen for
  // the first time gets the next free slot (see slots()).
  Xapian::Document Build(const Document& doc);

  const AttributeSlots& slots() const { return slots_; }
  bool slots_changed() const { return slots_changed_; }
  void clear_slots_changed() { slots_changed_ = false; }

 private:
  Tokenizer tokenizer_;
  AttributeSlots slots_;
  bool slots_changed_ = false;
};

}  // namespace portalkb
