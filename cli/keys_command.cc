// portalkb keys: hash an admin key, mint scoped search keys.
#include <sodium.h>

#include <chrono>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "portalkb/keys.h"

namespace portalkb::cli {
namespace {

// "90s", "30m", "1h", "7d" or plain seconds.
Result<long long> ParseTtl(const std::string& text) {
  if (text.empty() || text.size() > 12)
    return Status::InvalidArgument("--ttl '" + text + "': expected e.g. 30m, 1h, 7d");
  long long unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's':
      unit = 1;
      digits.pop_back();
      break;
    case 'm':
      unit = 60;
      digits.pop_back();
      break;
    case 'h':
      unit = 3600;
      digits.pop_back();
      break;
    case 'd':
      unit = 86400;
      digits.pop_back();
      break;
    default:
      break;
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("--ttl '" + text + "': expected e.g. 30m, 1h, 7d");
  }
  return std::stoll(digits) * unit;
}

int RunKeysHash(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "usage: portalkb keys hash < KEY_FILE\n\nPrints the SHA-256 (hex) of the key read from stdin "
                 "(one trailing newline ignored), for --admin-key-hash.\n";
    return kExitOk;
  }
  if (!args.empty()) {
    std::cerr << "portalkb keys hash: takes no arguments; reads the key from stdin\n";
    return kExitUsage;
  }
  // Bounded read: an admin key is short.
  std::string key;
  char c;
  while (std::cin.get(c)) {
    key += c;
    if (key.size() > 4096) {
      std::cerr << "portalkb keys hash: key over 4096 bytes\n";
      return kExitUsage;
    }
  }
  if (!key.empty() && key.back() == '\n') key.pop_back();
  if (!key.empty() && key.back() == '\r') key.pop_back();
  if (key.size() < 16) {
    std::cerr << "portalkb keys hash: key of " << key.size() << " bytes; use at least 16 random bytes\n";
    return kExitUsage;
  }
  std::cout << Sha256Hex(key) << "\n";
  sodium_memzero(key.data(), key.size());
  return kExitOk;
}

int RunKeysMint(const std::vector<std::string>& args) {
  po::options_description options("options");
  std::string secret_file, ttl_text, db;
  SearchKeyClaims claims;
  options.add_options()("secret-file", po::value(&secret_file)->required(),
                        "key-secrets file (KEY_ID SECRET lines, mode 600)")(
      "key-id", po::value(&claims.key_id)->required(), "which secret of the file signs the key")(
      "user", po::value(&claims.principal.user), "the key searches as this user")(
      "org", po::value(&claims.principal.org), "the key searches as a member of this organisation")(
      "role", po::value(&claims.principal.roles)->composing(), "a role of the principal (repeatable)")(
      "filter", po::value(&claims.filter), "a filter ANDed to every search made with the key")(
      "db", po::value(&db), "record the minting in this index's audit trail (the key itself is never recorded)")(
      "public", "a key for anonymous visitors (no user, org or roles)")("ttl", po::value(&ttl_text)->required(),
                                                                        "lifetime: 90s, 30m, 1h, 7d (at most 400d)");
  bool help = false;
  auto vm = ParseOptions("keys mint", args, options, {},
                         "--secret-file F --key-id K [--org O] [--role R]... [--user U] [--filter EXPR] [--public] "
                         "--ttl 1h [--db DIR]",
                         help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  claims.is_public = vm->count("public") > 0;
  auto ttl = ParseTtl(ttl_text);
  if (!ttl.ok()) return ReportError("keys mint", ttl.status());
  auto secrets = LoadKeySecrets(secret_file);
  if (!secrets.ok()) return ReportError("keys mint", secrets.status());
  const auto secret = secrets->find(claims.key_id);
  if (secret == secrets->end()) {
    return ReportError("keys mint", Status::InvalidArgument("--key-id " + claims.key_id + ": not in " + secret_file));
  }
  const long long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (ttl.value() > kMaxSearchKeyTtlSeconds) {
    return ReportError("keys mint", Status::InvalidArgument("--ttl " + ttl_text + ": at most 400d"));
  }
  claims.expires_at = now + ttl.value();
  auto token = MintSearchKey(secret->second, claims, now);
  if (!token.ok()) return ReportError("keys mint", token.status());
  if (!db.empty()) {
    nlohmann::json detail{{"key_id", claims.key_id},         {"expires_at", claims.expires_at},
                          {"user", claims.principal.user},   {"org", claims.principal.org},
                          {"roles", claims.principal.roles}, {"filter", !claims.filter.empty()},
                          {"public", claims.is_public}};
    RecordAudit(db, "key.mint", detail.dump());
  }
  std::cout << token.value() << "\n";
  return kExitOk;
}

}  // namespace

int RunKeys(const std::vector<std::string>& args) {
  const std::string usage =
      "usage: portalkb keys hash < KEY_FILE\n"
      "       portalkb keys mint --secret-file F --key-id K [--org O] [--role R]... [--user U] [--filter EXPR] "
      "[--public] --ttl 1h\n";
  if (args.empty()) {
    std::cerr << usage;
    return kExitUsage;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "hash") return RunKeysHash(rest);
  if (args[0] == "mint") return RunKeysMint(rest);
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return kExitOk;
  }
  std::cerr << "portalkb keys: unknown subcommand '" << args[0] << "'\n" << usage;
  return kExitUsage;
}

}  // namespace portalkb::cli
