// kubectl_auth_ctest.cpp — kubectl against `ktk serve --tls --authorization-mode RBAC
// --token-auth-file F`: `kubectl auth can-i` (SelfSubjectAccessReview) and `--list`
// (SelfSubjectRulesReview), kube's Forbidden and Unauthorized errors as kubectl prints
// them, bindings made with `kubectl create rolebinding`, impersonation (`--as`), and
// service account tokens from `kubectl create token` used as kubectl's --token.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "serve_process.hpp"

namespace {

using ktk::test::command_result;
using ktk::test::run_command;
using ktk::test::serve_process;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class kubectl_auth : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    kubectl_ = ktk::test::find_kubectl();
    if (!kubectl_) return;
    dir_ = std::filesystem::temp_directory_path() / ("ktk-kubectl-auth-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "tokens.csv") << "# token,user,uid,groups\n"
                                          "alice-token,alice,a-1,\"devs,qa\"\n"
                                          "bob-token,bob,b-1,robots\n";
    server_ = std::make_unique<serve_process>(std::vector<std::string>{
        "--tls", "--authorization-mode", "RBAC", "--token-auth-file", (dir_ / "tokens.csv").string()});
    for (const char* ns : {"ns-a", "ns-b", "ns-c", "ns-d", "ns-e", "ns-sa"}) {
      auto r = kubectl({"create", "namespace", ns});
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
    server_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

 protected:
  void SetUp() override {
    if (!kubectl_) GTEST_SKIP() << "no kubectl found (set KTK_KUBECTL or put kubectl on PATH)";
  }
  // kubectl as the admin of the written kubeconfig (system:masters), or with `token`.
  static command_result kubectl(std::vector<std::string> args, const std::string& token = {}) {
    std::vector<std::string> argv{*kubectl_, "--kubeconfig", server_->kubeconfig().string()};
    if (!token.empty()) argv.push_back("--token=" + token);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {"HOME=" + dir_.string()});
  }
  static int minor() {
    auto v = kubectl({"version", "--client", "-o", "json"});
    try {
      return std::stoi(nlohmann::json::parse(v.out).at("clientVersion").at("minor").get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }

  static inline std::optional<std::string> kubectl_;
  static inline std::unique_ptr<serve_process> server_;
  static inline std::filesystem::path dir_;
};

TEST_F(kubectl_auth, can_i_answers_no_then_yes_after_a_rolebinding) {
  auto no = kubectl({"auth", "can-i", "list", "pods", "-n", "ns-a"}, "alice-token");
  EXPECT_EQ(no.exit_code, 1) << no.err;
  EXPECT_EQ(no.out, "no\n");
  auto get = kubectl({"get", "pods", "-n", "ns-a"}, "alice-token");
  EXPECT_NE(get.exit_code, 0);
  EXPECT_TRUE(contains(get.err, "Error from server (Forbidden): pods is forbidden: User \"alice\" cannot list resource "
                                "\"pods\" in API group \"\" in the namespace \"ns-a\""))
      << get.err;

  auto bind = kubectl({"create", "rolebinding", "qa-view", "--clusterrole=view", "--group=qa", "-n", "ns-a"});
  ASSERT_EQ(bind.exit_code, 0) << bind.err;
  EXPECT_EQ(bind.out, "rolebinding.rbac.authorization.k8s.io/qa-view created\n");
  auto yes = kubectl({"auth", "can-i", "list", "pods", "-n", "ns-a"}, "alice-token");
  EXPECT_EQ(yes.exit_code, 0) << yes.err;
  EXPECT_EQ(yes.out, "yes\n");
  EXPECT_EQ(kubectl({"get", "pods", "-n", "ns-a"}, "alice-token").exit_code, 0);
  EXPECT_EQ(kubectl({"auth", "can-i", "list", "pods", "-n", "ns-b"}, "alice-token").out, "no\n");
  EXPECT_EQ(kubectl({"auth", "can-i", "create", "pods", "-n", "ns-a"}, "alice-token").out, "no\n");
  EXPECT_EQ(kubectl({"auth", "can-i", "list", "pods", "-n", "ns-a"}, "bob-token").out, "no\n") << "bob is not in qa";
}

TEST_F(kubectl_auth, the_admin_may_do_anything_and_impersonate) {
  auto all = kubectl({"auth", "can-i", "*", "*"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, "yes\n");
  auto role = kubectl({"create", "role", "cm-writer", "--verb=create,get", "--resource=configmaps", "-n", "ns-c"});
  ASSERT_EQ(role.exit_code, 0) << role.err;
  // A group binding; bindings to users made by kubectl 1.32+ (protobuf bodies) are in
  // kubectl_protobuf_ctest.
  auto binding = kubectl({"create", "rolebinding", "robots-cm", "--role=cm-writer", "--group=robots", "-n", "ns-c"});
  ASSERT_EQ(binding.exit_code, 0) << binding.err;
  EXPECT_EQ(kubectl({"auth", "can-i", "create", "configmaps", "-n", "ns-c", "--as=bob", "--as-group=robots"}).out,
            "yes\n");
  EXPECT_EQ(kubectl({"auth", "can-i", "delete", "configmaps", "-n", "ns-c", "--as=bob", "--as-group=robots"}).out,
            "no\n");
  EXPECT_EQ(kubectl({"auth", "can-i", "create", "configmaps", "-n", "ns-c", "--as=bob"}).out, "no\n")
      << "an impersonated user has the groups asked for, not its token's";
  EXPECT_EQ(kubectl({"auth", "can-i", "create", "configmaps", "-n", "ns-c"}, "bob-token").out, "yes\n");
  // bob may not impersonate anyone.
  auto as = kubectl({"get", "configmaps", "-n", "ns-c", "--as=alice"}, "bob-token");
  EXPECT_NE(as.exit_code, 0);
  EXPECT_TRUE(contains(as.err, "users \"alice\" is forbidden: User \"bob\" cannot impersonate resource \"users\" in "
                               "API group \"\" at the cluster scope"))
      << as.err;
}

TEST_F(kubectl_auth, can_i_list_shows_the_rules_that_apply) {
  auto role = kubectl({"create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "-n", "ns-d"});
  ASSERT_EQ(role.exit_code, 0) << role.err;
  auto binding = kubectl({"create", "rolebinding", "devs-pods", "--role=pod-reader", "--group=devs", "-n", "ns-d"});
  ASSERT_EQ(binding.exit_code, 0) << binding.err;
  auto r = kubectl({"auth", "can-i", "--list", "-n", "ns-d"}, "alice-token");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Resources")) << r.out;
  bool pods = false, review = false;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    pods = pods || (line.starts_with("pods ") && contains(line, "[get list]"));
    review = review || line.starts_with("selfsubjectaccessreviews.authorization.k8s.io");
  }
  EXPECT_TRUE(pods) << r.out;
  EXPECT_TRUE(review) << r.out;
}

// RBAC's escalation check: bob may create roles in ns-e, but only with permissions he
// holds; kubectl prints kube-apiserver's message.
TEST_F(kubectl_auth, a_role_granting_more_than_its_writer_holds_is_forbidden) {
  ASSERT_EQ(kubectl({"create", "role", "role-writer", "--verb=create", "--resource=roles", "-n", "ns-e"}).exit_code, 0);
  ASSERT_EQ(kubectl({"create", "role", "pod-getter", "--verb=get", "--resource=pods", "-n", "ns-e"}).exit_code, 0);
  for (const char* r : {"role-writer", "pod-getter"}) {
    auto b = kubectl({"create", "rolebinding", std::string("bob-") + r, "--role=" + std::string(r), "--user=bob", "-n", "ns-e"});
    ASSERT_EQ(b.exit_code, 0) << b.err;
  }
  auto ok = kubectl({"create", "role", "mine", "--verb=get", "--resource=pods", "-n", "ns-e"}, "bob-token");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto r = kubectl({"create", "role", "more", "--verb=get,delete", "--resource=pods", "-n", "ns-e"}, "bob-token");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "roles.rbac.authorization.k8s.io \"more\" is forbidden: user \"bob\" (groups=[\"robots\" "
                              "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                              "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}"))
      << r.err;
  EXPECT_NE(kubectl({"get", "role", "more", "-n", "ns-e"}).exit_code, 0) << "nothing was created";
}

TEST_F(kubectl_auth, an_unknown_token_is_unauthorized) {
  auto r = kubectl({"get", "pods"}, "not-a-token");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "error: You must be logged in to the server")) << r.err;
}

TEST_F(kubectl_auth, whoami_where_kubectl_has_it) {
  if (minor() < 28) GTEST_SKIP() << "kubectl auth whoami needs kubectl 1.28+";
  auto r = kubectl({"auth", "whoami", "-o", "json"}, "alice-token");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"]["userInfo"]["username"], "alice");
  EXPECT_EQ(j["status"]["userInfo"]["uid"], "a-1");
  EXPECT_EQ(j["status"]["userInfo"]["groups"], nlohmann::json({"devs", "qa", "system:authenticated"}));
}

// `kubectl create token` (kubectl 1.24+): a TokenRequest whose token kubectl can then
// use; RBAC applies to the service account, and the token ends with it.
TEST_F(kubectl_auth, create_token_gives_a_token_that_acts_as_the_service_account) {
  if (minor() < 24) GTEST_SKIP() << "kubectl create token needs kubectl 1.24+";
  ASSERT_EQ(kubectl({"create", "serviceaccount", "robot", "-n", "ns-sa"}).exit_code, 0);
  auto t = kubectl({"create", "token", "robot", "-n", "ns-sa", "--duration=20m"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const std::string token = t.out.substr(0, t.out.find('\n'));
  ASSERT_EQ(std::count(token.begin(), token.end(), '.'), 2) << t.out;

  auto get = kubectl({"get", "pods", "-n", "ns-sa"}, token);
  EXPECT_NE(get.exit_code, 0);
  EXPECT_TRUE(contains(get.err, "pods is forbidden: User \"system:serviceaccount:ns-sa:robot\" cannot list resource "
                                "\"pods\" in API group \"\" in the namespace \"ns-sa\""))
      << get.err;
  // A group binding: every service account of the namespace may view it.
  ASSERT_EQ(kubectl({"create", "rolebinding", "sa-view", "--clusterrole=view", "--group=system:serviceaccounts:ns-sa",
                     "-n", "ns-sa"})
                .exit_code,
            0);
  auto ok = kubectl({"get", "pods", "-n", "ns-sa"}, token);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(kubectl({"auth", "can-i", "list", "pods", "-n", "ns-sa"}, token).out, "yes\n");
  EXPECT_EQ(kubectl({"auth", "can-i", "delete", "pods", "-n", "ns-sa"}, token).out, "no\n");

  if (minor() >= 28) {
    auto who = kubectl({"auth", "whoami", "-o", "json"}, token);
    ASSERT_EQ(who.exit_code, 0) << who.err;
    auto j = nlohmann::json::parse(who.out);
    EXPECT_EQ(j["status"]["userInfo"]["username"], "system:serviceaccount:ns-sa:robot");
    EXPECT_EQ(j["status"]["userInfo"]["groups"],
              nlohmann::json({"system:serviceaccounts", "system:serviceaccounts:ns-sa", "system:authenticated"}));
  }

  auto short_lived = kubectl({"create", "token", "robot", "-n", "ns-sa", "--duration=1m"});
  EXPECT_NE(short_lived.exit_code, 0);
  EXPECT_TRUE(contains(short_lived.err, "may not specify a duration less than 10 minutes")) << short_lived.err;
  auto ghost = kubectl({"create", "token", "ghost", "-n", "ns-sa"});
  EXPECT_NE(ghost.exit_code, 0);
  EXPECT_TRUE(contains(ghost.err, "serviceaccounts \"ghost\" not found")) << ghost.err;

  ASSERT_EQ(kubectl({"delete", "serviceaccount", "robot", "-n", "ns-sa"}).exit_code, 0);
  auto after = kubectl({"get", "pods", "-n", "ns-sa"}, token);
  EXPECT_NE(after.exit_code, 0);
  EXPECT_TRUE(contains(after.err, "error: You must be logged in to the server")) << after.err;
}

}  // namespace
