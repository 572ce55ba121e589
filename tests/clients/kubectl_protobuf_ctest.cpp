// kubectl_protobuf_ctest.cpp — kubectl 1.32 and later send the bodies of their typed
// `kubectl create <generator>` requests as application/vnd.kubernetes.protobuf; ktk
// decodes them. Each test runs a generator with -v=8 (which logs the request's
// Content-Type), checks that the request went out as protobuf, and reads the object
// back as JSON to check what was stored.
//
// The kubectl used: $KTK_KUBECTL_PROTOBUF, else a kubectl.1.NN (NN >= 32) beside the
// kubectl on PATH (the Google Cloud SDK's layout), else the kubectl on PATH if it is
// 1.32 or later. The suite skips, saying so, when there is none.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "serve_process.hpp"

namespace {

using nlohmann::json;
using ktk::test::command_result;
using ktk::test::run_command;

std::optional<int> client_minor(const std::string& kubectl) {
  auto v = run_command({kubectl, "version", "--client", "-o", "json"});
  auto j = json::parse(v.out, nullptr, false);
  if (j.is_discarded() || !j.contains("clientVersion")) return std::nullopt;
  try {
    return std::stoi(j["clientVersion"].value("minor", "0"));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> find_protobuf_kubectl() {
  if (const char* k = std::getenv("KTK_KUBECTL_PROTOBUF"); k && *k) return std::string(k);
  auto path = ktk::test::find_kubectl();
  if (!path) return std::nullopt;
  std::error_code ec;
  const auto real = std::filesystem::canonical(*path, ec);
  if (!ec) {
    std::optional<std::string> best;
    int best_minor = 31;
    const std::regex versioned(R"(kubectl\.1\.(\d+))");
    for (const auto& e : std::filesystem::directory_iterator(real.parent_path(), ec)) {
      std::smatch m;
      const std::string name = e.path().filename().string();
      if (std::regex_match(name, m, versioned) && std::stoi(m[1]) > best_minor) {
        best_minor = std::stoi(m[1]);
        best = e.path().string();
      }
    }
    if (best) return best;
  }
  if (auto minor = client_minor(*path); minor && *minor >= 32) return path;
  return std::nullopt;
}

class kubectl_protobuf : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    kubectl_ = find_protobuf_kubectl();
    if (kubectl_) server_ = std::make_unique<ktk::test::serve_process>();
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
    server_.reset();
  }

 protected:
  void SetUp() override {
    if (!kubectl_) {
      GTEST_SKIP() << "no kubectl 1.32 or later (set KTK_KUBECTL_PROTOBUF): older ones send JSON bodies";
    }
    ASSERT_TRUE(server_);
  }

  static command_result kubectl(std::vector<std::string> args) {
    std::vector<std::string> argv{*kubectl_, "--kubeconfig", server_->kubeconfig().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }

  // `kubectl create ARGS -v=8`: succeeds, and the POST carried a protobuf body.
  static void create_as_protobuf(std::vector<std::string> args) {
    args.insert(args.begin(), {"-v=8", "create"});
    auto r = kubectl(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("Content-Type: application/vnd.kubernetes.protobuf"), std::string::npos)
        << "the request was not sent as protobuf; kubectl logged:\n"
        << r.err.substr(0, 4000);
  }

  static json get(std::vector<std::string> args) {
    args.insert(args.begin(), "get");
    args.insert(args.end(), {"-o", "json"});
    auto r = kubectl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  static inline std::optional<std::string> kubectl_;
  static inline std::unique_ptr<ktk::test::serve_process> server_;
};

TEST_F(kubectl_protobuf, configmap_secret_and_namespace) {
  create_as_protobuf({"namespace", "pb"});
  EXPECT_EQ(get({"namespace", "pb"})["status"]["phase"], "Active");
  create_as_protobuf({"configmap", "cm", "-n", "pb", "--from-literal=k=v", "--from-literal=empty="});
  auto cm = get({"configmap", "cm", "-n", "pb"});
  EXPECT_EQ(cm["data"], json::parse(R"({"k":"v","empty":""})"));
  EXPECT_FALSE(cm["metadata"]["uid"].get<std::string>().empty());
  create_as_protobuf({"secret", "generic", "s", "-n", "pb", "--from-literal=password=hunter2"});
  auto s = get({"secret", "s", "-n", "pb"});
  EXPECT_EQ(s["data"]["password"], "aHVudGVyMg==");
  EXPECT_EQ(s["type"], "Opaque");
  create_as_protobuf({"serviceaccount", "robot", "-n", "pb"});
  EXPECT_EQ(get({"serviceaccount", "robot", "-n", "pb"})["metadata"]["name"], "robot");
}

TEST_F(kubectl_protobuf, deployment_keeps_zero_replicas_and_its_template) {
  create_as_protobuf({"deployment", "web", "-n", "default", "--image=nginx:1.25", "--replicas=0", "--port=8080"});
  auto d = get({"deployment", "web", "-n", "default"});
  EXPECT_EQ(d["spec"]["replicas"], 0) << "replicas is a pointer: sent as 0 means 0";
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"], json::parse(R"({"app":"web"})"));
  const json& c = d["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["image"], "nginx:1.25");
  EXPECT_EQ(c["ports"][0]["containerPort"], 8080);
  // The server's defaults apply as they would to a JSON body.
  EXPECT_EQ(d["spec"]["strategy"]["type"], "RollingUpdate");
  EXPECT_EQ(d["spec"]["template"]["spec"]["restartPolicy"], "Always");
  EXPECT_EQ(c["imagePullPolicy"], "IfNotPresent");
}

TEST_F(kubectl_protobuf, service_job_and_cronjob) {
  create_as_protobuf({"service", "clusterip", "svc", "-n", "default", "--tcp=80:8080"});
  auto svc = get({"service", "svc", "-n", "default"});
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], 8080);
  EXPECT_EQ(svc["spec"]["type"], "ClusterIP");
  create_as_protobuf({"job", "once", "-n", "default", "--image=busybox", "--", "echo", "hi"});
  auto job = get({"job", "once", "-n", "default"});
  EXPECT_EQ(job["spec"]["template"]["spec"]["containers"][0]["command"], json::parse(R"(["echo","hi"])"));
  EXPECT_EQ(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
  create_as_protobuf({"cronjob", "tick", "-n", "default", "--image=busybox", "--schedule=*/5 * * * *"});
  EXPECT_EQ(get({"cronjob", "tick", "-n", "default"})["spec"]["schedule"], "*/5 * * * *");
}

TEST_F(kubectl_protobuf, rbac_bindings_to_users) {
  create_as_protobuf({"role", "reader", "-n", "default", "--verb=get,list", "--resource=configmaps"});
  auto role = get({"role", "reader", "-n", "default"});
  EXPECT_EQ(role["rules"][0]["verbs"], json::parse(R"(["get","list"])"));
  EXPECT_EQ(role["rules"][0]["resources"], json::parse(R"(["configmaps"])"));
  create_as_protobuf({"rolebinding", "alice-reads", "-n", "default", "--role=reader", "--user=alice"});
  auto rb = get({"rolebinding", "alice-reads", "-n", "default"});
  EXPECT_EQ(rb["subjects"], json::parse(R"([{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"}])"));
  EXPECT_EQ(rb["roleRef"]["name"], "reader");
  create_as_protobuf({"clusterrole", "node-reader", "--verb=get", "--resource=nodes"});
  create_as_protobuf({"clusterrolebinding", "ops", "--clusterrole=node-reader", "--group=ops"});
  EXPECT_EQ(get({"clusterrolebinding", "ops"})["subjects"][0]["kind"], "Group");
}

TEST_F(kubectl_protobuf, invalid_objects_get_the_same_answer_as_json) {
  auto r = kubectl({"create", "configmap", "Bad_Name", "-n", "default"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("is invalid"), std::string::npos) << r.err;
  auto dup = kubectl({"create", "namespace", "default"});
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.err.find("AlreadyExists"), std::string::npos) << dup.err;
}

}  // namespace
