#include "analysis/language.h"

namespace portalkb {
namespace {

constexpr LanguageInfo kLanguages[] = {
    {"nl", "dutch"},
    {"en", "english"},
    {"sv", "swedish"},
    {"de", "german"},
};

}  // namespace

const LanguageInfo* FindLanguage(std::string_view code) {
  for (const auto& info : kLanguages) {
    if (code == info.code) return &info;
  }
  return nullptr;
}

}  // namespace portalkb
