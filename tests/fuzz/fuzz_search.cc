// The query syntax (words, "phrases", -exclusions) through the whole search
// path: parse, analysis, synonym, typo and prefix expansion, filters, facets,
// snippets and corrections, on a small index built once in a temporary
// directory. Byte 0 sets the switches (typo tolerance, prefix, corrections,
// language, principal); the rest is the query, and after a newline, one
// filter. Invariant: a search answers or refuses with InvalidArgument; at
// most `limit` hits, no more than the total; and the document granted only
// to organisation "secret" never reaches a principal outside it, in hits,
// snippets, facets, corrections or suggestions.
#include <cstddef>
#include <cstdint>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "portalkb/engine.h"
#include "portalkb/index_writer.h"

namespace {

namespace fs = std::filesystem;

// Words only the secret document holds; none may leave the engine for
// another principal.
constexpr std::string_view kSecretWords[] = {"zwartgeld", "kluis"};

fs::path g_dir;
std::unique_ptr<portalkb::Engine> g_engine;

void RemoveIndex() {
  g_engine.reset();
  std::error_code ec;
  fs::remove_all(g_dir, ec);
}

portalkb::Document Make(std::string id, std::string title, std::string body, std::string lang,
                        std::string grant = "public") {
  portalkb::Document d;
  d.id = std::move(id);
  d.title = std::move(title);
  d.body = std::move(body);
  d.lang = std::move(lang);
  d.category = "Billing/Invoices";
  d.tags = {"invoice", "payment"};
  d.updated_at = "2026-03-14";
  d.attributes["price"] = {"12.50"};
  d.visibility.push_back(portalkb::Grant::Parse(grant).value());
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/portalkb-fuzz-search-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "fuzz_search: mkdtemp(%s) failed\n", pattern.c_str());
    std::abort();
  }
  g_dir = pattern;
  std::atexit(RemoveIndex);
  {
    auto writer = portalkb::IndexWriter::Open((g_dir / "index").string());
    FUZZ_CHECK(writer.ok(), "IndexWriter::Open: %s", writer.status().ToString().c_str());
    auto& w = *writer.value();
    const portalkb::Document docs[] = {
        Make("pw-reset", "Wachtwoord vergeten", "Stel je wachtwoord opnieuw in via de e-mail met de link.", "nl"),
        Make("invoice", "Factuur downloaden", "Je factuur vind je onder Mijn account, betalen met iDEAL.", "nl"),
        Make("refund", "Refund timing", "A refund reaches your account within five working days.", "en"),
        Make("password", "Reset your password", "Use the forgotten password link; the e-mail arrives soon.", "en"),
        Make("faktura", "Ladda ner faktura", "Fakturan finns under Mitt konto. Betala med Swish.", "sv"),
        Make("rechnung", "Rechnung herunterladen", "Die Rechnung finden Sie unter Mein Konto.", "de"),
        Make("secret", "Zwartgeld regeling", "Interne zwartgeld afspraken voor de wachtwoord kluis.", "nl",
             "org:secret"),
    };
    for (const auto& d : docs) {
      auto put = w.Put(d);
      FUZZ_CHECK(put.ok(), "Put %s: %s", d.id.c_str(), put.status().ToString().c_str());
    }
    auto rules = portalkb::ParseSynonyms("factuur, rekening, nota\nwachtwoord => paswoord\n", "nl");
    FUZZ_CHECK(rules.ok() && w.AddSynonyms(rules.value()).ok(), "synonyms");
    const portalkb::Status s = w.Commit();
    FUZZ_CHECK(s.ok(), "Commit: %s", s.ToString().c_str());
  }
  portalkb::EngineOptions options;
  options.analytics = false;
  auto engine = portalkb::Engine::Open((g_dir / "index").string(), options);
  FUZZ_CHECK(engine.ok(), "Engine::Open: %s", engine.status().ToString().c_str());
  g_engine = std::move(engine).value();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kLangs[] = {"", "nl", "en", "sv"};
  const std::uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  portalkb::SearchRequest request;
  const std::size_t nl = rest.find('\n');
  request.query = std::string(rest.substr(0, nl));
  if (nl != std::string_view::npos) request.filters.push_back(std::string(rest.substr(nl + 1)));
  request.typo_tolerance = flags & 1;
  request.prefix = flags & 2;
  request.correct = flags & 4;
  request.lang = kLangs[(flags >> 3) & 3];
  request.log = false;
  request.limit = 5;
  request.facets = {"tags", "category"};
  const bool insider = flags & 0x20;
  if (insider) {
    request.principal.user = "u1";
    request.principal.org = "secret";
  } else if (flags & 0x40) {
    request.principal.user = "u2";
    request.principal.org = "acme";
    request.principal.roles = {"editor"};
  }
  auto response = g_engine->Search(request);
  if (!response.ok()) {
    FUZZ_CHECK(response.status().code() == portalkb::StatusCode::kInvalidArgument, "unexpected code: %s",
               response.status().ToString().c_str());
    return 0;
  }
  const portalkb::SearchResponse& r = response.value();
  FUZZ_CHECK(r.hits.size() <= request.limit, "%zu hits over a limit of %zu", r.hits.size(), request.limit);
  FUZZ_CHECK(r.total >= r.hits.size(), "total %llu below %zu hits", static_cast<unsigned long long>(r.total),
             r.hits.size());
  if (!insider) {
    for (const auto& hit : r.hits)
      FUZZ_CHECK(hit.id != "secret", "the secret document is a hit: %s", request.query.c_str());
    // Words only the secret document holds: what the user typed may hold
    // them; anything else that does leaked them.
    portalkb::SearchResponse answer = r;
    answer.query.clear();
    std::string out = portalkb::ToJson(answer);
    std::string typed = request.query;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view word : kSecretWords) {
      if (typed.find(word.substr(0, 4)) != std::string::npos) continue;
      FUZZ_CHECK(out.find(word) == std::string::npos, "[%.*s] of the secret document leaked: %s",
                 static_cast<int>(word.size()), word.data(), out.c_str());
    }
  }
  return 0;
}
