// Turns a validated Document into the terms, values and data of its Xapian
// document (see storage/schema.h for the layout).
#pragma once

#include <xapian.h>

#include "analysis/analyzer.h"
#include "portalkb/document.h"

namespace portalkb {

// Thread-safety: not safe for concurrent use (owns a Tokenizer).
class DocumentIndexer {
 public:
  // `doc` must have passed ValidateDocument.
  Xapian::Document Build(const Document& doc) const;

 private:
  Tokenizer tokenizer_;
};

}  // namespace portalkb
