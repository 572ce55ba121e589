#include "ktk/fakeclient/fake_client.hpp"

#include <algorithm>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "ktk/apiserver/registry.hpp"

namespace {

using ktk::core::json;
using ktk::core::object;
namespace fc = ktk::fakeclient;

const ktk::core::gvk pod_kind{"", "v1", "Pod"};
const ktk::core::gvk cm_kind{"", "v1", "ConfigMap"};
const ktk::core::gvk deploy_kind{"apps", "v1", "Deployment"};
const ktk::core::gvk at_kind{"cnat.programming-kubernetes.info", "v1alpha1", "At"};

object config_map(const std::string& ns, const std::string& name, std::map<std::string, std::string> labels = {}) {
  object o("v1", "ConfigMap");
  o.set_namespace(ns);
  o.set_name(name);
  if (!labels.empty()) o.set_labels(labels);
  o.data()["data"] = {{"k", "v"}};
  return o;
}

object pod(const std::string& ns, const std::string& name, const std::string& node = "") {
  object o(json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"namespace", ns}, {"name", name}}},
                {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}});
  if (!node.empty()) o.data()["spec"]["nodeName"] = node;
  return o;
}

object deployment(const std::string& ns, const std::string& name, int replicas) {
  return object(json{{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata", {{"namespace", ns}, {"name", name}}},
                     {"spec",
                      {{"replicas", replicas},
                       {"selector", {{"matchLabels", {{"app", name}}}}},
                       {"template",
                        {{"metadata", {{"labels", {{"app", name}}}}},
                         {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}}}}}});
}

// A user's own type, read and written through nlohmann to_json/from_json.
struct at_spec {
  std::string schedule;
  std::string command;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(at_spec, schedule, command)
};
struct at_status {
  std::string phase;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(at_status, phase)
};
struct at {
  static constexpr std::string_view api_version = "cnat.programming-kubernetes.info/v1alpha1";
  static constexpr std::string_view kind = "At";
  json metadata;
  at_spec spec;
  at_status status;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(at, metadata, spec, status)
};

std::filesystem::path testdata(const char* f) { return std::filesystem::path(KTK_TESTDATA_DIR) / f; }

TEST(FakeClient, BuilderCreatesObjectsAndTheirNamespaces) {
  auto c = fc::builder().with_object(config_map("team-a", "one")).with_object(pod("team-b", "p")).build();
  auto got = c->get(cm_kind, {"team-a", "one"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_FALSE((*got)->uid().empty());
  EXPECT_FALSE((*got)->resource_version().empty());
  EXPECT_TRUE(c->get({"", "v1", "Namespace"}, {"", "team-b"}));
  // Pod defaults came from the same code as the server's.
  auto p = c->get(pod_kind, {"team-b", "p"});
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)->at_path("spec.restartPolicy")->get<std::string>(), "Always");
  EXPECT_EQ((*p)->at_path("status.phase")->get<std::string>(), "Pending");
}

TEST(FakeClient, BuilderRejectsInvalidObjects) {
  object bad = pod("default", "Bad_Name");
  EXPECT_THROW(fc::builder().with_object(bad).build(), std::runtime_error);
  object unknown("example.com/v1", "Nope");
  unknown.set_name("x");
  try {
    fc::builder().with_object(unknown).build();
    FAIL() << "expected a throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no matches for kind \"Nope\""), std::string::npos) << e.what();
  }
}

TEST(FakeClient, StaleUpdateIsAConflict) {
  auto c = fc::builder().with_object(config_map("default", "cm")).build();
  auto first = c->get(cm_kind, {"default", "cm"}).value();
  object a = *first;
  a.data()["data"]["k"] = "a";
  ASSERT_TRUE(c->update(std::move(a)));
  object b = *first;  // still carries the old resourceVersion
  b.data()["data"]["k"] = "b";
  auto r = c->update(std::move(b));
  ASSERT_TRUE(ktk::is_conflict(r));
  EXPECT_EQ(r.error().message(),
            "Operation cannot be fulfilled on configmaps \"cm\": the object has been modified; please apply your "
            "changes to the latest version and try again");
}

TEST(FakeClient, TypedAccessWithCrdFromV1beta1File) {
  auto c = fc::builder().with_crd_files({testdata("at_crd.yaml")}).build();
  at a;
  a.metadata = {{"name", "at-1"}, {"namespace", "default"}};
  a.spec = {"2026-11-22T10:00:00Z", "echo hi"};
  a.status.phase = "should be dropped";  // status subresource: create ignores status
  auto created = c->create(a);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->metadata["generation"], 1);
  EXPECT_EQ(created->status.phase, "");
  auto got = c->get<at>({"default", "at-1"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->spec.command, "echo hi");

  // Status goes through the status writer only.
  object o = ktk::core::to_object(*got);
  o.data()["status"] = {{"phase", "RUNNING"}};
  auto st = c->status().update(std::move(o));
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ((*st)->at_path("status.phase")->get<std::string>(), "RUNNING");
  EXPECT_EQ((*st)->generation(), 1);

  // The schema is enforced: command is required.
  at bad;
  bad.metadata = {{"name", "at-2"}, {"namespace", "default"}};
  bad.spec.schedule = "x";
  auto missing = ktk::core::to_object(bad);
  missing.data()["spec"].erase("command");
  auto r = c->create(std::move(missing));
  ASSERT_TRUE(ktk::is_invalid(r));
  ASSERT_FALSE(r.error().details().causes.empty());
  EXPECT_EQ(r.error().details().causes[0].field, "spec.command");
}

TEST(FakeClient, StatusWriteOnAKindWithoutStatusSubresourceIsNotFound) {
  auto c = fc::builder().with_object(config_map("default", "cm")).build();
  auto cm = *c->get(cm_kind, {"default", "cm"}).value();
  auto r = c->status().update(std::move(cm));
  EXPECT_TRUE(ktk::is_not_found(r));
}

TEST(FakeClient, ListWithSelectorsAndPages) {
  auto b = fc::builder();
  for (int i = 0; i < 7; ++i) b.with_object(config_map("default", "cm-" + std::to_string(i), {{"i", std::to_string(i % 2)}}));
  b.with_object(pod("default", "on-n1", "n1")).with_object(pod("default", "on-n2", "n2"));
  auto c = b.build();

  auto odd = c->list(cm_kind, {.namespace_ = "default", .label_selector = "i in (1)"});
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->items.size(), 3u);

  auto on_n1 = c->list(pod_kind, {.field_selector = "spec.nodeName=n1"});
  ASSERT_TRUE(on_n1);
  ASSERT_EQ(on_n1->items.size(), 1u);
  EXPECT_EQ(on_n1->items[0]->name(), "on-n1");

  auto bad = c->list(cm_kind, {.field_selector = "data.k=v"});
  ASSERT_TRUE(ktk::is_bad_request(bad));

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = c->list(cm_kind, {.namespace_ = "default", .limit = 3, .continue_token = token});
    ASSERT_TRUE(page) << page.error().message();
    for (auto& i : page->items) seen.emplace_back(i->name());
    token = page->continue_token;
    ++pages;
    // A write between pages does not change what the pages show.
    if (pages == 1) {
      ASSERT_TRUE(c->create(config_map("default", "cm-late")));
    }
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 7u);
}

TEST(FakeClient, ReactorsFailDelayAndRecord) {
  ktk::core::fake_clock clk;
  auto c = fc::builder().with_clock(clk).with_object(config_map("default", "cm")).build();
  c->clear_actions();
  auto conflict = ktk::core::api_error::conflict({"", "configmaps"}, "cm", "injected");
  auto id = c->add_reactor("update", "configmaps", fc::fail_times(2, conflict));
  auto cm = *c->get(cm_kind, {"default", "cm"}).value();
  EXPECT_TRUE(ktk::is_conflict(c->update(object(cm))));
  EXPECT_TRUE(ktk::is_conflict(c->update(object(cm))));
  EXPECT_TRUE(c->update(object(cm)));
  c->remove_reactor(id);

  c->add_reactor("get", "*", fc::fail(ktk::core::api_error::internal("boom")));
  EXPECT_TRUE(ktk::is_internal_error(c->get(cm_kind, {"default", "cm"}).error()));
  c->clear_reactors();

  // Latency is measured on the client's clock: the call waits until the clock moves.
  c->add_reactor("*", "configmaps", fc::delay(std::chrono::seconds(5)));
  std::jthread t([&] { EXPECT_TRUE(c->get(cm_kind, {"default", "cm"})); });
  while (clk.sleepers() == 0) std::this_thread::yield();
  clk.advance(std::chrono::seconds(5));
  t.join();

  auto acts = c->actions();
  ASSERT_EQ(acts.size(), 6u);
  EXPECT_EQ(acts[0], (fc::action{"get", {"", "v1", "configmaps"}, "default", "cm", ""}));
  EXPECT_EQ(acts[1].verb, "update");
  EXPECT_EQ(acts[4].verb, "get");
  EXPECT_EQ(acts[5].verb, "get");
}

TEST(FakeClient, WatchFromAResourceVersionWithSelector) {
  auto c = fc::builder().with_object(config_map("default", "a", {{"app", "x"}})).build();
  auto start = c->list(cm_kind, {.namespace_ = "default"}).value().resource_version;
  auto w = c->watch(cm_kind, {.namespace_ = "default", .label_selector = "app=x", .resource_version = start});
  ASSERT_TRUE(w);
  ASSERT_TRUE(c->create(config_map("default", "b", {{"app", "x"}})));
  ASSERT_TRUE(c->create(config_map("default", "c", {{"app", "y"}})));
  auto a = *c->get(cm_kind, {"default", "a"}).value();
  a.set_label("app", "y");  // leaves the selection
  ASSERT_TRUE(c->update(std::move(a)));

  auto evs = (*w)->next({}, std::chrono::steady_clock::now());
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].type, ktk::client::event_type::added);
  EXPECT_EQ(evs[0].object->name(), "b");
  EXPECT_EQ(evs[1].type, ktk::client::event_type::deleted);
  EXPECT_EQ(evs[1].object->name(), "a");
}

TEST(FakeClient, ScaleAndUnknownKinds) {
  auto c = fc::builder().with_object(deployment("default", "web", 2)).build();
  auto s = c->get_scale(deploy_kind, {"default", "web"});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ((*s)->at_path("spec.replicas")->get<int>(), 2);
  EXPECT_EQ((*s)->at_path("status.selector")->get<std::string>(), "app=web");
  ASSERT_TRUE(c->update_scale(deploy_kind, {"default", "web"}, 5));
  auto d = c->get(deploy_kind, {"default", "web"}).value();
  EXPECT_EQ(d->at_path("spec.replicas")->get<int>(), 5);
  EXPECT_EQ(d->generation(), 2);

  auto r = c->get({"example.com", "v1", "Nope"}, {"default", "x"});
  ASSERT_FALSE(r);
  EXPECT_FALSE(ktk::is_not_found(r));  // a mapping failure is not a NotFound
  EXPECT_EQ(r.error().message(), "no matches for kind \"Nope\" in version \"example.com/v1\"");
}

TEST(FakeClient, DeleteWithFinalizerThenRemoveIt) {
  object cm = config_map("default", "cm");
  cm.add_finalizer("example.com/hold");
  auto c = fc::builder().with_object(cm).build();
  ASSERT_TRUE(c->remove(cm_kind, {"default", "cm"}));
  auto held = c->get(cm_kind, {"default", "cm"});
  ASSERT_TRUE(held);
  EXPECT_FALSE((*held)->deletion_timestamp().empty());
  object next = **held;
  next.remove_finalizer("example.com/hold");
  ASSERT_TRUE(c->update(std::move(next)));
  EXPECT_TRUE(ktk::is_not_found(c->get(cm_kind, {"default", "cm"})));
}

TEST(FakeClient, ApplyCreatesAndTracksOwnership) {
  auto c = fc::builder().build();
  object cfg = config_map("default", "applied");
  auto r = c->apply(object(cfg), {.field_manager = "me"});
  ASSERT_TRUE(r) << r.error().message();
  const auto& mf = (*r)->managed_fields();
  ASSERT_EQ(mf.size(), 1u);
  EXPECT_EQ(mf[0]["manager"], "me");
  EXPECT_EQ(mf[0]["operation"], "Apply");

  cfg.data()["data"]["k"] = "theirs";
  auto conflict = c->apply(object(cfg), {.field_manager = "other"});
  ASSERT_TRUE(ktk::is_conflict(conflict));
  auto forced = c->apply(object(cfg), {.field_manager = "other", .force = true});
  ASSERT_TRUE(forced) << forced.error().message();
  EXPECT_EQ((*forced)->data()["data"]["k"], "theirs");
}

}  // namespace

TEST(FakeClient, CutWatchesEndsOpenStreamsOfOneResource) {
  auto c = fc::builder().build();
  auto pods = c->watch(pod_kind, {.namespace_ = "default"});
  auto cms = c->watch(cm_kind, {.namespace_ = "default"});
  ASSERT_TRUE(pods && cms);
  // A consumer blocked in next() is woken by the cut.
  std::jthread waiter([&] { (*pods)->next({}, std::chrono::steady_clock::now() + std::chrono::seconds(30)); });
  EXPECT_EQ(c->cut_watches("pods"), 1u);
  waiter.join();
  EXPECT_TRUE((*pods)->done());
  EXPECT_FALSE((*cms)->done());
  // A new watch is not affected by the earlier cut.
  auto again = c->watch(pod_kind, {.namespace_ = "default"});
  ASSERT_TRUE(again);
  ASSERT_TRUE(c->create(pod("default", "p")));
  auto evs = (*again)->next({}, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_FALSE((*again)->done());
  EXPECT_EQ(c->cut_watches("*"), 2u);  // the new pods watch and the configmaps one; the first was cut already
}

TEST(FakeClient, OpenWatchesCountsTheStreamsStillRunning) {
  auto c = fc::builder().build();
  EXPECT_EQ(c->open_watches(), 0u);
  auto pods = c->watch(pod_kind, {.namespace_ = "default"});
  auto more = c->watch(pod_kind, {});
  auto cms = c->watch(cm_kind, {.namespace_ = "default"});
  ASSERT_TRUE(pods && more && cms);
  EXPECT_EQ(c->open_watches("pods"), 2u);
  EXPECT_EQ(c->open_watches("configmaps"), 1u);
  EXPECT_EQ(c->open_watches(), 3u);
  (*more).reset();  // closed by its consumer
  EXPECT_EQ(c->open_watches("pods"), 1u);
  ASSERT_EQ(c->cut_watches("pods"), 1u);  // over, though its consumer still holds it
  EXPECT_EQ(c->open_watches("pods"), 0u);
  EXPECT_EQ(c->open_watches(), 1u);
}

TEST(FakeClient, RecordActionsCanBeTurnedOff) {
  auto c = fc::builder().build();
  c->record_actions(false);
  ASSERT_TRUE(c->create(config_map("default", "a")));
  EXPECT_TRUE(c->actions().empty());
  c->record_actions(true);
  ASSERT_TRUE(c->get(cm_kind, {"default", "a"}));
  EXPECT_EQ(c->actions().size(), 1u);
}

TEST(FakeClient, ServiceAccountTokensAreIssuedAsTheServerIssuesThem) {
  const ktk::core::gvk sa_kind{"", "v1", "ServiceAccount"};
  object sa("v1", "ServiceAccount");
  sa.set_name("robot");
  sa.set_namespace("default");
  auto c = fc::builder().with_object(std::move(sa)).build();
  object req("authentication.k8s.io/v1", "TokenRequest");
  req.data()["spec"] = {{"expirationSeconds", 1200}};
  auto r = c->create_subresource(sa_kind, {"default", "robot"}, "token", std::move(req));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->kind(), "TokenRequest");
  EXPECT_EQ((*r)->data()["spec"]["expirationSeconds"], 1200);
  const std::string token = (*r)->data()["status"].value("token", "");
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  auto missing = c->create_subresource(sa_kind, {"default", "ghost"}, "token", object("authentication.k8s.io/v1", "TokenRequest"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "serviceaccounts \"ghost\" not found");
  EXPECT_EQ(c->actions().back().subresource, "token");
}

TEST(FakeClient, OtherSubresourcesCannotBeCreated) {
  auto c = fc::builder().with_object(pod("default", "p")).build();
  object binding("v1", "Binding");
  binding.set_name("p");
  binding.data()["target"] = {{"kind", "Node"}, {"name", "n1"}};
  auto r = c->create_subresource(pod_kind, {"default", "p"}, "binding", std::move(binding));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->data().value("status", ""), "Success");
  EXPECT_EQ(c->get(pod_kind, {"default", "p"}).value()->at_path("spec.nodeName")->get<std::string>(), "n1");
  auto other = c->create_subresource(pod_kind, {"default", "p"}, "eviction", object("policy/v1", "Eviction"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), 404);
  auto actions = c->actions();
  ASSERT_FALSE(actions.empty());
  EXPECT_EQ(actions.back().verb, "create");
  EXPECT_EQ(actions.back().subresource, "eviction");
}
