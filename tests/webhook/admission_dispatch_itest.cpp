// ktk's API server calling admission webhooks: the registry (what the HTTP server and
// the fake client run) with Mutating/ValidatingWebhookConfigurations pointing at a
// webhook::server over real TLS. Matching, patches, denials, failure policies,
// timeouts, selectors, dry run, DELETE, reinvocation and the exemption of the
// configurations themselves.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ktk/apiserver/certs.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/client/webhook/server.hpp"
#include "ktk/core/base64.hpp"

namespace {

using namespace ktk::client::webhook;
using ktk::apiserver::registry;
using ktk::core::gvr;
using ktk::core::json;
using ktk::core::object;
namespace fs = std::filesystem;

const gvr configmaps{"", "v1", "configmaps"};
const gvr namespaces{"", "v1", "namespaces"};
const gvr mutating_configs{"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations"};
const gvr validating_configs{"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations"};

object configmap(const std::string& name, json data = json::object(), json labels = json::object()) {
  json j = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", std::move(data)}};
  if (!labels.empty()) j["metadata"]["labels"] = std::move(labels);
  return object(std::move(j));
}

class AdmissionDispatch : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = ktk::apiserver::generate_certs({"127.0.0.1"});
    std::string tmpl = (fs::temp_directory_path() / "ktk-dispatch-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ / "tls.crt") << pki_.server_cert;
    std::ofstream(dir_ / "tls.key") << pki_.server_key;
    srv_ = std::make_unique<server>(server_options{.host = "127.0.0.1", .port = 0, .cert_dir = dir_});
    srv_->defaulter("/mutate", [this](json& obj, const admission_request& req) -> ktk::core::result<void> {
      record(req);
      obj["metadata"]["labels"]["mutated"] = "yes";
      return {};
    });
    srv_->defaulter("/count", [this](json& obj, const admission_request& req) -> ktk::core::result<void> {
      record(req);
      auto& a = obj["metadata"]["annotations"];
      if (!a.is_object()) a = json::object();
      a["seen"] = std::to_string(std::stoi(a.value("seen", "0")) + 1);
      return {};
    });
    srv_->validator("/validate", [this](const admission_request& req) -> ktk::core::result<std::vector<std::string>> {
      record(req);
      const json& o = req.object.is_null() ? req.old_object : req.object;
      if (o.contains("data") && o["data"].contains("bad")) {
        return ktk::core::api_error(403, "Forbidden", "bad is not allowed here");
      }
      if (req.operation == "DELETE" && o["metadata"].value("labels", json::object()).contains("keep")) {
        return ktk::core::api_error(403, "Forbidden", "this one stays");
      }
      return std::vector<std::string>{"checked by the test webhook"};
    });
    srv_->handle("/slow", [this](const admission_request& req) {
      record(req);
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return allowed(req);
    });
    srv_->start();
  }

  void TearDown() override {
    srv_->stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void record(const admission_request& req) {
    std::lock_guard lock(mu_);
    seen_.push_back(req);
  }
  std::vector<admission_request> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

  json webhook(const std::string& name, const std::string& path, json extra = json::object()) {
    json w = {{"name", name},
              {"clientConfig",
               {{"url", srv_->url() + path}, {"caBundle", ktk::core::base64_encode(pki_.ca_cert)}}},
              {"rules",
               {{{"operations", {"CREATE", "UPDATE", "DELETE"}},
                 {"apiGroups", {""}},
                 {"apiVersions", {"v1"}},
                 {"resources", {"configmaps"}}}}},
              {"sideEffects", "None"},
              {"admissionReviewVersions", {"v1"}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) w[it.key()] = it.value();
    return w;
  }

  void install(bool mutating, const std::string& name, json webhooks) {
    json cfg = {{"apiVersion", "admissionregistration.k8s.io/v1"},
                {"kind", mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration"},
                {"metadata", {{"name", name}}},
                {"webhooks", std::move(webhooks)}};
    auto r = reg_.create(mutating ? mutating_configs : validating_configs, "", object(std::move(cfg)));
    ASSERT_TRUE(r.ok()) << r.error().message();
  }

  ktk::apiserver::generated_certs pki_;
  fs::path dir_;
  std::unique_ptr<server> srv_;
  registry reg_;
  std::mutex mu_;
  std::vector<admission_request> seen_;  // guarded by mu_
};

TEST_F(AdmissionDispatch, NoConfigurationMeansNoCall) {
  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("a")).ok());
  EXPECT_TRUE(seen().empty());
}

TEST_F(AdmissionDispatch, MutatingWebhookPatchesTheCreatedObjectAndSeesTheRequest) {
  install(true, "m", {webhook("mutate.example.com", "/mutate")});
  ktk::apiserver::write_options o;
  o.field_manager = "tester";
  auto r = reg_.create(configmaps, "default", configmap("a", {{"k", "v"}}), o);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)->labels()["mutated"], "yes");
  auto stored = reg_.get(configmaps, {"default", "a"});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)->labels()["mutated"], "yes");

  auto calls = seen();
  ASSERT_EQ(calls.size(), 1u);
  const auto& req = calls[0];
  EXPECT_EQ(req.operation, "CREATE");
  EXPECT_EQ(req.namespace_, "default");
  EXPECT_EQ(req.name, "a");
  EXPECT_EQ(req.kind.kind, "ConfigMap");
  EXPECT_EQ(req.resource.resource, "configmaps");
  EXPECT_TRUE(req.old_object.is_null());
  EXPECT_EQ(req.object["data"]["k"], "v");
  EXPECT_FALSE(req.dry_run);
  EXPECT_EQ(req.options.value("kind", ""), "CreateOptions");
  EXPECT_EQ(req.options.value("fieldManager", ""), "tester");
  EXPECT_EQ(req.user_info.value("username", ""), "system:admin");
}

TEST_F(AdmissionDispatch, WebhooksSeeTheUserTheRequestCameFrom) {
  install(false, "v", {webhook("validate.example.com", "/validate")});
  const ktk::apiserver::user_info alice{.name = "alice", .uid = "a-1", .groups = {"devs", "system:authenticated"}};
  ktk::apiserver::write_options o;
  o.user = &alice;
  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("a"), o).ok());
  ktk::apiserver::delete_options d;
  d.user = &alice;
  ASSERT_TRUE(reg_.remove(configmaps, {"default", "a"}, d).ok());
  auto calls = seen();
  ASSERT_EQ(calls.size(), 2u);
  for (const auto& req : calls) {
    EXPECT_EQ(req.user_info, json({{"username", "alice"}, {"uid", "a-1"}, {"groups", {"devs", "system:authenticated"}}}))
        << req.operation;
  }
}

TEST_F(AdmissionDispatch, ValidatingWebhookDeniesWithItsMessageAndWarnsOtherwise) {
  install(false, "v", {webhook("validate.example.com", "/validate")});
  auto denied = reg_.create(configmaps, "default", configmap("a", {{"bad", "1"}}));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), 403);
  EXPECT_EQ(denied.error().message(),
            "admission webhook \"validate.example.com\" denied the request: bad is not allowed here");
  EXPECT_FALSE(reg_.get(configmaps, {"default", "a"}).ok()) << "a denied create stores nothing";

  std::vector<std::string> warnings;
  ktk::apiserver::write_options o;
  o.warnings = &warnings;
  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("b"), o).ok());
  EXPECT_EQ(warnings, std::vector<std::string>{"checked by the test webhook"});
}

TEST_F(AdmissionDispatch, ValidationSeesWhatMutationDidAndUpdatesCarryTheOldObject) {
  install(true, "m", {webhook("mutate.example.com", "/mutate")});
  install(false, "v", {webhook("validate.example.com", "/validate")});
  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("a")).ok());
  auto calls = seen();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].object["metadata"]["labels"]["mutated"], "yes") << "validating runs after mutating";

  auto cur = reg_.get(configmaps, {"default", "a"});
  ASSERT_TRUE(cur.ok());
  object next = **cur;
  next.data()["data"] = {{"bad", "now"}};
  auto upd = reg_.update(configmaps, {"default", "a"}, std::move(next));
  ASSERT_FALSE(upd.ok());
  EXPECT_EQ(upd.error().code(), 403);
  calls = seen();
  const auto& last = calls.back();
  EXPECT_EQ(last.operation, "UPDATE");
  EXPECT_EQ(last.options.value("kind", ""), "UpdateOptions");
  EXPECT_TRUE(last.old_object.is_object());
  EXPECT_FALSE(last.old_object["data"].contains("bad"));
}

TEST_F(AdmissionDispatch, DeleteIsValidatedWithTheOldObjectAndCanBeRefused) {
  install(false, "v", {webhook("validate.example.com", "/validate")});
  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("keep-me", {}, {{"keep", "1"}})).ok());
  auto refused = reg_.remove(configmaps, {"default", "keep-me"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), 403);
  EXPECT_TRUE(reg_.get(configmaps, {"default", "keep-me"}).ok());
  auto calls = seen();
  const auto& del = calls.back();
  EXPECT_EQ(del.operation, "DELETE");
  EXPECT_TRUE(del.object.is_null());
  EXPECT_EQ(del.old_object["metadata"]["name"], "keep-me");
  EXPECT_EQ(del.options.value("kind", ""), "DeleteOptions");

  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("go")).ok());
  EXPECT_TRUE(reg_.remove(configmaps, {"default", "go"}).ok());
}

TEST_F(AdmissionDispatch, RulesDecideWhatIsSent) {
  json w = webhook("validate.example.com", "/validate");
  w["rules"][0]["operations"] = {"UPDATE"};
  install(false, "v", {w});
  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("a", {{"bad", "1"}})).ok()) << "CREATE not in rules";
  json secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}}}};
  ASSERT_TRUE(reg_.create({"", "v1", "secrets"}, "default", object(secret)).ok());
  EXPECT_TRUE(seen().empty());
}

TEST_F(AdmissionDispatch, ClusterScopeRuleSkipsNamespacedResources) {
  json w = webhook("validate.example.com", "/validate");
  w["rules"][0]["resources"] = {"*"};
  w["rules"][0]["scope"] = "Cluster";
  install(false, "v", {w});
  ASSERT_TRUE(reg_.create(configmaps, "default", configmap("a")).ok());
  EXPECT_TRUE(seen().empty());
  ASSERT_TRUE(reg_.create(namespaces, "", object(json{{"apiVersion", "v1"}, {"kind", "Namespace"},
                                                        {"metadata", {{"name", "team"}}}}))
                  .ok());
  ASSERT_EQ(seen().size(), 1u);
  EXPECT_EQ(seen()[0].resource.resource, "namespaces");
}

TEST_F(AdmissionDispatch, NamespaceAndObjectSelectors) {
  install(false, "v",
          {webhook("validate.example.com", "/validate",
                   {{"namespaceSelector", {{"matchLabels", {{"webhooks", "on"}}}}},
                    {"objectSelector", {{"matchExpressions", {{{"key", "skip"}, {"operator", "DoesNotExist"}}}}}}})});
  for (auto [name, labels] : {std::pair{"on", json{{"webhooks", "on"}}}, std::pair{"off", json::object()}}) {
    json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}, {"labels", labels}}}};
    ASSERT_TRUE(reg_.create(namespaces, "", object(ns)).ok());
  }
  EXPECT_TRUE(reg_.create(configmaps, "off", configmap("a", {{"bad", "1"}})).ok()) << "namespace not selected";
  EXPECT_TRUE(reg_.create(configmaps, "on", configmap("a", {{"bad", "1"}}, {{"skip", "1"}})).ok())
      << "object not selected";
  auto denied = reg_.create(configmaps, "on", configmap("b", {{"bad", "1"}}));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), 403);
}

TEST_F(AdmissionDispatch, UnreachableWebhookFailsClosedOrIsIgnoredByPolicy) {
  json w = webhook("down.example.com", "/validate");
  w["clientConfig"]["url"] = "https://127.0.0.1:1/validate";
  install(false, "fail", {w});
  auto r = reg_.create(configmaps, "default", configmap("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 500);
  EXPECT_EQ(r.error().reason(), "InternalError");
  EXPECT_NE(r.error().message().find("failed calling webhook \"down.example.com\""), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("https://127.0.0.1:1/validate?timeout=10s"), std::string::npos)
      << r.error().message();

  ASSERT_TRUE(reg_.remove(validating_configs, {"", "fail"}).ok()) << "configurations are never sent to webhooks";
  w["failurePolicy"] = "Ignore";
  install(false, "ignore", {w});
  EXPECT_TRUE(reg_.create(configmaps, "default", configmap("a")).ok());
}

TEST_F(AdmissionDispatch, ACertificateFromAnotherCaIsAFailedCall) {
  json w = webhook("validate.example.com", "/validate");
  w["clientConfig"]["caBundle"] = ktk::core::base64_encode(ktk::apiserver::generate_certs({"127.0.0.1"}).ca_cert);
  install(false, "v", {w});
  auto r = reg_.create(configmaps, "default", configmap("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 500);
  EXPECT_TRUE(seen().empty());
}

TEST_F(AdmissionDispatch, ServiceReferencesAreExplained) {
  json w = webhook("svc.example.com", "/validate");
  w["clientConfig"] = {{"service", {{"namespace", "system"}, {"name", "webhook-service"}, {"path", "/validate"}}}};
  install(false, "v", {w});
  auto r = reg_.create(configmaps, "default", configmap("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("system/webhook-service"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("clientConfig.url"), std::string::npos) << r.error().message();
}

TEST_F(AdmissionDispatch, ASlowWebhookTimesOut) {
  install(false, "v", {webhook("slow.example.com", "/slow", {{"timeoutSeconds", 1}})});
  auto r = reg_.create(configmaps, "default", configmap("a"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 500);
  EXPECT_NE(r.error().message().find("deadline exceeded"), std::string::npos) << r.error().message();
}

TEST_F(AdmissionDispatch, DryRunIsSentAsDryRunAndStoresNothing) {
  install(true, "m", {webhook("mutate.example.com", "/mutate")});
  ktk::apiserver::write_options o;
  o.dry_run = true;
  auto r = reg_.create(configmaps, "default", configmap("a"), o);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)->labels()["mutated"], "yes");
  ASSERT_EQ(seen().size(), 1u);
  EXPECT_TRUE(seen()[0].dry_run);
  EXPECT_FALSE(reg_.get(configmaps, {"default", "a"}).ok());
}

TEST_F(AdmissionDispatch, IfNeededWebhooksAreCalledAgainAfterALaterChange) {
  json counting = webhook("count.example.com", "/count", {{"reinvocationPolicy", "IfNeeded"}});
  install(true, "a-first", {counting});
  install(true, "b-second", {webhook("mutate.example.com", "/mutate")});
  auto r = reg_.create(configmaps, "default", configmap("a"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ((*r)->annotations()["seen"], "2");
  EXPECT_EQ((*r)->labels()["mutated"], "yes");
}

TEST_F(AdmissionDispatch, ARemovedConfigurationStopsTheCalls) {
  install(false, "v", {webhook("validate.example.com", "/validate")});
  EXPECT_FALSE(reg_.create(configmaps, "default", configmap("a", {{"bad", "1"}})).ok());
  ASSERT_TRUE(reg_.remove(validating_configs, {"", "v"}).ok());
  EXPECT_TRUE(reg_.create(configmaps, "default", configmap("a", {{"bad", "1"}})).ok());
}

}  // namespace
