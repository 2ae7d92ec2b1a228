// The accounts directory: opening the store, organisations, users and
// account requests, principals. Roles and groups: roles_groups.cc; key
// rotation: key_rotation.cc.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "accounts/accounts_impl.h"
#include "core/text.h"

namespace portalkb {
namespace {

constexpr sqlite::MigrationStep kMigrations[] = {
    {1,
     "CREATE TABLE orgs(id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);"
     // Personal fields are sealed (base64 of nonce and ciphertext) under
     // the key named by key_id; email_index is the blind index under it.
     "CREATE TABLE users(id TEXT PRIMARY KEY, org TEXT NOT NULL REFERENCES orgs(id), key_id TEXT NOT NULL,"
     " email_index TEXT NOT NULL, email_sealed TEXT NOT NULL, name_sealed TEXT NOT NULL, language TEXT NOT NULL,"
     " contact_channel TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,"
     " password_hash TEXT NOT NULL DEFAULT '', failed_logins INTEGER NOT NULL DEFAULT 0,"
     " locked_until INTEGER NOT NULL DEFAULT 0, totp_sealed TEXT NOT NULL DEFAULT '',"
     " totp_pending_sealed TEXT NOT NULL DEFAULT '', totp_enabled INTEGER NOT NULL DEFAULT 0,"
     " totp_last_step INTEGER NOT NULL DEFAULT -1);"
     "CREATE INDEX users_email ON users(email_index);"
     "CREATE INDEX users_org ON users(org);"
     "CREATE INDEX users_key ON users(key_id);"
     "CREATE TABLE roles(name TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '');"
     "CREATE TABLE access_groups(name TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '');"
     "CREATE TABLE group_roles(group_name TEXT NOT NULL REFERENCES access_groups(name) ON DELETE CASCADE,"
     " role TEXT NOT NULL REFERENCES roles(name) ON DELETE CASCADE, PRIMARY KEY(group_name, role));"
     "CREATE TABLE user_roles(user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " role TEXT NOT NULL REFERENCES roles(name) ON DELETE CASCADE, PRIMARY KEY(user_id, role));"
     "CREATE TABLE user_groups(user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " group_name TEXT NOT NULL REFERENCES access_groups(name) ON DELETE CASCADE, PRIMARY KEY(user_id, group_name));"
     // Secrets given to users are kept only as SHA-256 hashes.
     "CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
     " revoked INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE reset_tokens(token_hash TEXT PRIMARY KEY,"
     " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, expires_at INTEGER NOT NULL,"
     " used INTEGER NOT NULL DEFAULT 0);"
     "CREATE TABLE recovery_codes(user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " code_hash TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(user_id, code_hash));"},
};

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::uintmax_t kMaxBreachedListBytes = 64u << 20;

}  // namespace

const char* const kUserColumns =
    "id, org, key_id, email_index, email_sealed, name_sealed, language, contact_channel, status, created_at,"
    " password_hash, failed_logins, locked_until, totp_sealed, totp_pending_sealed, totp_enabled, totp_last_step";

StoredUser FromRow(const Row& r) {
  StoredUser u;
  u.id = r[0];
  u.org = r[1];
  u.key_id = r[2];
  u.email_index = r[3];
  u.email_sealed = r[4];
  u.name_sealed = r[5];
  u.language = r[6];
  u.contact_channel = r[7];
  u.status = r[8];
  u.created_at = std::stoll(r[9]);
  u.password_hash = r[10];
  u.failed_logins = std::stoll(r[11]);
  u.locked_until = std::stoll(r[12]);
  u.totp_sealed = r[13];
  u.totp_pending_sealed = r[14];
  u.totp_enabled = r[15] == "1";
  u.totp_last_step = std::stoll(r[16]);
  return u;
}

namespace {

Result<std::string> NormalizeEmail(std::string_view raw) {
  std::string email = AsciiLower(Trim(raw));
  const auto at = email.find('@');
  if (email.empty() || email.size() > kMaxEmailBytes || at == std::string::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string::npos || !IsValidUtf8(email) ||
      std::any_of(email.begin(), email.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; })) {
    // The address itself is personal data: the message does not repeat it.
    return Status::InvalidArgument("email: not an e-mail address (one '@', no spaces, at most 254 bytes)");
  }
  return email;
}

Status CheckText(std::string_view value, std::string_view what) {
  if (Trim(value).empty() || value.size() > kMaxNameBytes || !IsValidUtf8(value) ||
      std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < ' '; })) {
    return Status::InvalidArgument(std::string(what) + ": must be 1-200 bytes of UTF-8 without control characters");
  }
  return Status::Ok();
}

Status CheckOneOf(const std::string& value, std::initializer_list<const char*> allowed, std::string_view what) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return Status::Ok();
    list += list.empty() ? a : std::string(", ") + a;
  }
  return Status::InvalidArgument(std::string(what) + " '" + Abbreviate(value) + "': must be one of " + list);
}

}  // namespace

std::string SealContext(const std::string& user_id, std::string_view field) {
  return "users/" + user_id + "/" + std::string(field);
}

// --- Impl helpers -----------------------------------------------------------

std::int64_t Accounts::Impl::Now() const {
  if (options.clock) return options.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Accounts::Impl::Emit(std::string action, std::string actor, std::string subject, std::string org,
                          std::string detail) const {
  if (!options.on_event) return;
  options.on_event(
      AccountEvent{std::move(action), std::move(actor), std::move(subject), std::move(org), std::move(detail)});
}

Status Accounts::Impl::Run(std::string_view sql, const std::vector<sqlite::Value>& params) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  for (std::size_t i = 0; i < params.size(); ++i) st->Bind(static_cast<int>(i + 1), params[i]);
  return st->Run();
}

Result<std::vector<Row>> Accounts::Impl::Query(std::string_view sql, const std::vector<sqlite::Value>& params) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  for (std::size_t i = 0; i < params.size(); ++i) st->Bind(static_cast<int>(i + 1), params[i]);
  std::vector<Row> rows;
  while (true) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!more.value()) break;
    Row row;
    for (int c = 0; c < st->ColumnCount(); ++c) row.push_back(st->Text(c));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<StoredUser> Accounts::Impl::LoadUser(const std::string& id) {
  auto rows = Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no user '" + Abbreviate(id) + "'");
  return FromRow(rows->front());
}

Result<std::string> Accounts::Impl::UserIdByEmail(const std::string& email) {
  // Mid-rotation a row's blind index is under its own key: try each.
  for (const auto& [id, key] : keys.all()) {
    auto rows = Query("SELECT id FROM users WHERE email_index = ? AND key_id = ?",
                      {accounts::KeyRing::BlindIndex(key, email), id});
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) return rows->front()[0];
  }
  return std::string();
}

Result<User> Accounts::Impl::Unseal(const StoredUser& s) {
  User u;
  u.id = s.id;
  u.org = s.org;
  auto email = keys.Open(s.email_sealed, s.key_id, SealContext(s.id, "email"));
  if (!email.ok()) return email.status();
  auto name = keys.Open(s.name_sealed, s.key_id, SealContext(s.id, "name"));
  if (!name.ok()) return name.status();
  u.email = std::move(email).value();
  u.display_name = std::move(name).value();
  u.language = s.language;
  u.contact_channel = s.contact_channel;
  u.status = s.status;
  u.created_at = s.created_at;
  u.totp_enabled = s.totp_enabled;
  u.has_password = !s.password_hash.empty();
  auto roles = Query("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", {s.id});
  if (!roles.ok()) return roles.status();
  for (auto& r : roles.value()) u.roles.push_back(std::move(r[0]));
  auto groups = Query("SELECT group_name FROM user_groups WHERE user_id = ? ORDER BY group_name", {s.id});
  if (!groups.ok()) return groups.status();
  for (auto& g : groups.value()) u.groups.push_back(std::move(g[0]));
  return u;
}

Result<std::vector<std::string>> Accounts::Impl::EffectiveRoles(const std::string& user_id) {
  auto rows = Query(
      "SELECT role FROM user_roles WHERE user_id = ?1 UNION SELECT gr.role FROM user_groups ug"
      " JOIN group_roles gr ON gr.group_name = ug.group_name WHERE ug.user_id = ?1 ORDER BY 1",
      {user_id});
  if (!rows.ok()) return rows.status();
  std::vector<std::string> roles;
  for (auto& r : rows.value()) roles.push_back(std::move(r[0]));
  return roles;
}

Result<Principal> Accounts::Impl::PrincipalLocked(const std::string& user_id) {
  auto user = LoadUser(user_id);
  if (!user.ok()) return user.status();
  if (user->status != kUserActive) {
    return Status::PermissionDenied("user '" + user_id + "' is " + user->status + ", not active");
  }
  auto org = Query("SELECT status FROM orgs WHERE id = ?", {user->org});
  if (!org.ok()) return org.status();
  if (org->empty() || org->front()[0] != "active") {
    return Status::PermissionDenied("organisation '" + user->org + "' of user '" + user_id + "' is not active");
  }
  auto roles = EffectiveRoles(user_id);
  if (!roles.ok()) return roles.status();
  Principal p;
  p.user = user->id;
  p.org = user->org;
  p.roles = std::move(roles).value();
  return NormalizePrincipal(p);
}

// --- Opening ----------------------------------------------------------------

std::string Accounts::PathFor(const std::string& index_path) {
  std::string base = index_path;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + ".accounts.sqlite";
}

Status Accounts::CreateKeyFile(const std::string& path) { return accounts::CreateAccountKeyFile(path); }

Accounts::Accounts(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Accounts::~Accounts() = default;

Result<std::unique_ptr<Accounts>> Accounts::Open(const std::string& path, AccountsOptions options) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  const PasswordPolicy& policy = options.password_policy;
  if (policy.min_length < 8) return Status::InvalidArgument("password_policy.min_length: must be at least 8");
  if (policy.max_bytes < policy.min_length || policy.max_bytes > 4096) {
    return Status::InvalidArgument("password_policy.max_bytes: must be min_length..4096");
  }
  if (options.pwhash_opslimit < crypto_pwhash_OPSLIMIT_MIN || options.pwhash_opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      options.pwhash_memlimit < crypto_pwhash_MEMLIMIT_MIN || options.pwhash_memlimit > (std::size_t{4} << 30)) {
    return Status::InvalidArgument("pwhash_opslimit / pwhash_memlimit: outside libsodium's Argon2id limits");
  }
  if (options.lockout_threshold < 1 || options.lockout_base_seconds < 1 ||
      options.lockout_max_seconds < options.lockout_base_seconds) {
    return Status::InvalidArgument(
        "lockout: threshold must be >= 1, base_seconds >= 1 and max_seconds >= base_seconds");
  }
  if (options.session_ttl_seconds < 1 || options.session_idle_seconds < 1 || options.reset_token_ttl_seconds < 1) {
    return Status::InvalidArgument("session_ttl_seconds, session_idle_seconds, reset_token_ttl_seconds: must be >= 1");
  }
  if (options.rotation_batch < 1) return Status::InvalidArgument("rotation_batch: must be >= 1");
  if (auto role = NormalizePrincipalId(options.org_admin_role, "org_admin_role"); !role.ok()) return role.status();

  auto current = accounts::LoadAccountKey(options.key_file);
  if (!current.ok()) return current.status();
  accounts::KeyRing keys(std::move(current).value());
  for (const auto& file : options.previous_key_files) {
    auto key = accounts::LoadAccountKey(file);
    if (!key.ok()) return key.status();
    keys.Add(std::move(key).value());
  }

  std::unordered_set<std::string> breached;
  if (!policy.breached_list_file.empty()) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(policy.breached_list_file, ec);
    if (ec) {
      return Status::IOError("breached-passwords list '" + policy.breached_list_file + "': " + ec.message());
    }
    if (size > kMaxBreachedListBytes) {
      return Status::ResourceExhausted("breached-passwords list '" + policy.breached_list_file +
                                       "': " + std::to_string(size) + " bytes, over the limit of 64 MiB");
    }
    std::ifstream in(policy.breached_list_file, std::ios::binary);
    if (!in) return Status::IOError("breached-passwords list '" + policy.breached_list_file + "': cannot open");
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) breached.insert(AsciiLower(line));
    }
  }

  sqlite::ConnectionOptions connection;
  // Removed accounts and rejected requests must not linger in free pages.
  connection.secure_delete = true;
  auto db = sqlite::Connection::Open(path, connection);
  if (!db.ok()) return Status::IOError("accounts store: " + db.status().message());
  if (auto migrated = sqlite::Migrate(db.value(), kMigrations); !migrated.ok()) return migrated.status();

  auto impl = std::make_unique<Impl>(std::move(options), std::move(keys), std::move(db).value());
  impl->breached = std::move(breached);
  return std::unique_ptr<Accounts>(new Accounts(std::move(impl)));
}

// --- Organisations ----------------------------------------------------------

namespace {
Organisation OrgFromRow(const Row& r) { return Organisation{r[0], r[1], r[2], std::stoll(r[3])}; }
}  // namespace

Result<Organisation> Accounts::AddOrganisation(const Organisation& org) {
  auto id = NormalizePrincipalId(org.id, "org");
  if (!id.ok()) return id.status();
  if (auto s = CheckText(org.name, "name"); !s.ok()) return s;
  const std::string status = org.status.empty() ? "active" : org.status;
  if (auto s = CheckOneOf(status, {"active", "disabled"}, "status"); !s.ok()) return s;
  MutexLock lock(impl_->mutex);
  auto exists = impl_->Query("SELECT 1 FROM orgs WHERE id = ?", {id.value()});
  if (!exists.ok()) return exists.status();
  if (!exists->empty()) return Status::AlreadyExists("organisation '" + id.value() + "' exists already");
  Organisation out{id.value(), org.name, status, impl_->Now()};
  if (auto s = impl_->Run("INSERT INTO orgs(id, name, status, created_at) VALUES(?, ?, ?, ?)",
                          {out.id, out.name, out.status, out.created_at});
      !s.ok()) {
    return s;
  }
  impl_->Emit("org_added", "", "", out.id, "");
  return out;
}

Result<Organisation> Accounts::GetOrganisation(const std::string& id) {
  MutexLock lock(impl_->mutex);
  auto rows = impl_->Query("SELECT id, name, status, created_at FROM orgs WHERE id = ?", {AsciiLower(Trim(id))});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no organisation '" + Abbreviate(id) + "'");
  return OrgFromRow(rows->front());
}

Result<std::vector<Organisation>> Accounts::ListOrganisations() {
  MutexLock lock(impl_->mutex);
  auto rows = impl_->Query("SELECT id, name, status, created_at FROM orgs ORDER BY id", {});
  if (!rows.ok()) return rows.status();
  std::vector<Organisation> out;
  for (const auto& r : rows.value()) out.push_back(OrgFromRow(r));
  return out;
}

Result<Organisation> Accounts::UpdateOrganisation(const std::string& id, const std::string& name,
                                                  const std::string& status) {
  if (!name.empty()) {
    if (auto s = CheckText(name, "name"); !s.ok()) return s;
  }
  if (!status.empty()) {
    if (auto s = CheckOneOf(status, {"active", "disabled"}, "status"); !s.ok()) return s;
  }
  {
    MutexLock lock(impl_->mutex);
    const std::string key = AsciiLower(Trim(id));
    if (auto s = impl_->Run("UPDATE orgs SET name = CASE WHEN ?1 = '' THEN name ELSE ?1 END,"
                            " status = CASE WHEN ?2 = '' THEN status ELSE ?2 END WHERE id = ?3",
                            {name, status, key});
        !s.ok()) {
      return s;
    }
    if (impl_->db.Changes() == 0) return Status::NotFound("no organisation '" + Abbreviate(id) + "'");
    impl_->Emit("org_updated", "", "", key, status.empty() ? "" : "status " + status);
  }
  return GetOrganisation(id);
}

Status Accounts::RemoveOrganisation(const std::string& id) {
  MutexLock lock(impl_->mutex);
  const std::string key = AsciiLower(Trim(id));
  auto users = impl_->Query("SELECT COUNT(*) FROM users WHERE org = ?", {key});
  if (!users.ok()) return users.status();
  if (users->front()[0] != "0") {
    return Status::InvalidArgument("organisation '" + key + "' still has " + users->front()[0] +
                                   " users; remove them first");
  }
  if (auto s = impl_->Run("DELETE FROM orgs WHERE id = ?", {key}); !s.ok()) return s;
  if (impl_->db.Changes() == 0) return Status::NotFound("no organisation '" + Abbreviate(id) + "'");
  impl_->Emit("org_removed", "", "", key, "");
  return Status::Ok();
}

// --- Users ------------------------------------------------------------------

namespace {

struct CheckedUser {
  std::string org, email;
};

Result<CheckedUser> CheckNewUser(const NewUser& user) {
  auto org = NormalizePrincipalId(user.org, "org");
  if (!org.ok()) return org.status();
  auto email = NormalizeEmail(user.email);
  if (!email.ok()) return email.status();
  if (auto s = CheckText(user.display_name, "display_name"); !s.ok()) return s;
  if (auto s = CheckOneOf(user.language, {"nl", "en", "sv", "de"}, "language"); !s.ok()) return s;
  if (auto s = CheckOneOf(user.contact_channel, {"email", "phone", "portal"}, "contact_channel"); !s.ok()) return s;
  return CheckedUser{org.value(), email.value()};
}

}  // namespace

static Result<User> InsertUser(Accounts::Impl& impl, const NewUser& user, const char* status) REQUIRES(impl.mutex);

static Result<User> InsertUser(Accounts::Impl& impl, const NewUser& user, const char* status) {
  auto checked = CheckNewUser(user);
  if (!checked.ok()) return checked.status();
  auto org = impl.Query("SELECT status FROM orgs WHERE id = ?", {checked->org});
  if (!org.ok()) return org.status();
  if (org->empty()) return Status::NotFound("no organisation '" + checked->org + "'");
  auto existing = impl.UserIdByEmail(checked->email);
  if (!existing.ok()) return existing.status();
  if (!existing->empty()) return Status::AlreadyExists("a user with that e-mail address exists already");
  const std::string id = "u-" + accounts::RandomHex(8);
  const auto& key = impl.keys.current();
  User out;
  out.id = id;
  out.org = checked->org;
  out.email = checked->email;
  out.display_name = user.display_name;
  out.language = user.language;
  out.contact_channel = user.contact_channel;
  out.status = status;
  out.created_at = impl.Now();
  if (auto s = impl.Run(
          "INSERT INTO users(id, org, key_id, email_index, email_sealed, name_sealed, language, contact_channel,"
          " status, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {id, out.org, key.id, accounts::KeyRing::BlindIndex(key, out.email),
           impl.keys.Seal(out.email, SealContext(id, "email")),
           impl.keys.Seal(out.display_name, SealContext(id, "name")), out.language, out.contact_channel, out.status,
           out.created_at});
      !s.ok()) {
    return s;
  }
  return out;
}

Result<User> Accounts::AddUser(const NewUser& user) {
  MutexLock lock(impl_->mutex);
  auto added = InsertUser(*impl_, user, kUserActive);
  if (added.ok()) impl_->Emit("user_added", "", added->id, added->org, "");
  return added;
}

Result<User> Accounts::RequestAccount(const NewUser& user) {
  MutexLock lock(impl_->mutex);
  auto added = InsertUser(*impl_, user, kUserPending);
  if (added.ok()) impl_->Emit("account_requested", "", added->id, added->org, "");
  return added;
}

namespace {

// Whether `admin_user` may decide on `subject`'s request (the lock is held).
Status CheckApprover(Accounts::Impl& impl, const std::string& admin_user, const StoredUser& subject)
    REQUIRES(impl.mutex) {
  auto admin = impl.PrincipalLocked(AsciiLower(Trim(admin_user)));
  if (!admin.ok() || admin->org != subject.org || !admin->HasRole(impl.options.org_admin_role)) {
    impl.Emit("approval_refused", admin_user, subject.id, subject.org,
              "not an active " + impl.options.org_admin_role + " of the organisation");
    return Status::PermissionDenied("user '" + Abbreviate(admin_user) + "' may not decide on account requests of " +
                                    "organisation '" + subject.org + "': that needs an active " +
                                    impl.options.org_admin_role + " of it");
  }
  return Status::Ok();
}

}  // namespace

static Result<User> Decide(Accounts::Impl& impl, const std::string* admin_user, const std::string& user_id,
                           bool approve) REQUIRES(impl.mutex);

static Result<User> Decide(Accounts::Impl& impl, const std::string* admin_user, const std::string& user_id,
                           bool approve) {
  auto subject = impl.LoadUser(AsciiLower(Trim(user_id)));
  if (!subject.ok()) return subject.status();
  if (admin_user != nullptr) {
    if (auto s = CheckApprover(impl, *admin_user, subject.value()); !s.ok()) return s;
  }
  if (subject->status != kUserPending) {
    return Status::InvalidArgument("user '" + subject->id + "' is " + subject->status + ", not a pending request");
  }
  const std::string actor = admin_user != nullptr ? AsciiLower(Trim(*admin_user)) : "";
  auto user = impl.Unseal(subject.value());
  if (!user.ok()) return user.status();
  if (approve) {
    if (auto s = impl.Run("UPDATE users SET status = 'active' WHERE id = ?", {subject->id}); !s.ok()) return s;
    user->status = kUserActive;
    impl.Emit("account_approved", actor, subject->id, subject->org, "");
  } else {
    if (auto s = impl.Run("DELETE FROM users WHERE id = ?", {subject->id}); !s.ok()) return s;
    user->status = "rejected";
    impl.Emit("account_rejected", actor, subject->id, subject->org, "");
  }
  return user;
}

Result<User> Accounts::ApproveRequest(const std::string& admin_user, const std::string& user_id) {
  MutexLock lock(impl_->mutex);
  return Decide(*impl_, &admin_user, user_id, true);
}

Status Accounts::RejectRequest(const std::string& admin_user, const std::string& user_id) {
  MutexLock lock(impl_->mutex);
  auto done = Decide(*impl_, &admin_user, user_id, false);
  return done.ok() ? Status::Ok() : done.status();
}

Result<User> Accounts::ApproveRequestAsOperator(const std::string& user_id) {
  MutexLock lock(impl_->mutex);
  return Decide(*impl_, nullptr, user_id, true);
}

Status Accounts::RejectRequestAsOperator(const std::string& user_id) {
  MutexLock lock(impl_->mutex);
  auto done = Decide(*impl_, nullptr, user_id, false);
  return done.ok() ? Status::Ok() : done.status();
}

Result<User> Accounts::GetUser(const std::string& id) {
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(AsciiLower(Trim(id)));
  if (!stored.ok()) return stored.status();
  return impl_->Unseal(stored.value());
}

Result<User> Accounts::FindUserByEmail(const std::string& raw) {
  auto email = NormalizeEmail(raw);
  if (!email.ok()) return email.status();
  MutexLock lock(impl_->mutex);
  auto id = impl_->UserIdByEmail(email.value());
  if (!id.ok()) return id.status();
  if (id->empty()) return Status::NotFound("no user with that e-mail address");
  auto stored = impl_->LoadUser(id.value());
  if (!stored.ok()) return stored.status();
  return impl_->Unseal(stored.value());
}

Result<std::vector<User>> Accounts::ListUsers(const std::string& org) {
  MutexLock lock(impl_->mutex);
  auto rows = impl_->Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE ?1 = '' OR org = ?1 ORDER BY id",
                           {AsciiLower(Trim(org))});
  if (!rows.ok()) return rows.status();
  std::vector<User> out;
  for (const auto& r : rows.value()) {
    auto user = impl_->Unseal(FromRow(r));
    if (!user.ok()) return user.status();
    out.push_back(std::move(user).value());
  }
  return out;
}

Result<User> Accounts::UpdateUser(const std::string& raw_id, const UserUpdate& update) {
  const std::string id = AsciiLower(Trim(raw_id));
  std::string email;
  if (update.email) {
    auto normal = NormalizeEmail(*update.email);
    if (!normal.ok()) return normal.status();
    email = normal.value();
  }
  if (update.display_name) {
    if (auto s = CheckText(*update.display_name, "display_name"); !s.ok()) return s;
  }
  if (update.language) {
    if (auto s = CheckOneOf(*update.language, {"nl", "en", "sv", "de"}, "language"); !s.ok()) return s;
  }
  if (update.contact_channel) {
    if (auto s = CheckOneOf(*update.contact_channel, {"email", "phone", "portal"}, "contact_channel"); !s.ok()) {
      return s;
    }
  }
  if (update.status) {
    if (auto s = CheckOneOf(*update.status, {"active", "disabled"}, "status"); !s.ok()) return s;
  }
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(id);
  if (!stored.ok()) return stored.status();
  if (update.status && stored->status == kUserPending) {
    return Status::InvalidArgument("user '" + id + "' is a pending request: approve or reject it");
  }
  auto user = impl_->Unseal(stored.value());
  if (!user.ok()) return user.status();
  if (update.email && email != user->email) {
    auto other = impl_->UserIdByEmail(email);
    if (!other.ok()) return other.status();
    if (!other->empty()) return Status::AlreadyExists("a user with that e-mail address exists already");
    user->email = email;
  }
  if (update.display_name) user->display_name = *update.display_name;
  if (update.language) user->language = *update.language;
  if (update.contact_channel) user->contact_channel = *update.contact_channel;
  if (update.status) user->status = *update.status;
  // Re-sealing every field under the current key also moves the row along
  // in a rotation; in one transaction, so the row never mixes keys.
  const auto& key = impl_->keys.current();
  sqlite::Transaction transaction(impl_->db);
  if (!transaction.status().ok()) return transaction.status();
  if (auto s =
          impl_->Run("UPDATE users SET key_id = ?, email_index = ?, email_sealed = ?, name_sealed = ?, language = ?,"
                     " contact_channel = ?, status = ? WHERE id = ?",
                     {key.id, accounts::KeyRing::BlindIndex(key, user->email),
                      impl_->keys.Seal(user->email, SealContext(id, "email")),
                      impl_->keys.Seal(user->display_name, SealContext(id, "name")), user->language,
                      user->contact_channel, user->status, id});
      !s.ok()) {
    return s;
  }
  if (stored->key_id != key.id) {
    // The TOTP secrets were sealed under the old key too.
    for (const char* field : {"totp", "totp_pending"}) {
      const std::string& sealed = std::string_view(field) == "totp" ? stored->totp_sealed : stored->totp_pending_sealed;
      if (sealed.empty()) continue;
      auto plain = impl_->keys.Open(sealed, stored->key_id, SealContext(id, field));
      if (!plain.ok()) return plain.status();
      const std::string column = std::string(field) + "_sealed";
      if (auto s = impl_->Run("UPDATE users SET " + column + " = ? WHERE id = ?",
                              {impl_->keys.Seal(plain.value(), SealContext(id, field)), id});
          !s.ok()) {
        return s;
      }
      sodium_memzero(plain->data(), plain->size());
    }
  }
  if (update.status && *update.status != stored->status && *update.status == kUserDisabled) {
    if (auto s = impl_->Run("UPDATE sessions SET revoked = 1 WHERE user_id = ?", {id}); !s.ok()) return s;
  }
  if (auto s = transaction.Commit(); !s.ok()) return s;
  impl_->Emit("user_updated", "", id, user->org, update.status ? "status " + *update.status : "");
  return user;
}

Status Accounts::RemoveUser(const std::string& raw_id) {
  const std::string id = AsciiLower(Trim(raw_id));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(id);
  if (!stored.ok()) return stored.status();
  if (auto s = impl_->Run("DELETE FROM users WHERE id = ?", {id}); !s.ok()) return s;
  impl_->Emit("user_removed", "", id, stored->org, "");
  return Status::Ok();
}

Result<Principal> Accounts::PrincipalFor(const std::string& user_id) {
  MutexLock lock(impl_->mutex);
  return impl_->PrincipalLocked(AsciiLower(Trim(user_id)));
}

}  // namespace portalkb
