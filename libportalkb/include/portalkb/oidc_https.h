// The JWKS fetcher over HTTPS (cpp-httplib on OpenSSL), in a target of its
// own (portalkb_oidc_https) so the oidc module itself carries no HTTP
// client: JwksSource takes any JwksFetcher.
#pragma once

#include <string>

#include "portalkb/oidc.h"

namespace portalkb {

struct HttpsFetchOptions {
  int connect_timeout_s = 5;
  int read_timeout_s = 5;
  // Bodies longer than this are cut off and refused.
  std::size_t max_bytes = kMaxJwksBytes;
  // A CA bundle file; the system's trust store when empty.
  std::string ca_file{};
  // Allows plain http:// to 127.0.0.1, ::1 and localhost only (tests, a
  // sidecar proxy). Any other http:// URL is always refused.
  bool allow_http_loopback = false;
};

// A fetcher for JwksSourceOptions::fetch. GET without following redirects;
// the server certificate and host name are verified. Errors: InvalidArgument
// for a URL that is not https (or allowed loopback http), Unavailable for a
// connection failure, a status other than 200 or an oversize body.
// Thread-safe (each call makes its own client).
JwksFetcher MakeHttpsJwksFetcher(HttpsFetchOptions options = {});

}  // namespace portalkb
