#include <gtest/gtest.h>

#include "portalkb/document.h"
#include "test_util.h"

namespace portalkb {
namespace {

struct GrantCase {
  const char* text;
  bool ok;
  const char* canonical;  // ToString() of the parsed grant
};

TEST(Grant, ParsesEveryKindAndRejectsMalformedGrants) {
  const GrantCase cases[] = {
      {"public", true, "public"},
      {" Public ", true, "public"},
      {"role:finance", true, "role:finance"},
      {"role:Customer-Admin", true, "role:customer-admin"},
      {"org:acme", true, "org:acme"},
      {"org:acme/role:finance", true, "org:acme/role:finance"},
      {"user:u-123", true, "user:u-123"},
      {"user:jan@example.com", true, "user:jan@example.com"},
      {"", false, ""},
      {"everyone", false, ""},
      {"role:", false, ""},
      {"role:fin ance", false, ""},
      {"org:acme/finance", false, ""},
      {"org:/role:x", false, ""},
      {"org:acme/role:", false, ""},
      {"role:a/b", false, ""},
  };
  for (const auto& c : cases) {
    auto grant = Grant::Parse(c.text);
    EXPECT_EQ(grant.ok(), c.ok) << c.text;
    if (grant.ok() && c.ok) {
      EXPECT_EQ(grant->ToString(), c.canonical) << c.text;
    }
    if (!grant.ok()) {
      EXPECT_EQ(grant.status().code(), StatusCode::kInvalidArgument);
      EXPECT_FALSE(grant.status().message().empty());
    }
  }
}

TEST(ValidateDocument, AcceptsAValidArticleAndNormalisesIt) {
  Document doc = testing::MakeArticle("  a-1 ", "  Title ", "body", "NL");
  doc.tags = {"Factuur", " pdf ", "factuur", ""};
  doc.category = " Billing / Invoices ";
  doc.updated_at = "2026-03-14";
  ASSERT_TRUE(ValidateDocument(doc).ok());
  EXPECT_EQ(doc.id, "a-1");
  EXPECT_EQ(doc.title, "Title");
  EXPECT_EQ(doc.lang, "nl");
  EXPECT_EQ(doc.tags, (std::vector<std::string>{"factuur", "pdf"}));
  EXPECT_EQ(doc.category, "Billing/Invoices");
}

TEST(ValidateDocument, ErrorNamesTheOffendingField) {
  struct Case {
    const char* field;
    void (*spoil)(Document&);
  };
  const Case cases[] = {
      {"id", [](Document& d) { d.id = ""; }},
      {"id", [](Document& d) { d.id = "has space"; }},
      {"id", [](Document& d) { d.id = std::string(201, 'x'); }},
      {"title", [](Document& d) { d.title = "  "; }},
      {"lang", [](Document& d) { d.lang = ""; }},
      {"lang", [](Document& d) { d.lang = "fr"; }},
      {"updated_at", [](Document& d) { d.updated_at = "14-03-2026"; }},
      {"updated_at", [](Document& d) { d.updated_at = "2026-02-30"; }},
      {"category", [](Document& d) { d.category = "Billing//Invoices"; }},
      {"category", [](Document& d) { d.category = "Billing/"; }},
      {"visibility", [](Document& d) { d.visibility.clear(); }},
      {"visibility",
       [](Document& d) {
         d.type = DocumentType::kDocument;
         d.visibility = {Grant{Grant::Kind::kRole, "", "finance", ""}};
       }},
  };
  for (const auto& c : cases) {
    Document doc = testing::MakeArticle("id", "Title", "body");
    c.spoil(doc);
    const Status s = ValidateDocument(doc);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
  }
}

TEST(ValidateDocument, CustomerDocumentWithOrgGrantIsAccepted) {
  Document doc = testing::MakeArticle("d", "Contract", "text");
  doc.type = DocumentType::kDocument;
  doc.visibility = {Grant{Grant::Kind::kOrgRole, "acme", "finance", ""}};
  EXPECT_TRUE(ValidateDocument(doc).ok());
}

TEST(ValidateDocument, InvalidUtf8InTextIsReplacedNotFatal) {
  Document doc = testing::MakeArticle("id", "Bad \xFF title", "body \xC3");
  ASSERT_TRUE(ValidateDocument(doc).ok());
  EXPECT_EQ(doc.title, "Bad \xEF\xBF\xBD title");
  EXPECT_EQ(doc.body, "body \xEF\xBF\xBD");
}

// Red-team finding: a 300-byte tag or category was accepted but never
// indexed (Xapian terms are at most 245 bytes).
TEST(ValidateDocument, LimitsAreEnforcedNamingTheFieldAndTheLimit) {
  DocumentLimits small;
  small.max_record_bytes = 100;
  struct Case {
    std::string expected;
    void (*spoil)(Document&);
  };
  const Case cases[] = {
      {"tags: '" + std::string(80, 'x') +
           "\xE2\x80\xA6' is 300 bytes, over the limit of 240 bytes for a tag (max_term_bytes)",
       [](Document& d) {
         d.tags = {"ok", std::string(300, 'X')};
       }},
      {"bytes for a category path (max_term_bytes)",
       [](Document& d) { d.category = "Billing/" + std::string(300, 'c'); }},
      {"tags: 101 tags, over the limit of 100 (max_tags)", [](Document& d) { d.tags.assign(101, "t"); }},
      {"title: 1025 bytes, over the limit of 1024 bytes (max_title_bytes)",
       [](Document& d) { d.title = std::string(1025, 't'); }},
      {"summary: 20000 bytes, over the limit of 16384 bytes (max_summary_bytes)",
       [](Document& d) { d.summary = std::string(20000, 's'); }},
      {"url: 5000 bytes, over the limit of 4096 bytes (max_url_bytes)",
       [](Document& d) { d.url = std::string(5000, 'u'); }},
      {"body: 101 bytes, over the limit of 100 bytes (max_record_bytes)",
       [](Document& d) { d.body = std::string(101, 'b'); }},
  };
  for (const auto& c : cases) {
    Document doc = testing::MakeArticle("id", "Title", "body");
    c.spoil(doc);
    const Status s = ValidateDocument(doc, small);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.expected;
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
  }
  // At the limits themselves, all is well.
  Document doc = testing::MakeArticle("id", std::string(1024, 't'), std::string(100, 'b'));
  doc.tags = {std::string(240, 'x')};
  doc.category = "A/" + std::string(238, 'c');
  EXPECT_TRUE(ValidateDocument(doc, small).ok());
}

TEST(ValidateDocument, EchoedValuesAreCutToAboutEightyCharacters) {
  const std::string huge(100000, 'q');
  for (void (*spoil)(Document&) : std::initializer_list<void (*)(Document&)>{
           [](Document& d) { d.lang = std::string(100000, 'q'); },
           [](Document& d) { d.updated_at = std::string(100000, 'q'); },
           [](Document& d) { d.category = std::string(100000, 'q') + "//x"; },
           [](Document& d) { d.publish_at = std::string(100000, 'q'); },
           [](Document& d) { d.attributes[std::string(100000, 'q') + " bad name"] = {"v"}; },
       }) {
    Document doc = testing::MakeArticle("id", "Title", "body");
    spoil(doc);
    const Status s = ValidateDocument(doc);
    EXPECT_FALSE(s.ok());
    EXPECT_LT(s.message().size(), 250u) << s.message().substr(0, 300);
    EXPECT_NE(s.message().find(std::string(80, 'q') + "\xE2\x80\xA6'"), std::string::npos)
        << s.message().substr(0, 300);
  }
  const auto grant = Grant::Parse("role:" + huge);
  ASSERT_FALSE(grant.ok());
  EXPECT_LT(grant.status().message().size(), 250u);
}

}  // namespace
}  // namespace portalkb
