// The state behind portalkb::Accounts, shared by accounts.cc (directory:
// organisations, users, roles, groups, key rotation) and authentication.cc
// (passwords, sessions, TOTP). Every member function that touches the
// database expects `mutex` held.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "accounts/crypto.h"
#include "core/thread_annotations.h"
#include "portalkb/accounts.h"
#include "sqlite/sqlite.h"

namespace portalkb {

// One users row as stored, personal fields still sealed.
struct StoredUser {
  std::string id, org, key_id, email_index, email_sealed, name_sealed, language, contact_channel, status;
  std::int64_t created_at = 0;
  std::string password_hash;
  std::int64_t failed_logins = 0, locked_until = 0;
  std::string totp_sealed, totp_pending_sealed;
  bool totp_enabled = false;
  std::int64_t totp_last_step = -1;
};

using Row = std::vector<std::string>;

struct Accounts::Impl {
  Impl(AccountsOptions o, accounts::KeyRing k, sqlite::Connection c)
      : options(std::move(o)), keys(std::move(k)), db(std::move(c)) {}

  const AccountsOptions options;
  const accounts::KeyRing keys;
  std::unordered_set<std::string> breached;  // lower-cased
  std::string dummy_hash;                    // verified against for unknown e-mails, so timing tells nothing
  Mutex mutex;
  sqlite::Connection db GUARDED_BY(mutex);

  std::int64_t Now() const;
  void Emit(std::string action, std::string actor, std::string subject, std::string org, std::string detail) const;

  Status Run(std::string_view sql, const std::vector<sqlite::Value>& params) REQUIRES(mutex);
  Result<std::vector<Row>> Query(std::string_view sql, const std::vector<sqlite::Value>& params) REQUIRES(mutex);

  Result<StoredUser> LoadUser(const std::string& id) REQUIRES(mutex);
  // The user id holding `email` (normalised) under any known key, or "".
  Result<std::string> UserIdByEmail(const std::string& email) REQUIRES(mutex);
  Result<User> Unseal(const StoredUser& stored) REQUIRES(mutex);
  Result<std::vector<std::string>> EffectiveRoles(const std::string& user_id) REQUIRES(mutex);
  // PrincipalFor with the lock held: checks the user and org are active.
  Result<Principal> PrincipalLocked(const std::string& user_id) REQUIRES(mutex);
  Status CheckPassword(const std::string& password) const;
  Result<std::string> HashPassword(const std::string& password) const;
};

// "users/<id>/<field>": the associated data binding a sealed value to its
// row and column, so a value copied to another row or column does not open.
std::string SealContext(const std::string& user_id, std::string_view field);

}  // namespace portalkb
