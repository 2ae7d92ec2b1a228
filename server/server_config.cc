#include "server_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iterator>
#include <set>

#include "auth.h"
#include "core/text.h"
#include "portalkb/keys.h"

namespace portalkb::server {
namespace {

Status CheckKeys(const YAML::Node& node, const std::string& where, std::initializer_list<const char*> known) {
  if (!node.IsMap()) return Status::InvalidArgument(where + ": a mapping expected");
  const std::set<std::string> allowed(known.begin(), known.end());
  for (const auto& item : node) {
    const std::string key = item.first.as<std::string>();
    if (!allowed.count(key)) return Status::InvalidArgument(where + (where.empty() ? "" : ".") + key + ": unknown key");
  }
  return Status::Ok();
}

template <typename T>
void Read(const YAML::Node& node, const char* key, T& out) {
  if (node[key]) out = node[key].as<T>();
}

Status ApplyRate(const YAML::Node& node, const std::string& where, RateLimit& limit) {
  if (Status s = CheckKeys(node, where, {"rate", "burst"}); !s.ok()) return s;
  Read(node, "rate", limit.rate);
  Read(node, "burst", limit.burst);
  return Status::Ok();
}

}  // namespace

Status ParseListenAddress(const std::string& text, ServerOptions& options) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("--listen '" + Abbreviate(text) + "': expected HOST:PORT, e.g. 127.0.0.1:8080");
  }
  std::string host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return Status::InvalidArgument("--listen '" + Abbreviate(text) + "': port must be 0..65535");
  }
  options.host = host;
  options.port = std::stoi(port);
  return Status::Ok();
}

namespace {

Result<std::string> ReadKeyHashFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError(path + ": cannot be read");
  std::string text;
  std::getline(in, text);
  return ParseSha256Hex(text, path);
}

}  // namespace

Status LoadAdminKeyHash(const std::string& path, ServerOptions& options) {
  auto hex = ReadKeyHashFile(path);
  if (!hex.ok()) return hex.status();
  options.admin_key_sha256 = std::move(hex).value();
  return Status::Ok();
}

Status LoadMetricsKeyHash(const std::string& path, ServerOptions& options) {
  auto hex = ReadKeyHashFile(path);
  if (!hex.ok()) return hex.status();
  options.metrics_key_sha256 = std::move(hex).value();
  return Status::Ok();
}

Status ApplyServerConfig(std::string_view yaml, const std::string& source, ServerOptions& options) {
  ServerOptions o = options;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return Status::Ok();
    if (Status s =
            CheckKeys(root, "",
                      {"listen", "threads", "log_level", "demo", "key_secrets", "admin_key_hash", "metrics_key_hash",
                       "tls", "cors_origins", "rate_limits", "timeouts", "commit_interval_ms", "limits"});
        !s.ok()) {
      return Status::InvalidArgument(source + ": " + s.message());
    }
    if (root["listen"]) {
      if (Status s = ParseListenAddress(root["listen"].as<std::string>(), o); !s.ok()) {
        return Status::InvalidArgument(source + ": listen: " + s.message());
      }
    }
    Read(root, "threads", o.threads);
    Read(root, "log_level", o.log_level);
    Read(root, "demo", o.demo);
    Read(root, "commit_interval_ms", o.commit_interval_ms);
    if (root["key_secrets"]) {
      auto secrets = LoadKeySecrets(root["key_secrets"].as<std::string>());
      if (!secrets.ok()) return secrets.status();
      o.key_secrets = std::move(secrets).value();
    }
    if (root["admin_key_hash"]) {
      if (Status s = LoadAdminKeyHash(root["admin_key_hash"].as<std::string>(), o); !s.ok()) return s;
    }
    if (root["metrics_key_hash"]) {
      if (Status s = LoadMetricsKeyHash(root["metrics_key_hash"].as<std::string>(), o); !s.ok()) return s;
    }
    if (const auto tls = root["tls"]) {
      if (Status s = CheckKeys(tls, "tls", {"cert", "key"}); !s.ok())
        return Status::InvalidArgument(source + ": " + s.message());
      Read(tls, "cert", o.tls_cert_file);
      Read(tls, "key", o.tls_key_file);
    }
    if (root["cors_origins"]) o.cors_origins = root["cors_origins"].as<std::vector<std::string>>();
    if (const auto rates = root["rate_limits"]) {
      Status s = CheckKeys(rates, "rate_limits", {"per_key", "per_client"});
      if (s.ok() && rates["per_key"]) s = ApplyRate(rates["per_key"], "rate_limits.per_key", o.per_key);
      if (s.ok() && rates["per_client"]) s = ApplyRate(rates["per_client"], "rate_limits.per_client", o.per_client);
      if (!s.ok()) return Status::InvalidArgument(source + ": " + s.message());
    }
    if (const auto t = root["timeouts"]) {
      if (Status s = CheckKeys(t, "timeouts", {"read_ms", "write_ms", "keep_alive_s"}); !s.ok()) {
        return Status::InvalidArgument(source + ": " + s.message());
      }
      Read(t, "read_ms", o.read_timeout_ms);
      Read(t, "write_ms", o.write_timeout_ms);
      Read(t, "keep_alive_s", o.keep_alive_timeout_s);
    }
    if (const auto l = root["limits"]) {
      if (Status s = CheckKeys(
              l, "limits",
              {"max_body_bytes", "max_document_bytes", "max_batch_bytes", "max_batch_lines", "max_query_bytes",
               "max_page_size", "max_offset", "max_facets", "max_filters", "max_suggest_limit", "max_related_limit"});
          !s.ok()) {
        return Status::InvalidArgument(source + ": " + s.message());
      }
      ServerLimits& m = o.limits;
      Read(l, "max_body_bytes", m.max_body_bytes);
      Read(l, "max_document_bytes", m.max_document_bytes);
      Read(l, "max_batch_bytes", m.max_batch_bytes);
      Read(l, "max_batch_lines", m.max_batch_lines);
      Read(l, "max_query_bytes", m.max_query_bytes);
      Read(l, "max_page_size", m.max_page_size);
      Read(l, "max_offset", m.max_offset);
      Read(l, "max_facets", m.max_facets);
      Read(l, "max_filters", m.max_filters);
      Read(l, "max_suggest_limit", m.max_suggest_limit);
      Read(l, "max_related_limit", m.max_related_limit);
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports both syntax errors and values of the wrong type by exception.
    return Status::InvalidArgument(source + ": " + e.what());
  }
  options = std::move(o);
  return Status::Ok();
}

}  // namespace portalkb::server
