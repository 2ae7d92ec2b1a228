#include "typo/typo_expander.h"

#include <algorithm>
#include <optional>

#include "storage/derived_file.h"
#include "typo/edit_distance.h"

namespace portalkb {

namespace {

std::string Backwards(std::string_view word) {
  std::u32string cps = ToCodePoints(word);
  std::reverse(cps.begin(), cps.end());
  return ToUtf8(cps);
}

// The trie in the derived file `name` of `db`'s revision, or nullopt.
std::optional<TermTrie> MapTrie(const std::string& index_dir, const char* name, std::string_view magic,
                                const Xapian::Database& db) {
  auto file = DerivedFile::Open(index_dir + "/" + name, magic, db.get_revision());
  if (!file.ok()) return std::nullopt;
  const std::shared_ptr<const DerivedFile> mapping = std::move(file).value();
  auto trie = TermTrie::FromBytes(mapping->payload(), mapping);
  if (!trie.ok()) return std::nullopt;
  return std::move(trie).value();
}

}  // namespace

std::shared_ptr<const Vocabulary> Vocabulary::Load(const Xapian::Database& db) {
  std::vector<std::pair<std::string, std::uint32_t>> terms;
  std::vector<std::pair<std::string, std::uint32_t>> backwards;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
    const std::string term = *it;
    // Prefixed terms start with an upper-case ASCII letter; folded words never do.
    if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z')) continue;
    const auto frequency = static_cast<std::uint32_t>(it.get_termfreq());
    backwards.emplace_back(Backwards(term), frequency);
    terms.emplace_back(term, frequency);
  }
  return std::make_shared<const Vocabulary>(TermTrie(std::move(terms)), TermTrie(std::move(backwards)));
}

std::shared_ptr<const Vocabulary> Vocabulary::OpenMapped(const std::string& index_dir, const Xapian::Database& db) {
  auto words = MapTrie(index_dir, kVocabularyFileName, kVocabularyMagic, db);
  if (!words) return nullptr;
  auto suffixes = MapTrie(index_dir, kSuffixesFileName, kSuffixesMagic, db);
  return std::make_shared<const Vocabulary>(std::move(*words), suffixes ? std::move(*suffixes) : TermTrie());
}

std::shared_ptr<const Vocabulary> Vocabulary::Open(const std::string& index_dir, const Xapian::Database& db) {
  if (auto mapped = OpenMapped(index_dir, db); mapped != nullptr) return mapped;
  return Load(db);
}

Status Vocabulary::Write(const std::string& index_dir, const Xapian::Database& db) {
  const std::shared_ptr<const Vocabulary> built = Load(db);
  if (Status s = WriteDerivedFile(index_dir + "/" + kVocabularyFileName, kVocabularyMagic, db.get_revision(),
                                  built->words().Serialize());
      !s.ok()) {
    return s;
  }
  return WriteDerivedFile(index_dir + "/" + kSuffixesFileName, kSuffixesMagic, db.get_revision(),
                          built->suffixes_.Serialize());
}

std::vector<TrieMatch> Vocabulary::EndingIn(std::string_view tail, std::size_t min_extra, std::size_t limit) const {
  std::vector<TrieMatch> out;
  if (suffixes_.size() == 0 || limit == 0) return out;
  const std::size_t tail_length = ToCodePoints(tail).size();
  // Over-fetch: the tail itself and too-short words are dropped below.
  for (TrieMatch& m : suffixes_.Complete(Backwards(tail), limit * 2 + 2)) {
    std::string word = Backwards(m.term);
    if (ToCodePoints(word).size() < tail_length + min_extra) continue;
    m.term = std::move(word);
    out.push_back(std::move(m));
    if (out.size() == limit) break;
  }
  return out;
}

int TypoExpander::AllowedTypos(const TypoOptions& options, std::size_t length) {
  if (length >= options.min_length_two_typos) return 2;
  if (length >= options.min_length_one_typo) return 1;
  return 0;
}

bool TypoExpander::Disabled(const std::string& folded) const {
  return std::find(options_.disabled_words.begin(), options_.disabled_words.end(), folded) !=
         options_.disabled_words.end();
}

bool TypoExpander::Eligible(const Token& token) const {
  return options_.enabled && !token.has_digit && !Disabled(token.folded);
}

std::vector<TypoCandidate> TypoExpander::Lookup(const std::string& word, int max_typos,
                                                const std::function<bool(const std::string&)>& keep) const {
  std::vector<TypoCandidate> out;
  if (max_typos <= 0) return out;
  // Ask for a few more than needed: the word itself may be among them, and
  // so may disabled words, which only ever match exactly (so never stand in
  // for another word). The list is the index's own settings, so this is bounded.
  const std::size_t limit = options_.max_candidates * (keep ? 4 : 1) + 1 + options_.disabled_words.size();
  for (const auto& m : vocabulary_.words().Within(word, max_typos, options_.first_letter_cost, limit)) {
    if (m.distance == 0 || Disabled(m.term)) continue;
    if (keep && !keep(m.term)) continue;
    out.push_back({m.term, m.distance, m.frequency});
    if (out.size() == options_.max_candidates) break;
  }
  return out;
}

std::vector<TypoCandidate> TypoExpander::Candidates(const Token& token,
                                                    const std::function<bool(const std::string&)>& keep) const {
  if (!Eligible(token)) return {};
  return Lookup(token.folded, AllowedTypos(options_, ToCodePoints(token.folded).size()), keep);
}

std::vector<TypoCandidate> TypoExpander::Corrections(const Token& token) const {
  if (!Eligible(token)) return {};
  const std::size_t length = ToCodePoints(token.folded).size();
  const int budget = length >= 9 ? 3 : length >= 5 ? 2 : length >= 4 ? 1 : 0;
  return Lookup(token.folded, std::max(budget, AllowedTypos(options_, length)));
}

}  // namespace portalkb
