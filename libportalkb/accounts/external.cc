// Single sign-on accounts: users provisioned from an identity provider's
// verified token, and sessions for them.
#include <algorithm>

#include "accounts/accounts_impl.h"
#include "accounts/crypto.h"
#include "core/text.h"

namespace portalkb {

namespace {

constexpr std::size_t kSsoTokenBytes = 32;
constexpr std::size_t kMaxExternalIdBytes = 1024;

// Created on first use: the table is not needed by stores without single
// sign-on, and CREATE ... IF NOT EXISTS is idempotent.
constexpr const char* kExternalTable =
    "CREATE TABLE IF NOT EXISTS external_identities(issuer TEXT NOT NULL, subject_hash TEXT NOT NULL,"
    " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, PRIMARY KEY(issuer, subject_hash))";

}  // namespace

Result<User> Accounts::ProvisionExternalUser(const ExternalIdentity& identity) {
  if (identity.issuer.empty() || identity.issuer.size() > kMaxExternalIdBytes) {
    return Status::InvalidArgument("issuer: 1-1024 bytes expected");
  }
  if (identity.subject.empty() || identity.subject.size() > kMaxExternalIdBytes) {
    return Status::InvalidArgument("subject: 1-1024 bytes expected");
  }
  // The subject may itself be personal (an e-mail at some providers).
  const std::string subject_hash = accounts::HashSecret(identity.issuer + '\n' + identity.subject);
  std::string user_id;
  {
    MutexLock lock(impl_->mutex);
    if (Status s = impl_->Run(kExternalTable, {}); !s.ok()) return s;
    auto rows = impl_->Query("SELECT user_id FROM external_identities WHERE issuer = ? AND subject_hash = ?",
                             {identity.issuer, subject_hash});
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) user_id = rows->front()[0];
  }
  if (user_id.empty()) {
    if (identity.email.empty()) {
      return Status::InvalidArgument("a new single sign-on user needs an e-mail address in the token");
    }
    if (auto taken = FindUserByEmail(identity.email); taken.ok()) {
      return Status::AlreadyExists("a user with this e-mail address exists and is not linked to the provider");
    }
    NewUser fresh;
    fresh.org = identity.org;
    fresh.email = identity.email;
    fresh.display_name = identity.display_name;
    if (fresh.display_name.empty()) fresh.display_name = identity.email.substr(0, identity.email.find('@'));
    auto added = AddUser(fresh);
    if (!added.ok()) return added.status();
    MutexLock lock(impl_->mutex);
    Status linked = impl_->Run("INSERT INTO external_identities(issuer, subject_hash, user_id) VALUES(?, ?, ?)",
                               {identity.issuer, subject_hash, added->id});
    if (!linked.ok()) return linked;
    user_id = added->id;
  }
  // Directly held roles follow the provider.
  auto user = GetUser(user_id);
  if (!user.ok()) return user.status();
  std::vector<std::string> wanted;
  for (const auto& role : identity.roles) wanted.push_back(AsciiLower(Trim(role)));
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (const auto& role : wanted) {
    if (std::binary_search(user->roles.begin(), user->roles.end(), role)) continue;
    if (auto known = GetRole(role); !known.ok()) {
      if (known.status().code() != StatusCode::kNotFound) return known.status();
      if (auto added = AddRole({role, "from single sign-on"}); !added.ok()) return added.status();
    }
    if (Status s = GrantRole(user_id, role); !s.ok()) return s;
  }
  for (const auto& role : user->roles) {
    if (std::binary_search(wanted.begin(), wanted.end(), role)) continue;
    if (Status s = RevokeRole(user_id, role); !s.ok()) return s;
  }
  return GetUser(user_id);
}

Result<Session> Accounts::StartSession(const std::string& raw_user) {
  const std::string user = AsciiLower(Trim(raw_user));
  MutexLock lock(impl_->mutex);
  auto principal = impl_->PrincipalLocked(user);
  if (!principal.ok()) return principal.status();
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  const std::int64_t now = impl_->Now();
  Session session;
  session.token = accounts::RandomToken(kSsoTokenBytes);
  session.user = user;
  session.expires_at = now + impl_->options.session_ttl_seconds;
  if (Status s = impl_->Run(
          "INSERT INTO sessions(token_hash, user_id, created_at, last_seen, expires_at) VALUES(?, ?, ?, ?, ?)",
          {accounts::HashSecret(session.token), user, now, now, session.expires_at});
      !s.ok()) {
    return s;
  }
  impl_->Emit("login", "", user, stored->org, "sso");
  return session;
}

Result<std::vector<SessionRecord>> Accounts::ListSessions(const std::string& raw_user) {
  const std::string user = AsciiLower(Trim(raw_user));
  MutexLock lock(impl_->mutex);
  if (auto stored = impl_->LoadUser(user); !stored.ok()) return stored.status();
  auto rows = impl_->Query(
      "SELECT created_at, last_seen, expires_at, revoked FROM sessions WHERE user_id = ? ORDER BY created_at DESC",
      {user});
  if (!rows.ok()) return rows.status();
  std::vector<SessionRecord> out;
  for (const Row& r : rows.value()) {
    out.push_back({std::stoll(r[0]), std::stoll(r[1]), std::stoll(r[2]), r[3] != "0"});
  }
  return out;
}

}  // namespace portalkb
