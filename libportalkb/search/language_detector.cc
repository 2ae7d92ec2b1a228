#include "search/language_detector.h"

#include <algorithm>
#include <map>

#include "analysis/stopwords.h"
#include "portalkb/document.h"
#include "storage/schema.h"

namespace portalkb {
namespace {

using Q = Xapian::Query;

Xapian::doccount CountBoth(const Xapian::Database& db, const std::string& term, const std::string& lang_term) {
  Xapian::Enquire enquire(db);
  enquire.set_query(Q(Q::OP_AND, Q(term), Q(lang_term)));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  // Counted exactly up to kMaxDetectionCount, estimated beyond: a share is all
  // detection needs, and a common word must not cost a walk of its postings.
  return enquire.get_mset(0, 0, std::min<Xapian::doccount>(db.get_doccount(), kMaxDetectionCount))
      .get_matches_estimated();
}

}  // namespace

std::string DetectQueryLanguage(const Xapian::Database& db, const std::vector<Token>& tokens) {
  std::map<std::string, double> score;
  std::size_t words = 0;
  for (const Token& t : tokens) {
    if (t.joined || t.has_digit) continue;
    if (++words > kMaxDetectionWords) break;
    bool stop = false;
    for (const auto& lang : SupportedLanguages()) {
      if (IsStopWord(lang, t.folded)) {
        score[lang] += kStopWordVote;
        stop = true;
      }
    }
    if (stop) continue;  // stop words are in every document of their language: the list said enough
    const Xapian::doccount df = db.get_termfreq(t.folded);
    if (df == 0) continue;
    for (const auto& lang : SupportedLanguages()) {
      const Xapian::doccount in_lang = CountBoth(db, t.folded, schema::Term(schema::kLang, lang));
      score[lang] += static_cast<double>(in_lang) / static_cast<double>(df);
    }
  }
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
  return best_score - second >= kMinLead ? best : std::string();
}

bool OccursInLanguage(const Xapian::Database& db, const std::string& folded, const std::string& lang) {
  Xapian::Enquire enquire(db);
  enquire.set_query(Q(Q::OP_AND, Q(folded), Q(schema::Term(schema::kLang, lang))));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return !enquire.get_mset(0, 1).empty();
}

}  // namespace portalkb
