#include "search/statistics.h"

#include "storage/schema.h"

namespace portalkb {

IndexStats CollectStats(const Xapian::Database& db) {
  IndexStats stats;
  stats.documents = db.get_doccount();
  for (const char* type : {"article", "document"}) {
    const auto n = db.get_termfreq(schema::Term(schema::kType, type));
    if (n > 0) stats.by_type[type] = n;
  }
  const std::string lang_prefix(schema::kLang);
  for (auto it = db.allterms_begin(lang_prefix); it != db.allterms_end(lang_prefix); ++it) {
    const std::string term = *it;
    stats.by_lang[term.substr(lang_prefix.size())] = it.get_termfreq();
  }
  std::uint64_t terms = 0;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++terms;
  stats.terms = terms;
  return stats;
}

}  // namespace portalkb
