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

// Thread-safety: not safe for concurrent use (owns a Tokenizer); Analyse is
// the part that may run on several threads at once.
class DocumentIndexer {
 public:
  explicit DocumentIndexer(AttributeSlots slots = {}) : slots_(std::move(slots)) {}

  // `doc` must have passed ValidateDocument. AssignSlots, then Analyse with
  // the indexer's own tokenizer.
  Xapian::Document Build(const Document& doc);

  // Gives each numeric further field of `doc` seen for the first time the
  // next free slot (see slots()). Run it in document order on one thread, so
  // slots do not depend on how analysis is spread over threads.
  void AssignSlots(const Document& doc);

  // The Xapian document of `doc` (validated; its numeric fields have slots in
  // `slots`). Safe to call from several threads at once, each with its own
  // tokenizer.
  static Xapian::Document Analyse(const Document& doc, const Tokenizer& tokenizer, const AttributeSlots& slots);

  const AttributeSlots& slots() const { return slots_; }
  bool slots_changed() const { return slots_changed_; }
  void clear_slots_changed() { slots_changed_ = false; }

 private:
  Tokenizer tokenizer_;
  AttributeSlots slots_;
  bool slots_changed_ = false;
};

}  // namespace portalkb
