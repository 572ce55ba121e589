// Admission webhooks in the test environment: configurations read from files and
// objects, rewritten to a local webhook server with a generated serving certificate,
// installed — and the API server (embedded, on etcd, an existing cluster) calling a
// ktk::client::webhook::server started on env.webhook().
#include "ktk/envtest/webhook_install.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "ktk/core/base64.hpp"
#include "ktk/envtest/environment.hpp"
#include "ktk/envtest/etcd_server.hpp"

namespace ktk::envtest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using client::webhook::admission_request;
using core::json;

const std::string data_dir = KTK_SOURCE_DIR "/tests/envtest/data/webhooks";
const core::gvk configmap_kind{"", "v1", "ConfigMap"};
const core::gvk mutating_kind{"admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration"};
const core::gvk validating_kind{"admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration"};

core::object configmap(const std::string& name, json data = json::object()) {
  return core::object(json{{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", {{"name", name}, {"namespace", "default"}}},
                           {"data", std::move(data)}});
}

TEST(WebhookInstall, ReadsConfigurationsFromFilesAndSkipsOtherDocuments) {
  auto cfgs = read_webhook_configurations({.paths = {data_dir}});
  ASSERT_EQ(cfgs.size(), 2u);
  std::vector<std::string> names;
  for (const auto& c : cfgs) names.emplace_back(c.name());
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("ktk-test-mutating", "ktk-test-validating"));
}

TEST(WebhookInstall, MissingPathsAndWrongKindsAreErrors) {
  EXPECT_THROW(read_webhook_configurations({.paths = {data_dir + "/nope"}}), std::runtime_error);
  EXPECT_TRUE(read_webhook_configurations({.paths = {data_dir + "/nope"}, .error_if_path_missing = false}).empty());
  EXPECT_THROW(read_webhook_configurations({.validating = {configmap("x")}}), std::runtime_error);
}

TEST(WebhookInstall, AMalformedFileIsNamedWithItsLine) {
  const fs::path dir = fs::temp_directory_path() / ("ktk-webhook-bad-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "bad.yaml") << "apiVersion: admissionregistration.k8s.io/v1\nkind: [unclosed\n";
  try {
    read_webhook_configurations({.paths = {dir}});
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::ContainsRegex("bad\\.yaml:[0-9]+:"));
  }
  fs::remove_all(dir);
}

TEST(WebhookInstall, ServingCertificateAndRewrittenClientConfig) {
  const fs::path dir = fs::temp_directory_path() / ("ktk-webhook-serving-" + std::to_string(::getpid()));
  auto serving = prepare_webhook_serving({.local_serving_cert_dir = dir}, "/unused");
  EXPECT_EQ(serving.host, "127.0.0.1");
  EXPECT_NE(serving.port, 0);
  EXPECT_TRUE(fs::exists(dir / "tls.crt"));
  EXPECT_TRUE(fs::exists(dir / "tls.key"));
  EXPECT_EQ(fs::status(dir / "tls.key").permissions() & fs::perms::group_read, fs::perms::none);
  EXPECT_THAT(serving.ca_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_EQ(serving.server_options().port, serving.port);
  EXPECT_EQ(serving.server_options().cert_dir, dir);

  for (const auto& cfg : read_webhook_configurations({.paths = {data_dir}})) {
    auto pointed = point_at_local_server(cfg, serving);
    const json& cc = pointed.data()["webhooks"][0]["clientConfig"];
    const std::string base = "https://127.0.0.1:" + std::to_string(serving.port);
    EXPECT_EQ(cc["url"], base + (cfg.kind() == "MutatingWebhookConfiguration" ? "/mutate-configmap"
                                                                              : "/validate-configmap"));
    EXPECT_FALSE(cc.contains("service"));
    EXPECT_EQ(core::base64_decode(cc["caBundle"].get<std::string>()), serving.ca_pem);
  }
  fs::remove_all(dir);
}

// The same operator webhook against every mode that can run here.
class WebhookEnvironment : public ::testing::TestWithParam<mode> {};

void serve_and_check(environment& env) {
  client::webhook::server srv(env.webhook().server_options());
  srv.defaulter("/mutate-configmap", [](json& cm, const admission_request&) -> core::result<void> {
    cm["metadata"]["labels"]["defaulted-by"] = "webhook";
    return {};
  });
  srv.validator("/validate-configmap",
                [](const admission_request& req) -> core::result<std::vector<std::string>> {
                  if (req.object.is_object() && req.object.value("data", json::object()).contains("forbidden")) {
                    return core::api_error(422, "Invalid", "data.forbidden may not be set");
                  }
                  return std::vector<std::string>{};
                });
  srv.start();

  auto made = env.client().create(configmap("ok", {{"k", "v"}}));
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ((*made)->labels()["defaulted-by"], "webhook");

  auto refused = env.client().create(configmap("no", {{"forbidden", "1"}}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), 422);
  EXPECT_THAT(refused.error().message(),
              HasSubstr("admission webhook \"vconfigmap.ktk.example.com\" denied the request: "
                        "data.forbidden may not be set"));
  srv.stop();

  // With the server gone, failurePolicy Fail (the default) refuses writes.
  auto down = env.client().create(configmap("down"));
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code(), 500);
  EXPECT_THAT(down.error().message(), HasSubstr("failed calling webhook"));
}

TEST_P(WebhookEnvironment, ConfigurationsPointAtTheLocalServerAndAreCalled) {
  environment env({.mode = GetParam(), .webhook = {.paths = {data_dir}}});
  env.start();
  EXPECT_THAT(env.webhook().installed,
              ::testing::UnorderedElementsAre("mutatingwebhookconfigurations/ktk-test-mutating",
                                              "validatingwebhookconfigurations/ktk-test-validating"));
  auto stored = env.client().get(validating_kind, {"", "ktk-test-validating"});
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_THAT((*stored)->data()["webhooks"][0]["clientConfig"]["url"].get<std::string>(),
              HasSubstr("https://127.0.0.1:" + std::to_string(env.webhook().port)));
  serve_and_check(env);
  const fs::path certs = env.webhook().cert_dir;
  env.stop();
  EXPECT_FALSE(fs::exists(certs)) << "the serving certificate lives in the work dir";
}

INSTANTIATE_TEST_SUITE_P(Modes, WebhookEnvironment, ::testing::Values(mode::embedded, mode::etcd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(WebhookEnvironmentEtcd, AnotherServerOnTheSameEtcdCallsTheWebhooksToo) {
  etcd_server etcd;
  etcd.start();
  environment a({.mode = mode::etcd, .webhook = {.paths = {data_dir}}, .etcd_url = etcd.client_url()});
  environment b({.mode = mode::etcd, .etcd_url = etcd.client_url()});
  a.start();
  b.start();
  client::webhook::server srv(a.webhook().server_options());
  srv.validator("/validate-configmap", [](const admission_request& req) -> core::result<std::vector<std::string>> {
    if (req.object.is_object() && req.object.value("data", json::object()).contains("forbidden")) {
      return core::api_error(403, "Forbidden", "not here either");
    }
    return std::vector<std::string>{};
  });
  srv.defaulter("/mutate-configmap", [](json&, const admission_request&) -> core::result<void> { return {}; });
  srv.start();
  // b learns of a's configurations through etcd's watch, as kube-apiserver through its
  // informer: within a bounded wait, not at once.
  bool denied = false;
  for (int i = 0; i < 400 && !denied; ++i) {
    auto r = b.client().create(configmap("probe-" + std::to_string(i), {{"forbidden", "1"}}));
    denied = !r && r.error().code() == 403;
    if (!denied) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(denied) << "b never called a's webhook";
  srv.stop();
  b.stop();
  a.stop();
}

TEST(WebhookEnvironmentExisting, InstallsOnTheClusterAndRemovesAtStop) {
  environment cluster;  // stands in for an existing cluster
  cluster.start();
  {
    environment env({.mode = mode::existing, .webhook = {.paths = {data_dir}}, .kubeconfig = cluster.kubeconfig_path()});
    env.start();
    serve_and_check(env);
    env.stop();
  }
  EXPECT_FALSE(cluster.client().get(mutating_kind, {"", "ktk-test-mutating"}));
  EXPECT_FALSE(cluster.client().get(validating_kind, {"", "ktk-test-validating"}));
  EXPECT_TRUE(cluster.client().create(configmap("after"))) << "nothing left pointing at a server that is gone";
}

TEST(WebhookEnvironmentEmbedded, ABadConfigurationFailsStartAndNamesIt) {
  core::object bad(json{{"apiVersion", "admissionregistration.k8s.io/v1"},
                        {"kind", "ValidatingWebhookConfiguration"},
                        {"metadata", {{"name", "no-side-effects"}}},
                        {"webhooks",
                         {{{"name", "x.ktk.example.com"},
                           {"admissionReviewVersions", {"v1"}},
                           {"clientConfig", {{"url", "https://x.example.com/"}}}}}}});
  environment env({.webhook = {.validating = {bad}}});
  try {
    env.start();
    ADD_FAILURE() << "started";
  } catch (const start_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no-side-effects"));
    EXPECT_THAT(e.what(), HasSubstr("sideEffects"));
  }
  EXPECT_FALSE(env.running());
}

}  // namespace
}  // namespace ktk::envtest
