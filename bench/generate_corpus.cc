// Writes N generated documents as JSON Lines that `portalkb index` ingests:
//   build/bench/generate_corpus --count 100000 --out /tmp/corpus-100k.jsonl
//   build/release/cli/portalkb index --db /tmp/index-100k /tmp/corpus-100k.jsonl
// Seeds default to the bundled corpus/articles and corpus/documents.
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "corpus_generator.h"

namespace po = boost::program_options;

namespace {

nlohmann::json ToJson(const portalkb::Document& d) {
  nlohmann::json j = {{"id", d.id},
                      {"type", d.type == portalkb::DocumentType::kDocument ? "document" : "article"},
                      {"title", d.title},
                      {"summary", d.summary},
                      {"body", d.body},
                      {"lang", d.lang},
                      {"tags", d.tags},
                      {"category", d.category},
                      {"updated_at", d.updated_at},
                      {"url", d.url},
                      {"status", d.status == portalkb::PublishStatus::kDraft ? "draft" : "published"}};
  nlohmann::json grants = nlohmann::json::array();
  for (const auto& g : d.visibility) grants.push_back(g.ToString());
  j["visibility"] = grants;
  for (const auto& [field, values] : d.attributes)
    j[field] = values.size() == 1 ? nlohmann::json(values[0]) : nlohmann::json(values);
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("generate_corpus [--count N] [--seed S] [--out FILE] [SEED_PATH...]");
  options.add_options()("help", "show this help")("count", po::value<std::uint64_t>()->default_value(100000),
                                                  "number of documents to write")(
      "seed", po::value<std::uint64_t>()->default_value(1), "random seed (same seed, same documents)")(
      "out", po::value<std::string>(), "output file (default: standard output)")(
      "paths", po::value<std::vector<std::string>>(), "seed documents (default: the bundled corpus)");
  po::positional_options_description positional;
  positional.add("paths", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "generate_corpus: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  std::vector<std::string> paths = {std::string(PORTALKB_SOURCE_DIR) + "/corpus/articles",
                                    std::string(PORTALKB_SOURCE_DIR) + "/corpus/documents"};
  if (vm.count("paths")) paths = vm["paths"].as<std::vector<std::string>>();
  auto generator = portalkb::CorpusGenerator::FromPaths(paths, vm["seed"].as<std::uint64_t>());
  if (!generator.ok()) {
    std::cerr << "generate_corpus: " << generator.status().ToString() << "\n";
    return 2;
  }
  std::ofstream file;
  if (vm.count("out")) {
    file.open(vm["out"].as<std::string>());
    if (!file) {
      std::cerr << "generate_corpus: cannot write " << vm["out"].as<std::string>() << "\n";
      return 2;
    }
  }
  std::ostream& out = vm.count("out") ? file : std::cout;
  const std::uint64_t count = vm["count"].as<std::uint64_t>();
  for (std::uint64_t i = 0; i < count; ++i) out << ToJson(generator->Make(i)).dump() << '\n';
  out.flush();
  if (!out) {
    std::cerr << "generate_corpus: write failed\n";
    return 1;
  }
  std::cerr << "generate_corpus: " << count << " documents from " << generator->seed_count() << " seed documents\n";
  return 0;
}
