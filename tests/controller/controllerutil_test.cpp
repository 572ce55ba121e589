#include "ktk/client/controller/controllerutil.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/core/strings.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace {

namespace ctl = ktk::client::controller;
namespace fc = ktk::fakeclient;
using ktk::core::json;
using ktk::core::object;
using ktk::core::owner_reference;

const ktk::core::gvk cm_kind{"", "v1", "ConfigMap"};
const ktk::core::gvk widget_kind{"example.com", "v1", "Widget"};
const ktk::core::gvk gadget_kind{"example.com", "v1", "Gadget"};

object make(std::string_view api_version, std::string_view kind, const std::string& ns, const std::string& name,
            const std::string& uid = "") {
  object o(api_version, kind);
  if (!ns.empty()) o.set_namespace(ns);
  o.set_name(name);
  if (!uid.empty()) o.set_uid(uid);
  return o;
}
object deployment(const std::string& ns, const std::string& name, const std::string& uid = "uid-web") {
  return make("apps/v1", "Deployment", ns, name, uid);
}
object config_map(const std::string& ns, const std::string& name) { return make("v1", "ConfigMap", ns, name); }

// ---- owner references ----

TEST(ControllerUtil, SetControllerReferenceAddsAndReplacesIt) {
  object cm = config_map("default", "cfg");
  ASSERT_TRUE(ctl::set_controller_reference(deployment("default", "web"), cm));
  ASSERT_EQ(cm.owner_references().size(), 1u);
  EXPECT_EQ(cm.owner_references()[0],
            (owner_reference{"apps/v1", "Deployment", "web", "uid-web", true, true}));
  EXPECT_TRUE(ctl::has_controller_reference(cm));
  EXPECT_EQ(ctl::get_controller_of(cm)->name, "web");

  // Same group, kind and name (another version, a recreated uid): replaced, not an error.
  object recreated = make("apps/v1beta1", "Deployment", "default", "web", "uid-new");
  ASSERT_TRUE(ctl::set_controller_reference(recreated, cm));
  ASSERT_EQ(cm.owner_references().size(), 1u);
  EXPECT_EQ(cm.owner_references()[0].uid, "uid-new");
  EXPECT_EQ(cm.owner_references()[0].api_version, "apps/v1beta1");

  ASSERT_TRUE(ctl::set_controller_reference(recreated, cm, {.block_owner_deletion = false}));
  EXPECT_EQ(cm.owner_references()[0].block_owner_deletion, false);
  EXPECT_EQ(cm.owner_references()[0].controller, true);
}

TEST(ControllerUtil, SetControllerReferenceRefusesASecondController) {
  object cm = config_map("default", "cfg");
  ASSERT_TRUE(ctl::set_controller_reference(deployment("default", "web"), cm));
  const object before = cm;
  auto r = ctl::set_controller_reference(make("apps/v1", "StatefulSet", "default", "db", "uid-db"), cm);
  ASSERT_FALSE(r);
  EXPECT_TRUE(ctl::is_already_owned(r));
  EXPECT_TRUE(ktk::is_bad_request(r));
  EXPECT_FALSE(ktk::is_conflict(r));
  EXPECT_EQ(r.error().reason(), ctl::reason_already_owned);
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().message(), "Object default/cfg is already owned by another Deployment controller web");
  EXPECT_EQ(cm, before);

  // A different group with the same kind and name is another object.
  EXPECT_TRUE(ctl::is_already_owned(
      ctl::set_controller_reference(make("example.com/v1", "Deployment", "default", "web", "u2"), cm)));
  // A plain (non-controller) owner reference is fine next to it.
  ASSERT_TRUE(ctl::set_owner_reference(make("apps/v1", "StatefulSet", "default", "db", "uid-db"), cm));
  EXPECT_EQ(cm.owner_references().size(), 2u);
  EXPECT_EQ(ctl::get_controller_of(cm)->kind, "Deployment");
}

TEST(ControllerUtil, OwnerScopeRules) {
  auto owner = deployment("team-a", "web");
  object other_ns = config_map("team-b", "cfg");
  auto r = ctl::set_controller_reference(owner, other_ns);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), ctl::reason_cross_namespace_owner);
  EXPECT_EQ(r.error().message(),
            "cross-namespace owner references are disallowed, owner's namespace team-a, obj's namespace team-b");
  EXPECT_TRUE(other_ns.owner_references().empty());
  EXPECT_FALSE(ctl::set_owner_reference(owner, other_ns));

  object cluster_role = make("rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader");
  r = ctl::set_owner_reference(owner, cluster_role);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), ctl::reason_cross_namespace_owner);
  EXPECT_EQ(r.error().message(), "cluster-scoped resource must not have a namespace-scoped owner, owner's namespace team-a");

  // A cluster-scoped owner may own anything.
  object ns_owner = make("v1", "Namespace", "", "team-a", "uid-ns");
  EXPECT_TRUE(ctl::set_controller_reference(ns_owner, other_ns));
  EXPECT_TRUE(ctl::set_controller_reference(ns_owner, cluster_role));

  // With a mapper the kinds' scopes decide: a stray namespace on a Node does not make
  // it namespaced, nor one on a Namespace owner make that namespaced.
  const auto mapper = ktk::core::rest_mapper::with_builtins();
  object stray = make("v1", "Node", "team-a", "stray");
  EXPECT_TRUE(ctl::set_owner_reference(owner, stray));  // by namespace strings only
  r = ctl::set_owner_reference(owner, stray, {.mapper = &mapper});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), ctl::reason_cross_namespace_owner);
  object ns_with_stray = make("v1", "Namespace", "team-z", "team-z", "uid-z");
  object cm = config_map("team-a", "x");
  EXPECT_FALSE(ctl::set_owner_reference(ns_with_stray, cm));
  EXPECT_TRUE(ctl::set_owner_reference(ns_with_stray, cm, {.mapper = &mapper}));
  // Kinds the mapper does not know fall back to the namespace strings.
  object unknown = make("example.com/v1", "Thing", "team-b", "t");
  EXPECT_FALSE(ctl::set_owner_reference(owner, unknown, {.mapper = &mapper}));
}

TEST(ControllerUtil, OwnerWithoutKindIsInvalid) {
  object cm = config_map("default", "cfg");
  object nameless_type;
  nameless_type.set_name("x");
  auto r = ctl::set_controller_reference(nameless_type, cm);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), ctl::reason_invalid_owner);
  EXPECT_FALSE(ctl::set_owner_reference(nameless_type, cm));
}

TEST(ControllerUtil, SetOwnerReferenceIsNotAController) {
  object cm = config_map("default", "cfg");
  ASSERT_TRUE(ctl::set_owner_reference(deployment("default", "a", "u1"), cm));
  ASSERT_TRUE(ctl::set_owner_reference(deployment("default", "b", "u2"), cm));
  ASSERT_TRUE(ctl::set_owner_reference(deployment("default", "a", "u3"), cm, {.block_owner_deletion = true}));
  auto refs = cm.owner_references();
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0], (owner_reference{"apps/v1", "Deployment", "a", "u3", std::nullopt, true}));
  EXPECT_EQ(refs[1], (owner_reference{"apps/v1", "Deployment", "b", "u2", std::nullopt, std::nullopt}));
  EXPECT_FALSE(ctl::has_controller_reference(cm));
  EXPECT_FALSE(ctl::get_controller_of(cm));
  EXPECT_TRUE(ctl::has_owner_reference(cm, deployment("default", "b")));
  EXPECT_FALSE(ctl::has_owner_reference(cm, deployment("default", "c")));
}

TEST(ControllerUtil, RemoveOwnerReference) {
  object cm = config_map("default", "cfg");
  auto r = ctl::remove_owner_reference(deployment("default", "a"), cm);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), ctl::reason_owner_reference_not_found);
  EXPECT_EQ(r.error().message(), "ConfigMap default/cfg does not have any owner references");

  ASSERT_TRUE(ctl::set_owner_reference(deployment("default", "a"), cm));
  ASSERT_TRUE(ctl::set_controller_reference(deployment("default", "b"), cm));
  r = ctl::remove_owner_reference(deployment("default", "c"), cm);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "ConfigMap default/cfg does not have an owner reference for Deployment default/c");
  ASSERT_TRUE(ctl::remove_owner_reference(deployment("default", "b"), cm));  // the controller too
  ASSERT_EQ(cm.owner_references().size(), 1u);
  EXPECT_EQ(cm.owner_references()[0].name, "a");
  ASSERT_TRUE(ctl::remove_owner_reference(deployment("default", "a"), cm));
  EXPECT_FALSE(cm.metadata().contains("ownerReferences"));
}

TEST(ControllerUtil, RemoveControllerReference) {
  object cm = config_map("default", "cfg");
  ASSERT_TRUE(ctl::set_owner_reference(deployment("default", "a"), cm));
  auto r = ctl::remove_controller_reference(deployment("default", "a"), cm);
  ASSERT_FALSE(r);  // no controller at all
  EXPECT_EQ(r.error().reason(), ctl::reason_owner_reference_not_found);

  ASSERT_TRUE(ctl::set_controller_reference(deployment("default", "b"), cm));
  r = ctl::remove_controller_reference(deployment("default", "a"), cm);
  ASSERT_FALSE(r);  // a is an owner but not the controller
  EXPECT_EQ(r.error().message(), "Deployment default/a is not the controller reference of ConfigMap default/cfg");
  r = ctl::remove_controller_reference(deployment("default", "z"), cm);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), ctl::reason_owner_reference_not_found);

  ASSERT_TRUE(ctl::remove_controller_reference(deployment("default", "b"), cm));
  EXPECT_FALSE(ctl::has_controller_reference(cm));
  ASSERT_EQ(cm.owner_references().size(), 1u);
  EXPECT_EQ(cm.owner_references()[0].name, "a");
}

TEST(ControllerUtil, Finalizers) {
  object cm = config_map("default", "cfg");
  EXPECT_FALSE(ctl::contains_finalizer(cm, "example.com/x"));
  EXPECT_TRUE(ctl::add_finalizer(cm, "example.com/x"));
  EXPECT_FALSE(ctl::add_finalizer(cm, "example.com/x"));
  EXPECT_TRUE(ctl::add_finalizer(cm, "example.com/y"));
  EXPECT_TRUE(ctl::contains_finalizer(cm, "example.com/x"));
  EXPECT_EQ(cm.finalizers(), (std::vector<std::string>{"example.com/x", "example.com/y"}));
  cm.metadata()["finalizers"].push_back("example.com/x");  // duplicates go together
  EXPECT_TRUE(ctl::remove_finalizer(cm, "example.com/x"));
  EXPECT_FALSE(ctl::remove_finalizer(cm, "example.com/x"));
  EXPECT_EQ(cm.finalizers(), (std::vector<std::string>{"example.com/y"}));
}

TEST(ControllerUtil, OperationResultNames) {
  EXPECT_EQ(ctl::to_string(ctl::operation_result::unchanged), "unchanged");
  EXPECT_EQ(ctl::to_string(ctl::operation_result::created), "created");
  EXPECT_EQ(ctl::to_string(ctl::operation_result::updated), "updated");
  EXPECT_EQ(ctl::to_string(ctl::operation_result::updated_status), "updatedStatus");
  EXPECT_EQ(ctl::to_string(ctl::operation_result::updated_status_only), "updatedStatusOnly");
}

// ---- create_or_update / create_or_patch on the fake client ----

// A namespaced custom resource with or without the status subresource; any fields.
object crd(const std::string& plural, const std::string& kind, bool status_subresource) {
  json version = {{"name", "v1"},
                  {"served", true},
                  {"storage", true},
                  {"schema", {{"openAPIV3Schema", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}};
  if (status_subresource) version["subresources"] = {{"status", json::object()}};
  return object(json{{"apiVersion", "apiextensions.k8s.io/v1"},
                     {"kind", "CustomResourceDefinition"},
                     {"metadata", {{"name", plural + ".example.com"}}},
                     {"spec",
                      {{"group", "example.com"},
                       {"scope", "Namespaced"},
                       {"names", {{"plural", plural}, {"singular", ktk::core::ascii_lower(kind)}, {"kind", kind}, {"listKind", kind + "List"}}},
                       {"versions", json::array({version})}}}});
}

std::unique_ptr<fc::fake_client> fake() {
  return fc::builder()
      .with_crd(crd("widgets", "Widget", true))
      .with_crd(crd("gadgets", "Gadget", false))
      .with_object(config_map("default", "seed"))
      .build();
}

std::size_t count(const fc::fake_client& c, const std::string& verb, const std::string& subresource = "") {
  std::size_t n = 0;
  for (const auto& a : c.actions()) n += a.verb == verb && a.subresource == subresource;
  return n;
}

TEST(CreateOrUpdate, CreatesThenUpdatesThenLeavesAlone) {
  auto c = fake();
  auto owner = *c->get(cm_kind, {"default", "seed"}).value();
  int port = 8080;
  auto desired = [&](object& o) -> ktk::result<void> {
    o.data()["data"] = {{"port", std::to_string(port)}};
    return ctl::set_controller_reference(owner, o, {.mapper = &c->mapper()});
  };

  object cm = config_map("default", "cfg");
  auto r = ctl::create_or_update(*c, cm, desired);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::created);
  EXPECT_FALSE(cm.uid().empty());  // what the server stored
  EXPECT_EQ(ctl::get_controller_of(cm)->uid, owner.uid());

  c->clear_actions();
  object again = config_map("default", "cfg");
  r = ctl::create_or_update(*c, again, desired);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::unchanged);
  EXPECT_EQ(count(*c, "update"), 0u);
  EXPECT_EQ(again.resource_version(), cm.resource_version());

  port = 9090;
  r = ctl::create_or_update(*c, again, desired);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ctl::operation_result::updated);
  EXPECT_EQ(count(*c, "update"), 1u);
  EXPECT_NE(again.resource_version(), cm.resource_version());
  EXPECT_EQ(c->get(cm_kind, {"default", "cfg"}).value()->data()["data"]["port"], "9090");

  // A mutate function that returns nothing and a null one.
  object cm3 = config_map("default", "cfg");
  r = ctl::create_or_update(*c, cm3, [](object& o) { o.set_label("touched", "yes"); });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ctl::operation_result::updated);
  r = ctl::create_or_update(*c, cm3, ctl::mutate_fn{});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ctl::operation_result::unchanged);
}

TEST(CreateOrUpdate, MutateMayNotRenameAndItsErrorsComeBack) {
  auto c = fake();
  for (bool exists : {false, true}) {
    object cm = config_map("default", exists ? "seed" : "fresh");
    auto r = ctl::create_or_update(*c, cm, [](object& o) { o.set_name("renamed"); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason(), ctl::reason_mutate_changed_key);
    EXPECT_EQ(r.error().message(), "MutateFn cannot mutate object name and/or object namespace");
    object moved = config_map("default", exists ? "seed" : "fresh");
    EXPECT_FALSE(ctl::create_or_patch(*c, moved, [](object& o) { o.set_namespace("elsewhere"); }));
  }
  EXPECT_TRUE(ktk::is_not_found(c->get(cm_kind, {"default", "fresh"})));
  EXPECT_TRUE(ktk::is_not_found(c->get(cm_kind, {"default", "renamed"})));

  object cm = config_map("default", "seed");
  auto r = ctl::create_or_update(*c, cm, [](object&) -> ktk::result<void> {
    return ktk::core::api_error::forbidden({"", "configmaps"}, "seed", "not today");
  });
  EXPECT_TRUE(ktk::is_forbidden(r));

  object nameless("v1", "ConfigMap");
  EXPECT_TRUE(ktk::is_bad_request(ctl::create_or_update(*c, nameless, ctl::mutate_fn{})));
}

TEST(CreateOrUpdate, ConflictsAndReadErrorsSurface) {
  auto c = fake();
  c->add_reactor("update", "configmaps",
                 fc::fail_times(1, ktk::core::api_error::conflict({"", "configmaps"}, "seed", "injected")));
  object cm = config_map("default", "seed");
  auto change = [](object& o) { o.data()["data"] = {{"k", "v2"}}; };
  auto r = ctl::create_or_update(*c, cm, change);
  ASSERT_FALSE(r);
  EXPECT_TRUE(ktk::is_conflict(r));
  r = ctl::create_or_update(*c, cm, change);  // the requeue
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::updated);

  c->add_reactor("get", "configmaps", fc::fail(ktk::core::api_error::internal("boom")));
  object other = config_map("default", "new-one");
  EXPECT_TRUE(ktk::is_internal_error(ctl::create_or_update(*c, other, change).error()));
  EXPECT_EQ(count(*c, "create"), 0u);  // an error that is not NotFound does not create
}

TEST(CreateOrPatch, PatchesSpecAndStatusSeparately) {
  auto c = fake();
  object w = make("example.com/v1", "Widget", "default", "w");
  auto r = ctl::create_or_patch(*c, w, [](object& o) { o.data()["spec"] = {{"size", 1}, {"color", "red"}}; });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::created);

  c->clear_actions();
  r = ctl::create_or_patch(*c, w, [](object& o) { o.data()["spec"]["size"] = 1; });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ctl::operation_result::unchanged);
  EXPECT_EQ(count(*c, "patch") + count(*c, "patch", "status"), 0u);

  r = ctl::create_or_patch(*c, w, [](object& o) { o.data()["spec"]["size"] = 2; });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ctl::operation_result::updated);
  EXPECT_EQ(count(*c, "patch"), 1u);
  EXPECT_EQ(w.at_path("spec.color")->get<std::string>(), "red");  // a merge patch, not a replace

  r = ctl::create_or_patch(*c, w, [](object& o) { o.data()["status"] = {{"phase", "Ready"}}; });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::updated_status_only);
  EXPECT_EQ(count(*c, "patch"), 1u);
  EXPECT_EQ(count(*c, "patch", "status"), 1u);
  EXPECT_EQ(w.at_path("status.phase")->get<std::string>(), "Ready");

  r = ctl::create_or_patch(*c, w, [](object& o) {
    o.data()["spec"].erase("color");
    o.data()["status"]["observed"] = 3;
  });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::updated_status);
  auto stored = c->get(widget_kind, {"default", "w"}).value();
  EXPECT_EQ(stored->at_path("spec.color"), nullptr);
  EXPECT_EQ(stored->at_path("status.phase")->get<std::string>(), "Ready");
  EXPECT_EQ(stored->at_path("status.observed")->get<int>(), 3);
  EXPECT_EQ(w, *stored);
}

TEST(CreateOrPatch, WithoutStatusSubresourceStatusRidesTheMainPatch) {
  auto c = fake();
  object g = make("example.com/v1", "Gadget", "default", "g");
  ASSERT_TRUE(ctl::create_or_patch(*c, g, [](object& o) { o.data()["spec"] = {{"on", true}}; }));
  c->clear_actions();
  auto r = ctl::create_or_patch(*c, g, [](object& o) { o.data()["status"] = {{"phase", "Up"}}; });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::updated);
  EXPECT_EQ(count(*c, "patch", "status"), 0u);
  EXPECT_EQ(c->get(gadget_kind, {"default", "g"}).value()->at_path("status.phase")->get<std::string>(), "Up");
}

// A user's own type.
struct widget_spec {
  int size = 0;
  std::string color;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(widget_spec, size, color)
};
struct widget_status {
  std::string phase;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(widget_status, phase)
};
struct widget {
  static constexpr std::string_view api_version = "example.com/v1";
  static constexpr std::string_view kind = "Widget";
  json metadata;
  widget_spec spec;
  widget_status status;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(widget, metadata, spec, status)
};

TEST(CreateOrUpdate, TypedStructs) {
  auto c = fake();
  widget w;
  w.metadata = {{"namespace", "default"}, {"name", "typed"}};
  auto set_size = [](int n) { return [n](widget& x) { x.spec.size = n; }; };
  auto r = ctl::create_or_update(*c, w, set_size(3));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::created);
  EXPECT_TRUE(w.metadata.contains("uid"));
  // The struct always writes status.phase and spec.color; that is not a change.
  r = ctl::create_or_update(*c, w, set_size(3));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ctl::operation_result::unchanged);
  r = ctl::create_or_update(*c, w, set_size(4));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ctl::operation_result::updated);
  EXPECT_EQ(w.spec.size, 4);

  r = ctl::create_or_patch(*c, w, [](widget& x) -> ktk::result<void> {
    x.status.phase = "Ready";
    return {};
  });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ctl::operation_result::updated_status_only);
  EXPECT_EQ(c->get<widget>({"default", "typed"}).value().status.phase, "Ready");

  // Owner references and finalizers on structs.
  object cm = config_map("default", "cfg");
  ASSERT_TRUE(ctl::set_controller_reference(w, cm));
  EXPECT_EQ(ctl::get_controller_of(cm)->kind, "Widget");
  widget child = w;
  child.metadata = {{"namespace", "default"}, {"name", "child"}};
  ASSERT_TRUE(ctl::set_owner_reference(cm, child));
  EXPECT_EQ(child.metadata["ownerReferences"][0]["kind"], "ConfigMap");
  EXPECT_TRUE(ctl::add_finalizer(child, "example.com/f"));
  EXPECT_TRUE(ctl::contains_finalizer(child, "example.com/f"));
  EXPECT_TRUE(ctl::remove_finalizer(child, "example.com/f"));
  EXPECT_FALSE(ctl::get_controller_of(child));
}

}  // namespace
