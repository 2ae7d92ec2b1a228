#include "search/language_detector.h"

#include <algorithm>
#include <map>

#include "analysis/stopwords.h"
#include "portalkb/document.h"
#include "search/counting_spy.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

using Q = Xapian::Query;

// The documents `access` lets see that hold `term` and are in the language
// of `lang_term`, counted up to kMaxDetectionCount: a share is all detection
// needs, and a common word must not cost a walk of its postings. Counted,
// never estimated: an estimate comes from term statistics, which documents
// the principal may not see take part in.
Xapian::doccount CountVisible(const Xapian::Database& db, const std::string& term, const std::string& lang_term,
                              const Xapian::Query& access) {
  Xapian::Enquire enquire(db);
  enquire.set_query(Q(Q::OP_FILTER, Q(Q::OP_AND, Q(term), Q(lang_term)), access));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  CountingSpy counter;
  enquire.add_matchspy(&counter);
  (void)enquire.get_mset(0, 0, kMaxDetectionCount);
  return counter.count();
}

// CountVisible for every language at once, from the sets: one walk of the
// term's postings, until each language has kMaxDetectionCount.
std::map<std::string, Xapian::doccount> CountVisibleByLanguage(const Xapian::Database& db, const std::string& term,
                                                               const LanguageSets& sets) {
  std::map<std::string, Xapian::doccount> counts;
  for (const auto& [lang, set] : sets.langs) counts[lang] = 0;
  std::size_t capped = 0;
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term) && capped < sets.langs.size(); ++it) {
    const Xapian::docid id = *it;
    if (!sets.visible.Contains(id)) continue;
    for (const auto& [lang, set] : sets.langs) {
      if (!set->Contains(id)) continue;
      Xapian::doccount& n = counts[lang];
      if (n < kMaxDetectionCount && ++n == kMaxDetectionCount) ++capped;
    }
  }
  return counts;
}

}  // namespace

std::optional<LanguageSets> LanguageSets::Of(std::optional<VisibleDocuments> visible, const Xapian::Database& db,
                                             const AccessSetCache& cache) {
  std::vector<std::pair<std::string, std::shared_ptr<const AccessSet>>> langs;
  bool all = true;
  for (const auto& lang : SupportedLanguages()) {  // each asked for: all are built from the second request on
    AccessTerms terms;
    terms.any_of = {schema::Term(schema::kLang, lang)};
    auto set = cache.Get(db, terms);
    all = all && set != nullptr;
    langs.emplace_back(lang, std::move(set));
  }
  if (!visible.has_value() || !all) return std::nullopt;
  return LanguageSets{std::move(visible).value(), std::move(langs)};
}

std::string DetectQueryLanguage(const Xapian::Database& db, const std::vector<Token>& tokens,
                                const Xapian::Query& access) {
  return DetectQueryLanguage(db, tokens, access, nullptr);
}

bool OccursInLanguage(const Xapian::Database& db, const std::string& folded, const std::string& lang,
                      const Xapian::Query& access) {
  return OccursInLanguage(db, folded, lang, access, nullptr);
}

std::string DetectQueryLanguage(const Xapian::Database& db, const std::vector<Token>& tokens,
                                const Xapian::Query& access, const LanguageSets* sets) {
  // The first kMaxDetectionWords words; stop words first, as they cost no
  // probe (a sum does not depend on the order).
  std::vector<const Token*> stop_words;
  std::vector<const Token*> content;
  for (const Token& t : tokens) {
    if (t.joined || t.has_digit) continue;
    if (stop_words.size() + content.size() == kMaxDetectionWords) break;
    const bool stop = std::any_of(SupportedLanguages().begin(), SupportedLanguages().end(),
                                  [&](const std::string& lang) { return IsStopWord(lang, t.folded); });
    (stop ? stop_words : content).push_back(&t);
  }
  std::map<std::string, double> score;
  auto leader = [&](double* lead) {
    std::string best;
    double best_score = 0;
    double second = 0;
    for (const auto& [lang, s] : score) {
      if (s > best_score) {
        second = best_score;
        best_score = s;
        best = lang;
      } else if (s > second) {
        second = s;
      }
    }
    *lead = best_score - second;
    return best;
  };
  for (const Token* t : stop_words) {
    // Stop words are in every document of their language: the list says enough.
    for (const auto& lang : SupportedLanguages()) {
      if (IsStopWord(lang, t->folded)) score[lang] += kStopWordVote;
    }
  }
  constexpr double kMostPerWord = std::max(1.0, kStopWordVote);  // a share is at most 1
  for (std::size_t i = 0; i < content.size(); ++i) {
    // Decided already: the words left could not close the lead to under kMinLead.
    double lead = 0;
    (void)leader(&lead);
    if (lead - static_cast<double>(content.size() - i) * kMostPerWord >= kMinLead) break;
    const Token& t = *content[i];
    if (db.get_termfreq(t.folded) == 0) continue;
    std::map<std::string, Xapian::doccount> in_lang;
    if (sets != nullptr) {
      in_lang = CountVisibleByLanguage(db, t.folded, *sets);
    } else {
      for (const auto& lang : SupportedLanguages()) {
        in_lang[lang] = CountVisible(db, t.folded, schema::Term(schema::kLang, lang), access);
      }
    }
    Xapian::doccount seen = 0;
    for (const auto& [lang, n] : in_lang) seen += n;
    if (seen == 0) continue;  // only in documents this principal may not see: unknown to it
    for (const auto& [lang, n] : in_lang) score[lang] += static_cast<double>(n) / static_cast<double>(seen);
  }
  double lead = 0;
  const std::string best = leader(&lead);
  return lead >= kMinLead ? best : std::string();
}

bool OccursInLanguage(const Xapian::Database& db, const std::string& folded, const std::string& lang,
                      const Xapian::Query& access, const LanguageSets* sets) {
  if (sets != nullptr) {
    for (const auto& [name, set] : sets->langs) {
      if (name == lang) return OccursIn(db, folded, sets->visible, set.get());
    }
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(Q(Q::OP_FILTER, Q(Q::OP_AND, Q(folded), Q(schema::Term(schema::kLang, lang))), access));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return !enquire.get_mset(0, 1).empty();
}

}  // namespace portalkb
