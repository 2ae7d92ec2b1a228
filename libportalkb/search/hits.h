// Turning a stored document into the Hit a caller sees: fields, score and a
// snippet around the matched words.
#pragma once

#include "analysis/analyzer.h"
#include "portalkb/document.h"
#include "portalkb/options.h"
#include "portalkb/search.h"
#include "search/query_builder.h"

namespace portalkb {

// `built` null: no query words to highlight; the snippet is the lead of the
// summary (or body).
Hit MakeHit(const Document& doc, double score, const BuiltQuery* built, const SearchOptions& options,
            const Tokenizer& tokenizer);

}  // namespace portalkb
