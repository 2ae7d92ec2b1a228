// GET /: the search page (page_html.cc), and in demo mode the principals it
// offers (GET /v1/demo/principals).
#include <nlohmann/json.hpp>

#include "portalkb/json_value.h"
#include "server_impl.h"

namespace portalkb::server {

extern const char* const kSearchPageHtml;  // page_html.cc

void Server::Impl::AddPageRoutes() {
  Add("GET", "/", "page", Need::kNothing, [this](const httplib::Request&, const Caller&) -> Result<Reply> {
    Reply r;
    r.body = kSearchPageHtml;
    // The page learns the mode from this marker; nothing else is templated.
    const std::string marker = "__PORTALKB_DEMO__";
    const auto at = r.body.find(marker);
    if (at != std::string::npos) r.body.replace(at, marker.size(), options.demo ? "true" : "false");
    r.content_type = "text/html; charset=utf-8";
    // Everything is inline: scripts and styles from elsewhere are refused.
    r.headers = {{"Content-Security-Policy",
                  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
                  "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"}};
    return r;
  });
  Add("GET", "/v1/demo/principals", "demo.principals", Need::kNothing,
      [this](const httplib::Request&, const Caller&) -> Result<Reply> {
        if (!options.demo) return Status::NotFound("demo principals exist in --demo mode only");
        nlohmann::json list = nlohmann::json::array();
        for (const auto& p : demo_principals) list.push_back({{"id", p.id}, {"label", p.label}, {"key", p.key}});
        return JsonReply(DumpJson(nlohmann::json{{"demo", true}, {"principals", list}}));
      });
}

}  // namespace portalkb::server
