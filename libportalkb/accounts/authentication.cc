// Authentication: password policy and Argon2id hashes, lockout, reset
// tokens, sessions and the TOTP second factor with recovery codes.
#include <sodium.h>

#include <algorithm>

#include "accounts/accounts_impl.h"
#include "accounts/totp.h"
#include "core/text.h"

namespace portalkb {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMaxTokenChars = 256;
constexpr std::size_t kTotpSecretBytes = 20;  // RFC 4226 recommends 160 bits
constexpr int kRecoveryCodes = 10;
constexpr std::size_t kRecoveryCodeBytes = 10;  // 80 bits: 16 base32 letters

const char* const kBadLogin = "wrong e-mail address or password";

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Recovery codes are typed by people: case, spaces and dashes do not count.
std::string NormalizeRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return out;
}

std::int64_t LockSeconds(const AccountsOptions& o, std::int64_t failures) {
  const std::int64_t doublings = std::min<std::int64_t>(failures - o.lockout_threshold, 30);
  std::int64_t seconds = o.lockout_base_seconds;
  for (std::int64_t i = 0; i < doublings && seconds < o.lockout_max_seconds; ++i) seconds *= 2;
  return std::min(seconds, o.lockout_max_seconds);
}

}  // namespace

Status Accounts::Impl::CheckPassword(const std::string& password) const {
  const PasswordPolicy& policy = options.password_policy;
  if (password.size() > policy.max_bytes) {
    return Status::InvalidArgument("password: longer than " + std::to_string(policy.max_bytes) + " bytes");
  }
  if (!IsValidUtf8(password)) return Status::InvalidArgument("password: not valid UTF-8");
  if (CodePoints(password) < policy.min_length) {
    return Status::InvalidArgument("password: shorter than " + std::to_string(policy.min_length) + " characters");
  }
  if (breached.count(AsciiLower(password)) > 0) {
    return Status::InvalidArgument("password: on the list of breached passwords; choose another");
  }
  return Status::Ok();
}

Result<std::string> Accounts::Impl::HashPassword(const std::string& password) const {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), options.pwhash_opslimit, options.pwhash_memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("password hashing ran out of memory (pwhash_memlimit)");
  }
  return std::string(hash);
}

namespace {

Status StorePassword(Accounts::Impl& impl, const std::string& user_id, const std::string& hash) REQUIRES(impl.mutex) {
  sqlite::Transaction transaction(impl.db);
  if (!transaction.status().ok()) return transaction.status();
  if (auto s = impl.Run("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?",
                        {hash, user_id});
      !s.ok()) {
    return s;
  }
  // A changed password ends every session: whoever knew the old one is out.
  if (auto s = impl.Run("UPDATE sessions SET revoked = 1 WHERE user_id = ?", {user_id}); !s.ok()) return s;
  return transaction.Commit();
}

}  // namespace

Status Accounts::SetPassword(const std::string& raw_user, const std::string& password, const std::string& actor) {
  const std::string user = AsciiLower(Trim(raw_user));
  if (auto s = impl_->CheckPassword(password); !s.ok()) return s;
  // Hashing costs tens of milliseconds: outside the lock.
  auto hash = impl_->HashPassword(password);
  if (!hash.ok()) return hash.status();
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (auto s = StorePassword(*impl_, user, hash.value()); !s.ok()) return s;
  impl_->Emit("password_changed", actor, user, stored->org, "");
  return Status::Ok();
}

Result<std::string> Accounts::CreateResetToken(const std::string& raw_user) {
  const std::string user = AsciiLower(Trim(raw_user));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (stored->status != kUserActive) {
    return Status::PermissionDenied("user '" + user + "' is " + stored->status + ": no password reset");
  }
  std::string token = accounts::RandomToken(kTokenBytes);
  sqlite::Transaction transaction(impl_->db);
  if (!transaction.status().ok()) return transaction.status();
  if (auto s = impl_->Run("DELETE FROM reset_tokens WHERE user_id = ?", {user}); !s.ok()) return s;
  if (auto s = impl_->Run("INSERT INTO reset_tokens(token_hash, user_id, expires_at) VALUES(?, ?, ?)",
                          {accounts::HashSecret(token), user, impl_->Now() + impl_->options.reset_token_ttl_seconds});
      !s.ok()) {
    return s;
  }
  if (auto s = transaction.Commit(); !s.ok()) return s;
  impl_->Emit("password_reset_requested", "", user, stored->org, "");
  return token;
}

Status Accounts::ResetPassword(const std::string& token, const std::string& new_password) {
  if (token.empty() || token.size() > kMaxTokenChars) return Status::Unauthenticated("unknown reset token");
  const std::string token_hash = accounts::HashSecret(token);
  {
    MutexLock lock(impl_->mutex);
    auto rows = impl_->Query("SELECT user_id, expires_at, used FROM reset_tokens WHERE token_hash = ?", {token_hash});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Unauthenticated("unknown reset token");
    if (rows->front()[2] != "0") return Status::Unauthenticated("reset token already used");
    if (impl_->Now() >= std::stoll(rows->front()[1])) return Status::Unauthenticated("reset token expired");
  }
  // A password the policy refuses leaves the token usable for a better one.
  if (auto s = impl_->CheckPassword(new_password); !s.ok()) return s;
  auto hash = impl_->HashPassword(new_password);
  if (!hash.ok()) return hash.status();
  MutexLock lock(impl_->mutex);
  // Claimed atomically, so two concurrent resets cannot both use it.
  if (auto s = impl_->Run("UPDATE reset_tokens SET used = 1 WHERE token_hash = ? AND used = 0 AND expires_at > ?",
                          {token_hash, impl_->Now()});
      !s.ok()) {
    return s;
  }
  if (impl_->db.Changes() == 0) return Status::Unauthenticated("reset token already used or expired");
  auto rows = impl_->Query("SELECT user_id FROM reset_tokens WHERE token_hash = ?", {token_hash});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Unauthenticated("unknown reset token");
  const std::string user = rows->front()[0];
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (auto s = StorePassword(*impl_, user, hash.value()); !s.ok()) return s;
  impl_->Emit("password_reset", "", user, stored->org, "");
  return Status::Ok();
}

// --- Login and sessions -------------------------------------------------------

namespace {

// Counts a failed attempt and locks the account once there are enough.
Status Fail(Accounts::Impl& impl, const StoredUser& user, std::string_view why) REQUIRES(impl.mutex) {
  const std::int64_t failures = user.failed_logins + 1;
  std::int64_t locked_until = user.locked_until;
  if (failures >= impl.options.lockout_threshold) locked_until = impl.Now() + LockSeconds(impl.options, failures);
  if (auto s = impl.Run("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
                        {failures, locked_until, user.id});
      !s.ok()) {
    return s;
  }
  impl.Emit("login_failed", "", user.id, user.org, std::string(why));
  return Status::Ok();
}

}  // namespace

Result<Session> Accounts::Login(const std::string& raw_email, const std::string& password, const std::string& code) {
  const std::string email = AsciiLower(Trim(raw_email));
  StoredUser stored;
  {
    MutexLock lock(impl_->mutex);
    auto id = email.size() <= 254 ? impl_->UserIdByEmail(email) : Result<std::string>(std::string());
    if (!id.ok()) return id.status();
    if (!id->empty()) {
      auto loaded = impl_->LoadUser(id.value());
      if (!loaded.ok()) return loaded.status();
      stored = std::move(loaded).value();
    }
  }
  if (stored.id.empty()) {
    // The same Argon2id work as for a real account (outside the lock), so
    // the answer's timing does not tell which addresses have one.
    std::call_once(impl_->dummy_once, [this] {
      auto dummy = impl_->HashPassword(accounts::RandomToken(16));
      if (dummy.ok()) impl_->dummy_hash = std::move(dummy).value();
    });
    if (!impl_->dummy_hash.empty() &&
        crypto_pwhash_str_verify(impl_->dummy_hash.c_str(), password.data(),
                                 std::min(password.size(), impl_->options.password_policy.max_bytes)) == 0) {
      // The dummy's password is random and never known; nothing to do.
    }
    MutexLock lock(impl_->mutex);
    impl_->Emit("login_failed", "", "", "", "unknown e-mail address");
    return Status::Unauthenticated(kBadLogin);
  }
  const std::int64_t now = impl_->Now();
  if (stored.locked_until > now) {
    impl_->Emit("login_locked", "", stored.id, stored.org, "");
    return Status::Unauthenticated("too many failed logins: try again in " + std::to_string(stored.locked_until - now) +
                                   " s");
  }
  // Verified outside the lock (tens of milliseconds); the counters are
  // re-read under it below.
  const bool password_ok =
      !stored.password_hash.empty() && password.size() <= impl_->options.password_policy.max_bytes &&
      crypto_pwhash_str_verify(stored.password_hash.c_str(), password.data(), password.size()) == 0;
  MutexLock lock(impl_->mutex);
  auto fresh = impl_->LoadUser(stored.id);
  if (!fresh.ok()) return Status::Unauthenticated(kBadLogin);
  stored = std::move(fresh).value();
  if (!password_ok) {
    if (auto s = Fail(*impl_, stored, "wrong password"); !s.ok()) return s;
    return Status::Unauthenticated(kBadLogin);
  }
  if (stored.status != kUserActive) {
    impl_->Emit("login_failed", "", stored.id, stored.org, "account " + stored.status);
    return Status::Unauthenticated(stored.status == kUserPending ? "the account request is waiting for approval"
                                                                 : "the account is disabled");
  }
  auto principal = impl_->PrincipalLocked(stored.id);
  if (!principal.ok()) {
    impl_->Emit("login_failed", "", stored.id, stored.org, "organisation not active");
    return Status::Unauthenticated("the organisation's account is not active");
  }
  if (stored.totp_enabled) {
    if (code.empty()) {
      impl_->Emit("login_failed", "", stored.id, stored.org, "second factor missing");
      return Status::Unauthenticated("a TOTP or recovery code is required");
    }
    bool accepted = false;
    auto secret = impl_->keys.Open(stored.totp_sealed, stored.key_id, SealContext(stored.id, "totp"));
    if (!secret.ok()) return secret.status();
    if (auto step = accounts::MatchTotp(secret.value(), code, now, stored.totp_last_step + 1)) {
      if (auto s = impl_->Run("UPDATE users SET totp_last_step = ? WHERE id = ?", {*step, stored.id}); !s.ok())
        return s;
      accepted = true;
    }
    sodium_memzero(secret->data(), secret->size());
    if (!accepted && code.size() <= kMaxTokenChars) {
      if (auto s = impl_->Run("UPDATE recovery_codes SET used = 1 WHERE user_id = ? AND code_hash = ? AND used = 0",
                              {stored.id, accounts::HashSecret(NormalizeRecoveryCode(code))});
          !s.ok()) {
        return s;
      }
      accepted = impl_->db.Changes() == 1;
      if (accepted) impl_->Emit("recovery_code_used", "", stored.id, stored.org, "");
    }
    if (!accepted) {
      if (auto s = Fail(*impl_, stored, "wrong second-factor code"); !s.ok()) return s;
      return Status::Unauthenticated("wrong TOTP or recovery code");
    }
  } else {
    for (const auto& role : impl_->options.totp_required_roles) {
      if (principal->HasRole(AsciiLower(Trim(role)))) {
        impl_->Emit("login_failed", "", stored.id, stored.org, "second factor required for role " + role);
        return Status::PermissionDenied("role '" + role + "' requires a second factor: enable TOTP first");
      }
    }
  }
  Session session;
  session.token = accounts::RandomToken(kTokenBytes);
  session.user = stored.id;
  session.expires_at = now + impl_->options.session_ttl_seconds;
  sqlite::Transaction transaction(impl_->db);
  if (!transaction.status().ok()) return transaction.status();
  if (auto s = impl_->Run("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", {stored.id}); !s.ok()) {
    return s;
  }
  if (auto s = impl_->Run(
          "INSERT INTO sessions(token_hash, user_id, created_at, last_seen, expires_at) VALUES(?, ?, ?, ?, ?)",
          {accounts::HashSecret(session.token), stored.id, now, now, session.expires_at});
      !s.ok()) {
    return s;
  }
  if (auto s = transaction.Commit(); !s.ok()) return s;
  impl_->Emit("login", "", stored.id, stored.org, "");
  return session;
}

Result<Principal> Accounts::PrincipalForSession(const std::string& token) {
  if (token.empty() || token.size() > kMaxTokenChars) return Status::Unauthenticated("unknown session");
  const std::string token_hash = accounts::HashSecret(token);
  MutexLock lock(impl_->mutex);
  auto rows =
      impl_->Query("SELECT user_id, last_seen, expires_at, revoked FROM sessions WHERE token_hash = ?", {token_hash});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Unauthenticated("unknown session");
  const Row& row = rows->front();
  const std::int64_t now = impl_->Now();
  if (row[3] != "0") return Status::Unauthenticated("session revoked");
  if (now >= std::stoll(row[2])) return Status::Unauthenticated("session expired");
  if (now - std::stoll(row[1]) >= impl_->options.session_idle_seconds) {
    (void)impl_->Run("UPDATE sessions SET revoked = 1 WHERE token_hash = ?", {token_hash});
    return Status::Unauthenticated("session expired: idle for too long");
  }
  // Computed from the store on every call: a role change, a disabled user
  // or organisation counts from the next call on.
  auto principal = impl_->PrincipalLocked(row[0]);
  if (!principal.ok()) return Status::Unauthenticated("the session's user is no longer active");
  // The idle timer is kept to a tenth of its length, so a search costs a
  // write only that often (a session may idle out that much early).
  if (now - std::stoll(row[1]) >= std::max<std::int64_t>(1, impl_->options.session_idle_seconds / 10)) {
    if (auto s = impl_->Run("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", {now, token_hash}); !s.ok()) {
      return s;
    }
  }
  return principal;
}

Status Accounts::Logout(const std::string& token) {
  if (token.empty() || token.size() > kMaxTokenChars) return Status::Unauthenticated("unknown session");
  const std::string token_hash = accounts::HashSecret(token);
  MutexLock lock(impl_->mutex);
  auto rows = impl_->Query("SELECT user_id FROM sessions WHERE token_hash = ? AND revoked = 0", {token_hash});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Unauthenticated("unknown session");
  if (auto s = impl_->Run("UPDATE sessions SET revoked = 1 WHERE token_hash = ?", {token_hash}); !s.ok()) return s;
  impl_->Emit("logout", "", rows->front()[0], "", "");
  return Status::Ok();
}

Status Accounts::RevokeSessions(const std::string& raw_user, const std::string& actor) {
  const std::string user = AsciiLower(Trim(raw_user));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (auto s = impl_->Run("UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0", {user}); !s.ok()) {
    return s;
  }
  impl_->Emit("sessions_revoked", actor, user, stored->org, std::to_string(impl_->db.Changes()));
  return Status::Ok();
}

// --- TOTP ---------------------------------------------------------------------

Result<TotpEnrollment> Accounts::BeginTotp(const std::string& raw_user) {
  const std::string user = AsciiLower(Trim(raw_user));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (impl_->keys.all().count(stored->key_id) == 0) {
    return Status::Corruption("user '" + user + "' is sealed under a key not among the key files given");
  }
  std::string secret(kTotpSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  // Sealed under the row's own key, so the row stays under one key id.
  if (auto s = impl_->Run("UPDATE users SET totp_pending_sealed = ? WHERE id = ?",
                          {impl_->keys.Seal(secret, SealContext(user, "totp_pending"), stored->key_id), user});
      !s.ok()) {
    return s;
  }
  TotpEnrollment out;
  out.secret_base32 = accounts::Base32Encode(secret);
  sodium_memzero(secret.data(), secret.size());
  out.otpauth_uri = "otpauth://totp/portalkb:" + user + "?secret=" + out.secret_base32 +
                    "&issuer=portalkb&algorithm=SHA1&digits=6&period=30";
  return out;
}

Result<std::vector<std::string>> Accounts::ConfirmTotp(const std::string& raw_user, const std::string& code) {
  const std::string user = AsciiLower(Trim(raw_user));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (stored->totp_pending_sealed.empty()) {
    return Status::InvalidArgument("user '" + user + "' has no TOTP enrolment in progress (BeginTotp first)");
  }
  auto secret = impl_->keys.Open(stored->totp_pending_sealed, stored->key_id, SealContext(user, "totp_pending"));
  if (!secret.ok()) return secret.status();
  const auto step = accounts::MatchTotp(secret.value(), code, impl_->Now(), 0);
  if (!step) {
    sodium_memzero(secret->data(), secret->size());
    return Status::Unauthenticated("wrong TOTP code");
  }
  std::vector<std::string> codes;
  sqlite::Transaction transaction(impl_->db);
  if (!transaction.status().ok()) return transaction.status();
  Status s = impl_->Run(
      "UPDATE users SET totp_sealed = ?, totp_pending_sealed = '', totp_enabled = 1, totp_last_step = ? WHERE id = ?",
      {impl_->keys.Seal(secret.value(), SealContext(user, "totp"), stored->key_id), *step, user});
  sodium_memzero(secret->data(), secret->size());
  if (!s.ok()) return s;
  if (s = impl_->Run("DELETE FROM recovery_codes WHERE user_id = ?", {user}); !s.ok()) return s;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    std::string raw(kRecoveryCodeBytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string recovery = accounts::Base32Encode(raw);
    if (s = impl_->Run("INSERT INTO recovery_codes(user_id, code_hash) VALUES(?, ?)",
                       {user, accounts::HashSecret(recovery)});
        !s.ok()) {
      return s;
    }
    codes.push_back(recovery.substr(0, 4) + "-" + recovery.substr(4, 4) + "-" + recovery.substr(8, 4) + "-" +
                    recovery.substr(12));
  }
  if (s = transaction.Commit(); !s.ok()) return s;
  impl_->Emit("totp_enabled", "", user, stored->org, "");
  return codes;
}

Status Accounts::DisableTotp(const std::string& raw_user, const std::string& actor) {
  const std::string user = AsciiLower(Trim(raw_user));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  sqlite::Transaction transaction(impl_->db);
  if (!transaction.status().ok()) return transaction.status();
  if (auto s = impl_->Run(
          "UPDATE users SET totp_sealed = '', totp_pending_sealed = '', totp_enabled = 0, totp_last_step = -1"
          " WHERE id = ?",
          {user});
      !s.ok()) {
    return s;
  }
  if (auto s = impl_->Run("DELETE FROM recovery_codes WHERE user_id = ?", {user}); !s.ok()) return s;
  if (auto s = transaction.Commit(); !s.ok()) return s;
  impl_->Emit("totp_disabled", actor, user, stored->org, "");
  return Status::Ok();
}

}  // namespace portalkb
