// The `portalkb keys` and `portalkb serve` commands as a user runs them:
// the real binary, real files, a real SIGTERM. And the configuration file.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "portalkb/keys.h"
#include "server_config.h"
#include "test_util.h"

namespace portalkb::server {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class ServeCli : public ::testing::Test {
 protected:
  struct Run {
    int exit_code = -1;
    std::string out, err;
  };
  Run Cli(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    const std::string in = dir_.Write("stdin", stdin_text);
    std::string command = Quote(PORTALKB_CLI);
    for (const auto& a : args) command += " " + Quote(a);
    command += " >" + Quote(dir_ / "out") + " 2>" + Quote(dir_ / "err") + " <" + Quote(in);
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(dir_ / "out"), Slurp(dir_ / "err")};
  }
  std::string Secrets(mode_t mode) {
    const std::string path = dir_.Write("secrets", "k1 0123456789abcdef0123456789abcdef\n");
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(ServeCli, KeysHashPrintsTheSha256OfStdin) {
  const auto r = Cli({"keys", "hash"}, "my-admin-key-0123456789\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Sha256Hex("my-admin-key-0123456789") + "\n");
  EXPECT_EQ(Cli({"keys", "hash"}, "short\n").exit_code, 2) << "a key too short to be a key";
}

TEST_F(ServeCli, KeysMintMakesAKeyTheServerAccepts) {
  const std::string secrets = Secrets(0600);
  const auto r = Cli({"keys", "mint", "--secret-file", secrets, "--key-id", "k1", "--org", "Acme", "--role", "finance",
                      "--filter", "lang=nl", "--ttl", "2h"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string token = r.out;
  ASSERT_FALSE(token.empty());
  token.pop_back();
  const long long now = std::time(nullptr);
  auto claims = VerifySearchKey(token, *LoadKeySecrets(secrets), now);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->principal.org, "acme");
  EXPECT_EQ(claims->principal.roles, std::vector<std::string>{"finance"});
  EXPECT_EQ(claims->filter, "lang=nl");
  EXPECT_NEAR(static_cast<double>(claims->expires_at - now), 7200, 5);
  EXPECT_EQ(Cli({"keys", "mint", "--secret-file", secrets, "--key-id", "nope", "--ttl", "1h"}).exit_code, 2);
  EXPECT_EQ(Cli({"keys", "mint", "--secret-file", secrets, "--key-id", "k1", "--ttl", "401d"}).exit_code, 2);
  EXPECT_EQ(Cli({"keys", "mint", "--secret-file", secrets, "--key-id", "k1", "--public", "--org", "a", "--ttl", "1h"})
                .exit_code,
            2);
}

TEST_F(ServeCli, SecretFilesReadableByOthersAreRefusedNamingFileAndMode) {
  const std::string secrets = Secrets(0640);
  const auto mint = Cli({"keys", "mint", "--secret-file", secrets, "--key-id", "k1", "--ttl", "1h"});
  EXPECT_NE(mint.exit_code, 0);
  EXPECT_NE(mint.err.find(secrets), std::string::npos) << mint.err;
  EXPECT_NE(mint.err.find("0640"), std::string::npos) << mint.err;
  const auto serve = Cli({"serve", "--db", dir_ / "db", "--key-secrets", secrets});
  EXPECT_NE(serve.exit_code, 0);
  EXPECT_NE(serve.err.find("0640"), std::string::npos) << serve.err;
}

TEST_F(ServeCli, ServeStopsGracefullyOnSigterm) {
  const std::string in = dir_.Write(
      "in/a.jsonl",
      R"({"id": "inv", "type": "article", "title": "Download an invoice", "lang": "en", "visibility": ["public"]})"
      "\n");
  ASSERT_EQ(Cli({"index", "--db", dir_ / "db", in}).exit_code, 0);
  const std::string log = dir_ / "serve.log";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string db = dir_ / "db";
    if (freopen(log.c_str(), "w", stderr) == nullptr) _exit(126);
    execl(PORTALKB_CLI, PORTALKB_CLI, "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0", "--demo",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // The port the server printed: "listening on http://127.0.0.1:PORT/".
  // (No std::regex: GCC 12 warns inside <regex> at -O1 with sanitizers.)
  const std::string marker = "listening on http://127.0.0.1:";
  auto port_in = [&](const std::string& text) -> int {
    const auto at = text.find(marker);
    if (at == std::string::npos) return 0;
    std::size_t end = at + marker.size();
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == at + marker.size() || end >= text.size() || text[end] != '/') return 0;
    return std::stoi(text.substr(at + marker.size(), end - at - marker.size()));
  };
  std::string text;
  for (int i = 0; i < 300 && port_in(text) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    text = Slurp(log);
  }
  const int port = port_in(text);
  ASSERT_GT(port, 0) << text;
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/v1/search?q=invoice");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(text.find("demo mode"), std::string::npos) << text;
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << "ended by the signal instead of handling it";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(Slurp(log).find("\"stopped\""), std::string::npos) << Slurp(log);
}

TEST(ServerConfig, AppliesKnownKeysAndRefusesUnknownOnesNamingThem) {
  ServerOptions o;
  Status s = ApplyServerConfig(R"(
listen: 0.0.0.0:9090
threads: 3
cors_origins: [https://portal.example]
rate_limits: {per_key: {rate: 5, burst: 10}}
limits: {max_page_size: 50}
timeouts: {read_ms: 2000}
)",
                               "test.yaml", o);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 9090);
  EXPECT_EQ(o.threads, 3);
  EXPECT_EQ(o.cors_origins, std::vector<std::string>{"https://portal.example"});
  EXPECT_EQ(o.per_key.rate, 5);
  EXPECT_EQ(o.per_key.burst, 10);
  EXPECT_EQ(o.per_client.rate, ServerOptions{}.per_client.rate);
  EXPECT_EQ(o.limits.max_page_size, 50u);
  EXPECT_EQ(o.read_timeout_ms, 2000);

  const struct {
    const char* yaml;
    const char* names;
  } bad[] = {{"thread: 3", "thread"},
             {"limits: {max_pages: 3}", "limits.max_pages"},
             {"threads: many", "test.yaml"},
             {"listen: nowhere", "listen"},
             {"rate_limits: {per_key: {speed: 1}}", "rate_limits.per_key.speed"},
             {"[unclosed", "test.yaml"}};
  for (const auto& b : bad) {
    ServerOptions before;
    Status e = ApplyServerConfig(b.yaml, "test.yaml", before);
    EXPECT_EQ(e.code(), StatusCode::kInvalidArgument) << b.yaml;
    EXPECT_NE(e.message().find(b.names), std::string::npos) << e.message();
    EXPECT_EQ(before.threads, ServerOptions{}.threads) << "nothing applied on error";
  }
}

TEST(ServerConfig, ListenAddresses) {
  ServerOptions o;
  EXPECT_TRUE(ParseListenAddress("[::1]:8081", o).ok());
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 8081);
  for (const char* bad : {"8080", ":8080", "host:", "host:99999", "host:80a"}) {
    EXPECT_FALSE(ParseListenAddress(bad, o).ok()) << bad;
  }
}

}  // namespace
}  // namespace portalkb::server
