// HOTP (RFC 4226 appendix D) and TOTP (RFC 6238 appendix B, SHA-1) test
// vectors.
#include <gtest/gtest.h>

#include "accounts/totp.h"

namespace portalkb::accounts {
namespace {

const std::string kRfcSecret = "12345678901234567890";

TEST(Totp, Rfc4226HotpVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(HotpCode(kRfcSecret, counter), expected[counter]) << "counter " << counter;
  }
}

TEST(Totp, Rfc6238Sha1Vectors) {
  struct Case {
    std::int64_t time;
    const char* eight_digits;
  };
  const Case cases[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& c : cases) {
    EXPECT_EQ(TotpCode(kRfcSecret, c.time, 8), c.eight_digits) << "T=" << c.time;
    // Six digits are the same number modulo 10^6.
    EXPECT_EQ(TotpCode(kRfcSecret, c.time), std::string(c.eight_digits).substr(2)) << "T=" << c.time;
  }
}

TEST(Totp, MatchAcceptsOneStepOfDriftAndNothingBeforeTheMinimum) {
  const std::int64_t t = 1111111111;  // step 37037037
  const std::int64_t step = t / 30;
  EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, t), t, 0), step);
  EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, t - 30), t, 0), step - 1);
  EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, t + 30), t, 0), step + 1);
  EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, t + 60), t, 0), std::nullopt);
  EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, t - 60), t, 0), std::nullopt);
  EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, t), t, step + 1), std::nullopt) << "used already";
  EXPECT_EQ(MatchTotp(kRfcSecret, "12345", t, 0), std::nullopt);
}

TEST(Totp, Base32IsRfc4648) {
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

}  // namespace
}  // namespace portalkb::accounts
