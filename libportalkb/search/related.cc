#include "search/related.h"

#include "search/hits.h"
#include "search/query_executor.h"
#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {

Result<std::vector<Hit>> FindRelated(const SearchContext& context, const RelatedRequest& request) {
  using Q = Xapian::Query;
  const std::string& id = request.id;
  std::vector<Hit> hits;
  const Xapian::Database& db = context.db;
  // What this principal may see, narrowed by the filters exactly as a
  // search's are (the same constraint builder).
  auto constraint = ConstraintQuery(context, request.principal, request.filters);
  if (!constraint.ok()) return constraint.status();
  const Q access = std::move(constraint).value();
  // The source itself must be visible, or it does not exist for this principal.
  Xapian::Enquire source(db);
  source.set_query(Q(Q::OP_FILTER, Q(schema::Term(schema::kId, id)), access));
  const Xapian::MSet found = source.get_mset(0, 1);
  if (found.empty()) return Status::NotFound("no document with id '" + id.substr(0, 80) + "'");
  Xapian::RSet rset;
  rset.add_document(*found.begin());
  Xapian::Enquire enquire(db);
  enquire.set_query(Q(Q::OP_FILTER, schema::MatchAllQuery(), access));
  // Expand on stems only: they carry the topic.
  struct StemsOnly : Xapian::ExpandDecider {
    bool operator()(const std::string& term) const override {
      return term.size() > 1 && term[0] == 'Z' && term[1] != 'S';
    }
  } stems_only;
  const Xapian::ESet eset = enquire.get_eset(12, rset, &stems_only);
  if (eset.empty()) return hits;
  Q related(Q::OP_ELITE_SET, eset.begin(), eset.end(), 12);
  related = Q(Q::OP_AND_NOT, related, Q(schema::Term(schema::kId, id)));
  enquire.set_query(Q(Q::OP_FILTER, related, access));
  const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.limit));
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto doc = DecodeDocument(it.get_document().get_data());
    if (!doc.ok()) return doc.status();
    hits.push_back(
        MakeHit(doc.value(), it.get_weight(), nullptr, context.snapshot.options().search, context.tokenizer));
  }
  return hits;
}

}  // namespace portalkb
