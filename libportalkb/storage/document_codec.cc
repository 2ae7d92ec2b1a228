#include "storage/document_codec.h"

#include <nlohmann/json.hpp>

namespace portalkb {

std::string EncodeDocument(const Document& doc) {
  nlohmann::json grants = nlohmann::json::array();
  for (const auto& g : doc.visibility) grants.push_back(g.ToString());
  const nlohmann::json j = {
      {"id", doc.id},
      {"type", DocumentTypeName(doc.type)},
      {"title", doc.title},
      {"summary", doc.summary},
      {"body", doc.body},
      {"lang", doc.lang},
      {"tags", doc.tags},
      {"category", doc.category},
      {"updated_at", doc.updated_at},
      {"url", doc.url},
      {"visibility", grants},
      {"status", doc.status == PublishStatus::kDraft ? "draft" : "published"},
      {"publish_at", doc.publish_at},
      {"unpublish_at", doc.unpublish_at},
      {"attributes", doc.attributes},
      {"source", doc.source},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Document> DecodeDocument(const std::string& data) {
  const nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("stored document is not valid JSON");
  try {
    Document doc;
    doc.id = j.at("id").get<std::string>();
    auto type = ParseDocumentType(j.at("type").get<std::string>());
    if (!type.ok()) return Status::Corruption("stored document '" + doc.id + "': " + type.status().message());
    doc.type = type.value();
    doc.title = j.at("title").get<std::string>();
    doc.summary = j.value("summary", "");
    doc.body = j.value("body", "");
    doc.lang = j.at("lang").get<std::string>();
    doc.tags = j.value("tags", std::vector<std::string>{});
    doc.category = j.value("category", "");
    doc.updated_at = j.value("updated_at", "");
    doc.url = j.value("url", "");
    for (const auto& text : j.value("visibility", std::vector<std::string>{})) {
      auto grant = Grant::Parse(text);
      if (!grant.ok()) return Status::Corruption("stored document '" + doc.id + "': " + grant.status().message());
      doc.visibility.push_back(std::move(grant).value());
    }
    doc.status = j.value("status", "published") == "draft" ? PublishStatus::kDraft : PublishStatus::kPublished;
    doc.publish_at = j.value("publish_at", "");
    doc.unpublish_at = j.value("unpublish_at", "");
    doc.attributes = j.value("attributes", std::map<std::string, std::vector<std::string>>{});
    doc.source = j.value("source", "");
    return doc;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("stored document: ") + e.what());
  }
}

std::string EncodeAttributeSlots(const std::map<std::string, unsigned>& slots) { return nlohmann::json(slots).dump(); }

Result<std::map<std::string, unsigned>> DecodeAttributeSlots(const std::string& text) {
  if (text.empty()) return std::map<std::string, unsigned>{};
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("stored field slots are not valid JSON");
  try {
    return j.get<std::map<std::string, unsigned>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("stored field slots: ") + e.what());
  }
}

}  // namespace portalkb
