// JwksSource: a key set from a file or a URL, cached (see portalkb/oidc.h).
#include <chrono>
#include <fstream>
#include <sstream>

#include "portalkb/oidc.h"

namespace portalkb {

Result<std::unique_ptr<JwksSource>> JwksSource::Create(JwksSourceOptions options) {
  if (options.file.empty() == options.url.empty()) {
    return Status::InvalidArgument("JWKS source: give exactly one of a file and a URL");
  }
  if (!options.url.empty() && !options.fetch) {
    return Status::InvalidArgument("JWKS source: a URL needs a fetcher (MakeHttpsJwksFetcher)");
  }
  if (options.ttl_s <= 0 || options.min_refetch_interval_s < 0) {
    return Status::InvalidArgument("JWKS source: ttl_s must be positive and min_refetch_interval_s not negative");
  }
  return std::unique_ptr<JwksSource>(new JwksSource(std::move(options)));
}

long long JwksSource::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<Jwks> JwksSource::Load() {
  if (!options_.url.empty()) {
    auto body = options_.fetch(options_.url);
    if (!body.ok()) return body.status();
    auto jwks = Jwks::Parse(body.value());
    if (!jwks.ok()) return Status::Unavailable(options_.url + ": " + jwks.status().message());
    return jwks;
  }
  std::ifstream in(options_.file, std::ios::binary);
  if (!in) return Status::IOError("cannot read JWKS file '" + options_.file + "'");
  std::string text(kMaxJwksBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  auto jwks = Jwks::Parse(text);
  if (!jwks.ok()) return Status::InvalidArgument(options_.file + ": " + jwks.status().message());
  return jwks;
}

Result<Jwks> JwksSource::Get(const std::string& kid) {
  std::lock_guard<std::mutex> lock(mutex_);
  const long long now = Now();
  bool due = !have_ || now >= fetched_at_ + options_.ttl_s;
  if (!due && !kid.empty()) {
    bool known = false;
    for (const auto& key : cached_.Keys()) known = known || key.kid == kid;
    // An unknown kid may mean the provider rotated its keys; look again, but
    // not more often than the interval, whatever kids tokens make up.
    due = !known && now >= last_attempt_ + options_.min_refetch_interval_s;
  }
  if (!due) return cached_;
  const bool stale_usable = have_ && now < fetched_at_ + 2 * options_.ttl_s;
  if (last_attempt_ >= 0 && now < last_attempt_ + options_.min_refetch_interval_s) {
    // Tried a moment ago: a provider that is down is not asked again on
    // every token.
    if (stale_usable) return cached_;
    if (!last_error_.ok()) return last_error_;
  }
  last_attempt_ = now;
  auto fresh = Load();
  if (!fresh.ok()) {
    last_error_ = fresh.status();
    if (stale_usable) return cached_;
    return fresh.status();
  }
  last_error_ = Status::Ok();
  cached_ = std::move(fresh).value();
  have_ = true;
  fetched_at_ = now;
  return cached_;
}

Result<VerifiedToken> JwksSource::Verify(std::string_view token, const TokenVerifyOptions& options) {
  auto jwks = Get(PeekTokenKeyId(token));
  if (!jwks.ok()) return jwks.status();
  return VerifyToken(token, jwks.value(), options);
}

}  // namespace portalkb
