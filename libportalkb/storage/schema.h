// The on-disk schema: how a document is laid out in the Xapian database.
// Changing anything here changes the format: bump kFormatVersion and write it
// down in doc/index-format.md.
#pragma once

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>

#include <xapian.h>

namespace portalkb::schema {

inline constexpr int kFormatVersion = 2;
inline constexpr const char* kFormatKey = "portalkb.format";

// Term prefixes. Unprefixed terms are folded words of every text field, with
// positions (phrase matching; the position says the field, see
// FieldOfPosition). Folded words are lower-case, so upper-case prefixes never
// collide with them.
inline constexpr std::string_view kId = "Q";          // Q<id>, one per document (boolean)
inline constexpr std::string_view kStem = "Z";        // Z<stem>: stems of all text fields
inline constexpr std::string_view kTitleWord = "S";   // S<folded>: title words
inline constexpr std::string_view kTitleStem = "ZS";  // ZS<stem>: title stems
inline constexpr std::string_view kAccented = "XA";   // XA<lowered>: words that carry diacritics
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

std::string Term(std::string_view prefix, std::string_view value);

// A query matching every document, new on each call. Never copy
// Xapian::Query::MatchAll instead: it is one object shared by all threads
// and its reference count is not atomic, so copies made on several threads
// at once corrupt it (Related crashed in Enquire::set_query under the soak).
inline Xapian::Query MatchAllQuery() { return Xapian::Query(std::string()); }

// The text fields, in the order their words are indexed.
inline constexpr std::string_view kTextFields[] = {"title", "summary", "tags", "category", "body"};
inline constexpr std::size_t kBodyField = 4;
// The index of a text field's name in kTextFields, or std::size(kTextFields)
// for an unknown name.
std::size_t TextFieldIndex(std::string_view field);

// Each text field's words sit in a position range of its own, so a word's
// positions say which fields it occurs in (typo.disabled_fields needs no
// per-field terms) and a phrase never spans two fields. The body comes first
// so its many positions stay small numbers (cheaper to encode); the short
// fields follow from 2^30, 2^24 positions each. Words past the end of a
// range share its last position (phrases there then no longer match).
inline constexpr Xapian::termpos kShortFieldsFirstPosition = Xapian::termpos{1} << 30;
inline constexpr Xapian::termpos kShortFieldPositions = Xapian::termpos{1} << 24;
Xapian::termpos FieldFirstPosition(std::size_t field);
Xapian::termpos FieldLastPosition(std::size_t field);
// The kTextFields index of the field a position belongs to.
std::size_t FieldOfPosition(Xapian::termpos pos);

}  // namespace portalkb::schema