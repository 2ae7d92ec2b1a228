// The account side of /v1: log in (password and second factor, or a single
// sign-on token), log out, the caller's own profile and GDPR export, and
// account requests with their approval by an organisation's admin. Present
// only when the server has an accounts store (--accounts-key-file).
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "portalkb/accounts_json.h"
#include "portalkb/json_value.h"
#include "server_impl.h"

namespace portalkb::server {
namespace {

using nlohmann::json;

// An object body with only the members `allowed`, each a string of at most
// `max` bytes; missing ones are "".
Result<std::map<std::string, std::string>> StringBody(const httplib::Request& req,
                                                      std::initializer_list<const char*> allowed,
                                                      std::initializer_list<const char*> required,
                                                      std::size_t max = 1024) {
  JsonLimits limits;
  limits.max_body_bytes = 32 * 1024;
  auto body = ParseJson(req.body, limits);
  if (!body.ok()) return body.status();
  if (!body->is_object()) return Status::InvalidArgument("body: a JSON object expected");
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : body->items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) return Status::InvalidArgument(Abbreviate(key, 40) + ": not a key this body may carry");
    if (!value.is_string()) return Status::InvalidArgument(key + ": a string expected");
    std::string v = value.get<std::string>();
    if (v.size() > max) return Status::InvalidArgument(key + ": over " + std::to_string(max) + " bytes");
    out[key] = std::move(v);
  }
  for (const char* r : required) {
    if (out[r].empty()) return Status::InvalidArgument(std::string(r) + ": required");
  }
  return out;
}

// The /v1 user object: the wire format's User (portalkb/accounts_json.h)
// without has_password and created_at, which /v1 has never sent; the /v1
// keys are a fixed contract.
json UserJson(const User& u) {
  json out = ToJsonValue(u);
  out.erase("has_password");
  out.erase("created_at");
  return out;
}

Reply SessionReply(const Session& session, const User& user, const Principal& principal) {
  json out = {{"token", session.token},
              {"expires_at", session.expires_at},
              {"user", UserJson(user)},
              {"principal", ToJsonValue(principal)}};
  return JsonReply(DumpJson(out));
}

}  // namespace

void Server::Impl::AddAccountRoutes() {
  if (portal == nullptr) return;  // no accounts store: these paths are 404

  Add("POST", "/v1/login", "login", Need::kNothing,
      [this](const httplib::Request& req, const Caller&) -> Result<Reply> {
        auto body = StringBody(req, {"email", "password", "code"}, {"email", "password"});
        if (!body.ok()) return body.status();
        auto& b = body.value();
        auto session = portal->accounts().Login(b["email"], b["password"], b["code"]);
        if (!session.ok()) return session.status();
        auto user = portal->accounts().GetUser(session->user);
        if (!user.ok()) return user.status();
        auto principal = portal->accounts().PrincipalFor(session->user);
        if (!principal.ok()) return principal.status();
        return SessionReply(session.value(), user.value(), principal.value());
      });

  Add("POST", "/v1/login/oidc", "login_oidc", Need::kNothing,
      [this](const httplib::Request& req, const Caller&) -> Result<Reply> {
        if (jwks == nullptr) return Status::NotFound("single sign-on is not configured on this server");
        auto body = StringBody(req, {"token"}, {"token"}, kMaxTokenBytes);
        if (!body.ok()) return body.status();
        TokenVerifyOptions verify;
        verify.issuer = options.oidc.issuer;
        verify.audiences = options.oidc.audiences;
        verify.now = auth->Now();
        auto token = jwks->Verify(body.value()["token"], verify);
        if (!token.ok()) return token.status();
        auto claimed = PrincipalFromClaims(token->claims, options.oidc.claims);
        if (!claimed.ok()) return claimed.status();
        if (claimed->org.empty()) return Status::Unauthenticated("token rejected: it names no organisation");
        ExternalIdentity identity;
        identity.issuer = options.oidc.issuer;
        identity.subject = token->claims.value("sub", "");
        identity.org = claimed->org;
        identity.roles = claimed->roles;
        auto text_claim = [&](const std::string& name) {
          if (name.empty() || !token->claims.contains(name) || !token->claims[name].is_string()) return std::string();
          return token->claims[name].get<std::string>();
        };
        identity.email = text_claim(options.oidc.email_claim);
        identity.display_name = text_claim(options.oidc.name_claim);
        auto user = portal->accounts().ProvisionExternalUser(identity);
        if (!user.ok()) return user.status();
        auto session = portal->accounts().StartSession(user->id);
        if (!session.ok()) return session.status();
        auto principal = portal->accounts().PrincipalFor(user->id);
        if (!principal.ok()) return principal.status();
        return SessionReply(session.value(), user.value(), principal.value());
      });

  Add("POST", "/v1/logout", "logout", Need::kSession,
      [this](const httplib::Request&, const Caller& caller) -> Result<Reply> {
        if (Status s = portal->accounts().Logout(caller.session_token); !s.ok()) return s;
        return JsonReply(R"({"logged_out":true})");
      });

  Add("GET", "/v1/me", "me", Need::kSession, [this](const httplib::Request&, const Caller& caller) -> Result<Reply> {
    auto user = portal->accounts().GetUser(caller.principal.user);
    if (!user.ok()) return user.status();
    json out = UserJson(user.value());
    out["principal"] = ToJsonValue(caller.principal);
    return JsonReply(DumpJson(out));
  });

  Add("GET", "/v1/me/export", "me_export", Need::kSession,
      [this](const httplib::Request&, const Caller& caller) -> Result<Reply> {
        auto exported = portal->ExportUser(*engine, caller.principal.user, caller.principal.user);
        if (!exported.ok()) return exported.status();
        Reply reply = JsonReply(std::move(exported).value());
        reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"my-data.json\"");
        return reply;
      });

  // Anyone may ask for an account; only an admin of that organisation lets
  // them in. The answer says only that the request was filed.
  Add("POST", "/v1/account-requests", "account_request", Need::kNothing,
      [this](const httplib::Request& req, const Caller&) -> Result<Reply> {
        auto body = StringBody(req, {"org", "email", "display_name", "language", "contact_channel"},
                               {"org", "email", "display_name"});
        if (!body.ok()) return body.status();
        auto& b = body.value();
        NewUser fresh;
        fresh.org = b["org"];
        fresh.email = b["email"];
        fresh.display_name = b["display_name"];
        if (!b["language"].empty()) fresh.language = b["language"];
        if (!b["contact_channel"].empty()) fresh.contact_channel = b["contact_channel"];
        auto filed = portal->accounts().RequestAccount(fresh);
        if (!filed.ok()) {
          // Do not tell strangers which addresses or organisations exist.
          if (filed.status().code() == StatusCode::kAlreadyExists || filed.status().code() == StatusCode::kNotFound) {
            return JsonReply(R"({"status":"pending"})", 202);
          }
          return filed.status();
        }
        return JsonReply(DumpJson(json{{"id", filed->id}, {"status", filed->status}}), 202);
      });

  // The pending requests of the caller's organisation, for its admins.
  Add("GET", "/v1/account-requests", "account_requests", Need::kSession,
      [this](const httplib::Request&, const Caller& caller) -> Result<Reply> {
        const std::string admin_role = AccountsOptions{}.org_admin_role;
        if (!caller.principal.HasRole(admin_role)) {
          return Status::PermissionDenied("only an organisation admin (" + admin_role + ") sees account requests");
        }
        auto users = portal->accounts().ListUsers(caller.principal.org);
        if (!users.ok()) return users.status();
        json pending = json::array();
        for (const auto& u : users.value()) {
          if (u.status == kUserPending) pending.push_back(UserJson(u));
        }
        return JsonReply(DumpJson(json{{"requests", std::move(pending)}}));
      });

  for (const char* verb : {"approve", "reject"}) {
    const bool approve = std::string(verb) == "approve";
    Add("POST", std::string(R"(/v1/account-requests/([A-Za-z0-9._-]{1,64})/)") + verb,
        std::string("account_request_") + verb, Need::kSession,
        [this, approve](const httplib::Request& req, const Caller& caller) -> Result<Reply> {
          const std::string id = req.matches[1];
          if (approve) {
            auto user = portal->accounts().ApproveRequest(caller.principal.user, id);
            if (!user.ok()) return user.status();
            return JsonReply(DumpJson(json{{"id", user->id}, {"status", user->status}}));
          }
          if (Status s = portal->accounts().RejectRequest(caller.principal.user, id); !s.ok()) return s;
          return JsonReply(DumpJson(json{{"id", id}, {"status", "rejected"}}));
        });
  }
}

}  // namespace portalkb::server
