// MakeHttpsJwksFetcher (see portalkb/oidc_https.h).
#include <httplib.h>

#include "core/text.h"
#include "portalkb/oidc_https.h"

namespace portalkb {
namespace {

struct Url {
  std::string scheme, host, origin, path;
};

// "scheme://host[:port][/path]"; no user info, no fragment.
Result<Url> SplitUrl(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return Status::InvalidArgument("JWKS URL '" + Abbreviate(url) + "': no scheme");
  Url out;
  out.scheme = AsciiLower(url.substr(0, scheme_end));
  const auto rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos || out.path.find('#') != std::string::npos) {
    return Status::InvalidArgument("JWKS URL '" + Abbreviate(url) + "': expected scheme://host[:port]/path");
  }
  out.host = authority;
  if (authority.front() == '[') {
    out.host = authority.substr(0, authority.find(']') + 1);
  } else if (const auto colon = authority.find(':'); colon != std::string::npos) {
    out.host = authority.substr(0, colon);
  }
  out.origin = out.scheme + "://" + authority;
  return out;
}

}  // namespace

JwksFetcher MakeHttpsJwksFetcher(HttpsFetchOptions options) {
  return [options](const std::string& url) -> Result<std::string> {
    auto parts = SplitUrl(url);
    if (!parts.ok()) return parts.status();
    const bool loopback = parts->host == "127.0.0.1" || parts->host == "[::1]" || parts->host == "localhost";
    if (parts->scheme != "https" && !(parts->scheme == "http" && options.allow_http_loopback && loopback)) {
      return Status::InvalidArgument("JWKS URL '" + Abbreviate(url) + "': must be https");
    }
    httplib::Client client(parts->origin);
    client.set_connection_timeout(options.connect_timeout_s, 0);
    client.set_read_timeout(options.read_timeout_s, 0);
    client.set_follow_location(false);
    if (parts->scheme == "https") {
      client.enable_server_certificate_verification(true);
      if (!options.ca_file.empty()) client.set_ca_cert_path(options.ca_file);
    }
    std::string body;
    bool oversize = false;
    auto result = client.Get(parts->path, [&](const char* data, std::size_t size) {
      if (body.size() + size > options.max_bytes) {
        oversize = true;
        return false;
      }
      body.append(data, size);
      return true;
    });
    if (oversize) {
      return Status::Unavailable("JWKS URL '" + Abbreviate(url) + "': body over " + std::to_string(options.max_bytes) +
                                 " bytes");
    }
    if (!result) {
      return Status::Unavailable("JWKS URL '" + Abbreviate(url) + "': " + httplib::to_string(result.error()));
    }
    if (result->status != 200) {
      return Status::Unavailable("JWKS URL '" + Abbreviate(url) + "': HTTP status " + std::to_string(result->status));
    }
    return body;
  };
}

}  // namespace portalkb
