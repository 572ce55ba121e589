// In-cluster configuration, and load_default_config's order between kubeconfig files
// and the in-cluster environment (controller-runtime's config.GetConfig).
#include "ktk/client/rest/in_cluster.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using namespace ktk::client::rest;
using env_map = std::map<std::string, std::string>;

namespace {

const std::string ca_pem = "-----BEGIN CERTIFICATE-----\nY2x1c3RlciBjYQ==\n-----END CERTIFICATE-----\n";

// A fresh directory under the system's temporary one, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("ktk-in-cluster-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }
  std::string write(const fs::path& rel, const std::string& text) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << text;
    return (path_ / rel).string();
  }

 private:
  fs::path path_;
};

// A service account directory (token, ca.crt, namespace) in a temporary directory.
struct fake_pod {
  temp_dir dir;
  fs::path sa = dir.path() / "serviceaccount";
  fake_pod() {
    dir.write("serviceaccount/token", "sa-token\n");
    dir.write("serviceaccount/ca.crt", ca_pem);
    dir.write("serviceaccount/namespace", "team-ns\n");
  }
  in_cluster_options options(env_map env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                            {"KUBERNETES_SERVICE_PORT", "443"}}) const {
    return {.env = std::move(env), .service_account_dir = sa};
  }
};

template <class F>
config_error error_of(F f) {
  try {
    f();
  } catch (const config_error& e) {
    return e;
  }
  ADD_FAILURE() << "no config_error thrown";
  return config_error("", 0, "");
}

const std::string home_config =
    "current-context: h\ncontexts:\n- name: h\n  context: {cluster: c, namespace: home-ns}\n"
    "clusters:\n- name: c\n  cluster: {server: 'https://home.example.com'}\n";

}  // namespace

// ---- in_cluster_config -----------------------------------------------------------

TEST(InCluster, ReadsTheServiceAccount) {
  fake_pod pod;
  ASSERT_TRUE(in_cluster_possible(pod.options()));
  auto r = in_cluster_config(pod.options());
  EXPECT_TRUE(r.in_cluster);
  EXPECT_EQ(r.config.server, "https://10.96.0.1:443");
  EXPECT_EQ(r.config.bearer_token, "sa-token");
  EXPECT_EQ(r.config.bearer_token_file, (pod.sa / "token").string());
  EXPECT_EQ(r.config.certificate_authority_pem, ca_pem);
  EXPECT_EQ(r.namespace_, "team-ns");
  EXPECT_EQ(r.context_name, "");
  EXPECT_TRUE(r.files.empty());
}

TEST(InCluster, Ipv6HostIsBracketed) {
  fake_pod pod;
  auto r = in_cluster_config(
      pod.options({{"KUBERNETES_SERVICE_HOST", "fd00:10:96::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}}));
  EXPECT_EQ(r.config.server, "https://[fd00:10:96::1]:6443");
}

TEST(InCluster, NamespaceFromPodNamespaceThenFileThenDefault) {
  fake_pod pod;
  auto env = env_map{{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}, {"POD_NAMESPACE", "from-env"}};
  EXPECT_EQ(in_cluster_config(pod.options(env)).namespace_, "from-env");
  pod.dir.write("serviceaccount/namespace", " \n");
  EXPECT_EQ(in_cluster_config(pod.options()).namespace_, "default");
  fs::remove(pod.sa / "namespace");
  EXPECT_EQ(in_cluster_config(pod.options()).namespace_, "default");
}

TEST(InCluster, MissingOrUnusableCaIsLeftEmpty) {
  fake_pod pod;
  pod.dir.write("serviceaccount/ca.crt", "not a certificate");
  EXPECT_EQ(in_cluster_config(pod.options()).config.certificate_authority_pem, "");
  fs::remove(pod.sa / "ca.crt");
  EXPECT_EQ(in_cluster_config(pod.options()).config.certificate_authority_pem, "");
}

TEST(InCluster, NotInAClusterWithoutTheServiceVariables) {
  fake_pod pod;
  for (const auto& env :
       {env_map{}, env_map{{"KUBERNETES_SERVICE_HOST", "h"}}, env_map{{"KUBERNETES_SERVICE_PORT", "443"}},
        env_map{{"KUBERNETES_SERVICE_HOST", ""}, {"KUBERNETES_SERVICE_PORT", "443"}}}) {
    EXPECT_FALSE(in_cluster_possible(pod.options(env)));
    try {
      in_cluster_config(pod.options(env));
      ADD_FAILURE() << "no error";
    } catch (const not_in_cluster_error& e) {
      EXPECT_EQ(
          e.what(),
          std::string("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set"));
    }
  }
}

TEST(InCluster, UnreadableTokenIsAnErrorNamingIt) {
  fake_pod pod;
  fs::remove(pod.sa / "token");
  EXPECT_FALSE(in_cluster_possible(pod.options()));
  auto e = error_of([&] { in_cluster_config(pod.options()); });
  EXPECT_EQ(e.source(), (pod.sa / "token").string());
  EXPECT_EQ(e.message().rfind("cannot read the service account token: ", 0), 0u) << e.what();
  try {
    in_cluster_config(pod.options());
  } catch (const not_in_cluster_error&) {
    ADD_FAILURE() << "the variables are set: this is not 'not in a cluster'";
  } catch (const config_error&) {
  }

  fs::create_directory(pod.sa / "token");  // a directory is not a token
  EXPECT_FALSE(in_cluster_possible(pod.options()));
}

// ---- load_default_config ---------------------------------------------------------

TEST(DefaultConfig, ExplicitPathFirstAndThrottlingOff) {
  fake_pod pod;
  const auto file = pod.dir.write("explicit", home_config);
  auto env =
      env_map{{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}, {"KUBECONFIG", "/nonexistent"}};
  auto r = load_default_config({.kubeconfig_path = file, .env = env, .service_account_dir = pod.sa});
  EXPECT_FALSE(r.in_cluster);
  EXPECT_EQ(r.config.server, "https://home.example.com");
  EXPECT_EQ(r.namespace_, "home-ns");
  EXPECT_LT(r.config.qps, 0);  // as controller-runtime's GetConfig

  auto missing = error_of([&] { load_default_config({.kubeconfig_path = "/nonexistent/kc", .env = env}); });
  EXPECT_EQ(missing.what(), std::string("/nonexistent/kc: the kubeconfig file given does not exist"));
}

TEST(DefaultConfig, KubeconfigVariableBeatsInCluster) {
  fake_pod pod;
  const auto file = pod.dir.write("kc", home_config);
  auto r = load_default_config(
      {.env = env_map{{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}, {"KUBECONFIG", file}},
       .service_account_dir = pod.sa});
  EXPECT_FALSE(r.in_cluster);
  EXPECT_EQ(r.files, std::vector<std::string>{file});
}

TEST(DefaultConfig, KubeconfigVariableWithNothingFallsBackToInCluster) {
  fake_pod pod;
  auto env =
      env_map{{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}, {"KUBECONFIG", "/nonexistent"}};
  auto r = load_default_config({.namespace_ = "override", .env = env, .service_account_dir = pod.sa});
  EXPECT_TRUE(r.in_cluster);
  EXPECT_EQ(r.namespace_, "override");
  EXPECT_LT(r.config.qps, 0);

  env.erase("KUBERNETES_SERVICE_HOST");
  auto e = error_of([&] { load_default_config({.env = env, .service_account_dir = pod.sa}); });
  EXPECT_EQ(e.what(), std::string("no kubeconfig found (KUBECONFIG=/nonexistent) and not running in a cluster"));
}

TEST(DefaultConfig, InClusterBeatsHome) {
  fake_pod pod;
  pod.dir.write("home/.kube/config", home_config);
  auto r = load_default_config({.env = env_map{{"KUBERNETES_SERVICE_HOST", "h"},
                                               {"KUBERNETES_SERVICE_PORT", "1"},
                                               {"HOME", (pod.dir.path() / "home").string()}},
                                .service_account_dir = pod.sa});
  EXPECT_TRUE(r.in_cluster);
  EXPECT_EQ(r.config.server, "https://h:1");
  EXPECT_EQ(r.namespace_, "team-ns");
}

TEST(DefaultConfig, HomeWhenNotInACluster) {
  fake_pod pod;
  const auto file = pod.dir.write("home/.kube/config", home_config);
  auto r = load_default_config(
      {.context = "h", .env = env_map{{"HOME", (pod.dir.path() / "home").string()}}, .service_account_dir = pod.sa});
  EXPECT_FALSE(r.in_cluster);
  EXPECT_EQ(r.files, std::vector<std::string>{file});
  EXPECT_EQ(r.context_name, "h");
  EXPECT_LT(r.config.qps, 0);
}

TEST(DefaultConfig, NothingAnywhereSaysWhereItLooked) {
  temp_dir home;
  const auto expected = (home.path() / ".kube/config").string();
  auto e = error_of([&] { load_default_config({.env = env_map{{"HOME", home.path().string()}}}); });
  EXPECT_EQ(e.what(),
            "no configuration found: KUBECONFIG is not set, not in a cluster (not running in a cluster: "
            "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set), and " +
                expected + " does not exist");
}
