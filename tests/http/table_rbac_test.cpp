// Table printers of rbac.authorization.k8s.io: roles and cluster roles get the default
// Name / Created At table; role bindings and cluster role bindings print Name, Role
// and Age, with Users, Groups and ServiceAccounts for -o wide, as kube's printers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "table_test_util.hpp"

namespace ktk::apiserver::http::table {
namespace {

using ::testing::ElementsAre;
using namespace testing;

json rbac_object(const std::string& kind, json fields = json::object()) {
  json o = {{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", kind}, {"metadata", meta("x")}};
  if (kind.starts_with("Cluster")) o["metadata"].erase("namespace");
  for (auto& [k, v] : fields.items()) o[k] = v;
  return o;
}

TEST(TableRbac, RolesAndClusterRolesPrintNameAndCreatedAt) {
  for (const auto& [resource, kind] : {std::pair{"roles", "Role"}, std::pair{"clusterroles", "ClusterRole"}}) {
    json t = table_of(resource, rbac_object(kind, {{"rules", json::array()}}));
    EXPECT_THAT(column_names(t), ElementsAre("Name", "Created At")) << resource;
    EXPECT_EQ(t["columnDefinitions"][1]["type"], "date");
    EXPECT_EQ(t["columnDefinitions"][0]["format"], "name");
    EXPECT_EQ(cells(t), json::array({"x", "2024-01-01T11:55:00Z"})) << resource;
  }
}

TEST(TableRbac, RoleBindingsPrintRoleAndWideSubjects) {
  json subjects = json::array({{{"kind", "User"}, {"name", "alice"}},
                               {{"kind", "Group"}, {"name", "devs"}},
                               {{"kind", "ServiceAccount"}, {"name", "sa"}, {"namespace", "default"}},
                               {{"kind", "User"}, {"name", "bob"}},
                               {{"kind", "ServiceAccount"}, {"name", "builder"}, {"namespace", "ci"}},
                               {{"kind", "Robot"}, {"name", "r2"}}});
  json t = table_of("rolebindings",
                    rbac_object("RoleBinding", {{"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"},
                                                             {"kind", "Role"},
                                                             {"name", "pod-reader"}}},
                                                {"subjects", subjects}}));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"));
  EXPECT_THAT(default_column_names(t), ElementsAre("Name", "Role", "Age"));
  EXPECT_EQ(t["columnDefinitions"][1]["description"],
            "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the "
            "RoleRef cannot be resolved, the Authorizer must return an error.");
  EXPECT_EQ(t["columnDefinitions"][3]["description"], "Users in the roleBinding");
  EXPECT_EQ(t["columnDefinitions"][5]["priority"], 1);
  EXPECT_EQ(cells(t), json::array({"x", "Role/pod-reader", "5m", "alice, bob", "devs", "default/sa, ci/builder"}));
}

TEST(TableRbac, ClusterRoleBindingWithoutSubjectsHasEmptyWideCells) {
  json t = table_of("clusterrolebindings",
                    rbac_object("ClusterRoleBinding", {{"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"},
                                                                    {"kind", "ClusterRole"},
                                                                    {"name", "view"}}}}));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"));
  EXPECT_EQ(t["columnDefinitions"][1]["description"],
            "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the "
            "Authorizer must return an error.");
  EXPECT_EQ(t["columnDefinitions"][4]["description"], "Groups in the clusterRoleBinding");
  EXPECT_EQ(cells(t), json::array({"x", "ClusterRole/view", "5m", "", "", ""}));
}

}  // namespace
}  // namespace ktk::apiserver::http::table
