// A CRD with several versions (conversion None): one storage, every served version
// sees the same objects with its own apiVersion; unserved versions are not served.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/registry.hpp"

namespace {

using ktk::core::json;
using ktk::core::object;

const ktk::core::gvr crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};

json version(const std::string& name, bool served, bool storage) {
  return {{"name", name},
          {"served", served},
          {"storage", storage},
          {"schema",
           {{"openAPIV3Schema",
             {{"type", "object"},
              {"properties", {{"spec", {{"type", "object"}, {"properties", {{"cpu", {{"type", "integer"}}}}}}}}}}}}}};
}

object crd(std::vector<json> versions) {
  return object(json{{"apiVersion", "apiextensions.k8s.io/v1"},
                     {"kind", "CustomResourceDefinition"},
                     {"metadata", {{"name", "virtualmachines.infra.example.com"}}},
                     {"spec",
                      {{"group", "infra.example.com"},
                       {"scope", "Namespaced"},
                       {"names", {{"plural", "virtualmachines"}, {"kind", "VirtualMachine"}, {"shortNames", {"vm"}}}},
                       {"versions", versions}}}});
}

TEST(RegistryCrdVersions, ServedVersionsShareObjects) {
  ktk::apiserver::registry reg;
  ASSERT_TRUE(reg.create(crds, "", crd({version("v1", true, true), version("v1beta1", true, false),
                                        version("v1alpha1", false, false)})));
  const ktk::core::gvr v1{"infra.example.com", "v1", "virtualmachines"};
  const ktk::core::gvr beta{"infra.example.com", "v1beta1", "virtualmachines"};
  object vm(json{{"apiVersion", "infra.example.com/v1beta1"},
                 {"kind", "VirtualMachine"},
                 {"metadata", {{"name", "vm-1"}, {"namespace", "default"}}},
                 {"spec", {{"cpu", 2}}}});
  ASSERT_TRUE(reg.create(beta, "default", std::move(vm)));

  auto as_v1 = reg.get(v1, {"default", "vm-1"});
  ASSERT_TRUE(as_v1);
  EXPECT_EQ((*as_v1)->api_version(), "infra.example.com/v1");
  auto as_beta = reg.get(beta, {"default", "vm-1"});
  ASSERT_TRUE(as_beta);
  EXPECT_EQ((*as_beta)->api_version(), "infra.example.com/v1beta1");

  EXPECT_TRUE(ktk::is_not_found(reg.get({"infra.example.com", "v1alpha1", "virtualmachines"}, {"default", "vm-1"})));
  EXPECT_TRUE(reg.mapper().resolve("vm"));

  auto stored = reg.get(crds, {"", "virtualmachines.infra.example.com"});
  ASSERT_TRUE(stored);
  EXPECT_EQ((*stored)->at_path("status.storedVersions")->dump(), R"(["v1"])");
}

TEST(RegistryCrdVersions, StopServingAVersionOnUpdate) {
  ktk::apiserver::registry reg;
  ASSERT_TRUE(reg.create(crds, "", crd({version("v1", true, true), version("v1beta1", true, false)})));
  auto cur = *reg.get(crds, {"", "virtualmachines.infra.example.com"}).value();
  cur.data()["spec"]["versions"][1]["served"] = false;
  ASSERT_TRUE(reg.update(crds, cur.key(), std::move(cur)));
  EXPECT_FALSE(reg.mapper().by_resource({"infra.example.com", "v1beta1", "virtualmachines"}));
  EXPECT_TRUE(reg.mapper().by_resource({"infra.example.com", "v1", "virtualmachines"}));
}

TEST(RegistryCrdVersions, TwoStorageVersionsAreInvalid) {
  ktk::apiserver::registry reg;
  auto r = reg.create(crds, "", crd({version("v1", true, true), version("v2", true, true)}));
  ASSERT_TRUE(ktk::is_invalid(r));
  EXPECT_NE(r.error().message().find("exactly one version marked as storage version"), std::string::npos)
      << r.error().message();
}

}  // namespace
