#include "analysis/analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cstdlib>

#include "analysis/language.h"
#include "analysis/normalizer.h"
#include "analysis/stopwords.h"

namespace portalkb {
namespace {

constexpr std::size_t kMaxWordBytes = 64;

// A raw word segment from the break iterator, before normalisation.
struct Segment {
  std::size_t begin;
  std::size_t end;
};

bool IsHyphen(std::string_view text, std::size_t pos, std::size_t& len) {
  if (pos < text.size() && text[pos] == '-') {
    len = 1;
    return true;
  }
  // U+2010 HYPHEN and U+2011 NON-BREAKING HYPHEN: E2 80 90 / E2 80 91
  if (pos + 2 < text.size() && static_cast<unsigned char>(text[pos]) == 0xE2 &&
      static_cast<unsigned char>(text[pos + 1]) == 0x80 &&
      (static_cast<unsigned char>(text[pos + 2]) == 0x90 || static_cast<unsigned char>(text[pos + 2]) == 0x91)) {
    len = 3;
    return true;
  }
  return false;
}

// Removes ASCII and typographic apostrophes (U+2019, U+02BC) from a word.
std::string StripApostrophes(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c == '\'') continue;
    if (c == 0xE2 && i + 2 < word.size() && static_cast<unsigned char>(word[i + 1]) == 0x80 &&
        static_cast<unsigned char>(word[i + 2]) == 0x99) {
      i += 2;
      continue;
    }
    if (c == 0xCA && i + 1 < word.size() && static_cast<unsigned char>(word[i + 1]) == 0xBC) {
      i += 1;
      continue;
    }
    out += word[i];
  }
  return out;
}

bool HasDigit(std::string_view s) {
  for (char c : s) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

bool IsEmailLocalChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '%' || c == '+' || c == '-';
}

bool IsLetterByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

// ICU keeps "example.com" and "jan@example.com" as one word. Splits such a
// word at '.' and '@' that stand between letters (not in numbers like
// "1.234,56" or "v2.1"); returns the parts, or one span if there is none.
std::vector<Segment> SplitAtInnerDots(std::string_view word, std::size_t offset) {
  std::vector<Segment> parts;
  std::size_t start = 0;
  for (std::size_t k = 1; k + 1 < word.size(); ++k) {
    if ((word[k] == '.' || word[k] == '@') && IsLetterByte(word[k - 1]) && IsLetterByte(word[k + 1])) {
      parts.push_back({offset + start, offset + k});
      start = k + 1;
    }
  }
  parts.push_back({offset + start, offset + word.size()});
  return parts;
}

}  // namespace

Tokenizer::Tokenizer() {
  UErrorCode status = U_ZERO_ERROR;
  words_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  // The root word-break rules are compiled into libicudata; failing to load
  // them means a broken installation, which no input can cause.
  if (U_FAILURE(status) || !words_) std::abort();
}

Tokenizer::~Tokenizer() = default;

std::vector<Token> Tokenizer::Tokenize(std::string_view text) const {
  std::vector<Token> tokens;
  if (text.empty()) return tokens;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return tokens;
  words_->setText(ut, status);
  if (U_FAILURE(status)) {
    utext_close(ut);
    return tokens;
  }

  std::vector<Segment> segments;
  for (int32_t start = words_->first(), end = words_->next(); end != icu::BreakIterator::DONE;
       start = end, end = words_->next()) {
    if (words_->getRuleStatus() == UBRK_WORD_NONE) continue;  // spaces, punctuation
    segments.push_back({static_cast<std::size_t>(start), static_cast<std::size_t>(end)});
  }
  words_->setText(icu::UnicodeString());  // drop the reference to `ut` before closing it
  utext_close(ut);

  std::uint32_t position = 0;
  auto emit = [&](std::size_t b, std::size_t e, bool joined, std::string_view raw, std::uint32_t pos) {
    std::string word = StripApostrophes(raw);
    if (word.empty() || word.size() > kMaxWordBytes) return false;
    Token t;
    t.lowered = CaseFold(word);
    t.folded = FoldDiacritics(t.lowered);
    if (t.folded.empty()) return false;
    t.position = pos;
    t.begin = b;
    t.end = e;
    t.joined = joined;
    t.has_digit = HasDigit(t.folded);
    tokens.push_back(std::move(t));
    return true;
  };

  for (std::size_t i = 0; i < segments.size();) {
    // Group segments joined by single hyphens, or forming an e-mail address.
    std::size_t j = i;
    bool email = false;
    while (j + 1 < segments.size()) {
      const std::size_t gap_begin = segments[j].end;
      const std::size_t gap_len = segments[j + 1].begin - gap_begin;
      std::size_t hyphen_len = 0;
      if (IsHyphen(text, gap_begin, hyphen_len) && hyphen_len == gap_len) {
        ++j;
        continue;
      }
      if (gap_len == 1 && text[gap_begin] == '@' && !email) {
        email = true;
        ++j;
        continue;
      }
      break;
    }
    if (email) {
      // Check the whole span looks like local@domain.tld.
      const std::string_view span = text.substr(segments[i].begin, segments[j].end - segments[i].begin);
      const auto at = span.find('@');
      const bool plausible = at != std::string_view::npos && span.find('.', at) != std::string_view::npos &&
                             std::all_of(span.begin(), span.begin() + static_cast<long>(at), IsEmailLocalChar);
      if (!plausible) email = false;
    }
    if (j == i) {
      const std::string_view raw = text.substr(segments[i].begin, segments[i].end - segments[i].begin);
      const std::vector<Segment> inner = SplitAtInnerDots(raw, segments[i].begin);
      if (inner.size() > 1) {
        // "jan.jansen@example.com", "example.com": the parts, then the whole.
        const std::uint32_t first_position = position;
        for (const Segment& part : inner) {
          if (emit(part.begin, part.end, false, text.substr(part.begin, part.end - part.begin), position)) ++position;
        }
        emit(segments[i].begin, segments[i].end, true, raw, first_position);
      } else if (emit(segments[i].begin, segments[i].end, false, raw, position)) {
        ++position;
      }
      ++i;
      continue;
    }
    const std::uint32_t first_position = position;
    std::string joined_raw;
    for (std::size_t k = i; k <= j; ++k) {
      const std::string_view part = text.substr(segments[k].begin, segments[k].end - segments[k].begin);
      if (emit(segments[k].begin, segments[k].end, false, part, position)) ++position;
      joined_raw += part;
    }
    if (email) {
      joined_raw = std::string(text.substr(segments[i].begin, segments[j].end - segments[i].begin));
    }
    emit(segments[i].begin, segments[j].end, true, joined_raw, first_position);
    i = j + 1;
  }
  return tokens;
}

LanguageRules::LanguageRules(std::string lang) : lang_(std::move(lang)) {
  const LanguageInfo* info = FindLanguage(lang_);
  if (info != nullptr) stemmer_ = Xapian::Stem(info->stemmer_name);
}

std::string LanguageRules::Stem(const std::string& folded) const {
  if (HasDigit(folded)) return folded;
  return stemmer_(folded);
}

bool LanguageRules::IsStop(std::string_view folded) const { return IsStopWord(lang_, folded); }

}  // namespace portalkb
