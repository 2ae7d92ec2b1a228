// The on-disk schema: how a document is laid out in the Xapian database.
// Changing anything here changes the format: bump kFormatVersion and write it
// down in doc/index-format.md.
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

namespace portalkb::schema {

inline constexpr int kFormatVersion = 1;
inline constexpr const char* kFormatKey = "portalkb.format";

// Term prefixes. Unprefixed terms are folded words of every text field, with
// positions (phrase matching). Folded words are lower-case, so upper-case
// prefixes never collide with them.
inline constexpr std::string_view kId = "Q";          // Q<id>, one per document (boolean)
inline constexpr std::string_view kStem = "Z";        // Z<stem>: stems of all text fields
inline constexpr std::string_view kTitleWord = "S";   // S<folded>: title words
inline constexpr std::string_view kTitleStem = "ZS";  // ZS<stem>: title stems
inline constexpr std::string_view kAccented = "XA";   // XA<lowered>: words that carry diacritics
// Folded words per field (no positions), so typo tolerance can be limited to
// chosen fields. The title's are kTitleWord.
inline constexpr std::string_view kSummaryWord = "XU";
inline constexpr std::string_view kTagWord = "XK";
inline constexpr std::string_view kCategoryWord = "XY";
inline constexpr std::string_view kBodyWord = "XB";
inline constexpr std::string_view kType = "XT";       // XTarticle / XTdocument (boolean)
inline constexpr std::string_view kLang = "L";        // Lnl (boolean)
inline constexpr std::string_view kTag = "K";         // K<tag> (boolean)
inline constexpr std::string_view kCategory = "XC";   // XC<path prefix> for each level (boolean)
inline constexpr std::string_view kGrant = "XG";      // XG<grant> (boolean)
inline constexpr std::string_view kStatus = "XS";     // XSpublished / XSdraft (boolean)
inline constexpr std::string_view kOrg = "XO";        // XO<org> for each org named in a grant (boolean)
inline constexpr std::string_view kAttribute = "XF";  // XF<name>:<folded value> (boolean)

// Value slots.
inline constexpr Xapian::valueno kSlotUpdatedAt = 0;    // sortable_serialise(seconds since epoch)
inline constexpr Xapian::valueno kSlotPublishAt = 1;    // seconds; kNoStart when unset
inline constexpr Xapian::valueno kSlotUnpublishAt = 2;  // seconds; kNoEnd when unset
// Numeric further fields get slots from here on, recorded in kSlotsKey.
inline constexpr Xapian::valueno kFirstAttributeSlot = 10;
inline constexpr double kNoStart = -1e15;
inline constexpr double kNoEnd = 1e15;
inline constexpr const char* kSlotsKey = "portalkb.slots";  // JSON {"price": 10, ...}
// IndexSettings::Encode(): "name=value" lines.
inline constexpr const char* kSettingsKey = "portalkb.settings";

// Gap between the positions of consecutive fields, so a phrase never spans
// the end of the title and the start of the summary.
inline constexpr Xapian::termpos kFieldPositionGap = 100;

std::string Term(std::string_view prefix, std::string_view value);

// A query matching every document, new on each call. Never copy
// Xapian::Query::MatchAll instead: it is one object shared by all threads
// and its reference count is not atomic, so copies made on several threads
// at once corrupt it (Related crashed in Enquire::set_query under the soak).
inline Xapian::Query MatchAllQuery() { return Xapian::Query(std::string()); }

// The word prefix of a text field ("title", "summary", "tags", "category",
// "body"), or empty for an unknown name.
std::string_view FieldWordPrefix(std::string_view field);
inline constexpr std::string_view kTextFields[] = {"title", "summary", "tags", "category", "body"};

}  // namespace portalkb::schema
