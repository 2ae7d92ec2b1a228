// portalkb._core.AccountsCore: the native half of portalkb.accounts. A
// Portal (accounts store + audit trail) beside an open KnowledgeBase, so
// account events are audited and GDPR requests reach the index and its
// analytics log. Thin, as module.cc: arguments converted with the GIL held,
// one library call with it released, answers as dicts and tuples that the
// pure-Python layer (portalkb/accounts.py) turns into its dataclasses.
#include <pybind11/stl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "portalkb/accounts.h"
#include "portalkb/portal.h"

namespace py = pybind11;

namespace portalkb::python {
namespace {

py::dict OrganisationToDict(const Organisation& o) {
  py::dict d;
  d["id"] = o.id;
  d["name"] = o.name;
  d["status"] = o.status;
  d["created_at"] = o.created_at;
  return d;
}

py::dict UserToDict(const User& u) {
  py::dict d;
  d["id"] = u.id;
  d["org"] = u.org;
  d["email"] = u.email;
  d["display_name"] = u.display_name;
  d["language"] = u.language;
  d["contact_channel"] = u.contact_channel;
  d["status"] = u.status;
  d["roles"] = u.roles;
  d["groups"] = u.groups;
  d["totp_enabled"] = u.totp_enabled;
  d["has_password"] = u.has_password;
  d["created_at"] = u.created_at;
  return d;
}

py::dict RoleToDict(const Role& r) {
  py::dict d;
  d["name"] = r.name;
  d["description"] = r.description;
  return d;
}

py::dict GroupToDict(const AccessGroup& g) {
  py::dict d;
  d["name"] = g.name;
  d["description"] = g.description;
  d["roles"] = g.roles;
  return d;
}

template <typename T>
py::list ListOf(const std::vector<T>& items, py::dict (*convert)(const T&)) {
  py::list out;
  for (const auto& item : items) out.append(convert(item));
  return out;
}

py::tuple PrincipalToTuple(const Principal& p) { return py::make_tuple(p.user, p.org, p.roles); }

// A Python callable as the store's clock. The store calls it with its own
// lock held and the GIL released; every binding releases the GIL before
// calling into the store, so taking the GIL here cannot deadlock. A clock
// that raises or returns a non-int is reported (unraisable) and the system
// clock used for that reading: the library's clock cannot fail.
std::function<std::int64_t()> PythonClock(py::object fn) {
  // Dropped wherever the store is destroyed, possibly without the GIL.
  std::shared_ptr<py::object> held(new py::object(std::move(fn)), [](py::object* o) {
    py::gil_scoped_acquire acquire;
    delete o;
  });
  return [held]() -> std::int64_t {
    py::gil_scoped_acquire acquire;
    try {
      return (*held)().cast<std::int64_t>();
    } catch (py::error_already_set& e) {
      e.discard_as_unraisable("portalkb.accounts clock");
    } catch (const py::cast_error&) {
      PyErr_SetString(PyExc_TypeError, "the clock must return an int (seconds since the epoch)");
      PyErr_WriteUnraisable(held->ptr());
    }
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

// Options arrive as a dict already checked by portalkb/accounts.py; every
// key is present.
PortalOptions ParseOptions(const py::dict& o) {
  PortalOptions options;
  AccountsOptions& a = options.accounts;
  a.key_file = o["key_file"].cast<std::string>();
  a.previous_key_files = o["previous_key_files"].cast<std::vector<std::string>>();
  if (py::object clock = o["clock"]; !clock.is_none()) a.clock = PythonClock(std::move(clock));
  a.password_policy.min_length = o["min_password_length"].cast<std::size_t>();
  a.password_policy.max_bytes = o["max_password_bytes"].cast<std::size_t>();
  a.password_policy.breached_list_file = o["breached_passwords_file"].cast<std::string>();
  a.pwhash_opslimit = o["pwhash_opslimit"].cast<std::uint64_t>();
  a.pwhash_memlimit = o["pwhash_memlimit"].cast<std::size_t>();
  a.lockout_threshold = o["lockout_threshold"].cast<int>();
  a.lockout_base_seconds = o["lockout_base_seconds"].cast<std::int64_t>();
  a.lockout_max_seconds = o["lockout_max_seconds"].cast<std::int64_t>();
  a.session_ttl_seconds = o["session_ttl_seconds"].cast<std::int64_t>();
  a.session_idle_seconds = o["session_idle_seconds"].cast<std::int64_t>();
  a.reset_token_ttl_seconds = o["reset_token_ttl_seconds"].cast<std::int64_t>();
  a.org_admin_role = o["org_admin_role"].cast<std::string>();
  a.totp_required_roles = o["totp_required_roles"].cast<std::vector<std::string>>();
  a.rotation_batch = o["rotation_batch"].cast<std::size_t>();
  options.audit.retention_days = o["audit_retention_days"].cast<int>();
  options.audit.create = true;
  return options;
}

NewUser MakeNewUser(std::string org, std::string email, std::string display_name, std::string language,
                    std::string contact_channel) {
  NewUser u;
  u.org = std::move(org);
  u.email = std::move(email);
  u.display_name = std::move(display_name);
  u.language = std::move(language);
  u.contact_channel = std::move(contact_channel);
  return u;
}

// None: unchanged.
UserUpdate MakeUpdate(std::optional<std::string> email, std::optional<std::string> display_name,
                      std::optional<std::string> language, std::optional<std::string> contact_channel,
                      std::optional<std::string> status) {
  UserUpdate u;
  u.email = std::move(email);
  u.display_name = std::move(display_name);
  u.language = std::move(language);
  u.contact_channel = std::move(contact_channel);
  u.status = std::move(status);
  return u;
}

// One open Portal. The Python object of the KnowledgeBase handle is held, so
// the index outlives this object; closing the index makes export and erasure
// fail with "closed" while account calls keep working. close() ends the
// store; calls after it are InvalidArgument.
class AccountsCore {
 public:
  AccountsCore(py::object index_object, IndexAccess& index, PortalOptions options)
      : index_object_(std::move(index_object)), index_(index), options_(std::move(options)) {}

  void Open() {
    py::gil_scoped_release release;
    portal_ = Unwrap(Portal::Open(index_.path(), options_), "accounts");
  }

  void Close() {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex_);
    portal_.reset();
  }

  bool closed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return portal_ == nullptr;
  }

  // Runs `f(accounts)` with the GIL released; `f` returns a library value.
  template <typename F>
  auto Call(const char* operation, F f) {
    std::shared_ptr<Portal> portal = Held();
    py::gil_scoped_release release;
    return Unwrap(f(portal->accounts()), operation);
  }
  template <typename F>
  void CallStatus(const char* operation, F f) {
    std::shared_ptr<Portal> portal = Held();
    py::gil_scoped_release release;
    Check(f(portal->accounts()), operation);
  }

  std::string ExportUser(const std::string& user, const std::string& actor) {
    std::shared_ptr<Portal> portal = Held();
    py::gil_scoped_release release;
    std::shared_ptr<portalkb::Engine> engine = index_.SharedEngine();
    return Unwrap(portal->ExportUser(*engine, user, actor), "export_user");
  }

  py::dict RectifyUser(const std::string& user, const UserUpdate& update, const std::string& actor) {
    User updated;
    {
      std::shared_ptr<Portal> portal = Held();
      py::gil_scoped_release release;
      updated = Unwrap(portal->RectifyUser(user, update, actor), "rectify_user");
    }
    return UserToDict(updated);
  }

  py::dict EraseUser(const std::string& user, bool delete_own_documents, const std::string& actor) {
    ErasureReport report;
    {
      std::shared_ptr<Portal> portal = Held();
      py::gil_scoped_release release;
      std::shared_ptr<portalkb::Engine> engine = index_.SharedEngine();
      if (!delete_own_documents) {
        report = Unwrap(portal->EraseUser(*engine, nullptr, user, actor), "erase_user");
      } else {
        // Whether erasure deletes is a PortalOptions field, fixed at
        // Portal::Open: a Portal opened for this one request deletes (as
        // `portalkb gdpr erase --delete-own-documents` does). Both stores
        // are SQLite files taking their own locks, so the two handles agree.
        PortalOptions options = options_;
        options.erase_deletes_own_documents = true;
        auto deleting = Unwrap(Portal::Open(index_.path(), options), "erase_user");
        index_.WithWriter([&](IndexWriter& writer) {
          report = Unwrap(deleting->EraseUser(*engine, &writer, user, actor), "erase_user");
        });
      }
    }
    py::dict d;
    d["user"] = report.user;
    d["pseudonym"] = report.pseudonym;
    d["audit_entries_pseudonymised"] = report.audit_entries_pseudonymised;
    d["searches_pseudonymised"] = report.searches_pseudonymised;
    d["own_documents"] = report.own_documents;
    d["own_documents_deleted"] = report.own_documents_deleted;
    d["shared_documents"] = report.shared_documents;
    return d;
  }

 private:
  // The portal, kept alive for the call even if another thread closes it.
  std::shared_ptr<Portal> Held() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (portal_ == nullptr) ThrowStatus(Status::InvalidArgument("the accounts store is closed"), "closed");
    return portal_;
  }

  py::object index_object_;
  IndexAccess& index_;
  const PortalOptions options_;
  std::mutex mutex_;  // guards portal_ (the pointer; Portal itself is thread-safe)
  std::shared_ptr<Portal> portal_;
};

}  // namespace

void BindAccounts(py::module_& m, std::function<IndexAccess&(py::handle)> to_index) {
  using OptStr = std::optional<std::string>;
  m.def(
      "create_key_file",
      [](const std::string& path) {
        py::gil_scoped_release release;
        Check(Accounts::CreateKeyFile(path), "create_key_file");
      },
      py::arg("path"), "Creates a new accounts key file (mode 600; AlreadyExists if present).");
  m.def("accounts_path", &Accounts::PathFor, py::arg("index_path"), "Where the accounts store of an index lives.");

  py::class_<AccountsCore>(m, "AccountsCore", "The native handle behind portalkb.accounts.Accounts.")
      .def_static(
          "open",
          [to_index](const py::object& core, const py::dict& options) {
            IndexAccess& index = to_index(core);
            auto accounts = std::make_unique<AccountsCore>(core, index, ParseOptions(options));
            accounts->Open();
            return accounts;
          },
          py::arg("core"), py::arg("options"))
      .def("close", &AccountsCore::Close)
      .def_property_readonly("closed", &AccountsCore::closed)
      // Organisations
      .def("add_organisation",
           [](AccountsCore& c, std::string id, std::string name, std::string status) {
             Organisation o;
             o.id = std::move(id);
             o.name = std::move(name);
             o.status = std::move(status);
             return OrganisationToDict(c.Call("add_organisation", [&](Accounts& a) { return a.AddOrganisation(o); }));
           })
      .def("get_organisation",
           [](AccountsCore& c, const std::string& id) {
             return OrganisationToDict(c.Call("get_organisation", [&](Accounts& a) { return a.GetOrganisation(id); }));
           })
      .def("list_organisations",
           [](AccountsCore& c) {
             return ListOf(c.Call("list_organisations", [](Accounts& a) { return a.ListOrganisations(); }),
                           &OrganisationToDict);
           })
      .def("update_organisation",
           [](AccountsCore& c, const std::string& id, const std::string& name, const std::string& status) {
             return OrganisationToDict(
                 c.Call("update_organisation", [&](Accounts& a) { return a.UpdateOrganisation(id, name, status); }));
           })
      .def("remove_organisation",
           [](AccountsCore& c, const std::string& id) {
             c.CallStatus("remove_organisation", [&](Accounts& a) { return a.RemoveOrganisation(id); });
           })
      // Users
      .def("add_user",
           [](AccountsCore& c, std::string org, std::string email, std::string name, std::string language,
              std::string channel) {
             NewUser u = MakeNewUser(std::move(org), std::move(email), std::move(name), std::move(language),
                                     std::move(channel));
             return UserToDict(c.Call("add_user", [&](Accounts& a) { return a.AddUser(u); }));
           })
      .def("request_account",
           [](AccountsCore& c, std::string org, std::string email, std::string name, std::string language,
              std::string channel) {
             NewUser u = MakeNewUser(std::move(org), std::move(email), std::move(name), std::move(language),
                                     std::move(channel));
             return UserToDict(c.Call("request_account", [&](Accounts& a) { return a.RequestAccount(u); }));
           })
      .def("approve_request",
           [](AccountsCore& c, const OptStr& admin, const std::string& user) {
             return UserToDict(c.Call("approve_request", [&](Accounts& a) {
               return admin ? a.ApproveRequest(*admin, user) : a.ApproveRequestAsOperator(user);
             }));
           })
      .def("reject_request",
           [](AccountsCore& c, const OptStr& admin, const std::string& user) {
             c.CallStatus("reject_request", [&](Accounts& a) {
               return admin ? a.RejectRequest(*admin, user) : a.RejectRequestAsOperator(user);
             });
           })
      .def("get_user",
           [](AccountsCore& c, const std::string& id) {
             return UserToDict(c.Call("get_user", [&](Accounts& a) { return a.GetUser(id); }));
           })
      .def("find_user_by_email",
           [](AccountsCore& c, const std::string& email) {
             return UserToDict(c.Call("find_user_by_email", [&](Accounts& a) { return a.FindUserByEmail(email); }));
           })
      .def("list_users",
           [](AccountsCore& c, const std::string& org) {
             return ListOf(c.Call("list_users", [&](Accounts& a) { return a.ListUsers(org); }), &UserToDict);
           })
      .def("update_user",
           [](AccountsCore& c, const std::string& id, OptStr email, OptStr name, OptStr language, OptStr channel,
              OptStr status) {
             UserUpdate u = MakeUpdate(std::move(email), std::move(name), std::move(language), std::move(channel),
                                       std::move(status));
             return UserToDict(c.Call("update_user", [&](Accounts& a) { return a.UpdateUser(id, u); }));
           })
      .def("remove_user",
           [](AccountsCore& c, const std::string& id) {
             c.CallStatus("remove_user", [&](Accounts& a) { return a.RemoveUser(id); });
           })
      // Roles and groups
      .def("add_role",
           [](AccountsCore& c, std::string name, std::string description) {
             Role r;
             r.name = std::move(name);
             r.description = std::move(description);
             return RoleToDict(c.Call("add_role", [&](Accounts& a) { return a.AddRole(r); }));
           })
      .def("list_roles",
           [](AccountsCore& c) {
             return ListOf(c.Call("list_roles", [](Accounts& a) { return a.ListRoles(); }), &RoleToDict);
           })
      .def("get_role",
           [](AccountsCore& c, const std::string& name) {
             return RoleToDict(c.Call("get_role", [&](Accounts& a) { return a.GetRole(name); }));
           })
      .def("update_role",
           [](AccountsCore& c, const std::string& name, const std::string& description) {
             return RoleToDict(c.Call("update_role", [&](Accounts& a) { return a.UpdateRole(name, description); }));
           })
      .def("remove_role",
           [](AccountsCore& c, const std::string& name) {
             c.CallStatus("remove_role", [&](Accounts& a) { return a.RemoveRole(name); });
           })
      .def("grant_role",
           [](AccountsCore& c, const std::string& user, const std::string& role, const std::string& actor) {
             c.CallStatus("grant_role", [&](Accounts& a) { return a.GrantRole(user, role, actor); });
           })
      .def("revoke_role",
           [](AccountsCore& c, const std::string& user, const std::string& role, const std::string& actor) {
             c.CallStatus("revoke_role", [&](Accounts& a) { return a.RevokeRole(user, role, actor); });
           })
      .def("add_group",
           [](AccountsCore& c, std::string name, std::string description, std::vector<std::string> roles) {
             AccessGroup g;
             g.name = std::move(name);
             g.description = std::move(description);
             g.roles = std::move(roles);
             return GroupToDict(c.Call("add_group", [&](Accounts& a) { return a.AddGroup(g); }));
           })
      .def("list_groups",
           [](AccountsCore& c) {
             return ListOf(c.Call("list_groups", [](Accounts& a) { return a.ListGroups(); }), &GroupToDict);
           })
      .def("get_group",
           [](AccountsCore& c, const std::string& name) {
             return GroupToDict(c.Call("get_group", [&](Accounts& a) { return a.GetGroup(name); }));
           })
      .def("update_group",
           [](AccountsCore& c, const std::string& name, const std::string& description,
              const std::optional<std::vector<std::string>>& roles, const std::string& actor) {
             return GroupToDict(
                 c.Call("update_group", [&](Accounts& a) { return a.UpdateGroup(name, description, roles, actor); }));
           })
      .def("remove_group",
           [](AccountsCore& c, const std::string& name) {
             c.CallStatus("remove_group", [&](Accounts& a) { return a.RemoveGroup(name); });
           })
      .def("add_to_group",
           [](AccountsCore& c, const std::string& user, const std::string& group, const std::string& actor) {
             c.CallStatus("add_to_group", [&](Accounts& a) { return a.AddToGroup(user, group, actor); });
           })
      .def("remove_from_group",
           [](AccountsCore& c, const std::string& user, const std::string& group, const std::string& actor) {
             c.CallStatus("remove_from_group", [&](Accounts& a) { return a.RemoveFromGroup(user, group, actor); });
           })
      .def("principal_for",
           [](AccountsCore& c, const std::string& user) {
             return PrincipalToTuple(c.Call("principal_for", [&](Accounts& a) { return a.PrincipalFor(user); }));
           })
      // Passwords and sessions
      .def("set_password",
           [](AccountsCore& c, const std::string& user, const std::string& password, const std::string& actor) {
             c.CallStatus("set_password", [&](Accounts& a) { return a.SetPassword(user, password, actor); });
           })
      .def("create_reset_token",
           [](AccountsCore& c, const std::string& user) {
             return c.Call("create_reset_token", [&](Accounts& a) { return a.CreateResetToken(user); });
           })
      .def("reset_password",
           [](AccountsCore& c, const std::string& token, const std::string& password) {
             c.CallStatus("reset_password", [&](Accounts& a) { return a.ResetPassword(token, password); });
           })
      .def("login",
           [](AccountsCore& c, const std::string& email, const std::string& password, const std::string& code) {
             Session s = c.Call("login", [&](Accounts& a) { return a.Login(email, password, code); });
             return py::make_tuple(s.token, s.user, s.expires_at);
           })
      .def("principal_for_session",
           [](AccountsCore& c, const std::string& token) {
             return PrincipalToTuple(
                 c.Call("principal_for_session", [&](Accounts& a) { return a.PrincipalForSession(token); }));
           })
      .def("logout",
           [](AccountsCore& c, const std::string& token) {
             c.CallStatus("logout", [&](Accounts& a) { return a.Logout(token); });
           })
      .def("revoke_sessions",
           [](AccountsCore& c, const std::string& user, const std::string& actor) {
             c.CallStatus("revoke_sessions", [&](Accounts& a) { return a.RevokeSessions(user, actor); });
           })
      // TOTP
      .def("begin_totp",
           [](AccountsCore& c, const std::string& user) {
             TotpEnrollment e = c.Call("begin_totp", [&](Accounts& a) { return a.BeginTotp(user); });
             return py::make_tuple(e.secret_base32, e.otpauth_uri);
           })
      .def("confirm_totp",
           [](AccountsCore& c, const std::string& user, const std::string& code) {
             return c.Call("confirm_totp", [&](Accounts& a) { return a.ConfirmTotp(user, code); });
           })
      .def("disable_totp",
           [](AccountsCore& c, const std::string& user, const std::string& actor) {
             c.CallStatus("disable_totp", [&](Accounts& a) { return a.DisableTotp(user, actor); });
           })
      .def("rotate_key",
           [](AccountsCore& c, std::size_t max_rows) {
             KeyRotationProgress p = c.Call("rotate_key", [&](Accounts& a) { return a.RotateKey(max_rows); });
             return py::make_tuple(p.resealed, p.remaining);
           })
      // GDPR, through the portal
      .def("export_user", &AccountsCore::ExportUser)
      .def("rectify_user",
           [](AccountsCore& c, const std::string& user, OptStr email, OptStr name, OptStr language, OptStr channel,
              const std::string& actor) {
             UserUpdate u =
                 MakeUpdate(std::move(email), std::move(name), std::move(language), std::move(channel), std::nullopt);
             return c.RectifyUser(user, u, actor);
           })
      .def("erase_user", &AccountsCore::EraseUser);
}

}  // namespace portalkb::python
