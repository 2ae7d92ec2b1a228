#include "search/statistics.h"

#include <algorithm>

#include "storage/document_codec.h"
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

Result<std::vector<GrantedDocument>> CollectGranted(const Xapian::Database& db, const Grant& grant, std::size_t limit,
                                                    bool& truncated) {
  std::vector<GrantedDocument> out;
  truncated = false;
  const std::string term = schema::Term(schema::kGrant, grant.ToString());
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    if (out.size() == limit) {
      truncated = true;
      break;
    }
    auto doc = DecodeDocument(db.get_document(*it).get_data());
    if (!doc.ok()) return doc.status();
    GrantedDocument g;
    g.id = doc->id;
    g.title = doc->title;
    g.type = doc->type;
    g.only_grant = doc->visibility.size() == 1 && doc->visibility.front() == grant;
    out.push_back(std::move(g));
  }
  // Postings come in docid order; callers expect ids.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

}  // namespace portalkb
