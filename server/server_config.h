// The server's configuration file (YAML) and the --listen address form.
#pragma once

#include <string>
#include <string_view>

#include "portalkb/status.h"
#include "server.h"

namespace portalkb::server {

// Applies a configuration file onto `options`. Every key is optional:
//
//   listen: 127.0.0.1:8080
//   threads: 8
//   log_level: info
//   demo: false
//   key_secrets: /etc/portalkb/key-secrets     # KEY_ID SECRET lines, mode 600
//   admin_key_hash: /etc/portalkb/admin.sha256 # the admin key's SHA-256 in hex
//   metrics_key_hash: /etc/portalkb/metrics.sha256 # a key for /metrics only (SHA-256 in hex)
//   tls: {cert: server.pem, key: server.key}
//   cors_origins: [https://portal.example]
//   rate_limits: {per_key: {rate: 20, burst: 40}, per_client: {rate: 50, burst: 100}}
//   timeouts: {read_ms: 5000, write_ms: 5000, keep_alive_s: 2}
//   commit_interval_ms: 1000
//   limits: {max_body_bytes: 1048576, max_document_bytes: 11534336, max_batch_bytes: 67108864,
//            max_batch_lines: 10000, max_query_bytes: 1024, max_page_size: 100, max_offset: 10000,
//            max_facets: 10, max_filters: 16, max_suggest_limit: 20, max_related_limit: 20}
//
// File paths are read here (key secrets with the mode check of keys.h).
// InvalidArgument naming the key for an unknown key or a value of the wrong
// type; nothing is changed then. `source` names the file in errors.
Status ApplyServerConfig(std::string_view yaml, const std::string& source, ServerOptions& options);

// "127.0.0.1:8080", "[::1]:8080", "localhost:0". InvalidArgument otherwise.
Status ParseListenAddress(const std::string& text, ServerOptions& options);

// Reads the admin key hash file (64 hex digits) into options.admin_key_sha256.
Status LoadAdminKeyHash(const std::string& path, ServerOptions& options);
// The same for the metrics key, into options.metrics_key_sha256.
Status LoadMetricsKeyHash(const std::string& path, ServerOptions& options);

}  // namespace portalkb::server
