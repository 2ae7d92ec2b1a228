// The search page served at GET /: one self-contained HTML document (no
// external assets). Placeholder until the full page lands.
namespace portalkb::server {
extern const char* const kSearchPageHtml;
const char* const kSearchPageHtml = R"PAGE(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>portalkb</title></head>
<body><script>const DEMO = __PORTALKB_DEMO__;</script><p>portalkb</p></body></html>
)PAGE";
}  // namespace portalkb::server
