// Generates a realistic search log: Zipf-distributed intents, typing bursts
// (prefix chains within a session), typos, zero-result gaps, clicks, feedback
// and support contacts, spread over 90 days.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "portalkb/analytics.h"

namespace portalkb {

struct GeneratedLog {
  std::size_t searches = 0;
  std::size_t clicks = 0;
};

inline GeneratedLog GenerateLog(Analytics& log, std::size_t searches, long long end_ms, std::uint32_t seed = 5) {
  static const char* kWords[] = {"factuur",   "downloaden",    "wachtwoord", "vergeten",   "parkeervergunning",
                                 "aanvragen", "adres",         "wijzigen",   "bestelling", "annuleren",
                                 "retour",    "terugbetaling", "contract",   "opzeggen",   "afval",
                                 "grofvuil",  "invoice",       "download",   "password",   "reset",
                                 "parcel",    "tracking",      "refund",     "return",     "council",
                                 "tax",       "faktura",       "lösenord",   "paket",      "retur",
                                 "bygglov",   "sophämtning",   "storing",    "melding",    "abonnement",
                                 "korting"};
  constexpr std::size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);
  static const char* kGaps[] = {"hypotheekrente", "zonnepanelen subsidie", "vacatures", "co2 voetafdruk",
                                "fiskekort",      "mortgage rates",        "webinar",   "jachtvergunning"};
  std::mt19937 rng(seed);
  // Intents: pairs of words; Zipf (s = 1) over 5,000 of them.
  std::vector<std::string> intents;
  for (std::size_t i = 0; intents.size() < 5000; ++i) {
    intents.push_back(std::string(kWords[(i * 7) % kWordCount]) + " " + kWords[(i * 13 + i / kWordCount) % kWordCount]);
  }
  std::vector<double> cumulative;
  double total = 0;
  for (std::size_t i = 0; i < intents.size(); ++i) cumulative.push_back(total += 1.0 / static_cast<double>(i + 1));
  std::uniform_real_distribution<double> uniform(0, total);
  auto pick_intent = [&]() -> const std::string& {
    const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), uniform(rng));
    return intents[static_cast<std::size_t>(it - cumulative.begin())];
  };
  auto typo = [&](std::string q) {
    if (q.size() < 6) return q;
    const std::size_t p = 2 + rng() % (q.size() - 3);
    if (q[p] == ' ' || q[p + 1] == ' ') return q;
    std::swap(q[p], q[p + 1]);
    return q;
  };
  GeneratedLog out;
  const long long start = end_ms - 90LL * 86400000;
  long long ts = start;
  const long long step = (end_ms - start) / static_cast<long long>(searches + 1);
  std::size_t session = 0;
  while (out.searches < searches) {
    ++session;
    const std::string sid = "s" + std::to_string(session);
    const int in_session = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < in_session && out.searches < searches; ++k) {
      std::string query = rng() % 100 < 6 ? kGaps[rng() % 8] : pick_intent();
      if (rng() % 100 < 12) query = typo(query);
      const bool zero = query.rfind("hypo", 0) == 0 || query.rfind("zonne", 0) == 0 || query.rfind("vaca", 0) == 0 ||
                        query.rfind("co2", 0) == 0 || query.rfind("fisk", 0) == 0 || query.rfind("mort", 0) == 0 ||
                        query.rfind("webi", 0) == 0 || query.rfind("jacht", 0) == 0;
      // A typing burst: the prefixes of the query, 300 ms apart.
      if (rng() % 100 < 30 && out.searches + 3 < searches) {
        for (std::size_t len = 3; len < query.size() && len <= 7; len += 2) {
          SearchEvent e;
          e.ts_ms = ts;
          e.query = query.substr(0, len);
          e.session = sid;
          e.results = 3;
          e.lang = "nl";
          log.LogSearch(e);
          ++out.searches;
          ts += 300;
        }
      }
      SearchEvent e;
      e.ts_ms = ts;
      e.query_id = Analytics::NewQueryId();
      e.query = query;
      e.session = sid;
      e.user = "u" + std::to_string(session % 20000);
      e.roles = {rng() % 3 == 0 ? "finance" : "customer"};
      e.lang = rng() % 3 == 0 ? "en" : "nl";
      e.results = zero ? 0 : 1 + rng() % 40;
      log.LogSearch(e);
      ++out.searches;
      if (!zero && rng() % 100 < 35) {
        log.LogClick(e.query_id, "doc" + std::to_string(rng() % 300), 1 + static_cast<int>(rng() % 5)).ok();
        ++out.clicks;
      }
      if (rng() % 1000 < 5) log.LogSupportContact(e.query_id).ok();
      if (rng() % 1000 < 8) log.LogFeedback(e.query_id, "doc" + std::to_string(rng() % 300), rng() % 2 == 0, "").ok();
      ts += step;
    }
  }
  log.Flush().ok();
  return out;
}

}  // namespace portalkb
