// Roles (names are data) and access groups bundling them.
#include <algorithm>

#include "accounts/accounts_impl.h"
#include "core/text.h"

namespace portalkb {
namespace {

Status CheckDescription(std::string_view value) {
  if (value.size() > 1000 || !IsValidUtf8(value)) {
    return Status::InvalidArgument("description: must be at most 1000 bytes of UTF-8");
  }
  return Status::Ok();
}

}  // namespace

// --- Roles ------------------------------------------------------------------

Result<Role> Accounts::AddRole(const Role& role) {
  auto name = NormalizePrincipalId(role.name, "role");
  if (!name.ok()) return name.status();
  if (auto s = CheckDescription(role.description); !s.ok()) return s;
  MutexLock lock(impl_->mutex);
  auto exists = impl_->Query("SELECT 1 FROM roles WHERE name = ?", {name.value()});
  if (!exists.ok()) return exists.status();
  if (!exists->empty()) return Status::AlreadyExists("role '" + name.value() + "' exists already");
  if (auto s = impl_->Run("INSERT INTO roles(name, description) VALUES(?, ?)", {name.value(), role.description});
      !s.ok()) {
    return s;
  }
  impl_->Emit("role_added", "", "", "", name.value());
  return Role{name.value(), role.description};
}

Result<std::vector<Role>> Accounts::ListRoles() {
  MutexLock lock(impl_->mutex);
  auto rows = impl_->Query("SELECT name, description FROM roles ORDER BY name", {});
  if (!rows.ok()) return rows.status();
  std::vector<Role> out;
  for (auto& r : rows.value()) out.push_back(Role{r[0], r[1]});
  return out;
}

Result<Role> Accounts::GetRole(const std::string& name) {
  MutexLock lock(impl_->mutex);
  auto rows = impl_->Query("SELECT name, description FROM roles WHERE name = ?", {AsciiLower(Trim(name))});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no role '" + Abbreviate(name) + "'");
  return Role{rows->front()[0], rows->front()[1]};
}

Result<Role> Accounts::UpdateRole(const std::string& name, const std::string& description) {
  if (auto s = CheckDescription(description); !s.ok()) return s;
  {
    MutexLock lock(impl_->mutex);
    if (auto s = impl_->Run("UPDATE roles SET description = ? WHERE name = ?", {description, AsciiLower(Trim(name))});
        !s.ok()) {
      return s;
    }
    if (impl_->db.Changes() == 0) return Status::NotFound("no role '" + Abbreviate(name) + "'");
  }
  return GetRole(name);
}

Status Accounts::RemoveRole(const std::string& name) {
  MutexLock lock(impl_->mutex);
  if (auto s = impl_->Run("DELETE FROM roles WHERE name = ?", {AsciiLower(Trim(name))}); !s.ok()) return s;
  if (impl_->db.Changes() == 0) return Status::NotFound("no role '" + Abbreviate(name) + "'");
  // Also revoked from every user and group holding it (ON DELETE CASCADE).
  impl_->Emit("role_removed", "", "", "", AsciiLower(Trim(name)));
  return Status::Ok();
}

Status Accounts::GrantRole(const std::string& raw_user, const std::string& raw_role, const std::string& actor) {
  const std::string user = AsciiLower(Trim(raw_user)), role = AsciiLower(Trim(raw_role));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  auto exists = impl_->Query("SELECT 1 FROM roles WHERE name = ?", {role});
  if (!exists.ok()) return exists.status();
  if (exists->empty()) return Status::NotFound("no role '" + Abbreviate(raw_role) + "'");
  if (auto s = impl_->Run("INSERT OR IGNORE INTO user_roles(user_id, role) VALUES(?, ?)", {user, role}); !s.ok()) {
    return s;
  }
  impl_->Emit("role_granted", actor, user, stored->org, role);
  return Status::Ok();
}

Status Accounts::RevokeRole(const std::string& raw_user, const std::string& raw_role, const std::string& actor) {
  const std::string user = AsciiLower(Trim(raw_user)), role = AsciiLower(Trim(raw_role));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (auto s = impl_->Run("DELETE FROM user_roles WHERE user_id = ? AND role = ?", {user, role}); !s.ok()) return s;
  if (impl_->db.Changes() == 0)
    return Status::NotFound("user '" + user + "' does not hold role '" + Abbreviate(role) + "'");
  impl_->Emit("role_revoked", actor, user, stored->org, role);
  return Status::Ok();
}

// --- Groups -----------------------------------------------------------------

static Result<AccessGroup> LoadGroup(Accounts::Impl& impl, const std::string& name) REQUIRES(impl.mutex);

static Result<AccessGroup> LoadGroup(Accounts::Impl& impl, const std::string& name) {
  auto rows = impl.Query("SELECT name, description FROM access_groups WHERE name = ?", {name});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no group '" + Abbreviate(name) + "'");
  AccessGroup g{rows->front()[0], rows->front()[1], {}};
  auto roles = impl.Query("SELECT role FROM group_roles WHERE group_name = ? ORDER BY role", {name});
  if (!roles.ok()) return roles.status();
  for (auto& r : roles.value()) g.roles.push_back(std::move(r[0]));
  return g;
}

static Status SetGroupRoles(Accounts::Impl& impl, const std::string& group, const std::vector<std::string>& roles)
    REQUIRES(impl.mutex);

static Status SetGroupRoles(Accounts::Impl& impl, const std::string& group, const std::vector<std::string>& roles) {
  if (auto s = impl.Run("DELETE FROM group_roles WHERE group_name = ?", {group}); !s.ok()) return s;
  for (const auto& raw : roles) {
    const std::string role = AsciiLower(Trim(raw));
    auto exists = impl.Query("SELECT 1 FROM roles WHERE name = ?", {role});
    if (!exists.ok()) return exists.status();
    if (exists->empty()) return Status::NotFound("no role '" + Abbreviate(raw) + "'");
    if (auto s = impl.Run("INSERT OR IGNORE INTO group_roles(group_name, role) VALUES(?, ?)", {group, role}); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Result<AccessGroup> Accounts::AddGroup(const AccessGroup& group) {
  auto name = NormalizePrincipalId(group.name, "group");
  if (!name.ok()) return name.status();
  if (auto s = CheckDescription(group.description); !s.ok()) return s;
  MutexLock lock(impl_->mutex);
  sqlite::Transaction transaction(impl_->db);
  if (!transaction.status().ok()) return transaction.status();
  auto exists = impl_->Query("SELECT 1 FROM access_groups WHERE name = ?", {name.value()});
  if (!exists.ok()) return exists.status();
  if (!exists->empty()) return Status::AlreadyExists("group '" + name.value() + "' exists already");
  if (auto s =
          impl_->Run("INSERT INTO access_groups(name, description) VALUES(?, ?)", {name.value(), group.description});
      !s.ok()) {
    return s;
  }
  if (auto s = SetGroupRoles(*impl_, name.value(), group.roles); !s.ok()) return s;
  if (auto s = transaction.Commit(); !s.ok()) return s;
  auto added = LoadGroup(*impl_, name.value());
  if (added.ok()) {
    std::string roles;
    for (const auto& r : added->roles) roles += (roles.empty() ? "" : " ") + r;
    impl_->Emit("group_added", "", "", "", name.value() + (roles.empty() ? "" : ": " + roles));
  }
  return added;
}

Result<std::vector<AccessGroup>> Accounts::ListGroups() {
  MutexLock lock(impl_->mutex);
  auto rows = impl_->Query("SELECT name FROM access_groups ORDER BY name", {});
  if (!rows.ok()) return rows.status();
  std::vector<AccessGroup> out;
  for (const auto& r : rows.value()) {
    auto g = LoadGroup(*impl_, r[0]);
    if (!g.ok()) return g.status();
    out.push_back(std::move(g).value());
  }
  return out;
}

Result<AccessGroup> Accounts::GetGroup(const std::string& name) {
  MutexLock lock(impl_->mutex);
  return LoadGroup(*impl_, AsciiLower(Trim(name)));
}

Result<AccessGroup> Accounts::UpdateGroup(const std::string& raw_name, const std::string& description,
                                          const std::optional<std::vector<std::string>>& roles,
                                          const std::string& actor) {
  const std::string name = AsciiLower(Trim(raw_name));
  if (auto s = CheckDescription(description); !s.ok()) return s;
  MutexLock lock(impl_->mutex);
  auto before = LoadGroup(*impl_, name);
  if (!before.ok()) return before.status();
  sqlite::Transaction transaction(impl_->db);
  if (!transaction.status().ok()) return transaction.status();
  if (!description.empty()) {
    if (auto s = impl_->Run("UPDATE access_groups SET description = ? WHERE name = ?", {description, name}); !s.ok()) {
      return s;
    }
  }
  if (roles) {
    if (auto s = SetGroupRoles(*impl_, name, *roles); !s.ok()) return s;
  }
  if (auto s = transaction.Commit(); !s.ok()) return s;
  auto after = LoadGroup(*impl_, name);
  if (after.ok() && roles) {
    for (const auto& r : after->roles) {
      if (!std::binary_search(before->roles.begin(), before->roles.end(), r)) {
        impl_->Emit("group_role_added", actor, "", "", name + " " + r);
      }
    }
    for (const auto& r : before->roles) {
      if (!std::binary_search(after->roles.begin(), after->roles.end(), r)) {
        impl_->Emit("group_role_removed", actor, "", "", name + " " + r);
      }
    }
  }
  return after;
}

Status Accounts::RemoveGroup(const std::string& name) {
  MutexLock lock(impl_->mutex);
  if (auto s = impl_->Run("DELETE FROM access_groups WHERE name = ?", {AsciiLower(Trim(name))}); !s.ok()) return s;
  if (impl_->db.Changes() == 0) return Status::NotFound("no group '" + Abbreviate(name) + "'");
  impl_->Emit("group_removed", "", "", "", AsciiLower(Trim(name)));
  return Status::Ok();
}

Status Accounts::AddToGroup(const std::string& raw_user, const std::string& raw_group, const std::string& actor) {
  const std::string user = AsciiLower(Trim(raw_user)), group = AsciiLower(Trim(raw_group));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (auto g = LoadGroup(*impl_, group); !g.ok()) return g.status();
  if (auto s = impl_->Run("INSERT OR IGNORE INTO user_groups(user_id, group_name) VALUES(?, ?)", {user, group});
      !s.ok()) {
    return s;
  }
  impl_->Emit("group_joined", actor, user, stored->org, group);
  return Status::Ok();
}

Status Accounts::RemoveFromGroup(const std::string& raw_user, const std::string& raw_group, const std::string& actor) {
  const std::string user = AsciiLower(Trim(raw_user)), group = AsciiLower(Trim(raw_group));
  MutexLock lock(impl_->mutex);
  auto stored = impl_->LoadUser(user);
  if (!stored.ok()) return stored.status();
  if (auto s = impl_->Run("DELETE FROM user_groups WHERE user_id = ? AND group_name = ?", {user, group}); !s.ok()) {
    return s;
  }
  if (impl_->db.Changes() == 0) {
    return Status::NotFound("user '" + user + "' is not in group '" + Abbreviate(group) + "'");
  }
  impl_->Emit("group_left", actor, user, stored->org, group);
  return Status::Ok();
}

}  // namespace portalkb
