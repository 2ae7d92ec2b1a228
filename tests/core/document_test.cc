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
      {"visibility", [](Document& d) {
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

}  // namespace
}  // namespace portalkb
