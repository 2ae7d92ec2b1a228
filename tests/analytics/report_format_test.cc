#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/text.h"
#include "portalkb/analytics.h"

namespace portalkb {
namespace {

// Stored queries and comments are typed by anyone; a report renders them.
Report HostileFeedback() {
  Report r;
  r.kind = "feedback";
  r.title = "Feedback <b>report</b>";
  r.columns = {"query", "comment", "count"};
  r.rows = {
      {std::string("=HYPERLINK(\"http://evil.example\",\"x\")"), std::string("+1+2"), std::int64_t{-3}},
      {std::string("@SUM(A1:A9)"), std::string("-2+3"), std::int64_t{5}},
      {std::string("\tx"), std::string("\rx"), std::int64_t{1}},
      {std::string("normal"), std::string("a,b"), std::int64_t{2}},
      {std::vector<std::string>{"=a", "b"}, std::string("<script>alert(1)</script>"), std::int64_t{4}},
      {std::string("' onmouseover='alert(1)"), std::string("\x1b[2Jgone\nnext \xE2\x80\xAEtxt.exe"), std::int64_t{7}},
  };
  return r;
}

TEST(ReportFormat, CsvCellsThatAFormulaCouldStartWithAreQuotedAndPrefixed) {
  const auto csv = FormatReport(HostileFeedback(), "csv");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv,
            "query,comment,count\n"
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\"'+1+2\",-3\n"
            "\"'@SUM(A1:A9)\",\"'-2+3\",5\n"
            "\"'\tx\",\"'\rx\",1\n"
            "normal,\"a,b\",2\n"
            "\"'=a, b\",<script>alert(1)</script>,4\n"
            "' onmouseover='alert(1),\"\x1b[2Jgone\nnext \xE2\x80\xAEtxt.exe\",7\n");
}

TEST(ReportFormat, HtmlEscapesHostileText) {
  const auto html = FormatReport(HostileFeedback(), "html");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->find("<script"), std::string::npos);
  EXPECT_NE(html->find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html->find("<b>"), std::string::npos);
  EXPECT_NE(html->find("Feedback &lt;b&gt;report&lt;/b&gt;"), std::string::npos);
  // The first column also labels the chart, inside an SVG element.
  EXPECT_EQ(html->find("' onmouseover='"), std::string::npos);
  EXPECT_NE(html->find("&#39; onmouseover=&#39;alert(1)"), std::string::npos);
}

TEST(ReportFormat, HtmlChartLabelIsCutOnACharacterBoundary) {
  Report r = HostileFeedback();
  std::string long_label = "x";                           // odd, so 36 bytes would end inside an é
  for (int i = 0; i < 40; ++i) long_label += "\xC3\xA9";  // é
  r.rows[0][0] = long_label;
  const auto html = FormatReport(r, "html");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(SanitizeUtf8(*html), *html);
  std::string cut = "x";
  for (int i = 0; i < 35; ++i) cut += "\xC3\xA9";
  EXPECT_NE(html->find(">" + cut + "...</text>"), std::string::npos);
}

TEST(ReportFormat, TableReplacesControlCharactersAndBidiOverrides) {
  const auto table = FormatReport(HostileFeedback(), "table");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->find('\x1b'), std::string::npos);
  EXPECT_EQ(table->find('\r'), std::string::npos);
  EXPECT_EQ(table->find("\xE2\x80\xAE"), std::string::npos);
  // Title, column names, then one line per row: no row is split.
  EXPECT_EQ(std::count(table->begin(), table->end(), '\n'), 2 + 6);
  EXPECT_NE(table->find("\xEF\xBF\xBD[2Jgone next \xEF\xBF\xBDtxt.exe"), std::string::npos);
}

}  // namespace
}  // namespace portalkb
