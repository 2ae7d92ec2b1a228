// portalkb orgs|users|roles|groups: the accounts store beside an index.
// Thin: parse, call one Accounts method, print (text, or the wire JSON of
// portalkb/accounts_json.h with --json). Passwords come from stdin only.
#include <sodium.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli_common.h"
#include "portalkb/accounts.h"
#include "portalkb/accounts_json.h"
#include "portalkb/portal.h"
#include "portalkb/json_value.h"

namespace portalkb::cli {
namespace {

struct StoreArgs {
  std::string db;
  std::string key_file;
  std::vector<std::string> previous_key_files;
  bool json = false;
};

void AddStoreOptions(po::options_description& options, StoreArgs& args) {
  options.add_options()("db", po::value(&args.db)->required(),
                        "the index directory; the store is DIR.accounts.sqlite beside it")(
      "key-file", po::value(&args.key_file)->required(), "the accounts key file (mode 600)")(
      "previous-key-file", po::value(&args.previous_key_files)->composing(),
      "an earlier key file rows may still be sealed under (repeatable; during a key rotation)")(
      "json", po::bool_switch(&args.json), "print the wire JSON");
}

// Through the portal, so that what the operator does is in the audit trail.
Result<std::unique_ptr<Portal>> OpenStore(const StoreArgs& args) {
  PortalOptions options;
  options.accounts.key_file = args.key_file;
  options.accounts.previous_key_files = args.previous_key_files;
  return Portal::Open(args.db, std::move(options));
}

// One subcommand: its own options and positional id, then `run`.
struct Sub {
  std::string command;  // "users add"
  std::string usage;
  po::options_description options{"options"};
  po::positional_options_description positional;
  StoreArgs store;
  std::string id;

  explicit Sub(std::string c, std::string u, bool with_id) : command(std::move(c)), usage(std::move(u)) {
    AddStoreOptions(options, store);
    if (with_id) {
      options.add_options()("id", po::value(&id)->required(), "the id or name (positional)");
      positional.add("id", 1);
    }
  }
  // Parses; nullopt and an exit code when the command is done (help or error).
  std::optional<int> Parse(const std::vector<std::string>& args, po::variables_map& vm) {
    bool help = false;
    auto parsed = ParseOptions(command, args, options, positional, usage, help);
    if (!parsed) return kExitUsage;
    if (help) return kExitOk;
    vm = std::move(*parsed);
    return std::nullopt;
  }
  int Fail(const Status& s) const { return ReportError(command, s); }
};

void Print(const nlohmann::json& value) { std::cout << DumpJson(value, 2) << "\n"; }

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "-" : out;
}

void PrintOrg(const Organisation& o) { std::cout << o.id << "\t" << o.status << "\t" << o.name << "\n"; }
void PrintUser(const User& u) {
  std::cout << u.id << "\t" << u.org << "\t" << u.status << "\t" << u.email << "\t" << u.display_name << "\t"
            << u.language << "\t" << u.contact_channel << "\troles=" << Joined(u.roles)
            << "\tgroups=" << Joined(u.groups) << (u.totp_enabled ? "\ttotp" : "") << "\n";
}
void PrintRole(const Role& r) { std::cout << r.name << "\t" << r.description << "\n"; }
void PrintGroup(const AccessGroup& g) {
  std::cout << g.name << "\troles=" << Joined(g.roles) << "\t" << g.description << "\n";
}

template <typename T>
int Show(const Sub& sub, const Result<T>& result, void (*text)(const T&)) {
  if (!result.ok()) return sub.Fail(result.status());
  if (sub.store.json) {
    Print(ToJsonValue(result.value()));
  } else {
    text(result.value());
  }
  return kExitOk;
}

template <typename T>
int ShowList(const Sub& sub, const Result<std::vector<T>>& result, void (*text)(const T&)) {
  if (!result.ok()) return sub.Fail(result.status());
  if (sub.store.json) {
    Print(ToJsonArray(result.value()));
  } else {
    for (const auto& item : result.value()) text(item);
  }
  return kExitOk;
}

int Done(const Sub& sub, const Status& status, const std::string& what) {
  if (!status.ok()) return sub.Fail(status);
  if (sub.store.json) {
    Print(nlohmann::json{{"ok", true}});
  } else {
    std::cout << what << "\n";
  }
  return kExitOk;
}

// A password from stdin: one line, at most 4096 bytes, never echoed or in argv.
Result<std::string> ReadPassword() {
  std::string password;
  char c;
  while (std::cin.get(c) && c != '\n') {
    password += c;
    if (password.size() > 4096) return Status::InvalidArgument("password on stdin: over 4096 bytes");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) return Status::InvalidArgument("no password on stdin");
  return password;
}

int RunOrgs(const std::string& verb, const std::vector<std::string>& args) {
  const bool with_id = verb != "list";
  Sub sub("orgs " + verb, "--db DIR --key-file F" + std::string(with_id ? " ID" : "") + " [options]", with_id);
  std::string name, status;
  if (verb == "add" || verb == "update") {
    sub.options.add_options()("name", po::value(&name), "the organisation's shown name")("status", po::value(&status),
                                                                                         "active or disabled");
  }
  po::variables_map vm;
  if (auto done = sub.Parse(args, vm)) return *done;
  auto store = OpenStore(sub.store);
  if (!store.ok()) return sub.Fail(store.status());
  Accounts& a = store.value()->accounts();
  if (verb == "add") return Show(sub, a.AddOrganisation({sub.id, name, status, 0}), PrintOrg);
  if (verb == "list") return ShowList(sub, a.ListOrganisations(), PrintOrg);
  if (verb == "show") return Show(sub, a.GetOrganisation(sub.id), PrintOrg);
  if (verb == "update") return Show(sub, a.UpdateOrganisation(sub.id, name, status), PrintOrg);
  return Done(sub, a.RemoveOrganisation(sub.id), "removed " + sub.id);
}

int RunRolesVerb(const std::string& verb, const std::vector<std::string>& args) {
  const bool with_id = verb != "list";
  Sub sub("roles " + verb, "--db DIR --key-file F" + std::string(with_id ? " NAME" : "") + " [options]", with_id);
  std::string description;
  if (verb == "add" || verb == "update") {
    sub.options.add_options()("description", po::value(&description), "what the role is for");
  }
  po::variables_map vm;
  if (auto done = sub.Parse(args, vm)) return *done;
  auto store = OpenStore(sub.store);
  if (!store.ok()) return sub.Fail(store.status());
  Accounts& a = store.value()->accounts();
  if (verb == "add") return Show(sub, a.AddRole({sub.id, description}), PrintRole);
  if (verb == "list") return ShowList(sub, a.ListRoles(), PrintRole);
  if (verb == "show") return Show(sub, a.GetRole(sub.id), PrintRole);
  if (verb == "update") return Show(sub, a.UpdateRole(sub.id, description), PrintRole);
  return Done(sub, a.RemoveRole(sub.id), "removed " + sub.id);
}

int RunGroupsVerb(const std::string& verb, const std::vector<std::string>& args) {
  const bool with_id = verb != "list";
  Sub sub("groups " + verb, "--db DIR --key-file F" + std::string(with_id ? " NAME" : "") + " [options]", with_id);
  std::string description;
  std::vector<std::string> roles;
  if (verb == "add" || verb == "update") {
    sub.options.add_options()("description", po::value(&description), "what the group is for")(
        "role", po::value(&roles)->composing(), "a role the group gives (repeatable; update: replaces them all)")(
        "no-roles", "update: the group gives no roles");
  }
  po::variables_map vm;
  if (auto done = sub.Parse(args, vm)) return *done;
  auto store = OpenStore(sub.store);
  if (!store.ok()) return sub.Fail(store.status());
  Accounts& a = store.value()->accounts();
  if (verb == "add") return Show(sub, a.AddGroup({sub.id, description, roles}), PrintGroup);
  if (verb == "list") return ShowList(sub, a.ListGroups(), PrintGroup);
  if (verb == "show") return Show(sub, a.GetGroup(sub.id), PrintGroup);
  if (verb == "update") {
    std::optional<std::vector<std::string>> new_roles;
    if (!roles.empty() || vm.count("no-roles")) new_roles = roles;
    return Show(sub, a.UpdateGroup(sub.id, description, new_roles), PrintGroup);
  }
  return Done(sub, a.RemoveGroup(sub.id), "removed " + sub.id);
}

int RunUsersVerb(const std::string& verb, const std::vector<std::string>& args) {
  if (verb == "new-key") {
    po::options_description options("options");
    std::string key_file;
    options.add_options()("key-file", po::value(&key_file)->required(), "the key file to create (mode 600)");
    bool help = false;
    auto vm = ParseOptions("users new-key", args, options, {}, "--key-file F", help);
    if (!vm) return kExitUsage;
    if (help) return kExitOk;
    if (Status s = Accounts::CreateKeyFile(key_file); !s.ok()) return ReportError("users new-key", s);
    std::cout << "created " << key_file << "\n";
    return kExitOk;
  }
  const bool with_id = verb != "list" && verb != "add" && verb != "rotate-key";
  Sub sub("users " + verb, "--db DIR --key-file F" + std::string(with_id ? " USER_ID" : "") + " [options]", with_id);
  NewUser fresh;
  UserUpdate update;
  std::string org, as_admin, email, name, language, channel, status;
  std::vector<std::string> add_roles, remove_roles, add_groups, remove_groups;
  if (verb == "add") {
    sub.options.add_options()("org", po::value(&fresh.org)->required(), "the user's organisation")(
        "email", po::value(&fresh.email)->required(), "e-mail address (the login name)")(
        "name", po::value(&fresh.display_name)->required(), "display name")(
        "language", po::value(&fresh.language)->default_value("en"), "nl, en, sv or de")(
        "contact-channel", po::value(&fresh.contact_channel)->default_value("email"), "email, phone or portal")(
        "pending", "file it as an account request waiting for approval");
  } else if (verb == "list") {
    sub.options.add_options()("org", po::value(&org), "only users of this organisation");
  } else if (verb == "update") {
    sub.options.add_options()("email", po::value(&email), "new e-mail address")(
        "name", po::value(&name), "new display name")("language", po::value(&language), "nl, en, sv or de")(
        "contact-channel", po::value(&channel), "email, phone or portal")(
        "status", po::value(&status), "active or disabled")("add-role", po::value(&add_roles)->composing(),
                                                            "grant a role (repeatable)")(
        "remove-role", po::value(&remove_roles)->composing(), "revoke a role (repeatable)")(
        "add-group", po::value(&add_groups)->composing(), "join an access group (repeatable)")(
        "remove-group", po::value(&remove_groups)->composing(), "leave an access group (repeatable)");
  } else if (verb == "approve" || verb == "reject") {
    sub.options.add_options()("as", po::value(&as_admin),
                              "decide as this user (an org admin of the request's organisation); default: the "
                              "operator holding the key file");
  }
  po::variables_map vm;
  if (auto done = sub.Parse(args, vm)) return *done;
  auto store = OpenStore(sub.store);
  if (!store.ok()) return sub.Fail(store.status());
  Accounts& a = store.value()->accounts();
  if (verb == "add") {
    return Show(sub, vm.count("pending") ? a.RequestAccount(fresh) : a.AddUser(fresh), PrintUser);
  }
  if (verb == "list") return ShowList(sub, a.ListUsers(org), PrintUser);
  if (verb == "show") return Show(sub, a.GetUser(sub.id), PrintUser);
  if (verb == "update") {
    if (vm.count("email")) update.email = email;
    if (vm.count("name")) update.display_name = name;
    if (vm.count("language")) update.language = language;
    if (vm.count("contact-channel")) update.contact_channel = channel;
    if (vm.count("status")) update.status = status;
    if (update.email || update.display_name || update.language || update.contact_channel || update.status) {
      if (auto u = a.UpdateUser(sub.id, update); !u.ok()) return sub.Fail(u.status());
    }
    for (const auto& r : add_roles) {
      if (Status s = a.GrantRole(sub.id, r); !s.ok()) return sub.Fail(s);
    }
    for (const auto& r : remove_roles) {
      if (Status s = a.RevokeRole(sub.id, r); !s.ok()) return sub.Fail(s);
    }
    for (const auto& g : add_groups) {
      if (Status s = a.AddToGroup(sub.id, g); !s.ok()) return sub.Fail(s);
    }
    for (const auto& g : remove_groups) {
      if (Status s = a.RemoveFromGroup(sub.id, g); !s.ok()) return sub.Fail(s);
    }
    return Show(sub, a.GetUser(sub.id), PrintUser);
  }
  if (verb == "remove") return Done(sub, a.RemoveUser(sub.id), "removed " + sub.id);
  if (verb == "approve") {
    return Show(sub, as_admin.empty() ? a.ApproveRequestAsOperator(sub.id) : a.ApproveRequest(as_admin, sub.id),
                PrintUser);
  }
  if (verb == "reject") {
    return Done(sub, as_admin.empty() ? a.RejectRequestAsOperator(sub.id) : a.RejectRequest(as_admin, sub.id),
                "rejected " + sub.id);
  }
  if (verb == "set-password") {
    auto password = ReadPassword();
    if (!password.ok()) return sub.Fail(password.status());
    Status s = a.SetPassword(sub.id, password.value());
    sodium_memzero(password->data(), password->size());
    return Done(sub, s, "password set for " + sub.id);
  }
  // rotate-key: every row onto --key-file, opening old rows with --previous-key-file.
  auto progress = a.RotateKey();
  if (!progress.ok()) return sub.Fail(progress.status());
  if (sub.store.json) {
    Print({{"resealed", progress->resealed}, {"remaining", progress->remaining}});
  } else {
    std::cout << "re-sealed " << progress->resealed << " users; " << progress->remaining << " remaining\n";
  }
  return kExitOk;
}

int Dispatch(const std::string& group, const std::vector<std::string>& verbs, const std::vector<std::string>& args,
             int (*run)(const std::string&, const std::vector<std::string>&)) {
  std::string usage;
  for (const auto& v : verbs)
    usage += (usage.empty() ? "usage: " : "       ") + ("portalkb " + group + " " + v) +
             " --db DIR --key-file F ... (see --help)\n";
  if (args.empty()) {
    std::cerr << usage;
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return kExitOk;
  }
  if (std::find(verbs.begin(), verbs.end(), args[0]) == verbs.end()) {
    std::cerr << "portalkb " << group << ": unknown subcommand '" << args[0] << "'\n" << usage;
    return kExitUsage;
  }
  return run(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace

int RunOrganisations(const std::vector<std::string>& args) {
  return Dispatch("orgs", {"add", "list", "show", "update", "remove"}, args, RunOrgs);
}
int RunUsers(const std::vector<std::string>& args) {
  return Dispatch(
      "users",
      {"add", "list", "show", "update", "remove", "approve", "reject", "set-password", "new-key", "rotate-key"}, args,
      RunUsersVerb);
}
int RunRoles(const std::vector<std::string>& args) {
  return Dispatch("roles", {"add", "list", "show", "update", "remove"}, args, RunRolesVerb);
}
int RunGroups(const std::vector<std::string>& args) {
  return Dispatch("groups", {"add", "list", "show", "update", "remove"}, args, RunGroupsVerb);
}

}  // namespace portalkb::cli
