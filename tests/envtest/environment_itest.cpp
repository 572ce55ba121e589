// environment: each mode that can run here starts, installs CRDs, hands out a working
// client and kubeconfig, and stops leaving nothing behind; failures say what failed.
#include "ktk/envtest/environment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/envtest/binaries.hpp"
#include "ktk/envtest/etcd_server.hpp"
#include "../common/eventually.hpp"

namespace ktk::envtest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string data_dir = KTK_SOURCE_DIR "/tests/envtest/data";
const core::gvk widget_kind{"example.com", "v1", "Widget"};
const core::gvk configmap_kind{"", "v1", "ConfigMap"};

core::object widget(const std::string& name, int size) {
  return core::object(core::json{{"apiVersion", "example.com/v1"},
                                 {"kind", "Widget"},
                                 {"metadata", {{"name", name}, {"namespace", "default"}}},
                                 {"spec", {{"size", size}}}});
}

core::object configmap(const std::string& name) {
  return core::object(core::json{{"apiVersion", "v1"},
                                 {"kind", "ConfigMap"},
                                 {"metadata", {{"name", name}, {"namespace", "default"}}},
                                 {"data", {{"k", "v"}}}});
}

// A client on the kubeconfig file an environment wrote, as kubectl would read it.
std::unique_ptr<client::rest::rest_client> client_from(const fs::path& kubeconfig) {
  auto cfg = client::rest::load_kubeconfig({.kubeconfig_path = kubeconfig.string()});
  return std::make_unique<client::rest::rest_client>(cfg.config);
}

TEST(EnvironmentEmbedded, StartsInstallsCrdsFromFoldersAndStopsCleanly) {
  environment env({.crd_paths = {data_dir + "/crds"}});
  const auto& report = env.start();
  EXPECT_EQ(env.mode(), mode::embedded);
  EXPECT_THAT(report.crds, ::testing::UnorderedElementsAre("widgets.example.com", "gadgets.example.com"));
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_THAT(report.warnings[0], HasSubstr("v1beta1"));
  EXPECT_THAT(report.warnings[0], HasSubstr("gadget-v1beta1.yaml"));

  auto made = env.client().create(widget("w", 2));
  ASSERT_TRUE(made) << made.error().message();
  auto invalid = env.client().create(widget("bad", 0));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), 422);

  auto other = client_from(env.kubeconfig_path());
  EXPECT_TRUE(other->get(widget_kind, {"default", "w"}));
  EXPECT_TRUE(other->get({"example.com", "v1", "Gadget"}, {"", "none"}).error().code() == 404);

  const fs::path dir = env.work_dir();
  ASSERT_TRUE(fs::exists(dir));
  env.stop();
  EXPECT_FALSE(env.running());
  EXPECT_FALSE(fs::exists(dir)) << "the temporary work dir is removed";
  env.stop();  // idempotent
  EXPECT_FALSE(other->get(widget_kind, {"default", "w"})) << "the server is gone";
}

TEST(EnvironmentEmbedded, AMissingCrdPathFailsStartUnlessToldOtherwise) {
  environment strict({.crd_paths = {data_dir + "/no-such-dir"}});
  try {
    strict.start();
    FAIL() << "start should throw";
  } catch (const start_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no-such-dir"));
  }
  EXPECT_FALSE(strict.running());

  environment lenient({.crd_paths = {data_dir + "/no-such-dir"}, .error_if_crd_path_missing = false});
  const auto& report = lenient.start();
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_THAT(report.warnings[0], HasSubstr("no-such-dir"));
}

TEST(EnvironmentEmbedded, AMalformedCrdFileNamesTheFileAndLine) {
  environment env({.crd_paths = {data_dir + "/broken"}});
  try {
    env.start();
    FAIL() << "start should throw";
  } catch (const start_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.yaml:"));
  }
}

TEST(EnvironmentEmbedded, AddUserGivesAKubeconfigAndAClient) {
  environment env;
  env.start();
  auto u = env.add_user("bob", {"team"});
  EXPECT_EQ(u.name, "bob");
  EXPECT_FALSE(u.config.bearer_token.empty());
  // RBAC as in kube-apiserver: nothing is granted until a binding says so.
  auto denied = u.client->create(configmap("by-bob"));
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), 403);
  EXPECT_EQ(denied.error().message(),
            "configmaps is forbidden: User \"bob\" cannot create resource \"configmaps\" in API group \"\" in the "
            "namespace \"default\"");
  ASSERT_TRUE(env.client().create(core::object(core::json{
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "RoleBinding"},
      {"metadata", {{"name", "team-edit"}, {"namespace", "default"}}},
      {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
      {"subjects", {{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", "team"}}}}})));
  EXPECT_TRUE(u.client->create(configmap("by-bob")));
  auto from_file = client_from(u.kubeconfig);
  EXPECT_TRUE(from_file->get(configmap_kind, {"default", "by-bob"}));
  EXPECT_EQ(from_file->get(configmap_kind, {"kube-system", "x"}).error().code(), 403)
      << "the binding is for default only: 403, not 404, in kube-system";
  auto admin_file = client_from(env.kubeconfig_path());
  EXPECT_TRUE(admin_file->list(configmap_kind)) << "the admin's kubeconfig carries its token";
  environment existing({.mode = mode::existing, .kubeconfig = env.kubeconfig_path()});
  existing.start();
  EXPECT_THROW(existing.add_user("carol"), std::logic_error);
}

TEST(EnvironmentEmbedded, CrdObjectsAreInstalledToo) {
  core::object crd = core::object(core::json{
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", "things.example.com"}}},
      {"spec",
       {{"group", "example.com"},
        {"scope", "Namespaced"},
        {"names", {{"plural", "things"}, {"kind", "Thing"}}},
        {"versions",
         {{{"name", "v1"},
           {"served", true},
           {"storage", true},
           {"schema", {{"openAPIV3Schema", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}}}}}});
  environment env({.crds = {crd}});
  env.start();
  auto listed = env.client().list({"example.com", "v1", "Thing"});
  EXPECT_TRUE(listed) << listed.error().message();
}

TEST(EnvironmentExisting, UsesTheClusterOfAKubeconfigAndCanRemoveItsCrds) {
  environment host;
  host.start();
  {
    environment env({.mode = mode::existing,
                     .crd_paths = {data_dir + "/crds/widget.yaml"},
                     .remove_crds_on_stop = true,
                     .kubeconfig = host.kubeconfig_path()});
    env.start();
    ASSERT_TRUE(env.client().create(configmap("through-existing")));
    EXPECT_TRUE(host.client().get(configmap_kind, {"default", "through-existing"})) << "same cluster";
    EXPECT_TRUE(host.client().list(widget_kind));
    env.stop();
  }
  EXPECT_FALSE(host.client().get({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"},
                                 {"", "widgets.example.com"}))
      << "remove_crds_on_stop removed what it installed";
  EXPECT_TRUE(host.client().get(configmap_kind, {"default", "through-existing"})) << "objects are not touched";
}

TEST(EnvironmentExisting, AClusterThatDoesNotAnswerFailsStart) {
  environment host;
  host.start();
  const fs::path kc = host.kubeconfig_path().parent_path().parent_path() /
                      ("ktk-dead-" + std::to_string(::getpid()) + ".kubeconfig");
  fs::copy_file(host.kubeconfig_path(), kc, fs::copy_options::overwrite_existing);
  host.stop();
  environment env({.mode = mode::existing, .kubeconfig = kc, .start_timeout = std::chrono::seconds(5)});
  try {
    env.start();
    FAIL() << "start should throw";
  } catch (const start_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("does not answer"));
  }
  fs::remove(kc);
}

TEST(EnvironmentExisting, UseExistingClusterSelectsTheMode) {
  ::setenv("USE_EXISTING_CLUSTER", "true", 1);
  environment env;
  ::unsetenv("USE_EXISTING_CLUSTER");
  EXPECT_EQ(env.mode(), mode::existing);
}

TEST(EnvironmentEtcd, LaunchesEtcdAndStoresThere) {
  environment env({.mode = mode::etcd, .crd_paths = {data_dir + "/crds/widget.yaml"}});
  env.start();
  ASSERT_THAT(env.etcd_url(), HasSubstr("http://127.0.0.1:"));
  ASSERT_TRUE(env.client().create(widget("in-etcd", 1)));
  const fs::path dir = env.work_dir();
  env.stop();
  EXPECT_FALSE(fs::exists(dir));
}

TEST(EnvironmentEtcd, TwoServersOnOneEtcdShareObjectsAndCrds) {
  etcd_server etcd;
  etcd.start();
  environment a({.mode = mode::etcd, .crd_paths = {data_dir + "/crds/widget.yaml"}, .etcd_url = etcd.client_url()});
  environment b({.mode = mode::etcd, .etcd_url = etcd.client_url()});
  a.start();
  b.start();
  ASSERT_TRUE(a.client().create(widget("shared", 3)));
  auto got = b.client().get(widget_kind, {"default", "shared"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["spec"]["size"], 3);
  b.stop();
  a.stop();
  EXPECT_TRUE(etcd.running()) << "an etcd given by URL is not stopped";
}

TEST(EnvironmentBinaries, WithoutAKubeApiserverStartSaysWhereItLooked) {
  if (find_binary("kube-apiserver")) GTEST_SKIP() << "a kube-apiserver is installed here";
  environment env({.mode = mode::binaries});
  try {
    env.start();
    FAIL() << "start should throw";
  } catch (const start_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no kube-apiserver binary found"));
    EXPECT_THAT(e.what(), HasSubstr("KUBEBUILDER_ASSETS"));
  }
}

// No kube-apiserver can be installed here: `ktk kube-apiserver` stands in for it
// through a link of that name, so the whole launch path runs — certificates, flags,
// etcd as a child, /readyz over TLS with the admin certificate, the kubeconfig.
class EnvironmentBinariesStandIn : public ::testing::Test {
 protected:
  void SetUp() override {
    assets = fs::temp_directory_path() / ("ktk-assets-" + std::to_string(::getpid()));
    fs::create_directories(assets);
    fs::create_symlink(KTK_BINARY, assets / "kube-apiserver");
  }
  void TearDown() override { fs::remove_all(assets); }
  fs::path assets;
};

TEST_F(EnvironmentBinariesStandIn, LaunchesEtcdAndTheApiserverWithCertificates) {
  environment env({.mode = mode::binaries,
                   .crd_paths = {data_dir + "/crds/widget.yaml"},
                   .binary_assets_directory = assets,
                   .apiserver_flags = {"--feature-gates=AllAlpha=false", "--authorization-mode=AlwaysAllow"}});
  env.start();
  EXPECT_THAT(env.config().server, HasSubstr("https://127.0.0.1:"));
  EXPECT_FALSE(env.config().client_certificate_pem.empty());
  EXPECT_THAT(env.etcd_url(), HasSubstr("http://127.0.0.1:"));
  ASSERT_TRUE(env.client().create(widget("w", 1)));
  auto through_file = client_from(env.kubeconfig_path());
  EXPECT_TRUE(through_file->get(widget_kind, {"default", "w"})) << "the kubeconfig carries CA and client certificate";

  auto alice = env.add_user("alice", {"devs", "qa"});
  EXPECT_TRUE(alice.client->list(widget_kind)) << "the stand-in authorizes every authenticated user";
  EXPECT_TRUE(fs::exists(alice.kubeconfig));
  EXPECT_FALSE(alice.config.client_certificate_pem.empty());
  EXPECT_NE(alice.config.client_certificate_pem, env.config().client_certificate_pem);

  client::rest::rest_config anonymous = env.config();
  anonymous.client_certificate_pem.clear();
  anonymous.client_key_pem.clear();
  client::rest::rest_client anon(anonymous);
  auto denied = anon.get(widget_kind, {"default", "w"});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), 401);
  env.stop();
}

TEST_F(EnvironmentBinariesStandIn, RbacByDefaultAuthorizesAddUserIdentitiesByTheirCertificate) {
  environment env({.mode = mode::binaries, .binary_assets_directory = assets});
  env.start();
  auto alice = env.add_user("alice", {"devs"});
  auto denied = alice.client->list(configmap_kind, client::list_options{.namespace_ = "default"});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), 403);
  ASSERT_TRUE(env.client().create(core::object(core::json{
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", {{"name", "devs-view"}}},
      {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "view"}}},
      {"subjects", {{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", "devs"}}}}})));
  // As in kube-apiserver, RBAC reads the bindings from what the server has watched
  // from etcd, so a new binding takes effect shortly after its create returns.
  EXPECT_TRUE(ktk_test::eventually([&] {
    return alice.client->list(configmap_kind, client::list_options{.namespace_ = "default"}).ok();
  }));
  EXPECT_FALSE(alice.client->create(configmap("by-alice"))) << "view does not write";
  env.stop();
}

TEST_F(EnvironmentBinariesStandIn, AnApiserverThatExitsAtOnceFailsStartWithItsOutput) {
  environment env({.mode = mode::binaries,
                   .binary_assets_directory = assets,
                   .apiserver_flags = {"--etcd-servers=not a url"}});
  try {
    env.start();
    FAIL() << "start should throw";
  } catch (const start_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("kube-apiserver"));
    EXPECT_THAT(e.what(), HasSubstr("--etcd-servers"));
  }
}

TEST(EnvironmentBinariesReal, RunsARealKubeApiserverWhenOneIsInstalled) {
  auto found = find_binary("kube-apiserver");
  if (!found) {
    GTEST_SKIP() << "no kube-apiserver binary: set KUBEBUILDER_ASSETS (or TEST_ASSET_KUBE_APISERVER) to run this test";
  }
  environment env({.mode = mode::binaries, .crd_paths = {data_dir + "/crds/widget.yaml"}});
  env.start();
  EXPECT_TRUE(env.client().create(widget("real", 1)));
}

TEST(EnvironmentModes, ParseAndPrint) {
  for (mode m : {mode::embedded, mode::etcd, mode::binaries, mode::existing}) EXPECT_EQ(parse_mode(to_string(m)), m);
  EXPECT_FALSE(parse_mode("kind"));
}

}  // namespace
}  // namespace ktk::envtest
