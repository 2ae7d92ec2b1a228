#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "ingest/loader.h"
#include "ingest/pdf_fixture.h"
#include "test_util.h"

namespace portalkb {
namespace {

std::vector<LoadedRecord> LoadAll(const std::string& path, const DocumentLimits& limits = {}) {
  std::vector<LoadedRecord> records;
  LoadFile(
      path, [&](LoadedRecord&& r) { records.push_back(std::move(r)); }, limits);
  return records;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
  EXPECT_EQ(records[1].error.rfind("invalid JSON at column 2: syntax error", 0), 0u) << records[1].error;
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

TEST(HtmlLoader, TemplateContentIsNeverText) {
  // gumbo makes <template> a node type of its own, which the element skip
  // list did not see (found by fuzz_html_loader).
  for (const char* html : {"<p>before<template>templateword</template>after</p>",
                           "<html><head><template><p>headtemplate</p></template></head><body>x</body></html>",
                           "q<template>zxhidden</template><template><template>nested</template></template>"}) {
    const auto record = LoadHtml(html, "t.html");
    ASSERT_TRUE(record.error.empty()) << html;
    EXPECT_EQ(record.doc.body.find("template"), std::string::npos) << record.doc.body;
    EXPECT_EQ(record.doc.body.find("hidden"), std::string::npos) << record.doc.body;
    EXPECT_EQ(record.doc.body.find("nested"), std::string::npos) << record.doc.body;
  }
  EXPECT_NE(LoadHtml("<p>before<template>templateword</template>after</p>", "t.html").doc.body.find("beforeafter"),
            std::string::npos);
}

TEST(HtmlLoader, StrayDoctypesAreNotTextAndDoNotLeak) {
  // gumbo 0.10.1 leaks an ignored DOCTYPE token's strings (found by
  // fuzz_html_loader); the loader turns every DOCTYPE but the opening one into
  // a comment first. Under the ASan build a leak fails this test's process.
  struct Case {
    const char* html;
    const char* body;
  };
  for (const Case& c : {
           Case{"<noscript><!DOCTYPE html></noscript><p>shown</p>", "shown\n"},
           Case{"<p>before</p><!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><p>after</p>", "before\nafter\n"},
           Case{"  <!doctype html>\n<!DocType html><p>one</p><!DOCTYPE", "one\n"},
           Case{"<!-- <!doctype --><p>kept</p>", "kept\n"},
           Case{"<p>a<!doctype html \"quoted > end\">b</p>", "a end\">b\n"},
       }) {
    const auto record = LoadHtml(c.html, "d.html");
    ASSERT_TRUE(record.error.empty()) << c.html;
    EXPECT_EQ(record.doc.body, c.body) << c.html;
  }
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

// Red-team finding: 100,000 nested <div>s took 31 s in gumbo (quadratic in
// the depth) and 200,000 never finished.
TEST(HtmlLoader, TwoHundredThousandNestedDivsLoadQuicklyWithTheirText) {
  std::string deep = "<html><body><p>top text</p>";
  for (int i = 0; i < 200000; ++i) {
    deep += "<div>";
    if (i == 1000) deep += "middle text";
  }
  deep += "<h1>Deep title</h1>bottom text";
  for (int i = 0; i < 200000; ++i) deep += "</div>";
  deep += "<p>after text</p></body></html>";
  const auto start = std::chrono::steady_clock::now();
  const auto record = LoadHtml(deep, "deep.html");
  EXPECT_LT(SecondsSince(start), 5.0) << "hang guard";
  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.doc.title, "Deep title");
  for (const char* text : {"top text", "middle text", "bottom text", "after text"}) {
    EXPECT_NE(record.doc.body.find(text), std::string::npos) << text;
  }
  // Flattened block tags still separate lines.
  EXPECT_NE(record.doc.body.find("middle text\n"), std::string::npos) << record.doc.body.substr(0, 200);
}

TEST(HtmlLoader, NestingWithinTheLimitIsParsedAsBefore) {
  DocumentLimits limits;
  limits.max_html_depth = 4;
  const std::string html = "<html><body><div><div>a<div>b</div></div></div><p>c</p></body></html>";
  EXPECT_EQ(LoadHtml(html, "x.html", limits).doc.body, "a\nb\nc\n");
  // Past the limit the text and line breaks survive, the elements do not.
  limits.max_html_depth = 1;
  EXPECT_EQ(LoadHtml(html, "x.html", limits).doc.body, "a\nb\nc\n");
}

TEST(LoadFile, FilesOverTheRecordLimitAreRejectedNamingTheLimit) {
  testing::TempDir dir;
  DocumentLimits limits;
  limits.max_record_bytes = 1000;
  dir.Write("big.md", "---\nid: big\n---\n" + std::string(2000, 'x'));
  dir.Write("small.md", "---\nid: small\ntitle: Small\n---\nbody\n");
  const auto big = LoadAll(dir / "big.md", limits);
  ASSERT_EQ(big.size(), 1u);
  EXPECT_NE(big[0].error.find("over the limit of 1000 bytes (max_record_bytes)"), std::string::npos) << big[0].error;
  EXPECT_TRUE(big[0].doc.body.empty());
  const auto small = LoadAll(dir / "small.md", limits);
  ASSERT_EQ(small.size(), 1u);
  EXPECT_TRUE(small[0].error.empty()) << small[0].error;
}

TEST(LoadFile, JsonLinesAreStreamedAndAnOverlongLineIsRejectedAlone) {
  testing::TempDir dir;
  DocumentLimits limits;
  limits.max_record_bytes = 100;
  const std::string good = R"({"id": "a", "title": "A", "lang": "en", "visibility": ["public"]})";
  // Longer than the reader's 64 KiB block, so the line spans blocks.
  const std::string overlong = R"({"id": "b", "body": ")" + std::string(200000, 'x') + "\"}";
  dir.Write("f.jsonl", good + "\n" + overlong + "\n\n" + good + "\r\n" + good);
  const auto records = LoadAll(dir / "f.jsonl", limits);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(records[0].error.empty()) << records[0].error;
  EXPECT_EQ(records[1].line, 2);
  EXPECT_NE(records[1].error.find("limit of 100 bytes for a record (max_record_bytes)"), std::string::npos)
      << records[1].error;
  EXPECT_EQ(records[2].line, 4);
  EXPECT_TRUE(records[2].error.empty()) << records[2].error;
  EXPECT_EQ(records[3].line, 5);
  EXPECT_TRUE(records[3].error.empty()) << records[3].error;
}

// Red-team finding: invalid UTF-8 and an overflowing number both said only
// "invalid JSON".
TEST(JsonLinesLoader, ErrorsSayWhatIsWrongAndWhere) {
  struct Case {
    std::string line;
    std::string expected;
  };
  const Case cases[] = {
      {"  {\"id\": \"caf\xE9\"}", "column 14: not valid UTF-8 (byte 0xE9); save the file as UTF-8"},
      {R"({"id": "p", "price": 1e400})", "field 'price' at column 22: number out of range"},
      {R"({"id": "p", "spec": {"weight": -1e999}})", "field 'spec.weight' at column"},
      {R"({"id": "p", "title": "x")", "invalid JSON at column 25: syntax error while parsing object"},
  };
  for (const auto& c : cases) {
    const LoadedRecord r = LoadJsonLine(c.line, 7, "f.jsonl");
    EXPECT_EQ(r.line, 7);
    EXPECT_EQ(r.error.rfind(c.expected, 0), 0u) << r.error;
  }
}

TEST(JsonLinesLoader, EchoedValuesAreCutShort) {
  const std::string line = R"({"id": "x", "title": "t", "type": ")" + std::string(5000, 'q') + "\"}";
  const LoadedRecord r = LoadJsonLine(line, 1, "f.jsonl");
  EXPECT_NE(r.error.find("expected article or document"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("\xE2\x80\xA6"), std::string::npos);
  EXPECT_LT(r.error.size(), 200u);
}

// Red-team finding: a record without a title was rejected ("title: missing").
TEST(JsonLinesLoader, ARecordWithoutATitleIsTitledFromItsSummaryOrBody) {
  const LoadedRecord from_summary = LoadJsonLine(
      R"({"id": "faq1", "summary": "How do I reset my password? Use the link.", "body": "Other text."})", 1, "f");
  ASSERT_TRUE(from_summary.error.empty()) << from_summary.error;
  EXPECT_EQ(from_summary.doc.title, "How do I reset my password?");
  EXPECT_TRUE(from_summary.title_derived);

  const LoadedRecord from_body =
      LoadJsonLine(R"({"id": "t2", "body": "\n Printer offline after update. Customer tried a restart."})", 2, "f");
  EXPECT_EQ(from_body.doc.title, "Printer offline after update");
  EXPECT_TRUE(from_body.title_derived);

  const LoadedRecord titled = LoadJsonLine(R"({"id": "t3", "title": "Own", "body": "Text."})", 3, "f");
  EXPECT_EQ(titled.doc.title, "Own");
  EXPECT_FALSE(titled.title_derived);

  const LoadedRecord nothing = LoadJsonLine(R"({"id": "t4"})", 4, "f");
  EXPECT_TRUE(nothing.doc.title.empty());
  EXPECT_FALSE(nothing.title_derived);

  // The rest of the schema still applies to an untitled record.
  Document doc = from_summary.doc;
  EXPECT_EQ(ValidateDocument(doc).message(), "lang: missing");
  doc.lang = "en";
  doc.visibility = {Grant{}};
  EXPECT_TRUE(ValidateDocument(doc).ok());
  doc.id.clear();
  EXPECT_EQ(ValidateDocument(doc).message(), "id: missing");
}

TEST(DeriveTitle, FirstSentenceOfTheFirstLineCutAtAWord) {
  EXPECT_EQ(DeriveTitle("\n  Release notes 4.2  \nFixed things.\n"), "Release notes 4.2");
  EXPECT_EQ(DeriveTitle("Call us! We answer."), "Call us!");
  EXPECT_EQ(DeriveTitle("   \n\n"), "");
  std::string long_line;
  for (int i = 0; i < 100; ++i) long_line += "word ";
  const std::string title = DeriveTitle(long_line);
  EXPECT_LE(title.size(), 203u);
  EXPECT_EQ(title.substr(title.size() - 7), "word\xE2\x80\xA6");
}

// Found by fuzz_text_loader: a sentence ending after a space ("word . more",
// "word .") gave a title with a trailing space.
TEST(DeriveTitle, RegressionSentenceEndAfterASpaceLeavesNoTrailingSpace) {
  EXPECT_EQ(DeriveTitle("Reset your password . Then log in."), "Reset your password");
  EXPECT_EQ(DeriveTitle("Opening hours ."), "Opening hours");
  EXPECT_EQ(DeriveTitle("Really ?  Yes."), "Really ?");
}

// Found by fuzz_jsonl_loader: a further field whose key holds a NUL byte was
// looked up again by its C string, cut short at the NUL, and the loader let
// nlohmann's out_of_range escape (terminating an ingest, the server or
// Python). Such a key is now an ordinary further field, which
// ValidateDocument refuses by name.
TEST(JsonLinesLoader, RegressionKeyHoldingANulByteIsRefusedNotThrown) {
  LoadedRecord r = LoadJsonLine(
      R"({"id": "x", "title": "T", "lang": "en", "visibility": "public", "a\u0000b": "v", "c\u0000": ["w"]})", 1,
      "f.jsonl");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.doc.attributes.at(std::string("a\0b", 3)), std::vector<std::string>{"v"});
  EXPECT_EQ(r.doc.attributes.at(std::string("c\0", 2)), std::vector<std::string>{"w"});
  const Status s = ValidateDocument(r.doc);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);

  // The same key in YAML front matter ("\0" is YAML's NUL escape).
  LoadedRecord md = LoadMarkdown("---\ntitle: T\n\"a\\0b\": [v]\n---\nbody\n", "f.md");
  ASSERT_EQ(md.error, "");
  EXPECT_EQ(md.doc.attributes.at(std::string("a\0b", 3)), std::vector<std::string>{"v"});
}

// "Billion laughs": each line doubles the values an alias expands to.
TEST(MarkdownLoader, YamlAliasBombIsRejectedQuickly) {
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev + ", " + prev + ", " +
            prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const auto record = LoadMarkdown("---\nid: bomb\n" + yaml + "---\nbody\n", "bomb.md");
  EXPECT_LT(SecondsSince(start), 5.0) << "hang guard";
  EXPECT_NE(record.error.find("max_yaml_values"), std::string::npos) << record.error;
  EXPECT_EQ(record.line, 1);

  std::string nested = "id: deep\nx: ";
  for (int i = 0; i < 100; ++i) nested += "[";
  for (int i = 0; i < 100; ++i) nested += "]";
  const auto deep = LoadMarkdown("---\n" + nested + "\n---\nbody\n", "deep.md");
  EXPECT_NE(deep.error.find("max_yaml_depth"), std::string::npos) << deep.error;
}

TEST(HtmlLoader, WithoutTitleOrH1TheFirstSentenceIsTheTitleUnlessTheSidecarHasOne) {
  const auto record = LoadHtml("<html><body><p>Opening hours. We are open.</p></body></html>", "h.html");
  EXPECT_EQ(record.doc.title, "Opening hours");
  EXPECT_TRUE(record.title_derived);
  testing::TempDir dir;
  dir.Write("h.html", "<html><body><p>Opening hours. We are open.</p></body></html>");
  dir.Write("h.html.meta.yaml", "title: Hours\n");
  const auto records = LoadAll(dir / "h.html");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].doc.title, "Hours");
  EXPECT_FALSE(records[0].title_derived);
}

TEST(MarkdownLoader, WithoutTitleOrHeadingTheFirstSentenceIsTheTitle) {
  const auto record = LoadMarkdown("---\nid: n\n---\nJust a note. More text.\n", "n.md");
  EXPECT_EQ(record.doc.title, "Just a note");
  EXPECT_TRUE(record.title_derived);
}

// Red-team finding: `link.txt -> /etc/passwd` inside an indexed directory was
// indexed.
TEST(CollectFiles, SymlinksLeadingOutsideTheDirectoryAreReportedNotFollowed) {
  testing::TempDir outside;
  testing::TempDir dir;
  const std::string secret = outside.Write("secret.txt", "secret");
  outside.Write("elsewhere/more.md", "x");
  dir.Write("docs/a.md", "x");
  namespace fs = std::filesystem;
  fs::create_symlink(secret, dir / "docs/link.txt");
  fs::create_symlink(outside / "elsewhere", dir / "docs/linked-dir");
  fs::create_symlink(dir / "docs/a.md", dir / "docs/inside.md");
  fs::create_symlink(dir / "docs", dir / "docs/loop");
  fs::create_symlink(outside / "missing.txt", dir / "docs/broken.txt");

  const FileList list = CollectFiles({dir / "docs"});
  EXPECT_EQ(list.files, (std::vector<std::string>{dir / "docs/a.md", dir / "docs/inside.md"}));
  ASSERT_EQ(list.errors.size(), 3u);
  std::map<std::string, std::string> errors;
  for (const auto& e : list.errors) errors[e.file] = e.error;
  EXPECT_NE(errors[dir / "docs/link.txt"].find("outside"), std::string::npos);
  EXPECT_NE(errors[dir / "docs/link.txt"].find("--follow-symlinks"), std::string::npos);
  EXPECT_NE(errors[dir / "docs/linked-dir"].find("outside"), std::string::npos);
  EXPECT_NE(errors[dir / "docs/broken.txt"].find("missing"), std::string::npos);

  // Asked to follow: links are read, and the loop is entered only once.
  const FileList followed = CollectFiles({dir / "docs"}, WalkOptions{/*follow_symlinks=*/true});
  EXPECT_EQ(followed.files, (std::vector<std::string>{dir / "docs/a.md", dir / "docs/inside.md", dir / "docs/link.txt",
                                                      dir / "docs/linked-dir/more.md"}));
  ASSERT_EQ(followed.errors.size(), 1u);
  EXPECT_EQ(followed.errors[0].file, dir / "docs/broken.txt");
}

}  // namespace
}  // namespace portalkb
