// Passwords, lockout, reset tokens, sessions and TOTP at login, on the
// injected clock.
#include "accounts/accounts_fixture.h"
#include "accounts/totp.h"

namespace portalkb::testing {
namespace {

// RFC 4648 base32 back to bytes (what an authenticator app does).
std::string Base32Decode(const std::string& text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

class AuthenticationTest : public AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    AddOrg("acme");
    ASSERT_TRUE(accounts->AddRole({"customer", ""}).ok());
    ASSERT_TRUE(accounts->AddRole({"finance", ""}).ok());
    ASSERT_TRUE(accounts->AddRole({"customer-admin", ""}).ok());
    user = AddActiveUser("acme", "ann@acme.test", {"customer"});
  }
  std::string user;
};

TEST_F(AuthenticationTest, PasswordPolicyLengthAndBreachedList) {
  options.password_policy.breached_list_file = dir.Write("breached.txt", "Password1234\nletmeinletmein\r\n");
  Reopen();
  auto too_short = accounts->SetPassword(user, "short pw");
  EXPECT_EQ(too_short.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_short.message().find("shorter than 12"), std::string::npos) << too_short.message();
  auto breached = accounts->SetPassword(user, "PASSWORD1234");
  EXPECT_EQ(breached.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(breached.message().find("breached"), std::string::npos) << breached.message();
  EXPECT_EQ(accounts->SetPassword(user, "LetMeInLetMeIn").code(), StatusCode::kInvalidArgument) << "CRLF list lines";
  EXPECT_EQ(accounts->SetPassword(user, std::string(2000, 'x')).code(), StatusCode::kInvalidArgument);
  // Twelve code points in more bytes: the length counts characters.
  EXPECT_TRUE(accounts->SetPassword(user, "åäöåäöåäöåäö").ok());
  EXPECT_TRUE(accounts->Login("ann@acme.test", "åäöåäöåäöåäö").ok());
}

TEST_F(AuthenticationTest, WrongPasswordAndUnknownEmailLookAlike) {
  auto wrong = accounts->Login("ann@acme.test", "not the password at all");
  auto unknown = accounts->Login("nobody@acme.test", kPassword);
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  auto good = accounts->Login("ANN@acme.test ", kPassword);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->user, user);
  EXPECT_TRUE(HasEvent("login", "", user));
  EXPECT_TRUE(HasEvent("login_failed", "", user));
}

TEST_F(AuthenticationTest, LockoutBacksOffExponentiallyOnTheInjectedClock) {
  options.lockout_threshold = 3;
  options.lockout_base_seconds = 30;
  options.lockout_max_seconds = 100;
  Reopen();
  const std::string email = "ann@acme.test";
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(accounts->Login(email, "wrong wrong wrong").ok());
  EXPECT_TRUE(accounts->Login(email, kPassword).ok()) << "two failures do not lock; success resets the count";
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(accounts->Login(email, "wrong wrong wrong").ok());
  // Locked for 30 s: even the right password is refused, saying when to retry.
  now += 29;
  auto locked = accounts->Login(email, kPassword);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(locked.status().message().find("try again in 1 s"), std::string::npos) << locked.status().message();
  EXPECT_TRUE(HasEvent("login_locked", "", user));
  now += 1;
  // The lock is over; the next failure (the 4th) locks for 60 s.
  EXPECT_FALSE(accounts->Login(email, "wrong wrong wrong").ok());
  now += 59;
  EXPECT_FALSE(accounts->Login(email, kPassword).ok());
  now += 1;
  EXPECT_FALSE(accounts->Login(email, "wrong wrong wrong").ok());  // 5th: 120 s, capped at 100
  now += 99;
  EXPECT_FALSE(accounts->Login(email, kPassword).ok());
  now += 1;
  EXPECT_TRUE(accounts->Login(email, kPassword).ok());
  // The success reset the count: three more failures lock for 30 s again.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(accounts->Login(email, "wrong wrong wrong").ok());
  now += 30;
  EXPECT_TRUE(accounts->Login(email, kPassword).ok());
}

TEST_F(AuthenticationTest, SessionResolvesToPrincipalAndRoleChangeCountsOnTheNextCall) {
  auto session = accounts->Login("ann@acme.test", kPassword);
  ASSERT_TRUE(session.ok());
  auto principal = accounts->PrincipalForSession(session->token);
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->user, user);
  EXPECT_EQ(principal->org, "acme");
  EXPECT_EQ(principal->roles, std::vector<std::string>{"customer"});
  ASSERT_TRUE(accounts->GrantRole(user, "finance", "u-operator").ok());
  EXPECT_EQ(accounts->PrincipalForSession(session->token)->roles, (std::vector<std::string>{"customer", "finance"}));
  EXPECT_TRUE(HasEvent("role_granted", "u-operator", user));
  ASSERT_TRUE(accounts->RevokeRole(user, "customer").ok());
  EXPECT_EQ(accounts->PrincipalForSession(session->token)->roles, std::vector<std::string>{"finance"});
  // A disabled organisation ends its users' sessions at once.
  ASSERT_TRUE(accounts->UpdateOrganisation("acme", "", "disabled").ok());
  EXPECT_EQ(accounts->PrincipalForSession(session->token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthenticationTest, SessionsExpireIdleOutAndAreRevoked) {
  options.session_ttl_seconds = 1000;
  options.session_idle_seconds = 300;
  Reopen();
  EXPECT_EQ(accounts->PrincipalForSession("made-up-token").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts->PrincipalForSession("").status().code(), StatusCode::kUnauthenticated);

  auto session = accounts->Login("ann@acme.test", kPassword);
  ASSERT_TRUE(session.ok());
  // Used every 299 s it stays alive, until its lifetime ends.
  for (int i = 0; i < 3; ++i) {
    now += 299;
    EXPECT_TRUE(accounts->PrincipalForSession(session->token).ok()) << i;
  }
  now += 103;  // 1000 s after login
  auto expired = accounts->PrincipalForSession(session->token);
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);

  auto idle = accounts->Login("ann@acme.test", kPassword);
  ASSERT_TRUE(idle.ok());
  now += 300;
  EXPECT_EQ(accounts->PrincipalForSession(idle->token).status().code(), StatusCode::kUnauthenticated);

  auto out = accounts->Login("ann@acme.test", kPassword);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(accounts->Logout(out->token).ok());
  auto revoked = accounts->PrincipalForSession(out->token);
  EXPECT_EQ(revoked.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(revoked.status().message().find("revoked"), std::string::npos);
  EXPECT_EQ(accounts->Logout(out->token).code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthenticationTest, PasswordChangeRevokesEverySessionOfTheUser) {
  const std::string other = AddActiveUser("acme", "bob@acme.test", {"customer"});
  auto a = accounts->Login("ann@acme.test", kPassword);
  auto b = accounts->Login("ann@acme.test", kPassword);
  auto bob = accounts->Login("bob@acme.test", kPassword);
  ASSERT_TRUE(a.ok() && b.ok() && bob.ok());
  ASSERT_TRUE(accounts->SetPassword(user, "a brand new passphrase").ok());
  EXPECT_EQ(accounts->PrincipalForSession(a->token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts->PrincipalForSession(b->token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(accounts->PrincipalForSession(bob->token).ok()) << "another user's sessions stay";
  EXPECT_FALSE(accounts->Login("ann@acme.test", kPassword).ok());
  EXPECT_TRUE(accounts->Login("ann@acme.test", "a brand new passphrase").ok());
  EXPECT_TRUE(HasEvent("password_changed", "", user));
  (void)other;
}

TEST_F(AuthenticationTest, DisablingAUserEndsTheirSessions) {
  auto session = accounts->Login("ann@acme.test", kPassword);
  ASSERT_TRUE(session.ok());
  UserUpdate disable;
  disable.status = "disabled";
  ASSERT_TRUE(accounts->UpdateUser(user, disable).ok());
  EXPECT_EQ(accounts->PrincipalForSession(session->token).status().code(), StatusCode::kUnauthenticated);
  UserUpdate enable;
  enable.status = "active";
  ASSERT_TRUE(accounts->UpdateUser(user, enable).ok());
  EXPECT_EQ(accounts->PrincipalForSession(session->token).status().code(), StatusCode::kUnauthenticated)
      << "re-enabling does not bring old sessions back";
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword).ok());
}

TEST_F(AuthenticationTest, ResetTokenIsSingleUseAndExpires) {
  auto session = accounts->Login("ann@acme.test", kPassword);
  ASSERT_TRUE(session.ok());
  auto token = accounts->CreateResetToken(user);
  ASSERT_TRUE(token.ok());
  EXPECT_GE(token->size(), 43u) << "32 random bytes";
  EXPECT_EQ(accounts->ResetPassword("not-a-token", "another fine passphrase").code(), StatusCode::kUnauthenticated);
  // A password the policy refuses does not use the token up.
  EXPECT_EQ(accounts->ResetPassword(*token, "short").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(accounts->ResetPassword(*token, "another fine passphrase").ok());
  auto reused = accounts->ResetPassword(*token, "yet another passphrase");
  EXPECT_EQ(reused.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(reused.message().find("used"), std::string::npos);
  EXPECT_TRUE(accounts->Login("ann@acme.test", "another fine passphrase").ok());
  EXPECT_EQ(accounts->PrincipalForSession(session->token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(HasEvent("password_reset", "", user));

  options.reset_token_ttl_seconds = 600;
  Reopen();
  auto late = accounts->CreateResetToken(user);
  ASSERT_TRUE(late.ok());
  now += 600;
  auto expired = accounts->ResetPassword(*late, "too late passphrase");
  EXPECT_EQ(expired.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(expired.message().find("expired"), std::string::npos);
  // A newer token replaces an older one.
  auto first = accounts->CreateResetToken(user);
  auto second = accounts->CreateResetToken(user);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(accounts->ResetPassword(*first, "first token passphrase").code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(accounts->ResetPassword(*second, "second token passphrase").ok());
}

TEST_F(AuthenticationTest, TotpEnrolmentLoginReplayAndRecoveryCodes) {
  auto enrolment = accounts->BeginTotp(user);
  ASSERT_TRUE(enrolment.ok());
  EXPECT_NE(enrolment->otpauth_uri.find("secret=" + enrolment->secret_base32), std::string::npos);
  const std::string secret = Base32Decode(enrolment->secret_base32);
  ASSERT_EQ(secret.size(), 20u);
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword).ok()) << "not required before it is confirmed";
  EXPECT_EQ(accounts->ConfirmTotp(user, "000000").status().code(), StatusCode::kUnauthenticated);
  auto codes = accounts->ConfirmTotp(user, accounts::TotpCode(secret, now));
  ASSERT_TRUE(codes.ok()) << codes.status().ToString();
  ASSERT_EQ(codes->size(), 10u);
  EXPECT_TRUE(accounts->GetUser(user)->totp_enabled);
  EXPECT_TRUE(HasEvent("totp_enabled", "", user));

  now += 30;
  auto missing = accounts->Login("ann@acme.test", kPassword);
  EXPECT_EQ(missing.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(missing.status().message().find("code is required"), std::string::npos);
  const std::string code = accounts::TotpCode(secret, now);
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword, code).ok());
  EXPECT_FALSE(accounts->Login("ann@acme.test", kPassword, code).ok()) << "a code is accepted once";
  // One step of clock drift either way is accepted, two are not.
  now += 60;
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword, accounts::TotpCode(secret, now + 30)).ok());
  now += 90;
  EXPECT_FALSE(accounts->Login("ann@acme.test", kPassword, accounts::TotpCode(secret, now + 60)).ok());
  EXPECT_FALSE(accounts->Login("ann@acme.test", kPassword, accounts::TotpCode(secret, now - 60)).ok());
  // Recovery codes: each once, typed in any case.
  std::string lower = (*codes)[0];
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword, lower).ok());
  EXPECT_FALSE(accounts->Login("ann@acme.test", kPassword, (*codes)[0]).ok());
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword, (*codes)[1]).ok());
  EXPECT_TRUE(HasEvent("recovery_code_used", "", user));
  // A right code with a wrong password is still a failure.
  now += 30;
  EXPECT_FALSE(accounts->Login("ann@acme.test", "wrong wrong wrong", accounts::TotpCode(secret, now)).ok());
  ASSERT_TRUE(accounts->DisableTotp(user).ok());
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword).ok());
}

TEST_F(AuthenticationTest, TotpRequiredForConfiguredAdminRoles) {
  options.totp_required_roles = {"customer-admin"};
  Reopen();
  const std::string admin = AddActiveUser("acme", "boss@acme.test", {"customer-admin"});
  EXPECT_TRUE(accounts->Login("ann@acme.test", kPassword).ok()) << "other roles need no second factor";
  auto refused = accounts->Login("boss@acme.test", kPassword);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("customer-admin"), std::string::npos);
  auto enrolment = accounts->BeginTotp(admin);
  ASSERT_TRUE(enrolment.ok());
  const std::string secret = Base32Decode(enrolment->secret_base32);
  ASSERT_TRUE(accounts->ConfirmTotp(admin, accounts::TotpCode(secret, now)).ok());
  now += 30;
  EXPECT_TRUE(accounts->Login("boss@acme.test", kPassword, accounts::TotpCode(secret, now)).ok());
}

TEST_F(AuthenticationTest, WrongSecondFactorCodesCountTowardsLockout) {
  options.lockout_threshold = 2;
  Reopen();
  auto enrolment = accounts->BeginTotp(user);
  ASSERT_TRUE(enrolment.ok());
  const std::string secret = Base32Decode(enrolment->secret_base32);
  ASSERT_TRUE(accounts->ConfirmTotp(user, accounts::TotpCode(secret, now)).ok());
  now += 30;
  EXPECT_FALSE(accounts->Login("ann@acme.test", kPassword, "123456x").ok());
  EXPECT_FALSE(accounts->Login("ann@acme.test", kPassword, "not-a-code").ok());
  auto locked = accounts->Login("ann@acme.test", kPassword, accounts::TotpCode(secret, now));
  ASSERT_FALSE(locked.ok());
  EXPECT_NE(locked.status().message().find("try again"), std::string::npos) << locked.status().message();
}

}  // namespace
}  // namespace portalkb::testing
