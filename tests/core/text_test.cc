#include <gtest/gtest.h>

#include "core/text.h"

namespace portalkb {
namespace {

TEST(ParseIsoDateTime, AcceptsDatesAndDateTimes) {
  EXPECT_EQ(ParseIsoDateTime("1970-01-01"), 0);
  EXPECT_EQ(ParseIsoDateTime("1970-01-02"), 86400);
  EXPECT_EQ(ParseIsoDateTime("2000-03-01"), 951868800);
  EXPECT_EQ(ParseIsoDateTime("2024-02-29T12:00:00Z"), 1709208000);
  EXPECT_EQ(ParseIsoDateTime("2024-02-29T14:00:00+02:00"), 1709208000);
  EXPECT_EQ(ParseIsoDateTime("2024-02-29T12:00"), 1709208000);
}

TEST(ParseIsoDateTime, RejectsMalformedDates) {
  for (const char* bad : {"", "2024", "2024-13-01", "2023-02-29", "2024-01-32", "24-01-01", "2024-01-01T25:00",
                          "2024-01-01X", "2024-01-01T10:00+2", "2024/01/01"}) {
    EXPECT_FALSE(ParseIsoDateTime(bad).has_value()) << bad;
  }
}

TEST(Utf8, ValidatesAndSanitises) {
  EXPECT_TRUE(IsValidUtf8("financiën café ß 😀"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("abc\xE2\x82"));   // truncated
  EXPECT_EQ(SanitizeUtf8("a\xFFz"), "a\xEF\xBF\xBDz");
}

TEST(HtmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape("<b>\"a\" & 'b'</b>"), "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;");
}

}  // namespace
}  // namespace portalkb
