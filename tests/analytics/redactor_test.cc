#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "analytics/redactor.h"

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
  };
  for (const auto& c : cases) EXPECT_EQ(r.Redact(c.in), c.out) << c.in;
}

TEST(Redactor, ChecksumFailuresAndOrdinaryNumbersStay) {
  const Redactor r;
  for (const char* keep : {"iban NL91ABNA0417164301",      // wrong mod-97
                           "kaart 4111 1111 1111 1112",    // fails Luhn
                           "bsn 111222334",                // fails the 11-check
                           "order 2026 0042 status",       // short numbers
                           "artikel 12345 prijs 19,95",
                           "personnummer 811318-9876"}) {  // month 13
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
  const std::string out = r.Redact(hostile);  // cut to 2000 bytes, linear-time patterns
  EXPECT_LE(out.size(), 2000u);
  std::string digits(100000, '7');
  EXPECT_LE(r.Redact(digits, 100000).size(), 100000u);
  EXPECT_EQ(r.Redact("\xff\xfe broken utf8"), "\xEF\xBF\xBD\xEF\xBF\xBD broken utf8");
}

// A query of the largest size the log keeps, mixing words, ordinary numbers
// and personal data; prints the time per call so a regression is visible.
TEST(Redactor, TwoKilobyteQueryTakesWellUnderAMillisecond) {
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
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  std::printf("redact 2000 bytes: %.1f us per call\n", static_cast<double>(us) / rounds);
  EXPECT_GT(sink, 0u);
  // Generous (sanitizer builds, a shared machine): catches a blow-up, not noise.
  EXPECT_LT(us / rounds, 20000);
}

}  // namespace
}  // namespace portalkb
