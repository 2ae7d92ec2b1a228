#include "typo/typo_expander.h"

#include <algorithm>

#include "storage/derived_file.h"
#include "typo/edit_distance.h"

namespace portalkb {

std::shared_ptr<const Vocabulary> Vocabulary::Load(const Xapian::Database& db) {
  std::vector<std::pair<std::string, std::uint32_t>> terms;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
    const std::string term = *it;
    // Prefixed terms start with an upper-case ASCII letter; folded words never do.
    if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z')) continue;
    terms.emplace_back(term, static_cast<std::uint32_t>(it.get_termfreq()));
  }
  return std::make_shared<const Vocabulary>(TermTrie(std::move(terms)));
}

std::shared_ptr<const Vocabulary> Vocabulary::OpenMapped(const std::string& index_dir, const Xapian::Database& db) {
  auto file = DerivedFile::Open(index_dir + "/" + kVocabularyFileName, kVocabularyMagic, db.get_revision());
  if (!file.ok()) return nullptr;
  const std::shared_ptr<const DerivedFile> mapping = std::move(file).value();
  auto trie = TermTrie::FromBytes(mapping->payload(), mapping);
  if (!trie.ok()) return nullptr;
  return std::make_shared<const Vocabulary>(std::move(trie).value());
}

std::shared_ptr<const Vocabulary> Vocabulary::Open(const std::string& index_dir, const Xapian::Database& db) {
  auto file = DerivedFile::Open(index_dir + "/" + kVocabularyFileName, kVocabularyMagic, db.get_revision());
  if (file.ok()) {
    const std::shared_ptr<const DerivedFile> mapping = std::move(file).value();
    auto trie = TermTrie::FromBytes(mapping->payload(), mapping);
    if (trie.ok()) return std::make_shared<const Vocabulary>(std::move(trie).value());
  }
  return Load(db);
}

Status Vocabulary::Write(const std::string& index_dir, const Xapian::Database& db) {
  const std::shared_ptr<const Vocabulary> built = Load(db);
  return WriteDerivedFile(index_dir + "/" + kVocabularyFileName, kVocabularyMagic, db.get_revision(),
                          built->words().Serialize());
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
