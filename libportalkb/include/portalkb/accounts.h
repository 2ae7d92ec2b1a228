// Portal accounts: organisations, users, roles and access groups, account
// requests, passwords, sessions and a TOTP second factor, kept in one SQLite
// file beside the index ("<index>.accounts.sqlite"). What it gives the rest
// of portalkb is a Principal: PrincipalFor(user) and
// PrincipalForSession(token), recomputed from the store on every call, so a
// role change takes effect on the user's next search.
//
// Personal fields (e-mail, display name, TOTP secret) are sealed with
// XChaCha20-Poly1305 under a key read from a key file (32 raw bytes or 64
// hex digits, no group/other access); e-mail addresses are found through a
// keyed BLAKE2b blind index. Passwords are Argon2id strings; session, reset
// and recovery secrets are stored as SHA-256 hashes. The database file
// alone reveals no e-mail address, name, password, token or TOTP secret.
//
// Thread-safety: one Accounts may be shared by every thread; calls are
// serialised on an internal mutex (RotateKey takes it one batch at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "portalkb/principal.h"
#include "portalkb/status.h"

namespace portalkb {

// Something the accounts module did or refused, for the audit trail. Never
// carries a password, token, code, e-mail address or name.
struct AccountEvent {
  // "login", "login_failed", "login_locked", "logout", "account_requested",
  // "account_approved", "account_rejected", "user_added", "user_updated",
  // "user_removed", "role_granted", "role_revoked", "group_joined",
  // "group_left", "group_role_added", "group_role_removed",
  // "password_changed", "password_reset_requested", "password_reset",
  // "totp_enabled", "totp_disabled", "recovery_code_used", "sessions_revoked",
  // "approval_refused", "org_added", "org_updated", "org_removed",
  // "role_added", "role_removed", "group_added", "group_removed".
  std::string action;
  std::string actor_user;    // who did it; empty: the operator (CLI) or the user themself at login
  std::string subject_user;  // whom it concerns; empty when none (e.g. an unknown e-mail at login)
  std::string org;           // the subject's organisation, when known
  std::string detail;        // e.g. the role or group name, or why a login failed
};

struct PasswordPolicy {
  // Minimum length in code points (>= 8). Default 12.
  std::size_t min_length = 12;
  // Longer passwords are refused before hashing, bounding the cost (bytes).
  std::size_t max_bytes = 1024;
  // A file of known-breached passwords, one per line, compared
  // case-insensitively (ASCII). Empty: none. Read once at Open; at most
  // 64 MiB.
  std::string breached_list_file;
};

struct AccountsOptions {
  // --- Affects behaviour ---
  // The key file sealing personal fields: 32 raw bytes or 64 hex digits
  // (one trailing newline allowed), mode 0600 or stricter. Required.
  std::string key_file;
  // Earlier key files still able to open rows sealed under them: during a
  // key rotation rows carry the id of their key, so reads work throughout.
  std::vector<std::string> previous_key_files;
  // The current time in seconds since the epoch. Null: the system clock.
  // Tests inject their own.
  std::function<std::int64_t()> clock;
  PasswordPolicy password_policy;
  // Argon2id cost (crypto_pwhash_str). Defaults: libsodium's interactive
  // limits. Below libsodium's minimum: InvalidArgument at Open.
  std::uint64_t pwhash_opslimit = 2;        // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t pwhash_memlimit = 64u << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE
  // Lockout: after `lockout_threshold` consecutive failures the account is
  // locked for lockout_base_seconds, doubling with each further failure up
  // to lockout_max_seconds. A success resets the count.
  int lockout_threshold = 5;
  std::int64_t lockout_base_seconds = 30;
  std::int64_t lockout_max_seconds = 3600;
  // Sessions end this long after login, or after this long without use.
  std::int64_t session_ttl_seconds = 8 * 3600;
  std::int64_t session_idle_seconds = 30 * 60;
  // A password reset token is valid this long, once.
  std::int64_t reset_token_ttl_seconds = 3600;
  // The role whose holders approve account requests of their own
  // organisation.
  std::string org_admin_role = "customer-admin";
  // Users holding any of these roles cannot log in without TOTP enabled
  // (PermissionDenied, saying so). Default: none.
  std::vector<std::string> totp_required_roles;
  // Called for every AccountEvent, on the calling thread, while the store's
  // lock is held: it must not call back into Accounts. Null: no events.
  std::function<void(const AccountEvent&)> on_event;
  // --- Affects performance ---
  // Rows re-sealed per transaction by RotateKey (>= 1).
  std::size_t rotation_batch = 200;
};

struct Organisation {
  std::string id;                 // a principal id (NormalizePrincipalId): "acme"
  std::string name;               // shown name, 1-200 bytes of UTF-8
  std::string status = "active";  // "active" or "disabled"
  std::int64_t created_at = 0;
};

// Account states. Only active users log in; a pending one is an account
// request waiting for an organisation admin.
inline constexpr const char* kUserPending = "pending";
inline constexpr const char* kUserActive = "active";
inline constexpr const char* kUserDisabled = "disabled";

struct User {
  std::string id;  // generated ("u-" and 16 hex digits), so ids carry nothing personal
  std::string org;
  std::string email;                      // normalised: trimmed, ASCII lower-case
  std::string display_name;               // 1-200 bytes of UTF-8
  std::string language = "en";            // nl, en, sv or de
  std::string contact_channel = "email";  // email, phone or portal
  std::string status = kUserPending;
  std::vector<std::string> roles;   // held directly, sorted
  std::vector<std::string> groups;  // access groups, sorted
  bool totp_enabled = false;
  bool has_password = false;
  std::int64_t created_at = 0;
};

// What AddUser / RequestAccount take (id and flags are the store's).
struct NewUser {
  std::string org;
  std::string email;
  std::string display_name;
  std::string language = "en";
  std::string contact_channel = "email";
};

// Fields UpdateUser changes; unset ones stay.
struct UserUpdate {
  std::optional<std::string> email;
  std::optional<std::string> display_name;
  std::optional<std::string> language;
  std::optional<std::string> contact_channel;
  std::optional<std::string> status;  // "active" or "disabled" (approval is ApproveRequest)
};

struct Role {
  std::string name;  // a principal id: "customer", "customer-admin", "editor"
  std::string description;
};

struct AccessGroup {
  std::string name;  // a principal id
  std::string description;
  std::vector<std::string> roles;  // sorted
};

struct Session {
  std::string token;  // shown once; the store keeps its hash
  std::string user;
  std::int64_t expires_at = 0;
};

// A session as the store keeps it (no token: only its hash is stored).
struct SessionRecord {
  std::int64_t created_at = 0;
  std::int64_t last_seen = 0;
  std::int64_t expires_at = 0;
  bool revoked = false;
};

struct TotpEnrollment {
  std::string secret_base32;  // shown once, for the authenticator app
  std::string otpauth_uri;    // otpauth://totp/portalkb:USER?secret=...&issuer=portalkb
};

// Who an identity provider says a user is, from a token already verified
// (portalkb/oidc.h): the provider, its stable id of the user, and the
// organisation and roles its claims map to.
struct ExternalIdentity {
  std::string issuer;   // "iss"
  std::string subject;  // "sub"
  std::string org;      // required
  std::vector<std::string> roles;
  std::string email;         // needed only to provision a new user
  std::string display_name;  // "" : the e-mail's local part
};

// How far a key rotation has come.
struct KeyRotationProgress {
  std::size_t resealed = 0;   // rows re-sealed by this call
  std::size_t remaining = 0;  // rows still under another key
};

class Accounts {
 public:
  // The accounts store of the index at `index_path`: "<index_path>.accounts.sqlite".
  static std::string PathFor(const std::string& index_path);

  // Opens (or creates) the store at `path`. The key file (and every
  // previous one) must exist, be a regular file without group/other access
  // (PermissionDenied naming the file and its octal mode) and hold a key
  // (Corruption otherwise). A row sealed under a key not given is
  // Corruption when read.
  static Result<std::unique_ptr<Accounts>> Open(const std::string& path, AccountsOptions options);

  // Creates a new key file at `path` (mode 0600; AlreadyExists if present).
  static Status CreateKeyFile(const std::string& path);

  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // --- Organisations ---
  Result<Organisation> AddOrganisation(const Organisation& org);
  Result<Organisation> GetOrganisation(const std::string& id);
  Result<std::vector<Organisation>> ListOrganisations();
  // Changes name and status (an empty field stays).
  Result<Organisation> UpdateOrganisation(const std::string& id, const std::string& name, const std::string& status);
  // InvalidArgument while the organisation has users.
  Status RemoveOrganisation(const std::string& id);

  // --- Users ---
  // An account created by the operator: active at once.
  Result<User> AddUser(const NewUser& user);
  // A self-service account request: pending until ApproveRequest.
  Result<User> RequestAccount(const NewUser& user);
  // `admin_user` must be active, of the subject's organisation and hold
  // org_admin_role (directly or through a group): PermissionDenied
  // otherwise. The subject must be pending (InvalidArgument otherwise).
  Result<User> ApproveRequest(const std::string& admin_user, const std::string& user_id);
  // The same rules; a rejected request is deleted with its personal data.
  Status RejectRequest(const std::string& admin_user, const std::string& user_id);
  // The operator's approval (the CLI holding the key file): no admin check.
  Result<User> ApproveRequestAsOperator(const std::string& user_id);
  Status RejectRequestAsOperator(const std::string& user_id);
  Result<User> GetUser(const std::string& id);
  // NotFound when no user has that e-mail address.
  Result<User> FindUserByEmail(const std::string& email);
  // Users of `org` (all when empty), by id.
  Result<std::vector<User>> ListUsers(const std::string& org = "");
  Result<User> UpdateUser(const std::string& id, const UserUpdate& update);
  // Deletes the user with its sessions, tokens, roles and memberships.
  Status RemoveUser(const std::string& id);

  // --- Roles and groups ---
  Result<Role> AddRole(const Role& role);
  Result<std::vector<Role>> ListRoles();
  Result<Role> GetRole(const std::string& name);
  Result<Role> UpdateRole(const std::string& name, const std::string& description);
  Status RemoveRole(const std::string& name);  // also from every user and group
  Status GrantRole(const std::string& user_id, const std::string& role, const std::string& actor = "");
  Status RevokeRole(const std::string& user_id, const std::string& role, const std::string& actor = "");
  Result<AccessGroup> AddGroup(const AccessGroup& group);  // its roles must exist
  Result<std::vector<AccessGroup>> ListGroups();
  Result<AccessGroup> GetGroup(const std::string& name);
  // Replaces the description (when not empty) and the roles (when given).
  Result<AccessGroup> UpdateGroup(const std::string& name, const std::string& description,
                                  const std::optional<std::vector<std::string>>& roles, const std::string& actor = "");
  Status RemoveGroup(const std::string& name);
  Status AddToGroup(const std::string& user_id, const std::string& group, const std::string& actor = "");
  Status RemoveFromGroup(const std::string& user_id, const std::string& group, const std::string& actor = "");

  // The search principal of an active user: {id, org, roles held directly
  // or through groups}, normalised. PermissionDenied for a pending or
  // disabled user or organisation.
  Result<Principal> PrincipalFor(const std::string& user_id);

  // --- Passwords ---
  // Checks the policy (InvalidArgument saying which rule), stores the
  // Argon2id hash and revokes every session of the user.
  Status SetPassword(const std::string& user_id, const std::string& password, const std::string& actor = "");
  // A reset token for the user (random 32 bytes, base64url), shown once;
  // valid reset_token_ttl_seconds, once. Earlier tokens of the user end.
  Result<std::string> CreateResetToken(const std::string& user_id);
  // Unauthenticated for an unknown, used or expired token.
  Status ResetPassword(const std::string& token, const std::string& new_password);

  // --- Sessions ---
  // Logs in by e-mail and password, plus a TOTP or recovery code when the
  // user has TOTP enabled. Unauthenticated for a wrong e-mail, password or
  // code, for a locked account (saying when to retry) and for users or
  // organisations that are not active; PermissionDenied when a role needs
  // TOTP and the user has none.
  Result<Session> Login(const std::string& email, const std::string& password, const std::string& code = "");
  // The principal of a live session, computed afresh. Unauthenticated for
  // an unknown, expired, idle, revoked token or a user no longer active.
  // Refreshes the session's idle timer (to a tenth of
  // session_idle_seconds: it is written no more often than that).
  Result<Principal> PrincipalForSession(const std::string& token);
  Status Logout(const std::string& token);
  Status RevokeSessions(const std::string& user_id, const std::string& actor = "");

  // --- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, +-1 step) ---
  // A new secret for the user, not yet required at login.
  Result<TotpEnrollment> BeginTotp(const std::string& user_id);
  // Enables TOTP once `code` matches the pending secret; returns 10
  // recovery codes, shown once (stored hashed, each usable once).
  Result<std::vector<std::string>> ConfirmTotp(const std::string& user_id, const std::string& code);
  Status DisableTotp(const std::string& user_id, const std::string& actor = "");

  // --- Single sign-on ---
  // The user `identity` stands for: found by (issuer, subject) (stored as a
  // hash), or else created active in its organisation (just-in-time
  // provisioning; an unknown organisation is NotFound, an e-mail already
  // taken by a password account AlreadyExists: link it by hand). The
  // provider is the source of truth for the roles it names: the user's
  // directly held roles become exactly those (roles unknown here are
  // created); roles through groups stay.
  Result<User> ProvisionExternalUser(const ExternalIdentity& identity);
  // A session for an active user whose identity was verified elsewhere (a
  // single sign-on token): what Login gives, without a password. Emits
  // "login" with detail "sso".
  Result<Session> StartSession(const std::string& user_id);
  // The user's sessions, newest first (for GDPR exports). NotFound for an
  // unknown user.
  Result<std::vector<SessionRecord>> ListSessions(const std::string& user_id);

  // --- Key rotation ---
  // Re-seals up to `max_rows` rows (0: all) that are not under the current
  // key, rotation_batch rows per transaction, also recomputing their blind
  // index. Other calls proceed between batches, so it may run on a
  // background thread. Run again until `remaining` is 0; then the previous
  // key files can be retired.
  Result<KeyRotationProgress> RotateKey(std::size_t max_rows = 0);

  // The store's state (accounts/accounts_impl.h); opaque outside the module.
  struct Impl;

 private:
  explicit Accounts(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace portalkb
