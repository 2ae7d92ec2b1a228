#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>

#include "core/text.h"
#include "ingest/loader.h"

namespace portalkb {
namespace {

// Poppler reports parse problems through a global callback; by default it
// prints to stderr. We report our own error per file instead.
void IgnorePopplerMessage(const std::string&, void*) {}

}  // namespace

LoadedRecord LoadPdf(std::string_view content, const std::string& file) {
  LoadedRecord record;
  record.file = file;
  record.doc.source = file;
  poppler::set_debug_error_function(&IgnorePopplerMessage, nullptr);
  std::unique_ptr<poppler::document> pdf(
      poppler::document::load_from_raw_data(content.data(), static_cast<int>(content.size())));
  if (!pdf) {
    record.error = "not a readable PDF";
    return record;
  }
  if (pdf->is_locked()) {
    record.error = "the PDF is encrypted";
    return record;
  }
  // Pages are separated by a form feed so page boundaries survive in the body.
  std::string body;
  for (int i = 0; i < pdf->pages(); ++i) {
    std::unique_ptr<poppler::page> page(pdf->create_page(i));
    if (!page) continue;
    const poppler::byte_array utf8 = page->text().to_utf8();
    if (i > 0) body += '\f';
    body.append(utf8.begin(), utf8.end());
  }
  record.doc.body = std::move(body);
  const poppler::byte_array title = pdf->get_title().to_utf8();
  record.doc.title.assign(title.begin(), title.end());
  // Like a text file's, the first line is the title when the PDF has none.
  if (Trim(record.doc.title).empty()) record.doc.title = DeriveTitle(record.doc.body);
  return record;
}

}  // namespace portalkb
