// Scales the bundled corpus to N documents for load work (100k, 1M). Each
// generated document starts from a real corpus document and mixes in
// sentences of other documents in the same language, so the vocabulary,
// languages and term statistics stay those of real portal text. Ids, dates,
// grants, organisations, publishing state and further fields (`product`,
// numeric `price`) vary with the seed; document i is the same on every run.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ingest/loader.h"
#include "portalkb/document.h"
#include "portalkb/status.h"

namespace portalkb {

class CorpusGenerator {
 public:
  // Loads the seed documents (files or directories in any ingest format).
  // Fails when nothing could be read from them.
  static Result<CorpusGenerator> FromPaths(const std::vector<std::string>& paths, std::uint64_t seed = 1) {
    CorpusGenerator generator(seed);
    const FileList list = CollectFiles(paths);
    for (const auto& file : list.files) {
      LoadFile(file, [&](LoadedRecord&& record) {
        if (record.error.empty() && !record.doc.body.empty()) generator.AddSeed(std::move(record.doc));
      });
    }
    if (generator.seeds_.empty()) return Status::InvalidArgument("no documents to generate from in the given paths");
    return generator;
  }

  std::size_t seed_count() const { return seeds_.size(); }
  const std::vector<Document>& seeds() const { return seeds_; }

  // The i-th generated document: valid, with id "gen-<i>".
  Document Make(std::uint64_t i) const {
    std::mt19937_64 rng(seed_ ^ (i * 0x9E3779B97F4A7C15ULL));
    const std::size_t b = rng() % seeds_.size();
    const Document& base = seeds_[b];
    Document d;
    d.id = "gen-" + std::to_string(i);
    d.lang = base.lang;
    d.title = base.title;
    d.summary = base.summary;
    d.category = base.category;
    d.tags = base.tags;
    d.url = "https://portal.example/kb/" + d.id;
    // The base's own opening, then sentences from its language.
    const auto& pool = sentences_.at(base.lang);
    d.body = openings_[b];
    const int extra = 3 + static_cast<int>(rng() % 6);
    for (int k = 0; k < extra; ++k) d.body += " " + pool[rng() % pool.size()];

    static const char* kProducts[] = {"Connect",      "Connect Plus", "Cloud Backup",  "Fiber 500", "Mobile Pro",
                                      "Office Suite", "Helpdesk",     "Field Service", "Energy",    "Parking"};
    d.attributes["product"] = {kProducts[rng() % 10]};
    const int year = 2023 + static_cast<int>(rng() % 4);
    const int month = 1 + static_cast<int>(rng() % (year == 2026 ? 10 : 12));
    const int day = 1 + static_cast<int>(rng() % 28);
    d.updated_at = std::to_string(year) + "-" + Two(month) + "-" + Two(day);

    // Customer documents stay customer documents of some organisation;
    // articles get the mix of grants a portal has.
    const int roll = static_cast<int>(rng() % 100);
    const std::string org = "org" + std::to_string(rng() % 200);
    d.type = base.type;
    if (base.type == DocumentType::kDocument) {
      d.visibility = {*Grant::Parse(roll < 25 ? "org:" + org + "/role:finance" : "org:" + org)};
      d.attributes["price"] = {std::to_string(100 + rng() % 99900)};
    } else {
      d.visibility = {roll < 60 ? Grant{}
                                : *Grant::Parse(roll < 85   ? "role:customer"
                                                : roll < 95 ? "role:finance"
                                                            : "role:support-agent")};
      if (rng() % 50 == 0) d.status = PublishStatus::kDraft;
    }
    return d;
  }

 private:
  explicit CorpusGenerator(std::uint64_t seed) : seed_(seed) {}

  void AddSeed(Document doc) {
    auto& pool = sentences_[doc.lang];
    auto sentences = SplitSentences(doc.body);
    if (sentences.empty()) sentences.push_back(doc.body);  // pools are never empty
    // Every document generated from this seed opens with its first two sentences.
    openings_.push_back(sentences[0] + (sentences.size() > 1 ? " " + sentences[1] : ""));
    for (auto& s : sentences) pool.push_back(std::move(s));
    seeds_.push_back(std::move(doc));
  }

  // Sentences end at ". ", "? ", "! " or a line break; fragments under 3
  // words (headings, list markers) are dropped.
  static std::vector<std::string> SplitSentences(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    auto flush = [&] {
      std::size_t words = 0;
      bool in_word = false;
      for (char c : current) {
        const bool space = c == ' ' || c == '\t';
        if (!space && !in_word) ++words;
        in_word = !space;
      }
      const auto first = current.find_first_not_of(" \t");
      if (words >= 3 && first != std::string::npos) out.push_back(current.substr(first));
      current.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\n' || c == '\f' || c == '\r') {
        flush();
        continue;
      }
      current += c;
      if ((c == '.' || c == '?' || c == '!') && (i + 1 == text.size() || text[i + 1] == ' ')) flush();
    }
    flush();
    return out;
  }

  static std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

  std::uint64_t seed_;
  std::vector<Document> seeds_;
  std::vector<std::string> openings_;  // per seed
  std::map<std::string, std::vector<std::string>> sentences_;
};

}  // namespace portalkb
