// rest_client_itest.cpp — every verb of rest_client against the embedded server over
// HTTP: built-ins (namespaced and cluster-scoped), a CRD created after the client
// started, status and scale, dry run, selectors, paging, warnings, apply conflicts,
// delete preconditions, delete_all_of and transport failures.
#include "rest_fixture.hpp"

#include <gmock/gmock.h>

namespace {

using namespace ktk::client::rest::testing;
using ktk::client::rest::rest_client;
using ktk::core::object;
using ktk::core::patch_type;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

std::vector<std::string> names(const ktk::client::object_list& l) {
  std::vector<std::string> out;
  for (const auto& i : l.items) out.emplace_back(i->name());
  return out;
}

class rest_client_test : public rest_test {};

TEST_F(rest_client_test, get_of_a_missing_object_is_the_servers_not_found) {
  auto r = c().get(pod_kind, {"default", "nope"});
  EXPECT_TRUE(fails_with(r, 404, "NotFound", "pods \"nope\" not found"));
  EXPECT_EQ(r.error().details().name, "nope");
  EXPECT_EQ(r.error().details().kind, "pods");
}

TEST_F(rest_client_test, configmap_lifecycle) {
  auto created = c().create(cm("default", "a", {{"k", "1"}}));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ((*created)->name(), "a");
  EXPECT_EQ((*created)->kind(), "ConfigMap");
  EXPECT_FALSE((*created)->uid().empty());
  const std::string rv1((*created)->resource_version());

  auto got = c().get(configmap_kind, {"default", "a"});
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)->data(), (*created)->data());

  object changed = **got;
  changed.data()["data"]["k"] = "2";
  auto updated = c().update(object(changed));
  ASSERT_TRUE(updated) << updated.error().message();
  EXPECT_EQ((*updated)->data()["data"]["k"], "2");
  EXPECT_NE((*updated)->resource_version(), rv1);

  // The stale resourceVersion is a 409 with kube-apiserver's message.
  EXPECT_TRUE(fails_with(c().update(object(changed)), 409, "Conflict",
                         "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please "
                         "apply your changes to the latest version and try again"));

  ASSERT_TRUE(c().remove(configmap_kind, {"default", "a"}));
  EXPECT_TRUE(ktk::is_not_found(c().get(configmap_kind, {"default", "a"})));
  EXPECT_TRUE(fails_with(c().remove(configmap_kind, {"default", "a"}), 404, "NotFound", "configmaps \"a\" not found"));
}

TEST_F(rest_client_test, create_twice_is_already_exists) {
  ASSERT_TRUE(c().create(cm("default", "a")));
  EXPECT_TRUE(fails_with(c().create(cm("default", "a")), 409, "AlreadyExists", "configmaps \"a\" already exists"));
}

TEST_F(rest_client_test, an_invalid_object_is_422_with_its_causes) {
  object p = in_ns(pod("bad"), "default");
  p.data()["spec"]["containers"] = json::array();
  auto r = c().create(std::move(p));
  ASSERT_FALSE(r);
  EXPECT_TRUE(ktk::is_invalid(r.error()));
  EXPECT_EQ(r.error().code(), 422);
  EXPECT_EQ(r.error().details().kind, "Pod");
  EXPECT_FALSE(r.error().details().causes.empty());
}

TEST_F(rest_client_test, generate_name) {
  object o = cm("default", "");
  o.set_generate_name("gen-");
  auto r = c().create(std::move(o));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE((*r)->name().starts_with("gen-"));
}

TEST_F(rest_client_test, namespaces_are_cluster_scoped) {
  object ns("v1", "Namespace");
  ns.set_name("team-a");
  ASSERT_TRUE(c().create(std::move(ns)));
  auto got = c().get(namespace_kind, {"", "team-a"});
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)->data()["status"]["phase"], "Active");
  auto l = c().list(namespace_kind);
  ASSERT_TRUE(l);
  EXPECT_THAT(names(*l), ::testing::Contains("team-a"));
  ASSERT_TRUE(c().create(cm("team-a", "inside")));
  ASSERT_TRUE(c().remove(namespace_kind, {"", "team-a"}));
  EXPECT_TRUE(ktk::is_not_found(c().get(configmap_kind, {"team-a", "inside"})));
}

TEST_F(rest_client_test, list_items_carry_api_version_and_kind) {
  ASSERT_TRUE(c().create(in_ns(deployment("web"), "default")));
  auto l = c().list(deployment_kind, {.namespace_ = "default"});
  ASSERT_TRUE(l);
  ASSERT_EQ(l->items.size(), 1u);
  EXPECT_EQ(l->items[0]->api_version(), "apps/v1");
  EXPECT_EQ(l->items[0]->kind(), "Deployment");
  EXPECT_FALSE(l->resource_version.empty());
  // "DeploymentList" names the same type.
  EXPECT_TRUE(c().list({"apps", "v1", "DeploymentList"}, {.namespace_ = "default"}));
}

TEST_F(rest_client_test, list_across_namespaces_and_with_selectors) {
  ASSERT_TRUE(c().create(cm("default", "a", {}, {{"app", "web"}, {"tier", "front"}})));
  ASSERT_TRUE(c().create(cm("default", "b", {}, {{"app", "web"}, {"tier", "back"}})));
  ASSERT_TRUE(c().create(cm("kube-system", "c", {}, {{"app", "db"}})));
  auto all = c().list(configmap_kind, {.label_selector = "app"});
  ASSERT_TRUE(all);
  EXPECT_THAT(names(*all), UnorderedElementsAre("a", "b", "c"));
  auto web = c().list(configmap_kind, {.namespace_ = "default", .label_selector = "app=web,tier notin (back)"});
  ASSERT_TRUE(web);
  EXPECT_THAT(names(*web), ElementsAre("a"));
  auto by_name = c().list(configmap_kind, {.field_selector = "metadata.name=c"});
  ASSERT_TRUE(by_name);
  EXPECT_THAT(names(*by_name), ElementsAre("c"));
  EXPECT_TRUE(fails_with(c().list(configmap_kind, {.label_selector = "a in (b"}), 400, "BadRequest"));
}

TEST_F(rest_client_test, limit_and_continue_page_through_a_list) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c().create(cm("default", "cm-" + std::to_string(i))));
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto l = c().list(configmap_kind, {.namespace_ = "default", .limit = 2, .continue_token = token});
    ASSERT_TRUE(l) << l.error().message();
    EXPECT_LE(l->items.size(), 2u);
    if (!l->continue_token.empty()) {
      ASSERT_TRUE(l->remaining_item_count);
      EXPECT_EQ(*l->remaining_item_count, 5 - static_cast<int>(seen.size()) - 2);
    }
    for (auto& n : names(*l)) seen.push_back(n);
    token = l->continue_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("cm-0", "cm-1", "cm-2", "cm-3", "cm-4"));
}

TEST_F(rest_client_test, dry_run_writes_nothing) {
  auto r = c().create(cm("default", "dry"), {.dry_run = true});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->name(), "dry");
  EXPECT_TRUE(ktk::is_not_found(c().get(configmap_kind, {"default", "dry"})));

  ASSERT_TRUE(c().create(cm("default", "real")));
  ASSERT_TRUE(c().remove(configmap_kind, {"default", "real"}, {.dry_run = true}));
  EXPECT_TRUE(c().get(configmap_kind, {"default", "real"}));
  auto p = c().patch(configmap_kind, {"default", "real"}, patch_type::merge_patch, {{"data", {{"x", "y"}}}},
                     {.dry_run = true});
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)->data()["data"]["x"], "y");
  EXPECT_FALSE((*c().get(configmap_kind, {"default", "real"}))->data()["data"].contains("x"));
}

TEST_F(rest_client_test, the_four_patch_types) {
  ASSERT_TRUE(c().create(in_ns(deployment("web"), "default")));
  const ktk::core::object_key key{"default", "web"};
  auto merge = c().patch(deployment_kind, key, patch_type::merge_patch, {{"metadata", {{"labels", {{"m", "1"}}}}}});
  ASSERT_TRUE(merge) << merge.error().message();
  EXPECT_EQ((*merge)->label("m"), "1");

  auto jp = c().patch(deployment_kind, key, patch_type::json_patch,
                      json::array({{{"op", "replace"}, {"path", "/spec/replicas"}, {"value", 4}}}));
  ASSERT_TRUE(jp) << jp.error().message();
  EXPECT_EQ((*jp)->data()["spec"]["replicas"], 4);

  // Strategic merge: containers merge by name.
  auto smp = c().patch(deployment_kind, key, patch_type::strategic_merge,
                       {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "sidecar"}, {"image", "busybox:1"}}}}}}}}}}});
  ASSERT_TRUE(smp) << smp.error().message();
  EXPECT_EQ((*smp)->data()["spec"]["template"]["spec"]["containers"].size(), 2u);

  auto apply = c().patch(deployment_kind, key, patch_type::apply_yaml,
                         {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "web"}}},
                          {"spec", {{"replicas", 2}}}},
                         {.field_manager = "applier", .force = true});
  ASSERT_TRUE(apply) << apply.error().message();
  EXPECT_EQ((*apply)->data()["spec"]["replicas"], 2);

  EXPECT_TRUE(fails_with(c().patch(deployment_kind, {"default", "nope"}, patch_type::merge_patch, json::object()), 404,
                         "NotFound", "deployments.apps \"nope\" not found"));
  // A failed JSON patch test is 422 with the generic message.
  EXPECT_TRUE(fails_with(c().patch(deployment_kind, key, patch_type::json_patch,
                                   json::array({{{"op", "test"}, {"path", "/spec/replicas"}, {"value", 9}}})),
                         422, "Invalid"));
}

TEST_F(rest_client_test, apply_conflicts_between_managers_and_force_takes_over) {
  object first = cm("default", "applied", {{"k", "1"}});
  auto r = c().apply(object(first), {.field_manager = "alice"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->data()["data"]["k"], "1");

  object second = cm("default", "applied", {{"k", "2"}});
  auto conflict = c().apply(object(second), {.field_manager = "bob"});
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), 409);
  EXPECT_EQ(conflict.error().reason(), "Conflict");
  EXPECT_THAT(conflict.error().message(), ::testing::HasSubstr("alice"));

  auto forced = c().apply(object(second), {.field_manager = "bob", .force = true});
  ASSERT_TRUE(forced) << forced.error().message();
  EXPECT_EQ((*forced)->data()["data"]["k"], "2");
}

TEST_F(rest_client_test, delete_preconditions) {
  auto created = c().create(cm("default", "pre"));
  ASSERT_TRUE(created);
  auto wrong_uid = c().remove(configmap_kind, {"default", "pre"}, {.precondition_uid = "not-the-uid"});
  ASSERT_FALSE(wrong_uid);
  EXPECT_EQ(wrong_uid.error().code(), 409);
  EXPECT_TRUE(ktk::is_conflict(wrong_uid.error()));
  auto stale_rv = c().remove(configmap_kind, {"default", "pre"}, {.precondition_resource_version = "1"});
  EXPECT_TRUE(ktk::is_conflict(stale_rv));
  ASSERT_TRUE(c().remove(configmap_kind, {"default", "pre"},
                         {.precondition_uid = std::string((*created)->uid()),
                          .precondition_resource_version = std::string((*created)->resource_version())}));
  EXPECT_TRUE(ktk::is_not_found(c().get(configmap_kind, {"default", "pre"})));
}

TEST_F(rest_client_test, delete_with_a_grace_period_and_propagation) {
  ASSERT_TRUE(c().create(in_ns(pod("p"), "default")));
  ASSERT_TRUE(c().remove(pod_kind, {"default", "p"}, {.grace_period_seconds = 0, .propagation_policy = "Background"}));
  EXPECT_TRUE(ktk::is_not_found(c().get(pod_kind, {"default", "p"})));
}

TEST_F(rest_client_test, delete_all_of_what_a_selector_matches) {
  ASSERT_TRUE(c().create(cm("default", "a", {}, {{"app", "web"}})));
  ASSERT_TRUE(c().create(cm("default", "b", {}, {{"app", "web"}})));
  ASSERT_TRUE(c().create(cm("default", "c", {}, {{"app", "db"}})));
  ASSERT_TRUE(c().delete_all_of(configmap_kind, {.namespace_ = "default", .label_selector = "app=web"}));
  auto l = c().list(configmap_kind, {.namespace_ = "default", .label_selector = "app"});
  ASSERT_TRUE(l);
  EXPECT_THAT(names(*l), ElementsAre("c"));
  ASSERT_TRUE(c().delete_all_of(configmap_kind, {.namespace_ = "default"}, {.dry_run = true}));
  EXPECT_EQ(c().list(configmap_kind, {.namespace_ = "default", .label_selector = "app"})->items.size(), 1u);
}

TEST_F(rest_client_test, status_subresource_of_a_pod) {
  auto created = c().create(in_ns(pod("p"), "default"));
  ASSERT_TRUE(created);
  object with_status = **created;
  with_status.data()["status"] = {{"phase", "Running"}};
  auto s = c().status().update(object(with_status));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ((*s)->data()["status"]["phase"], "Running");

  auto sp = c().status().patch(pod_kind, {"default", "p"}, patch_type::merge_patch, {{"status", {{"phase", "Failed"}}}});
  ASSERT_TRUE(sp) << sp.error().message();
  EXPECT_EQ((*sp)->data()["status"]["phase"], "Failed");

  // A main-resource write leaves status alone.
  object main = **sp;
  main.data()["status"]["phase"] = "Succeeded";
  main.set_label("x", "y");
  auto u = c().update(std::move(main));
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ((*u)->data()["status"]["phase"], "Failed");
}

TEST_F(rest_client_test, scale_subresource_of_a_deployment) {
  ASSERT_TRUE(c().create(in_ns(deployment("web", 1), "default")));
  auto s = c().get_scale(deployment_kind, {"default", "web"});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ((*s)->kind(), "Scale");
  EXPECT_EQ((*s)->data()["spec"]["replicas"], 1);
  auto u = c().update_scale(deployment_kind, {"default", "web"}, 5);
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ((*u)->data()["spec"]["replicas"], 5);
  EXPECT_EQ((*c().get(deployment_kind, {"default", "web"}))->data()["spec"]["replicas"], 5);
  EXPECT_TRUE(ktk::is_not_found(c().get_scale(deployment_kind, {"default", "nope"})));
  // ConfigMaps have no scale.
  EXPECT_TRUE(ktk::is_not_found(c().get_scale(configmap_kind, {"default", "x"})));
}

TEST_F(rest_client_test, a_kind_that_missed_is_found_once_the_refresh_interval_passed) {
  ktk::core::fake_clock clk;
  auto cfg = config();
  cfg.clock = &clk;
  rest_client fc(cfg, {.discovery_refresh_interval = std::chrono::seconds(1)});
  EXPECT_TRUE(fails_with(fc.create(in_ns(at("early"), "default")), 400, "BadRequest",
                         "no matches for kind \"At\" in version \"cnat.programming-kubernetes.info/v1alpha1\""));
  ASSERT_TRUE(fc.create(at_crd()));
  // The same kind does not re-read discovery within the interval...
  EXPECT_TRUE(ktk::is_bad_request(fc.create(in_ns(at("a1"), "default"))));
  clk.advance(std::chrono::seconds(1));
  // ...and does after it.
  auto created = fc.create(in_ns(at("a1"), "default"));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ((*created)->data()["spec"]["command"], "echo hello");  // defaulted by the schema
}

TEST_F(rest_client_test, a_crd_created_first_is_found_by_the_first_refresh) {
  ASSERT_TRUE(c().get(namespace_kind, {"", "default"}));  // discovery happened without the CRD
  ASSERT_TRUE(c().create(at_crd()));
  auto created = c().create(in_ns(at("a1"), "default"));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_TRUE(c().mapper().by_kind(at_kind));
  auto info = c().mapper().resolve("ats");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->has_subresource("status"));
  EXPECT_TRUE(info->has_subresource("scale"));

  // status and scale of the custom resource.
  object st = **created;
  st.data()["status"] = {{"phase", "Pending"}, {"replicas", 0}};
  auto s = c().status().update(std::move(st));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ((*s)->data()["status"]["phase"], "Pending");
  auto scaled = c().update_scale(at_kind, {"default", "a1"}, 3);
  ASSERT_TRUE(scaled) << scaled.error().message();
  EXPECT_EQ((*c().get(at_kind, {"default", "a1"}))->data()["spec"]["replicas"], 3);
}

TEST_F(rest_client_test, unknown_fields_of_a_custom_resource_warn_or_fail) {
  ASSERT_TRUE(c().create(at_crd()));
  object a = in_ns(at("w"), "default");
  a.data()["spec"]["bogus"] = 1;
  std::vector<std::string> warnings;
  auto r = c().create(object(a), {.field_validation = "Warn", .warnings = &warnings});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_THAT(warnings, ElementsAre("unknown field \"spec.bogus\""));
  EXPECT_FALSE((*r)->data()["spec"].contains("bogus"));

  a.set_name("strict");
  EXPECT_TRUE(fails_with(c().create(object(a), {.field_validation = "Strict"}), 400, "BadRequest",
                         "At in version \"v1alpha1\" cannot be handled as a At: strict decoding error: unknown "
                         "field \"spec.bogus\""));
  a.set_name("ignored");
  warnings.clear();
  ASSERT_TRUE(c().create(object(a), {.field_validation = "Ignore", .warnings = &warnings}));
  EXPECT_TRUE(warnings.empty());
}

TEST_F(rest_client_test, an_unknown_kind_is_a_no_match_error) {
  EXPECT_TRUE(fails_with(c().get({"example.com", "v1", "Nope"}, {"default", "x"}), 400, "BadRequest",
                         "no matches for kind \"Nope\" in version \"example.com/v1\""));
}

TEST_F(rest_client_test, the_mapper_holds_what_the_server_serves) {
  const auto& m = c().mapper();
  auto d = m.resolve("deploy");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->resource, (ktk::core::gvr{"apps", "v1", "deployments"}));
  EXPECT_TRUE(d->has_subresource("scale"));
  auto ns = m.by_kind(namespace_kind);
  ASSERT_TRUE(ns);
  EXPECT_FALSE(ns->namespaced);
  EXPECT_EQ(m.by_kind(pod_kind)->singular, "pod");
}

TEST_F(rest_client_test, a_server_that_is_gone_is_a_transport_error_naming_the_url) {
  const std::string url = srv_->url();
  ASSERT_TRUE(c().get(namespace_kind, {"", "default"}));
  srv_->stop();
  auto r = c().get(namespace_kind, {"", "default"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 0);
  EXPECT_EQ(r.error().reason(), "");
  EXPECT_THAT(r.error().message(), ::testing::StartsWith("Get \"" + url + "/api/v1/namespaces/default\": dial tcp"));
  EXPECT_THAT(r.error().message(), ::testing::HasSubstr("refused"));
}

TEST_F(rest_client_test, a_bad_server_url_is_rejected_at_construction) {
  EXPECT_THROW(rest_client({.server = "ftp://x"}), std::invalid_argument);
  EXPECT_THROW(rest_client({.server = "https://127.0.0.1:1", .certificate_authority_pem = "not a pem"}),
               std::invalid_argument);
}

}  // namespace
