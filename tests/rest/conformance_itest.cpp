// conformance_itest.cpp — one scenario on the fake client and on rest_client over HTTP,
// with the same registry options (fake clock, seed): the same assertions hold on both,
// and their transcripts — every object and every error, word for word — are equal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

// The test needs ktk::fakeclient linked (tests/rest/CMakeLists.txt); without it, one
// skipped test says so instead of breaking the build.
#if __has_include("ktk/fakeclient/fake_client.hpp")

#include "ktk/fakeclient/fake_client.hpp"
#include "rest_fixture.hpp"

namespace {

using namespace ktk::client::rest::testing;
using ktk::client::client;
using ktk::client::event_type;
using ktk::core::object;
using ktk::core::patch_type;
using steady = std::chrono::steady_clock;

enum class backend { fake, rest };

std::string backend_name(const ::testing::TestParamInfo<backend>& p) {
  return p.param == backend::fake ? "fake_client" : "rest_client";
}

// A client of a fresh registry on a fake clock with a fixed seed.
class environment {
 public:
  explicit environment(backend b) {
    if (b == backend::fake) {
      fake_ = ktk::fakeclient::builder().with_clock(clk_).with_seed(7).build();
      return;
    }
    reg_ = std::make_unique<ktk::apiserver::registry>(ktk::apiserver::registry_options{.clock = &clk_, .seed = 7});
    srv_ = std::make_unique<ktk::apiserver::server>(*reg_);
    srv_->start();
    rest_ = std::make_unique<ktk::client::rest::rest_client>(
        ktk::client::rest::rest_config{.server = srv_->url(), .qps = 0, .timeout = std::chrono::seconds(30)});
  }
  client& c() { return fake_ ? static_cast<client&>(*fake_) : *rest_; }

 private:
  ktk::core::fake_clock clk_;
  std::unique_ptr<ktk::fakeclient::fake_client> fake_;
  std::unique_ptr<ktk::apiserver::registry> reg_;
  std::unique_ptr<ktk::apiserver::server> srv_;
  std::unique_ptr<ktk::client::rest::rest_client> rest_;
};

// The scenario's record: one line per call.
class transcript {
 public:
  template <class T>
  const ktk::result<T>& note(const std::string& step, const ktk::result<T>& r) {
    if (!r) {
      lines_.push_back(step + " -> " + error(r.error()));
    } else if constexpr (std::is_same_v<T, ktk::core::object_ptr>) {
      lines_.push_back(step + " -> " + (*r)->dump());
    } else if constexpr (std::is_same_v<T, ktk::client::object_list>) {
      std::string s = step + " -> rv=" + r->resource_version + " continue=" + (r->continue_token.empty() ? "no" : "yes");
      for (const auto& i : r->items) s += " " + std::string(i->name());
      lines_.push_back(std::move(s));
    } else {
      lines_.push_back(step + " -> ok");
    }
    return r;
  }
  void add(std::string line) { lines_.push_back(std::move(line)); }
  const std::vector<std::string>& lines() const { return lines_; }

  static std::string error(const ktk::api_error& e) {
    std::string s = std::to_string(e.code()) + " " + e.reason() + " \"" + e.message() + "\"";
    for (const auto& c : e.details().causes) s += " cause(" + c.reason + "|" + c.field + "|" + c.message + ")";
    return s;
  }

 private:
  std::vector<std::string> lines_;
};

template <class T>
bool fails(const ktk::result<T>& r, int code, const char* reason) {
  return !r && r.error().code() == code && r.error().reason() == reason;
}

// The scenario; EXPECTs hold for every backend, the transcript records the details.
transcript run(client& c) {
  transcript t;
  // Built-ins: create, conflict, not found, invalid.
  auto a = t.note("create a", c.create(cm("default", "a", {{"k", "1"}}, {{"app", "web"}})));
  EXPECT_TRUE(a);
  EXPECT_TRUE(fails(t.note("create a again", c.create(cm("default", "a"))), 409, "AlreadyExists"));
  EXPECT_TRUE(fails(t.note("get missing", c.get(configmap_kind, {"default", "missing"})), 404, "NotFound"));
  object stale = cm("default", "a", {{"k", "stale"}});
  stale.set_resource_version("1");
  EXPECT_TRUE(fails(t.note("update stale", c.update(std::move(stale))), 409, "Conflict"));
  object bad = in_ns(pod("bad"), "default");
  bad.data()["spec"]["containers"] = json::array();
  EXPECT_TRUE(fails(t.note("create invalid pod", c.create(std::move(bad))), 422, "Invalid"));
  EXPECT_TRUE(fails(t.note("create in a missing namespace", c.create(cm("nowhere", "x"))), 404, "NotFound"));
  EXPECT_TRUE(fails(t.note("unknown kind", c.get({"example.com", "v1", "Nope"}, {"default", "x"})), 400, "BadRequest"));
  // A namespaced type without a namespace: no such route on a server.
  EXPECT_TRUE(fails(t.note("get without namespace", c.get(configmap_kind, {"", "a"})), 404, "NotFound"));
  EXPECT_TRUE(fails(t.note("create without namespace", c.create(cm("", "nons"))), 405, "MethodNotAllowed"));
  EXPECT_TRUE(fails(t.note("delete all without namespace", c.delete_all_of(configmap_kind, {})), 405,
                    "MethodNotAllowed"));
  EXPECT_TRUE(fails(t.note("delete without namespace", c.remove(configmap_kind, {"", "a"})), 404, "NotFound"));

  // Updates and patches.
  if (a) {
    object next = **a;
    next.data()["data"]["k"] = "2";
    EXPECT_TRUE(t.note("update a", c.update(std::move(next))));
  }
  EXPECT_TRUE(t.note("merge patch a", c.patch(configmap_kind, {"default", "a"}, patch_type::merge_patch,
                                              {{"data", {{"m", "x"}}}})));
  EXPECT_TRUE(fails(t.note("json patch test fails",
                           c.patch(configmap_kind, {"default", "a"}, patch_type::json_patch,
                                   json::array({{{"op", "test"}, {"path", "/data/k"}, {"value", "9"}}}))),
                    422, "Invalid"));
  EXPECT_TRUE(fails(t.note("patch missing", c.patch(configmap_kind, {"default", "zz"}, patch_type::merge_patch,
                                                    json::object())),
                    404, "NotFound"));

  // Server-side apply: conflict between managers, then force.
  EXPECT_TRUE(t.note("apply alice", c.apply(cm("default", "ssa", {{"k", "alice"}}), {.field_manager = "alice"})));
  EXPECT_TRUE(fails(t.note("apply bob", c.apply(cm("default", "ssa", {{"k", "bob"}}), {.field_manager = "bob"})), 409,
                    "Conflict"));
  EXPECT_TRUE(t.note("apply bob forced",
                     c.apply(cm("default", "ssa", {{"k", "bob"}}), {.field_manager = "bob", .force = true})));

  // Dry run.
  EXPECT_TRUE(t.note("create dry", c.create(cm("default", "dry"), {.dry_run = true})));
  EXPECT_TRUE(fails(t.note("get dry", c.get(configmap_kind, {"default", "dry"})), 404, "NotFound"));

  // Paging and selectors.
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(t.note("create p" + std::to_string(i),
                       c.create(cm("default", "p" + std::to_string(i), {}, {{"page", "yes"}}))));
  }
  auto page = t.note("list page 1", c.list(configmap_kind, {.namespace_ = "default", .label_selector = "page", .limit = 3}));
  EXPECT_TRUE(page && page->items.size() == 3 && !page->continue_token.empty());
  if (page) {
    auto rest = t.note("list page 2", c.list(configmap_kind, {.namespace_ = "default",
                                                              .label_selector = "page",
                                                              .limit = 3,
                                                              .continue_token = page->continue_token}));
    EXPECT_TRUE(rest && rest->items.size() == 1 && rest->continue_token.empty());
  }
  EXPECT_TRUE(t.note("list by field", c.list(configmap_kind, {.field_selector = "metadata.name=a"})));
  EXPECT_TRUE(fails(t.note("bad selector", c.list(configmap_kind, {.label_selector = "a in (b"})), 400, "BadRequest"));

  // Deletes: preconditions, delete_all_of.
  EXPECT_TRUE(fails(t.note("delete with wrong uid",
                           c.remove(configmap_kind, {"default", "a"}, {.precondition_uid = "nope"})),
                    409, "Conflict"));
  EXPECT_TRUE(t.note("delete a", c.remove(configmap_kind, {"default", "a"})));
  EXPECT_TRUE(fails(t.note("delete a again", c.remove(configmap_kind, {"default", "a"})), 404, "NotFound"));
  EXPECT_TRUE(t.note("delete pages", c.delete_all_of(configmap_kind, {.namespace_ = "default", .label_selector = "page"})));
  EXPECT_TRUE(t.note("list after", c.list(configmap_kind, {.namespace_ = "default"})));

  // Subresources.
  EXPECT_TRUE(t.note("create deployment", c.create(in_ns(deployment("web", 2), "default"))));
  EXPECT_TRUE(t.note("get scale", c.get_scale(deployment_kind, {"default", "web"})));
  EXPECT_TRUE(t.note("update scale", c.update_scale(deployment_kind, {"default", "web"}, 4)));
  EXPECT_TRUE(fails(t.note("scale of a configmap", c.get_scale(configmap_kind, {"default", "ssa"})), 404, "NotFound"));
  auto p = t.note("create pod", c.create(in_ns(pod("p"), "default")));
  if (p) {
    object st = **p;
    st.data()["status"] = {{"phase", "Running"}};
    EXPECT_TRUE(t.note("update pod status", c.status().update(std::move(st))));
  }
  EXPECT_TRUE(t.note("patch pod status", c.status().patch(pod_kind, {"default", "p"}, patch_type::merge_patch,
                                                          {{"status", {{"phase", "Succeeded"}}}})));
  EXPECT_TRUE(fails(t.note("status of a missing pod", c.status().patch(pod_kind, {"default", "none"},
                                                                       patch_type::merge_patch, json::object())),
                    404, "NotFound"));

  // pods/binding: a Status Success, then the Pod is on its node; a second binding
  // conflicts; a subresource that takes no POST is not found.
  EXPECT_TRUE(t.note("create pod b", c.create(in_ns(pod("b"), "default"))));
  object binding("v1", "Binding");
  binding.set_name("b");
  binding.data()["target"] = {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", "node-1"}};
  auto bound = t.note("bind b", c.create_subresource(pod_kind, {"default", "b"}, "binding", object(binding)));
  EXPECT_TRUE(bound && (*bound)->kind() == "Status");
  auto got = t.note("get bound b", c.get(pod_kind, {"default", "b"}));
  EXPECT_TRUE(got && (*got)->at_path("spec.nodeName") && *(*got)->at_path("spec.nodeName") == "node-1");
  EXPECT_TRUE(fails(t.note("bind b again", c.create_subresource(pod_kind, {"default", "b"}, "binding", object(binding))),
                    409, "Conflict"));
  object no_target("v1", "Binding");
  no_target.set_name("p");
  EXPECT_TRUE(fails(t.note("bind without target", c.create_subresource(pod_kind, {"default", "p"}, "binding",
                                                                       std::move(no_target))),
                    422, "Invalid"));

  // A CRD and its custom resources: defaulting, validation, unknown fields.
  EXPECT_TRUE(t.note("create crd", c.create(at_crd())));
  std::vector<std::string> warnings;
  object with_unknown = in_ns(at("at1"), "default");
  with_unknown.data()["spec"]["bogus"] = true;
  EXPECT_TRUE(t.note("create at1", c.create(std::move(with_unknown), {.warnings = &warnings})));
  for (const auto& w : warnings) t.add("warning: " + w);
  EXPECT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(fails(t.note("create invalid at", c.create(in_ns(at("bad", {{"schedule", "soon"}}), "default"))), 422,
                    "Invalid"));
  EXPECT_TRUE(t.note("scale at1", c.update_scale(at_kind, {"default", "at1"}, 2)));

  // Watch from a revision: the events since.
  auto l = t.note("list for watch", c.list(configmap_kind, {.namespace_ = "default"}));
  if (l) {
    auto w = c.watch(configmap_kind, {.namespace_ = "default", .resource_version = l->resource_version});
    EXPECT_TRUE(w);
    EXPECT_TRUE(t.note("create w", c.create(cm("default", "w"))));
    EXPECT_TRUE(t.note("delete w", c.remove(configmap_kind, {"default", "w"})));
    if (w) {
      std::vector<ktk::client::watch_event> evs;
      const auto until = steady::now() + std::chrono::seconds(20);
      while (evs.size() < 2 && steady::now() < until) {
        for (auto& e : (*w)->next({}, until)) evs.push_back(std::move(e));
      }
      EXPECT_EQ(evs.size(), 2u);
      for (const auto& e : evs) t.add("event " + std::string(ktk::client::to_string(e.type)) + " " + e.object->dump());
    }
  }
  return t;
}

class conformance : public ::testing::TestWithParam<backend> {};

TEST_P(conformance, the_scenario_holds) {
  environment env(GetParam());
  auto t = run(env.c());
  EXPECT_GT(t.lines().size(), 40u);
}

INSTANTIATE_TEST_SUITE_P(backends, conformance, ::testing::Values(backend::fake, backend::rest), backend_name);

TEST(conformance_transcripts, fake_and_rest_clients_answer_alike) {
  environment fake(backend::fake);
  environment rest(backend::rest);
  auto a = run(fake.c()).lines();
  auto b = run(rest.c()).lines();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "line " << i;
  using ::testing::Contains;
  using ::testing::HasSubstr;
  EXPECT_THAT(b, Contains("create a again -> 409 AlreadyExists \"configmaps \"a\" already exists\""));
  EXPECT_THAT(b, Contains(HasSubstr("\"managedFields\"")));
  EXPECT_THAT(b, Contains("warning: unknown field \"spec.bogus\""));
}

}  // namespace

#else

TEST(conformance, needs_ktk_fakeclient) {
  GTEST_SKIP() << "link ktk::fakeclient to the tests of tests/rest to compare the fake and REST clients";
}

#endif
