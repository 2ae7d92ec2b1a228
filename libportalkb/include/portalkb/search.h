// Search requests and responses: plain values, cheap to copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace portalkb {

// Query syntax: words are matched through the same analysis as documents
// (folding, stemming); "double quotes" make a phrase; -word or -"a phrase"
// excludes. Results matching more query words rank first; within that, a
// title match outranks a body match.
struct SearchRequest {
  std::string query;
  // ISO 639-1 code. Empty: search every language, analysing the query with
  // all supported stemmers. Otherwise: only documents in this language,
  // analysed as this language. Unsupported codes are InvalidArgument.
  std::string lang;
  std::size_t limit = 10;   // 0..1000
  std::size_t offset = 0;   // for pagination
};

struct Hit {
  std::string id;
  std::string title;
  std::string type;     // "article" | "document"
  std::string lang;
  std::string url;
  std::string category;
  std::string updated_at;
  double score = 0;     // higher is better; comparable within one response only
  // Up to SearchOptions::snippet_words words of the best-matching passage,
  // HTML-escaped, with matched words wrapped in <mark>...</mark>.
  std::string snippet;
};

struct SearchResponse {
  std::string query;
  std::uint64_t total = 0;  // exact number of matching documents
  std::vector<Hit> hits;
  double took_ms = 0;
};

}  // namespace portalkb
