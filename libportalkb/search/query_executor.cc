#include "search/query_executor.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "access/access_filter.h"
#include "facets/filter.h"
#include "search/counting_spy.h"
#include "search/hits.h"
#include "search/match_bits.h"
#include "search/query_builder.h"
#include "search/language_detector.h"
#include "search/query_parser.h"
#include "storage/document_codec.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

using Q = Xapian::Query;

constexpr std::size_t kFacetValues = 100;

// The access filter and the parsed user filters of a request.
struct Constraints {
  Q access;  // MatchAll for an admin
  // What `access` matches as sets, when that can be had exactly: probes
  // then walk postings instead of running queries.
  std::optional<LanguageSets> sets;
  std::vector<std::pair<Filter, Q>> filters;
  // access AND every filter except those on `skip_field`.
  Q Combined(const std::string& skip_field = "") const {
    Q combined = access;
    for (const auto& [filter, query] : filters) {
      if (!skip_field.empty() && filter.field == skip_field && !filter.negated) continue;
      combined = filter.negated ? Q(Q::OP_AND_NOT, combined, query) : Q(Q::OP_FILTER, combined, query);
    }
    return combined;
  }
};

Result<Constraints> MakeConstraints(const SearchContext& context, const SearchRequest& request) {
  Constraints c;
  const auto& roles = context.snapshot.options().draft_viewer_roles;
  PrincipalAccess access = AccessFor(request.principal, context.now, roles, context.db, context.snapshot.access_sets());
  c.access = std::move(access.filter);
  c.sets = LanguageSets::Of(std::move(access.visible), context.db, context.snapshot.access_sets());
  for (const auto& text : request.filters) {
    auto filter = ParseFilter(text);
    if (!filter.ok()) return filter.status();
    if (filter->field == "org" && !request.principal.admin) {
      // Other customers do not exist for this principal: a filter on their
      // name must not tell whether any document mentions them.
      auto& values = filter->values;
      values.erase(std::remove_if(values.begin(), values.end(),
                                  [&](const std::string& v) { return v != request.principal.org; }),
                   values.end());
      if (values.empty()) {
        if (!filter->negated) c.filters.emplace_back(std::move(filter).value(), Q::MatchNothing);
        continue;
      }
    }
    auto query = FilterQuery(filter.value(), context.snapshot.slots());
    if (!query.ok()) return query.status();
    c.filters.emplace_back(std::move(filter).value(), std::move(query).value());
  }
  return c;
}

// The documents holding terms of at least built.min_matched_words of the
// query's words (what MatchedWordsDecider admits), from posting lists; nullopt
// when a word counts in some fields only or the evaluator's budget is spent.
std::optional<MatchBits> EnoughWords(MatchBitsEvaluator& evaluator, const BuiltQuery& built) {
  if (!evaluator.Charge(built.words.size())) return std::nullopt;
  std::vector<MatchBits> words(built.words.size(), MatchBits(evaluator.limit()));
  for (const auto& [term, origins] : built.origins) {
    for (const TermOrigin& o : origins) {
      if (o.fields != TermOrigin::kAllTextFields) return std::nullopt;
      if (o.word >= words.size()) continue;
      const MatchBits* bits = evaluator.Term(term);
      if (bits == nullptr) return std::nullopt;
      words[o.word] |= *bits;
    }
  }
  return evaluator.AtLeast(words, built.min_matched_words);
}

// The documents the counting pass of `built` under `constraints` (less the
// filters on `skip_field`) matches, from posting lists, when every part of
// it can be had so: the access as sets, the match query and the filters as
// combinations of terms, and every word's terms counting in all fields.
// `enough`: EnoughWords of `built`, computed once per search (null when it
// could not be had: then neither can this).
std::optional<MatchBits> MatchesFromPostings(MatchBitsEvaluator& evaluator, const BuiltQuery& built,
                                             const MatchBits* enough, const Constraints& constraints,
                                             const std::string& skip_field = "") {
  if (!constraints.sets) return std::nullopt;
  std::optional<MatchBits> matches = evaluator.Evaluate(built.match_query);
  if (!matches) return std::nullopt;
  if (built.min_matched_words > 0) {
    if (enough == nullptr) return std::nullopt;
    *matches &= *enough;
  }
  for (const auto& [filter, query] : constraints.filters) {
    if (!skip_field.empty() && filter.field == skip_field && !filter.negated) continue;
    std::optional<MatchBits> f = evaluator.Evaluate(query);
    if (!f) return std::nullopt;
    if (filter.negated) {
      matches->AndNot(*f);
    } else {
      *matches &= *f;
    }
  }
  if (!evaluator.Charge()) return std::nullopt;
  MatchBits visible(evaluator.limit());
  const VisibleDocuments& access = constraints.sets->visible;
  matches->ForEach([&](Xapian::docid id) {
    if (access.Contains(id)) visible.Set(id);
  });
  return visible;
}

// Whether `term` occurs in a document the constraints' access admits.
bool Visible(const Xapian::Database& db, const std::string& term, const Constraints& constraints) {
  if (constraints.sets) return OccursIn(db, term, constraints.sets->visible);
  return OccursUnder(db, term, constraints.access);
}

QueryContext MakeQueryContext(const SearchContext& context, const SearchRequest& request,
                              const std::string& detected_lang, const Constraints& constraints) {
  const EngineOptions& options = context.snapshot.options();
  QueryContext q;
  q.vocabulary = context.snapshot.vocabulary();
  q.synonyms = &context.snapshot.synonyms();
  q.typos = request.typo_tolerance && options.search.typo.enabled;
  q.prefix_last_word = request.prefix;
  q.baseline = request.ranking == "bm25";
  q.prefer_lang = detected_lang;
  {
    const Xapian::Database& db = context.db;
    const Q access = constraints.access;
    const LanguageSets* sets = constraints.sets ? &*constraints.sets : nullptr;
    q.occurs_in = [&db, access, sets](const std::string& term, const std::string& lang) {
      return OccursInLanguage(db, term, lang, access, sets);
    };
  }
  if (!request.principal.admin) {
    // One short boolean probe per examined candidate: does the word occur
    // in any document this principal may see?
    const Xapian::Database& db = context.db;
    q.visible = [&db, &constraints](const std::string& term) { return Visible(db, term, constraints); };
  }
  return q;
}

// Sets up sorting on `enquire`; InvalidArgument for a malformed sort.
Status ApplySort(const SearchContext& context, const std::string& sort, Xapian::Enquire& enquire) {
  if (sort.empty() || sort == "relevance") return Status::Ok();
  std::string field = sort;
  bool descending = true;
  if (const auto colon = field.find(':'); colon != std::string::npos) {
    const std::string order = field.substr(colon + 1);
    field = field.substr(0, colon);
    if (order != "asc" && order != "desc") {
      return Status::InvalidArgument("sort '" + sort.substr(0, 80) + "': order is asc or desc");
    }
    descending = order == "desc";
  }
  if (field == "updated_at") {
    enquire.set_sort_by_value_then_relevance(schema::kSlotUpdatedAt, descending);
    return Status::Ok();
  }
  if (!IsAttributeFieldName(field) || IsReservedField(field) || IsBuiltInFilterField(field)) {
    return Status::InvalidArgument("sort '" + sort.substr(0, 80) +
                                   "': sort by relevance, updated_at or a numeric further field (a-z 0-9 _)");
  }
  // A field no document has a number for sorts nothing (relevance decides),
  // whether or not documents this principal may not see have it: the answer
  // never tells hidden field names.
  if (const auto it = context.snapshot.slots().find(field); it != context.snapshot.slots().end()) {
    enquire.set_sort_by_value_then_relevance(it->second, descending);
  }
  return Status::Ok();
}

// Runs one query text; fills hits, total, facets and the built query.
Status Run(const SearchContext& context, const SearchRequest& request, const Constraints& constraints,
           const std::string& query_text, SearchResponse& response, BuiltQuery& built) {
  const EngineOptions& options = context.snapshot.options();
  const QueryBuilder builder(options.search, context.tokenizer);
  if (request.lang.empty() && request.ranking.empty() && options.search.detect_language) {
    response.detected_lang = DetectQueryLanguage(context.db, context.tokenizer.Tokenize(query_text), constraints.access,
                                                 constraints.sets ? &*constraints.sets : nullptr);
  }
  built =
      builder.Build(query_text, request.lang, MakeQueryContext(context, request, response.detected_lang, constraints));
  response.hits.clear();
  response.facets.clear();
  response.total = 0;
  if (built.matches_nothing) return Status::Ok();
  const Xapian::Database& db = context.db;
  // Access and user filters are constraints inside the match: a document the
  // principal may not see is never a candidate, so it reaches no count.
  Q query(Q::OP_FILTER, built.query, constraints.Combined());
  // The word-count rule as a filter from posting lists when it can be had
  // so: a decider reads each candidate's term list (tens of ms for a
  // question of common words on 100k documents).
  const MatchedWordsDecider decider(built);
  const Xapian::MatchDecider* match_decider = built.min_matched_words == 0 ? nullptr : &decider;
  const Xapian::MatchDecider* ranked_decider = match_decider;
  MatchBitsEvaluator evaluator(db);
  std::shared_ptr<const MatchBits> enough;  // also what the facet counts need
  if (match_decider != nullptr && options.search.count_from_postings) {
    if (std::optional<MatchBits> bits = EnoughWords(evaluator, built)) {
      enough = std::make_shared<const MatchBits>(std::move(*bits));
      // Tested on the query's candidates, never driving them (see BitsetSource).
      query = Q(Q::OP_FILTER, query, MatchBitsQuery(enough, db.get_doccount()));
      ranked_decider = nullptr;
    }
  }

  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BM25Weight(built.bm25_k1, 0, 1, built.bm25_b, 0.5));
  if (Status s = ApplySort(context, request.sort, enquire); !s.ok()) return s;
  const bool facets = !request.facets.empty();
  // Without facets the ranked pass counts, exactly up to count_limit matches
  // (walking them all costs about twice a ranked pass that may prune); with
  // them an unweighted pass without the ranking parts counts matches and
  // facet values together, exactly.
  const auto page_end = static_cast<Xapian::doccount>(request.offset + request.limit);
  const std::size_t limit = options.search.count_limit;
  const Xapian::doccount check =
      facets ? page_end : (limit == 0 ? db.get_doccount() : std::max(page_end, static_cast<Xapian::doccount>(limit)));
  CountingSpy counted;
  if (!facets) enquire.add_matchspy(&counted);
  const Xapian::MSet mset =
      enquire.get_mset(static_cast<Xapian::doccount>(request.offset), static_cast<Xapian::doccount>(request.limit),
                       check, nullptr, ranked_decider);
  if (!facets) {
    // Fewer accepted than check_at_least: the matcher saw every match.
    response.total_exact = counted.count() < check;
    response.total = response.total_exact ? counted.count() : check;
  }

  if (facets) {
    const std::shared_ptr<const FacetIndex> facet_index = context.snapshot.Facets(db);
    // Fields filtered on are counted without their own filter (disjunctive).
    std::vector<std::string> plain;
    std::vector<std::string> disjunctive;
    for (const auto& field : request.facets) {
      const bool filtered = std::any_of(constraints.filters.begin(), constraints.filters.end(),
                                        [&](const auto& f) { return f.first.field == field && !f.first.negated; });
      (filtered ? disjunctive : plain).push_back(field);
    }
    auto count = [&](const Q& q, const std::vector<std::string>& fields, bool set_total,
                     const std::string& skip_field) {
      FacetCollector collector(*facet_index, fields, context.now);
      std::optional<MatchBits> bits;
      if (options.search.count_from_postings) {
        bits = MatchesFromPostings(evaluator, built, enough.get(), constraints, skip_field);
      }
      if (bits) {
        bits->ForEach([&](Xapian::docid id) { collector.Add(id); });
        if (set_total) {
          response.total = bits->Count();
          response.total_exact = true;
        }
        for (auto& [field, counts] : collector.Counts(kFacetValues)) response.facets[field] = std::move(counts);
        return;
      }
      CountingSpy matches;
      Xapian::Enquire counter(db);
      counter.set_query(q);
      counter.set_weighting_scheme(Xapian::BoolWeight());
      counter.add_matchspy(&collector);
      counter.add_matchspy(&matches);
      (void)counter.get_mset(0, 0, db.get_doccount(), nullptr, match_decider);
      if (set_total) {
        response.total = matches.count();
        response.total_exact = true;
      }
      for (auto& [field, counts] : collector.Counts(kFacetValues)) response.facets[field] = std::move(counts);
    };
    count(Q(Q::OP_FILTER, built.match_query, constraints.Combined()), plain, /*set_total=*/true, "");
    for (const auto& field : disjunctive) {
      count(Q(Q::OP_FILTER, built.match_query, constraints.Combined(field)), {field}, false, field);
    }
    // Only the principal's own organisation is ever named: a public
    // document's extra grant must not reveal another customer.
    if (const auto org = response.facets.find("org"); org != response.facets.end() && !request.principal.admin) {
      auto& values = org->second;
      values.erase(std::remove_if(values.begin(), values.end(),
                                  [&](const FacetCount& v) { return v.value != request.principal.org; }),
                   values.end());
    }
  }

  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto doc = DecodeDocument(it.get_document().get_data());
    if (!doc.ok()) return doc.status();
    Hit hit = MakeHit(doc.value(), it.get_weight(), &built, options.search, context.tokenizer);
    // How each query word matched: its best (fewest typos) matching term.
    std::vector<const TermOrigin*> best(built.words.size(), nullptr);
    for (auto t = enquire.get_matching_terms_begin(it); t != enquire.get_matching_terms_end(it); ++t) {
      const auto found = built.origins.find(*t);
      if (found == built.origins.end()) continue;
      for (const TermOrigin& origin : found->second) {
        // A typo candidate under typo.disabled_fields may be in the document
        // only in a field switched off: then it did not match for this word.
        if (origin.fields != TermOrigin::kAllTextFields &&
            !CountsIn(origin, db.positionlist_begin(*it, *t), db.positionlist_end(*it, *t))) {
          continue;
        }
        const TermOrigin*& b = best[origin.word];
        if (b == nullptr || origin.typos < b->typos ||
            (origin.typos == b->typos && std::string_view(b->kind) != "exact" &&
             std::string_view(origin.kind) == "exact")) {
          b = &origin;
        }
      }
    }
    for (std::size_t w = 0; w < best.size(); ++w) {
      if (best[w] == nullptr) continue;
      const std::string& word = built.words[w].folded.empty() ? built.words[w].text : built.words[w].folded;
      hit.matches.push_back({word, best[w]->matched, best[w]->typos, best[w]->kind});
    }
    hit.weak = hit.matches.size() < built.words.size();
    response.hits.push_back(std::move(hit));
  }
  return Status::Ok();
}

// The query with "did you mean" corrections built only from words of
// documents the request's principal may see, or "" when none applies.
std::string Correct(const SearchContext& context, const Constraints& constraints, const std::string& query_text,
                    const BuiltQuery& built) {
  const Vocabulary* vocabulary = context.snapshot.vocabulary();
  if (vocabulary == nullptr) return {};
  const TypoExpander expander(context.snapshot.options().search.typo, *vocabulary);
  // A correction must occur in a document the principal may see: the
  // vocabulary covers every document, so check each candidate.
  auto visible = [&](const std::string& term) { return Visible(context.db, term, constraints); };
  std::map<std::string, std::string> corrections;  // folded word -> correction
  // A word that matches nothing and has no correction either, in a short
  // query (up to min_matched_words_max_query words): the query is about
  // something the index does not hold ("easy recipe for chocolate cake"),
  // and correcting its other words ("recipe" -> "receive") would answer a
  // different question. A question's unknown words do not say that: its
  // corrections are kept (measured: dropping them costs 0.016 MRR on
  // corpus/queries/questions).
  std::size_t uncorrectable = 0;
  for (const QueryWord& w : built.words) {
    if (w.phrase || w.in_vocabulary) continue;
    bool corrected = false;
    if (expander.Eligible(w.token)) {
      for (const auto& candidate : expander.Corrections(w.token)) {
        if (visible(candidate.term)) {
          corrections[w.folded] = candidate.term;
          corrected = true;
          break;
        }
      }
    }
    if (!corrected) ++uncorrectable;
  }
  if (uncorrectable > 0 && built.words.size() <= context.snapshot.options().search.min_matched_words_max_query) {
    return {};
  }
  if (corrections.empty()) return {};
  std::string corrected;
  for (const QueryClause& clause : ParseQuery(query_text)) {
    std::string text = clause.text;
    if (clause.kind == QueryClause::Kind::kWord && !clause.excluded) {
      const auto tokens = context.tokenizer.Tokenize(clause.text);
      if (tokens.size() == 1) {
        const auto c = corrections.find(tokens[0].folded);
        if (c != corrections.end()) text = c->second;
      }
    }
    if (clause.kind == QueryClause::Kind::kPhrase) text = "\"" + text + "\"";
    if (clause.excluded) text = "-" + text;
    corrected += (corrected.empty() ? "" : " ") + text;
  }
  return corrected;
}

}  // namespace

Status ValidateSearchRequest(const SearchRequest& request, const SearchOptions& options, const Tokenizer& tokenizer) {
  const SearchLimits& limits = options.limits;
  auto over = [](const std::string& what, std::size_t value, const char* limit_name, std::size_t limit) {
    return Status::InvalidArgument(what + " " + std::to_string(value) + " is over the limit " + limit_name + " (" +
                                   std::to_string(limit) + ")");
  };
  if (request.limit > limits.max_limit) return over("limit", request.limit, "max_limit", limits.max_limit);
  if (request.offset > limits.max_offset) return over("offset", request.offset, "max_offset", limits.max_offset);
  if (request.query.size() > limits.max_query_bytes) {
    return over("query of", request.query.size(), "max_query_bytes", limits.max_query_bytes);
  }
  if (!request.ranking.empty() && request.ranking != "bm25") {
    return Status::InvalidArgument("ranking '" + request.ranking.substr(0, 80) + "' is not known (\"\" or \"bm25\")");
  }
  if (!request.lang.empty() && !IsSupportedLanguage(request.lang)) {
    return Status::InvalidArgument("lang '" + request.lang.substr(0, 80) + "' is not supported (nl, en, sv, de)");
  }
  std::size_t words = 0;
  for (const Token& t : tokenizer.Tokenize(request.query)) words += t.joined ? 0 : 1;
  if (words > limits.max_query_words) return over("query of", words, "max_query_words", limits.max_query_words);
  if (request.filters.size() > limits.max_filters) {
    return over("filters:", request.filters.size(), "max_filters", limits.max_filters);
  }
  std::size_t values = 0;
  for (const auto& f : request.filters) values += 1 + static_cast<std::size_t>(std::count(f.begin(), f.end(), '|'));
  if (values > limits.max_filter_values) {
    return over("filter values:", values, "max_filter_values", limits.max_filter_values);
  }
  if (request.facets.size() > limits.max_facets) {
    return over("facets:", request.facets.size(), "max_facets", limits.max_facets);
  }
  return Status::Ok();
}

Result<SearchResponse> ExecuteSearch(const SearchContext& context, const SearchRequest& request) {
  auto constraints = MakeConstraints(context, request);
  if (!constraints.ok()) return constraints.status();
  SearchResponse response;
  response.query = request.query;
  BuiltQuery built;
  if (Status s = Run(context, request, constraints.value(), request.query, response, built); !s.ok()) return s;
  // The baseline has no typo tolerance, so no corrections either.
  if (!request.correct || request.ranking == "bm25") return response;
  const std::string corrected = Correct(context, constraints.value(), request.query, built);
  if (corrected.empty() || corrected == request.query) return response;
  SearchResponse alternative;
  BuiltQuery alternative_built;
  if (Status s = Run(context, request, constraints.value(), corrected, alternative, alternative_built); !s.ok()) {
    return s;
  }
  const std::size_t threshold = std::max<std::size_t>(1, context.snapshot.options().search.correction_threshold);
  if (response.total < threshold && alternative.total > response.total) {
    alternative.query = request.query;
    alternative.corrected_query = corrected;
    return alternative;
  }
  if (alternative.total >= 2 * response.total + threshold) response.suggestion = corrected;
  return response;
}

Result<Xapian::Query> ConstraintQuery(const SearchContext& context, const Principal& principal,
                                      const std::vector<std::string>& filters) {
  SearchRequest request;
  request.principal = principal;
  request.filters = filters;
  auto constraints = MakeConstraints(context, request);
  if (!constraints.ok()) return constraints.status();
  return constraints->Combined();
}

}  // namespace portalkb
