#include <gtest/gtest.h>

#include "ingest/loader.h"
#include "ingest/pdf_fixture.h"
#include "test_util.h"

namespace portalkb {
namespace {

std::vector<LoadedRecord> LoadAll(const std::string& path) {
  std::vector<LoadedRecord> records;
  LoadFile(path, [&](LoadedRecord&& r) { records.push_back(std::move(r)); });
  return records;
}

TEST(JsonLinesLoader, ReadsGoodLinesAndReportsBadOnesWithTheirLine) {
  const std::string content =
      R"({"id": "a", "title": "A", "lang": "en", "tags": ["x", "y"], "visibility": ["public"]})"
      "\n\n"
      "not json\n"
      R"([1, 2])"
      "\n"
      R"({"id": "b", "title": "B", "lang": "nl", "tags": "p, q", "visibility": "role:finance, org:acme"})"
      "\n"
      R"({"id": "c", "title": "C", "visibility": ["everyone"]})"
      "\n"
      R"({"id": "d", "title": 5, "tags": {"a": 1}})";
  std::vector<LoadedRecord> records;
  LoadJsonLines(content, "f.jsonl", [&](LoadedRecord&& r) { records.push_back(std::move(r)); });
  ASSERT_EQ(records.size(), 6u);
  EXPECT_TRUE(records[0].error.empty());
  EXPECT_EQ(records[0].doc.tags, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[1].error, "invalid JSON");
  EXPECT_EQ(records[2].line, 4);
  EXPECT_NE(records[2].error.find("object"), std::string::npos);
  EXPECT_TRUE(records[3].error.empty());
  EXPECT_EQ(records[3].doc.tags, (std::vector<std::string>{"p", "q"}));
  ASSERT_EQ(records[3].doc.visibility.size(), 2u);
  EXPECT_EQ(records[3].doc.visibility[1].ToString(), "org:acme");
  EXPECT_EQ(records[4].line, 6);
  EXPECT_NE(records[4].error.find("everyone"), std::string::npos);
  EXPECT_EQ(records[5].line, 7);
  EXPECT_NE(records[5].error.find("tags"), std::string::npos);
  EXPECT_EQ(records[0].doc.source, "f.jsonl:1");
}

TEST(MarkdownLoader, ReadsFrontMatterAndRendersPlainText) {
  const auto record = LoadMarkdown(
      "---\nid: pw\ntitle: Wachtwoord vergeten\nlang: nl\ntags: [wachtwoord, inloggen]\n"
      "visibility: [public]\ncategory: Account/Security\n---\n"
      "Intro with **bold** and a [link](http://x).\n\n1. Step one\n2. Step `two`\n",
      "a.md");
  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.doc.id, "pw");
  EXPECT_EQ(record.doc.title, "Wachtwoord vergeten");
  EXPECT_EQ(record.doc.category, "Account/Security");
  EXPECT_EQ(record.doc.body, "Intro with bold and a link.\nStep one\nStep two\n");
}

TEST(MarkdownLoader, TitleFallsBackToTheFirstHeading) {
  const auto record = LoadMarkdown("---\nid: x\n---\n# Return an item\n\nText.\n", "x.md");
  ASSERT_TRUE(record.error.empty());
  EXPECT_EQ(record.doc.title, "Return an item");
}

TEST(MarkdownLoader, BadFrontMatterNamesTheLine) {
  const auto bad_yaml = LoadMarkdown("---\nid: x\ntags: [a, b\ntitle: y\n---\nbody\n", "x.md");
  EXPECT_NE(bad_yaml.error.find("front matter"), std::string::npos);
  EXPECT_NE(bad_yaml.error.find("line "), std::string::npos) << bad_yaml.error;

  const auto unclosed = LoadMarkdown("---\nid: x\ntitle: y\n", "x.md");
  EXPECT_NE(unclosed.error.find("not closed"), std::string::npos);

  const auto not_a_map = LoadMarkdown("---\n- a\n- b\n---\nbody\n", "x.md");
  EXPECT_FALSE(not_a_map.error.empty());

  const auto bad_grant = LoadMarkdown("---\nid: x\nvisibility: [role:]\n---\nbody\n", "x.md");
  EXPECT_NE(bad_grant.error.find("visibility"), std::string::npos);
}

TEST(HtmlLoader, ExtractsVisibleTextTitleAndLanguage) {
  const auto record = LoadHtml(
      "<!doctype html><html lang=\"de-DE\"><head><title> Preisliste  2026 </title>"
      "<style>body{color:red}</style><script>var secretWord = 1;</script></head>"
      "<body><nav>Menu</nav><h1>Preise</h1><p>Die Geb&uuml;hren <b>steigen</b>.</p>"
      "<noscript>noscriptword</noscript><table><tr><td>A</td><td>10 EUR</td></tr></table></body></html>",
      "p.html");
  ASSERT_TRUE(record.error.empty());
  EXPECT_EQ(record.doc.title, "Preisliste 2026");
  EXPECT_EQ(record.doc.lang, "de");
  EXPECT_NE(record.doc.body.find("Die Gebühren steigen."), std::string::npos) << record.doc.body;
  EXPECT_EQ(record.doc.body.find("secretWord"), std::string::npos);
  EXPECT_EQ(record.doc.body.find("color"), std::string::npos);
  EXPECT_EQ(record.doc.body.find("noscriptword"), std::string::npos);
}

TEST(HtmlLoader, TitleFallsBackToFirstH1AndDeepNestingIsSafe) {
  std::string deep = "<html><body>";
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  deep += "<h1>Deep title</h1>deep text";
  const auto record = LoadHtml(deep, "deep.html");
  EXPECT_EQ(record.doc.title, "Deep title");
  EXPECT_NE(record.doc.body.find("deep text"), std::string::npos);
}

TEST(PdfLoader, ExtractsTextPerPage) {
  const std::string pdf =
      testing::MakePdf({{"Service Level Agreement", "Availability 99.9 percent"}, {"Caf\xE9 penalties apply"}});
  const auto record = LoadPdf(pdf, "sla.pdf");
  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.doc.title, "Service Level Agreement");
  const auto page_break = record.doc.body.find('\f');
  ASSERT_NE(page_break, std::string::npos);
  EXPECT_NE(record.doc.body.find("Availability 99.9 percent"), std::string::npos);
  EXPECT_LT(record.doc.body.find("Availability"), page_break);
  EXPECT_GT(record.doc.body.find("Café penalties"), page_break) << record.doc.body;
}

TEST(PdfLoader, GarbageIsAClearErrorNotACrash) {
  EXPECT_EQ(LoadPdf("%PDF-1.4 this is not really a pdf", "bad.pdf").error, "not a readable PDF");
  EXPECT_EQ(LoadPdf("", "empty.pdf").error, "not a readable PDF");
}

TEST(TextLoader, FirstLineIsTheTitle) {
  const auto record = LoadText("\n  Release notes 4.2  \nFixed things.\n", "notes.txt");
  EXPECT_EQ(record.doc.title, "Release notes 4.2");
  EXPECT_NE(record.doc.body.find("Fixed things."), std::string::npos);
}

TEST(LoadFile, SidecarMetadataAppliesAndIdDefaultsToFileName) {
  testing::TempDir dir;
  const std::string txt = dir.Write("manual.txt", "Manual\nHow the portal works.\n");
  dir.Write("manual.txt.meta.yaml", "type: document\nlang: en\nvisibility: [org:acme]\ntitle: Portal manual\n");
  const auto records = LoadAll(txt);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].error.empty()) << records[0].error;
  EXPECT_EQ(records[0].doc.id, "manual");
  EXPECT_EQ(records[0].doc.title, "Portal manual");
  EXPECT_EQ(records[0].doc.type, DocumentType::kDocument);
  ASSERT_EQ(records[0].doc.visibility.size(), 1u);

  dir.Write("broken.txt", "x");
  dir.Write("broken.txt.meta.yaml", "lang: [en\n");
  const auto broken = LoadAll(dir / "broken.txt");
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_NE(broken[0].error.find("broken.txt.meta.yaml"), std::string::npos);
}

TEST(CollectFiles, WalksDirectoriesRecursivelyInOrderSkippingHiddenAndSidecars) {
  testing::TempDir dir;
  dir.Write("b/2.md", "x");
  dir.Write("b/1.txt", "x");
  dir.Write("b/1.txt.meta.yaml", "x");
  dir.Write("a.jsonl", "x");
  dir.Write(".hidden/h.md", "x");
  dir.Write("c/image.png", "x");
  const FileList list = CollectFiles({dir.path(), dir / "missing", dir / "c/image.png"});
  EXPECT_EQ(list.files, (std::vector<std::string>{dir / "a.jsonl", dir / "b/1.txt", dir / "b/2.md"}));
  ASSERT_EQ(list.errors.size(), 2u);
  EXPECT_EQ(list.errors[0].error, "no such file or directory");
  EXPECT_NE(list.errors[1].error.find("unsupported"), std::string::npos);
}

}  // namespace
}  // namespace portalkb
