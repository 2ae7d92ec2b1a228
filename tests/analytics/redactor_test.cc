#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "analytics/redactor.h"
#include "core/text.h"

namespace portalkb {
namespace {

TEST(Redactor, ReplacesEachKindWithItsPlaceholder) {
  const Redactor r;
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"mail jan.jansen@example.com please", "mail [email] please"},
      {"iban NL91ABNA0417164300 graag", "iban [iban] graag"},
      {"iban NL91 ABNA 0417 1643 00", "iban [iban]"},
      {"rekening DE89370400440532013000", "rekening [iban]"},
      {"kaart 4111 1111 1111 1111 geweigerd", "kaart [card] geweigerd"},
      {"bsn 111222333 opvragen", "bsn [bsn] opvragen"},
      {"personnummer 811218-9876", "personnummer [personnummer]"},
      {"personnummer 19811218-9876", "personnummer [personnummer]"},
      {"bel 06-12345678 terug", "bel [phone] terug"},
      {"bel +31 6 12345678", "bel [phone]"},
      {"ring 070-123 45 67", "ring [phone]"},
      {"call +44 20 7946 0958 now", "call [phone] now"},
      // Red-team findings (issue items 8 and 10).
      {"bel (020) 123-4567 aub", "bel [phone] aub"},
      {"bel 020-1234567", "bel [phone]"},
      {"bel +31 (0)20 123 4567 aub", "bel [phone] aub"},
      {"bel 0031 20 1234567", "bel [phone]"},
      {"ring 08-123 456 78", "ring [phone]"},
      {"ring +46 8 123 456 78 snart", "ring [phone] snart"},
      {"anrufen 030 12345678", "anrufen [phone]"},
      {"anrufen 030/12345678 bitte", "anrufen [phone] bitte"},
      {"anrufen +49 30 12345678", "anrufen [phone]"},
      {"call +1 (555) 123-4567", "call [phone]"},
      {"bsn 1234.56.782 opvragen", "bsn [bsn] opvragen"},
      {"bsn 123 456 782", "bsn [bsn]"},
      {"bsn 123-456-782", "bsn [bsn]"},
      {"bsn:123456782", "bsn:[bsn]"},
      {"personnummer 19811218 9876", "personnummer [personnummer]"},
      {"personnummer 811218+9876", "personnummer [personnummer]"},
      {"pnr 8112189876 klar", "pnr [personnummer] klar"},
      {"iban NL91-ABNA-0417-1643-00 graag", "iban [iban] graag"},
      {"iban NL91 ABNA 0417 1643 00 graag", "iban [iban] graag"},
      {"iban nl91abna0417164300", "iban [iban]"},
      {"iban GB82 WEST 1234 5698 7654 32", "iban [iban]"},
      {"mail jöhn@exämple.de", "mail [email]"},
      {"mail \"john doe\"@example.com now", "mail [email] now"},
      {"mail j.o+tag@sub.example.co.uk", "mail [email]"},
      {"kaart 4111.1111.1111.1111", "kaart [card]"},
      {"kaart 4111-1111-1111-1111 geweigerd", "kaart [card] geweigerd"},
      {"kaart 4111111111111111", "kaart [card]"},
      {"amex 3782 822463 10005", "amex [card]"},
      // A checked number inside a longer run of digits is still found.
      {"ref 12 4111 1111 1111 1111", "ref 12 [card]"},
      {"kaarten 4111 1111 1111 1111 en 5555 5555 5555 4444", "kaarten [card] en [card]"},
  };
  for (const auto& c : cases) EXPECT_EQ(r.Redact(c.in), c.out) << c.in;
}

TEST(Redactor, ChecksumFailuresAndOrdinaryNumbersStay) {
  const Redactor r;
  for (const char* keep :
       {"iban NL91ABNA0417164301",    // wrong mod-97
        "kaart 4111 1111 1111 1112",  // fails Luhn
        "bsn 111222334",              // fails the 11-check
        "order 2026 0042 status",     // short numbers
        "artikel 12345 prijs 19,95",
        "personnummer 811318-9876",     // month 13
        "order 123456789",              // fails the 11-check
        "order 1234-5678-9012",         // 12 digits: no kind
        "order 4111 1111 1111 1112 3",  // no run of groups passes Luhn
        "nota 9876543210987654321",     // 19 digits, fails Luhn
        "datum 2026-03-14 en 14-03-2026", "datum 01-03-2026 of 2026.03.01", "prijs € 1.299,00 of 19,95",
        "postcode 1234 AB Amsterdam", "huisnummer 12 bus 3", "tel 112", "versie 2.4.1 build 20260314"}) {
    EXPECT_EQ(r.Redact(keep), keep) << keep;
  }
}

TEST(Redactor, ChecksumFunctions) {
  EXPECT_TRUE(IbanChecksumValid("GB82WEST12345698765432"));
  EXPECT_FALSE(IbanChecksumValid("GB82WEST12345698765433"));
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_TRUE(BsnElevenCheckValid("111222333"));
  EXPECT_FALSE(BsnElevenCheckValid("123456789"));
}

TEST(Redactor, ExtraPatternsFromTextAndTheirErrors) {
  Redactor r;
  ASSERT_TRUE(r.AddPatterns("# customer numbers\nklantnummer KL-[0-9]{6}\n").ok());
  EXPECT_EQ(r.Redact("mijn nummer is KL-123456"), "mijn nummer is [klantnummer]");
  Redactor bad;
  const Status s = bad.AddPatterns("ok [a-z]+\nbroken (unclosed\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("line 2"), std::string::npos);
  EXPECT_FALSE(Redactor().AddPatterns("b@d x").ok());
}

TEST(Redactor, HostileInputIsBoundedAndSafe) {
  const Redactor r;
  std::string hostile;
  for (int i = 0; i < 100000; ++i) hostile += "a@b.";
  EXPECT_EQ(r.Redact(hostile), hostile.substr(0, 2000));  // cut to 2000 bytes, linear-time patterns
  const std::string digits(100000, '7');
  EXPECT_EQ(r.Redact(digits), digits.substr(0, 2000));
  EXPECT_EQ(r.Redact(digits, 100000), digits);  // one long number is no item
  EXPECT_EQ(r.Redact("\xff\xfe broken utf8"), "\xEF\xBF\xBD\xEF\xBF\xBD broken utf8");
}

// The largest k <= max_bytes that does not split a UTF-8 character.
std::size_t Boundary(const std::string& s, std::size_t max_bytes) {
  std::size_t k = std::min(max_bytes, s.size());
  while (k > 0 && k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  return k;
}

TEST(Redactor, InputIsCutToMaxBytesOnACharacterBoundary) {
  const Redactor r;
  const std::string text = "h\xC3\xA9\xC3\xA9l \xF0\x9F\x98\x80 \xE2\x82\xAC 12 \xC3\xB1";  // héél 😀 € 12 ñ
  for (std::size_t max = 0; max <= text.size() + 1; ++max) {
    const Redaction out = r.Apply(text, max);
    const std::size_t k = Boundary(text, max);
    EXPECT_EQ(out.text, text.substr(0, k)) << max;
    EXPECT_EQ(SanitizeUtf8(out.text), out.text) << max;  // valid UTF-8: no character cut in two
    EXPECT_EQ(out.truncated, k < text.size()) << max;
    EXPECT_FALSE(out.replaced) << max;
  }
}

TEST(Redactor, CutTextIsStillRedactedAndAnItemTheCutFallsInIsReplacedWhole) {
  const Redactor r;
  std::string text = "bsn 111222333 ";
  while (text.size() < 5000) text += "h\xC3\xA9\xC3\xA9l lang ";
  const Redaction out = r.Apply(text, 101);
  EXPECT_EQ(out.text, "bsn [bsn] " + text.substr(14, Boundary(text, 101) - 14));
  EXPECT_TRUE(out.replaced);
  EXPECT_TRUE(out.truncated);

  const std::string card = "kaart 4111 1111 1111 1111 en meer";  // the card is bytes [6, 25)
  EXPECT_EQ(r.Redact(card, 6), "kaart ");
  for (std::size_t max = 7; max <= 25; ++max) EXPECT_EQ(r.Redact(card, max), "kaart [card]") << max;
  EXPECT_EQ(r.Redact(card, 26), "kaart [card] ");
}

TEST(Redactor, ApplyTellsWhetherSomethingWasReplaced) {
  Redactor r;
  ASSERT_TRUE(r.AddPatterns("klantnummer KL-[0-9]{6}").ok());
  struct Case {
    const char* in;
    bool replaced;
  };
  const Case cases[] = {
      {"mail jan@example.com", true},
      {"bsn 123 456 782", true},
      {"klant KL-123456", true},
      {"wachtwoord vergeten 2026-03-14", false},
      {"order 123456789 prijs 19,95", false},
      {"\xff broken", false},
      {"", false},
  };
  for (const auto& c : cases) {
    const Redaction out = r.Apply(c.in);
    EXPECT_EQ(out.replaced, c.replaced) << c.in;
    EXPECT_EQ(out.text, r.Redact(c.in)) << c.in;
    EXPECT_FALSE(out.truncated) << c.in;
  }
  EXPECT_FALSE(Redactor().AddPatterns("anything x*").ok());  // would match between every character
}

// Property test: valid numbers of every checked kind, written with random
// separators and embedded in random text, never survive; text without
// numbers passes unchanged. Deterministic: a fixed seed and rng() % n.
class NumberMaker {
 public:
  explicit NumberMaker(std::uint32_t seed) : rng_(seed) {}
  std::uint32_t Below(std::uint32_t n) { return rng_() % n; }
  char Digit() { return static_cast<char>('0' + Below(10)); }

  std::string Bsn() {
    for (;;) {
      std::string d;
      int sum = 0;
      for (int i = 0; i < 8; ++i) {
        d += Digit();
        sum += (9 - i) * (d.back() - '0');
      }
      if (sum % 11 == 10 || sum == 0) continue;
      d += static_cast<char>('0' + sum % 11);
      return d;
    }
  }
  std::string Luhn(std::string body) {  // appends the check digit
    for (char c = '0'; c <= '9'; ++c) {
      if (LuhnValid(body + c)) return body + c;
    }
    return body;
  }
  std::string Card() {
    const std::size_t length = 13 + Below(7);
    std::string body(1, "3456"[Below(4)]);
    while (body.size() + 1 < length) body += Digit();
    return Luhn(body);
  }
  std::string Personnummer() {
    auto two = [](unsigned v) {
      return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
    };
    const std::string date = two(Below(100)) + two(1 + Below(12)) + two(1 + Below(28) + (Below(4) == 0 ? 60 : 0));
    const std::string ten = Luhn(date + Digit() + Digit() + Digit());
    return Below(2) ? ten : (Below(2) ? "19" : "20") + ten;
  }
  std::string Iban() {
    const bool dutch = Below(2) == 0;
    std::string bban = dutch ? std::string("ABNA") : std::string();
    while (bban.size() < (dutch ? 14u : 18u)) bban += Digit();
    const std::string country = dutch ? "NL" : "DE";
    for (int check = 2; check <= 98; ++check) {
      const std::string iban =
          country + static_cast<char>('0' + check / 10) + static_cast<char>('0' + check % 10) + bban;
      if (IbanChecksumValid(iban)) return iban;
    }
    return {};
  }
  // Separator runs of 1-2 of space - . / between random characters.
  std::string WithSeparators(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i > 0 && Below(3) == 0) {
        for (std::uint32_t n = 1 + Below(2); n > 0; --n) out += " -./"[Below(4)];
      }
      out += s[i];
    }
    return out;
  }
  std::string Words() {
    static const char* const kWords[] = {
        "graag",  "mijn",  "nummer", "is", "h\xC3\xA9\xC3\xA9l", "f\xC3\xB6rs\xC3\xA4kring",
        "Konto",  "bitte", "kan",    "ik", "betalen?",           "(zie",
        "brief)", "ok!",   "-",      "/"};
    std::string out;
    for (std::uint32_t n = Below(5); n > 0; --n) out += std::string(out.empty() ? "" : " ") + kWords[Below(16)];
    return out;
  }

 private:
  std::mt19937 rng_;
};

// Runs of at least six digits in `s` (separators ignored).
std::vector<std::string> DigitRunsOfSix(const std::string& s) {
  std::vector<std::string> runs;
  std::string run;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      run += s[i];
      continue;
    }
    for (std::size_t b = 0; b + 6 <= run.size(); ++b) runs.push_back(run.substr(b, 6));
    run.clear();
  }
  return runs;
}

std::string WithoutSeparators(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '-' && c != '.' && c != '/') out += c;
  }
  return out;
}

TEST(Redactor, PropertyCheckedNumbersWithAnySeparatorsNeverSurvive) {
  const Redactor r;
  NumberMaker make(20260314);
  const char* const kBefore[] = {" ", ": ", " (", " #"};
  const char* const kAfter[] = {" ", ", ", ") ", ". "};
  int cases = 0;
  for (int kind = 0; kind < 4; ++kind) {
    for (int i = 0; i < 500; ++i) {
      const std::string number = kind == 0   ? make.Bsn()
                                 : kind == 1 ? make.Personnummer()
                                 : kind == 2 ? make.Iban()
                                             : make.Card();
      ASSERT_FALSE(number.empty());
      const std::string input =
          make.Words() + kBefore[make.Below(4)] + make.WithSeparators(number) + kAfter[make.Below(4)] + make.Words();
      const Redaction out = r.Apply(input);
      EXPECT_NE(out.text, input);
      EXPECT_TRUE(out.replaced) << input;
      const std::string kept = WithoutSeparators(out.text);
      for (const auto& run : DigitRunsOfSix(number)) {
        EXPECT_EQ(kept.find(run), std::string::npos) << "input: " << input << "\noutput: " << out.text;
      }
      ++cases;
    }
  }
  EXPECT_EQ(cases, 2000);
}

TEST(Redactor, PropertyTextWithoutNumbersIsUnchanged) {
  const Redactor r;
  NumberMaker make(42);
  for (int i = 0; i < 500; ++i) {
    const std::string input = make.Words() + " " + make.Words() + (make.Below(2) ? " - . / " : " ") + make.Words();
    const Redaction out = r.Apply(input);
    EXPECT_EQ(out.text, input);
    EXPECT_FALSE(out.replaced) << input;
  }
}

// A query of the largest size the log keeps, mixing words, ordinary numbers
// and personal data; prints the time per call so a regression is visible.
// Found by fuzz_redactor: a custom pattern matching single characters grows
// the text by its placeholder per character, which is the documented bound.
TEST(Redactor, ACustomPatternOfSingleCharactersStaysWithinThePlaceholderBound) {
  Redactor r;
  const std::string name(Redactor::kMaxPlaceholderBytes - 2, 'a');
  ASSERT_TRUE(r.AddPatterns(name + " [0-9]").ok());
  EXPECT_FALSE(r.AddPatterns(name + "b [0-9]").ok()) << "a longer name would break the bound";
  const std::string digits(500, '7');
  const Redaction out = r.Apply(digits, 2000);
  EXPECT_EQ(out.text.find('7'), std::string::npos);
  EXPECT_EQ(out.text.size(), digits.size() * Redactor::kMaxPlaceholderBytes);
  EXPECT_LE(out.text.size(), Redactor::kMaxPlaceholderBytes * digits.size() + 64);
}

TEST(Redactor, TwoKilobyteQueryIsRedactedQuickly) {
  const Redactor r;
  std::string query;
  while (query.size() < 2000) {
    query += "mijn bestelling 2026-03-14 nr 48213 kost 19,95 bel 020-1234567 of mail jan@example.com ";
    query += "rekening NL91 ABNA 0417 1643 00 kaart 4111 1111 1111 1111 bsn 111222333 ";
  }
  query.resize(2000);
  const int rounds = 200;
  const auto start = std::chrono::steady_clock::now();
  std::size_t sink = 0;
  for (int i = 0; i < rounds; ++i) sink += r.Redact(query).size();
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  std::printf("redact 2000 bytes: %.1f us per call\n", static_cast<double>(us) / rounds);
  EXPECT_GT(sink, 0u);
  const std::string out = r.Redact(query);  // a broken redactor must not look fast
  EXPECT_EQ(out.find("4111"), std::string::npos);
  EXPECT_EQ(out.find("jan@"), std::string::npos);
  EXPECT_NE(out.find("[card]"), std::string::npos);
  EXPECT_NE(out.find("2026-03-14 nr 48213 kost 19,95"), std::string::npos);
  // Generous (sanitizer builds, a shared machine): catches a blow-up, not noise.
  EXPECT_LT(us / rounds, 20000);
}

}  // namespace
}  // namespace portalkb
