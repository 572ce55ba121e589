// rbac.authorization.k8s.io/v1 roles and bindings: kube's v1 defaults and the
// validation of pkg/apis/rbac/validation with its field paths and messages, on create
// and on update (roleRef cannot change), through the strategies and the registry.
#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_fixtures.hpp"
#include "ktk/apiserver/strategy.hpp"
#include "registry_fixtures.hpp"

namespace ktk::apiserver {
namespace {

using builtin_test::created;
using builtin_test::strs;
using builtin_test::updated;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using json = nlohmann::json;

const std::string group = "rbac.authorization.k8s.io";
const gvr roles{group, "v1", "roles"};
const gvr clusterroles{group, "v1", "clusterroles"};
const gvr rolebindings{group, "v1", "rolebindings"};
const gvr clusterrolebindings{group, "v1", "clusterrolebindings"};

strategy_ptr strategy_of(const std::string& resource) { return builtin_strategy({group, resource}); }

json pod_reader_rule() { return {{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get", "list"}}}; }

object role(const std::string& kind, json rules, const std::string& name = "r") {
  json o = {{"apiVersion", group + "/v1"}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!rules.is_null()) o["rules"] = std::move(rules);
  return object(std::move(o));
}

object binding(const std::string& kind, json role_ref, json subjects, const std::string& name = "b") {
  json o = {{"apiVersion", group + "/v1"}, {"kind", kind}, {"metadata", {{"name", name}}}, {"roleRef", role_ref}};
  if (!subjects.is_null()) o["subjects"] = std::move(subjects);
  return object(std::move(o));
}

json ref(const std::string& kind, const std::string& name) {
  return {{"apiGroup", group}, {"kind", kind}, {"name", name}};
}

json user(const std::string& name) { return {{"kind", "User"}, {"name", name}}; }

// The errors of creating a Role (or ClusterRole) with one rule.
std::vector<std::string> rule_errors(json rule, bool cluster = false) {
  auto s = strategy_of(cluster ? "clusterroles" : "roles");
  return strs(s->validate_create(created(s, role(cluster ? "ClusterRole" : "Role", json::array({std::move(rule)})))));
}

// The errors of creating a RoleBinding (or ClusterRoleBinding) changed by `edit`.
std::vector<std::string> binding_errors(const std::function<void(json&)>& edit, bool cluster = false) {
  json b = binding(cluster ? "ClusterRoleBinding" : "RoleBinding", ref("ClusterRole", "view"),
                   json::array({user("alice")}))
               .data();
  edit(b);
  auto s = strategy_of(cluster ? "clusterrolebindings" : "rolebindings");
  return strs(s->validate_create(created(s, object(std::move(b)))));
}

TEST(Rbac, NamesArePathSegments) {
  for (const char* r : {"roles", "clusterroles", "rolebindings", "clusterrolebindings"})
    EXPECT_EQ(strategy_of(r)->names(), name_rule::path_segment) << r;
  EXPECT_THAT(validate_name("system:controller:job-controller", name_rule::path_segment), IsEmpty());
}

TEST(Rbac, RoleRules) {
  EXPECT_THAT(rule_errors(pod_reader_rule()), IsEmpty());
  json no_verbs = pod_reader_rule();
  no_verbs.erase("verbs");
  EXPECT_THAT(rule_errors(no_verbs),
              ElementsAre("rules[0].verbs: Required value: verbs must contain at least one value"));
  EXPECT_THAT(rule_errors({{"verbs", {"get"}}}),
              ElementsAre("rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                          "rules[0].resources: Required value: resource rules must supply at least one resource"));
  // An empty group name is still a group: the core one.
  EXPECT_THAT(rule_errors({{"verbs", {"get"}}, {"apiGroups", {""}}, {"resources", json::array()}}),
              ElementsAre("rules[0].resources: Required value: resource rules must supply at least one resource"));
  EXPECT_THAT(rule_errors({{"verbs", {"get"}}, {"nonResourceURLs", {"/healthz", "/metrics"}}}),
              ElementsAre("rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\", \"/metrics\"}: namespaced "
                          "rules cannot apply to non-resource URLs"));
}

TEST(Rbac, ClusterRoleRules) {
  EXPECT_THAT(rule_errors({{"verbs", {"get"}}, {"nonResourceURLs", {"/healthz"}}}, true), IsEmpty());
  EXPECT_THAT(rule_errors(pod_reader_rule(), true), IsEmpty());
  json both = pod_reader_rule();
  both["nonResourceURLs"] = {"/healthz"};
  EXPECT_THAT(rule_errors(both, true),
              ElementsAre("rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: rules cannot apply to both "
                          "regular resources and non-resource URLs"));
  EXPECT_THAT(rule_errors({{"verbs", {"get"}}, {"resourceNames", {"x"}}, {"nonResourceURLs", {"/a"}}}, true),
              ElementsAre("rules[0].nonResourceURLs: Invalid value: []string{\"/a\"}: rules cannot apply to both "
                          "regular resources and non-resource URLs"));
  // Neither resources nor URLs: taken as a resource rule.
  EXPECT_THAT(rule_errors({{"verbs", {"get"}}}, true),
              ElementsAre("rules[0].apiGroups: Required value: resource rules must supply at least one api group",
                          "rules[0].resources: Required value: resource rules must supply at least one resource"));
  // Every rule is checked, each under its own index.
  auto s = strategy_of("roles");
  object two = created(s, role("Role", json::array({pod_reader_rule(), {{"apiGroups", {""}}, {"resources", {"x"}}}})));
  EXPECT_THAT(strs(s->validate_create(two)),
              ElementsAre("rules[1].verbs: Required value: verbs must contain at least one value"));
}

TEST(Rbac, RolesWithoutRulesReadBackNull) {
  auto s = strategy_of("roles");
  object o = created(s, role("Role", nullptr));
  ASSERT_TRUE(o.data().contains("rules"));
  EXPECT_TRUE(o.data()["rules"].is_null());
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
  object kept = created(s, role("Role", json::array({pod_reader_rule()})));
  EXPECT_EQ(kept.data()["rules"], json::array({pod_reader_rule()}));
}

TEST(Rbac, AggregationRule) {
  auto s = strategy_of("clusterroles");
  auto errors = [&](json agg) {
    object o = role("ClusterRole", nullptr);
    o.data()["aggregationRule"] = std::move(agg);
    return strs(s->validate_create(created(s, std::move(o))));
  };
  EXPECT_THAT(errors({{"clusterRoleSelectors", {{{"matchLabels", {{"rbac.example.com/aggregate-to-view", "true"}}}}}}}),
              IsEmpty());
  EXPECT_THAT(errors(json::object()),
              ElementsAre("aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector "
                          "required if aggregationRule is non-nil"));
  EXPECT_THAT(
      errors({{"clusterRoleSelectors", {{{"matchExpressions", {{{"key", "team"}, {"operator", "In"}}}}}}}}),
      ElementsAre("aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required value: must be "
                  "specified when `operator` is 'In' or 'NotIn'",
                  "aggregationRule.clusterRoleSelectors[0]: Invalid value: \"null\": invalid label selector."));
}

TEST(Rbac, BindingDefaults) {
  auto s = strategy_of("rolebindings");
  json subjects = json::array({user("alice"),
                               {{"kind", "Group"}, {"name", "devs"}},
                               {{"kind", "ServiceAccount"}, {"name", "sa"}, {"namespace", "default"}},
                               {{"kind", "User"}, {"name", "bob"}, {"apiGroup", "example.com"}}});
  object o = created(s, binding("RoleBinding", {{"kind", "Role"}, {"name", "pod-reader"}}, subjects));
  const json& d = o.data();
  EXPECT_EQ(d["roleRef"]["apiGroup"], group);
  EXPECT_EQ(d["subjects"][0]["apiGroup"], group);
  EXPECT_EQ(d["subjects"][1]["apiGroup"], group);
  EXPECT_FALSE(d["subjects"][2].contains("apiGroup")) << "ServiceAccount defaults to \"\", which is omitted";
  EXPECT_EQ(d["subjects"][3]["apiGroup"], "example.com") << "an explicit group is kept";
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("subjects[3].apiGroup: Unsupported value: \"example.com\": supported values: "
                          "\"rbac.authorization.k8s.io\""));
  EXPECT_FALSE(d.contains("rules"));
}

TEST(Rbac, RoleRef) {
  EXPECT_THAT(binding_errors([](json&) {}), IsEmpty());
  EXPECT_THAT(binding_errors([](json& b) { b["roleRef"]["kind"] = "Role"; }), IsEmpty());
  EXPECT_THAT(binding_errors([](json& b) { b["roleRef"]["apiGroup"] = "example.com"; }),
              ElementsAre("roleRef.apiGroup: Unsupported value: \"example.com\": supported values: "
                          "\"rbac.authorization.k8s.io\""));
  EXPECT_THAT(binding_errors([](json& b) { b["roleRef"]["kind"] = "User"; }),
              ElementsAre("roleRef.kind: Unsupported value: \"User\": supported values: \"Role\", \"ClusterRole\""));
  EXPECT_THAT(binding_errors([](json& b) { b["roleRef"]["kind"] = "Role"; }, true),
              ElementsAre("roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\""));
  EXPECT_THAT(binding_errors([](json& b) { b["roleRef"].erase("name"); }), ElementsAre("roleRef.name: Required value"));
  EXPECT_THAT(binding_errors([](json& b) { b["roleRef"]["name"] = "a/b"; }),
              ElementsAre("roleRef.name: Invalid value: \"a/b\": may not contain '/'"));
  EXPECT_THAT(binding_errors([](json& b) { b["roleRef"]["name"] = ".."; }),
              ElementsAre("roleRef.name: Invalid value: \"..\": may not be '..'"));
  // No roleRef at all: the zero RoleRef, its apiGroup defaulted.
  EXPECT_THAT(binding_errors([](json& b) { b.erase("roleRef"); }),
              ElementsAre("roleRef.kind: Unsupported value: \"\": supported values: \"Role\", \"ClusterRole\"",
                          "roleRef.name: Required value"));
}

TEST(Rbac, Subjects) {
  auto one = [](json subject, bool cluster = false) {
    return binding_errors([&](json& b) { b["subjects"] = json::array({subject}); }, cluster);
  };
  EXPECT_THAT(one({{"kind", "Group"}, {"name", "system:authenticated"}}), IsEmpty());
  EXPECT_THAT(one({{"kind", "Robot"}, {"name", "r2"}}),
              ElementsAre("subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", "
                          "\"User\", \"Group\""));
  EXPECT_THAT(one({{"kind", "User"}}), ElementsAre("subjects[0].name: Required value"));
  EXPECT_THAT(one({{"kind", "ServiceAccount"}, {"name", "Bad_Name"}}),
              ElementsAre("subjects[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must "
                          "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                          "alphanumeric character (e.g. 'example.com', regex used for validation is "
                          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
  EXPECT_THAT(one({{"kind", "ServiceAccount"}, {"name", "sa"}, {"apiGroup", group}}),
              ElementsAre("subjects[0].apiGroup: Unsupported value: \"rbac.authorization.k8s.io\": supported "
                          "values: \"\""));
  // A RoleBinding's service account defaults to the binding's namespace; a
  // ClusterRoleBinding has none to offer.
  EXPECT_THAT(one({{"kind", "ServiceAccount"}, {"name", "sa"}}), IsEmpty());
  EXPECT_THAT(one({{"kind", "ServiceAccount"}, {"name", "sa"}}, true),
              ElementsAre("subjects[0].namespace: Required value"));
  EXPECT_THAT(one({{"kind", "ServiceAccount"}, {"name", "sa"}, {"namespace", "kube-system"}}, true), IsEmpty());
}

TEST(Rbac, RoleRefCannotChange) {
  for (bool cluster : {false, true}) {
    auto s = strategy_of(cluster ? "clusterrolebindings" : "rolebindings");
    const std::string kind = cluster ? "ClusterRoleBinding" : "RoleBinding";
    object old = created(s, binding(kind, ref("ClusterRole", "view"), json::array({user("alice")})));
    // Subjects may change.
    object more = updated(s, binding(kind, ref("ClusterRole", "view"), json::array({user("alice"), user("bob")})), old);
    EXPECT_THAT(strs(s->validate_update(more, old)), IsEmpty());
    // Leaving the defaulted apiGroup out is no change.
    object bare = updated(s, binding(kind, {{"kind", "ClusterRole"}, {"name", "view"}}, nullptr), old);
    EXPECT_THAT(strs(s->validate_update(bare, old)), IsEmpty());
    object other = updated(s, binding(kind, ref("ClusterRole", "edit"), nullptr), old);
    EXPECT_THAT(strs(s->validate_update(other, old)),
                ElementsAre("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", "
                            "Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef"));
  }
}

class RbacRegistry : public testing::registry_test {};

TEST_F(RbacRegistry, CreatesAndValidates) {
  auto r = reg.create(roles, "default", role("Role", json::array({pod_reader_rule()}), "system:pod-reader"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->name(), "system:pod-reader");
  EXPECT_EQ((*r)->generation(), 0) << "RBAC objects keep no generation";

  auto rb = reg.create(rolebindings, "default",
                       binding("RoleBinding", {{"kind", "Role"}, {"name", "system:pod-reader"}},
                               json::array({user("alice")})));
  ASSERT_TRUE(rb) << rb.error().message();
  EXPECT_EQ((*rb)->data()["roleRef"]["apiGroup"], group);
  EXPECT_EQ((*rb)->data()["subjects"][0]["apiGroup"], group);

  json urls = {{"verbs", {"get"}}, {"nonResourceURLs", {"/healthz"}}};
  EXPECT_TRUE(testing::fails_with(reg.create(roles, "default", role("Role", json::array({urls}), "urls")), 422,
                                  "Invalid",
                                  "Role.rbac.authorization.k8s.io \"urls\" is invalid: rules[0].nonResourceURLs: "
                                  "Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to "
                                  "non-resource URLs"));
  EXPECT_TRUE(must_create(clusterroles, "", role("ClusterRole", json::array({urls}), "healthz")));

  EXPECT_TRUE(testing::fails_with(
      reg.create(clusterrolebindings, "",
                 binding("ClusterRoleBinding", ref("Role", "x"),
                         json::array({{{"kind", "ServiceAccount"}, {"name", "sa"}}}), "crb")),
      422, "Invalid",
      "ClusterRoleBinding.rbac.authorization.k8s.io \"crb\" is invalid: [roleRef.kind: Unsupported value: \"Role\": "
      "supported values: \"ClusterRole\", subjects[0].namespace: Required value]"));
}

TEST_F(RbacRegistry, RoleRefIsImmutable) {
  must_create(rolebindings, "default", binding("RoleBinding", ref("ClusterRole", "view"), json::array({user("a")})));
  object changed = *must_get(rolebindings, "default", "b");
  changed.data()["roleRef"]["name"] = "edit";
  EXPECT_TRUE(testing::fails_with(
      reg.update(rolebindings, {"default", "b"}, std::move(changed)), 422, "Invalid",
      "RoleBinding.rbac.authorization.k8s.io \"b\" is invalid: roleRef: Invalid value: "
      "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change "
      "roleRef"));

  object more = *must_get(rolebindings, "default", "b");
  more.data()["subjects"].push_back(user("b"));
  auto r = reg.update(rolebindings, {"default", "b"}, std::move(more));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->data()["subjects"].size(), 2u);
}

// Rules and subjects carry no merge key: a strategic merge patch replaces them whole.
// roleRef is +structType=atomic: server-side apply owns it as one value.
TEST_F(RbacRegistry, PatchesReplaceListsAndApplyOwnsRoleRefWhole) {
  must_create(rolebindings, "default", binding("RoleBinding", ref("ClusterRole", "view"), json::array({user("a")})));
  auto smp = reg.patch(rolebindings, {"default", "b"}, core::patch_type::strategic_merge,
                       {{"subjects", json::array({user("z")})}});
  ASSERT_TRUE(smp) << smp.error().message();
  EXPECT_EQ((*smp)->data()["subjects"], json::array({{{"kind", "User"}, {"name", "z"}, {"apiGroup", group}}}));

  json applied = binding("RoleBinding", ref("ClusterRole", "view"), json::array({user("u")}), "ssa").data();
  auto ssa = reg.patch(rolebindings, {"default", "ssa"}, core::patch_type::apply_yaml, applied,
                       {.field_manager = "mgr"});
  ASSERT_TRUE(ssa) << ssa.error().message();
  const json& mf = (*ssa)->managed_fields();
  ASSERT_EQ(mf.size(), 1u) << mf.dump();
  EXPECT_EQ(mf[0]["fieldsV1"]["f:roleRef"], json::object()) << mf.dump();
  EXPECT_EQ(mf[0]["fieldsV1"]["f:subjects"], json::object()) << mf.dump();
}

}  // namespace
}  // namespace ktk::apiserver
