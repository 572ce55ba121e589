// watch_itest.cpp — rest_client watches over HTTP: events in order, resuming from a
// resourceVersion, bookmarks and initial events, 410 Expired, selectors, prompt
// cancellation by stop_token, deadlines, and the server ending the stream.
#include "rest_fixture.hpp"

#include <gmock/gmock.h>

#include <future>

namespace {

using namespace ktk::client::rest::testing;
using ktk::client::event_type;
using ktk::client::watch_event;
using ktk::client::watch_stream;
using ::testing::ElementsAre;
using steady = std::chrono::steady_clock;

// Events until n arrived, the stream ended, or 20 s passed (a bound, not an expectation).
std::vector<watch_event> collect(watch_stream& w, std::size_t n) {
  std::vector<watch_event> out;
  const auto until = steady::now() + std::chrono::seconds(20);
  while (out.size() < n && !w.done() && steady::now() < until) {
    for (auto& e : w.next({}, until)) out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> describe(const std::vector<watch_event>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) {
    std::string s(ktk::client::to_string(e.type));
    if (e.type == event_type::bookmark) {
      s += " " + std::string(e.object->resource_version());
    } else if (e.type == event_type::error) {
      s += " " + std::to_string(e.object->data().value("code", 0));
    } else {
      s += " " + std::string(e.object->name());
    }
    out.push_back(std::move(s));
  }
  return out;
}

class watch_test : public rest_test {};

TEST_F(watch_test, events_arrive_in_order) {
  auto start = c().list(configmap_kind, {.namespace_ = "default"});
  ASSERT_TRUE(start);
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = start->resource_version});
  ASSERT_TRUE(w) << w.error().message();
  auto created = c().create(cm("default", "a", {{"k", "1"}}));
  ASSERT_TRUE(created);
  auto changed = c().patch(configmap_kind, {"default", "a"}, ktk::core::patch_type::merge_patch,
                           {{"data", {{"k", "2"}}}});
  ASSERT_TRUE(changed);
  ASSERT_TRUE(c().remove(configmap_kind, {"default", "a"}));
  auto evs = collect(**w, 3);
  EXPECT_THAT(describe(evs), ElementsAre("ADDED a", "MODIFIED a", "DELETED a"));
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].object->resource_version(), (*created)->resource_version());
  EXPECT_EQ(evs[1].object->data()["data"]["k"], "2");
  EXPECT_EQ(evs[1].object->kind(), "ConfigMap");
  EXPECT_FALSE((*w)->done());
}

TEST_F(watch_test, resumes_from_a_resource_version) {
  auto a = c().create(cm("default", "a"));
  ASSERT_TRUE(a);
  ASSERT_TRUE(c().create(cm("default", "b")));
  ASSERT_TRUE(c().create(cm("default", "c")));
  auto w = c().watch(configmap_kind,
                     {.namespace_ = "default", .resource_version = std::string((*a)->resource_version())});
  ASSERT_TRUE(w);
  EXPECT_THAT(describe(collect(**w, 2)), ElementsAre("ADDED b", "ADDED c"));
}

TEST_F(watch_test, selectors_filter_events) {
  auto w = c().watch(configmap_kind, {.label_selector = "app=web", .resource_version = "0"});
  ASSERT_TRUE(w);
  ASSERT_TRUE(c().create(cm("default", "other", {}, {{"app", "db"}})));
  ASSERT_TRUE(c().create(cm("kube-system", "web", {}, {{"app", "web"}})));
  EXPECT_THAT(describe(collect(**w, 1)), ElementsAre("ADDED web"));
}

TEST_F(watch_test, initial_events_end_with_a_bookmark) {
  ASSERT_TRUE(c().create(cm("default", "a")));
  ASSERT_TRUE(c().create(cm("default", "b")));
  auto w = c().watch(configmap_kind, {.namespace_ = "default",
                                      .resource_version_match = "NotOlderThan",
                                      .allow_bookmarks = true,
                                      .send_initial_events = true});
  ASSERT_TRUE(w) << w.error().message();
  auto evs = collect(**w, 3);
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].type, event_type::added);
  EXPECT_EQ(evs[1].type, event_type::added);
  EXPECT_EQ(evs[2].type, event_type::bookmark);
  EXPECT_EQ(evs[2].object->annotation("k8s.io/initial-events-end"), "true");
}

TEST_F(watch_test, idle_watches_get_bookmarks) {
  start({.bookmark_interval = std::chrono::milliseconds(20)});
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0", .allow_bookmarks = true});
  ASSERT_TRUE(w);
  auto evs = collect(**w, 1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, event_type::bookmark);
  EXPECT_FALSE(evs[0].object->resource_version().empty());
}

TEST_F(watch_test, a_resource_version_older_than_the_history_is_an_expired_error_event) {
  start({.history = 2});
  auto first = c().create(cm("default", "a"));
  ASSERT_TRUE(first);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c().create(cm("default", "x" + std::to_string(i))));
  // As kube-apiserver: the watch is accepted and its only event is the 410.
  auto w = c().watch(configmap_kind,
                     {.namespace_ = "default", .resource_version = std::string((*first)->resource_version())});
  ASSERT_TRUE(w) << w.error().message();
  auto evs = collect(**w, 2);
  EXPECT_THAT(describe(evs), ElementsAre("ERROR 410"));
  ASSERT_EQ(evs.size(), 1u);
  auto e = ktk::api_error::from_status(evs[0].object->data());
  EXPECT_TRUE(ktk::is_resource_expired(e)) << e.message();
  EXPECT_TRUE((*w)->done());
}

TEST_F(watch_test, a_non_2xx_answer_is_the_error_of_watch) {
  auto w = c().watch(configmap_kind, {.label_selector = "a in (b"});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), 400);
  EXPECT_EQ(w.error().reason(), "BadRequest");
}

TEST_F(watch_test, the_server_ends_the_stream_after_timeout_seconds) {
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0",
                                      .timeout = std::chrono::seconds(1)});
  ASSERT_TRUE(w);
  const auto until = steady::now() + std::chrono::seconds(20);
  while (!(*w)->done() && steady::now() < until) (void)(*w)->next({}, until);
  EXPECT_TRUE((*w)->done());
  EXPECT_TRUE((*w)->next({}).empty());
}

TEST_F(watch_test, a_deadline_returns_empty_and_the_stream_goes_on) {
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0"});
  ASSERT_TRUE(w);
  EXPECT_TRUE((*w)->next({}, steady::now() + std::chrono::milliseconds(20)).empty());
  EXPECT_FALSE((*w)->done());
  ASSERT_TRUE(c().create(cm("default", "after")));
  EXPECT_THAT(describe(collect(**w, 1)), ElementsAre("ADDED after"));
}

TEST_F(watch_test, stop_token_cancels_a_waiting_next_promptly) {
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0"});
  ASSERT_TRUE(w);
  std::stop_source stop;
  std::promise<void> entered;
  auto waiting = std::async(std::launch::async, [&] {
    entered.set_value();
    return (*w)->next(stop.get_token(), steady::now() + std::chrono::seconds(60));
  });
  entered.get_future().wait();
  const auto asked = steady::now();
  stop.request_stop();
  // Far below the 60 s deadline: the stop woke it, not the deadline.
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_LT(steady::now() - asked, std::chrono::seconds(30));
  EXPECT_TRUE(waiting.get().empty());
  EXPECT_FALSE((*w)->done());

  // An already-stopped token returns at once; the stream still works afterwards.
  EXPECT_TRUE((*w)->next(stop.get_token()).empty());
  ASSERT_TRUE(c().create(cm("default", "later")));
  EXPECT_THAT(describe(collect(**w, 1)), ElementsAre("ADDED later"));
}

TEST_F(watch_test, dropping_a_watch_with_a_read_in_flight_is_clean) {
  for (int i = 0; i < 20; ++i) {
    auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0"});
    ASSERT_TRUE(w);
    EXPECT_TRUE((*w)->next({}, steady::now() + std::chrono::milliseconds(1)).empty());
  }
}

TEST_F(watch_test, a_watch_of_an_unknown_kind_fails_before_any_request) {
  auto w = c().watch({"example.com", "v1", "Nope"});
  EXPECT_TRUE(fails_with(w, 400, "BadRequest"));
}

TEST_F(watch_test, the_server_stopping_ends_the_stream) {
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0"});
  ASSERT_TRUE(w);
  srv_->stop();
  const auto until = steady::now() + std::chrono::seconds(20);
  while (!(*w)->done() && steady::now() < until) (void)(*w)->next({}, until);
  EXPECT_TRUE((*w)->done());
}

TEST_F(watch_test, many_events_in_one_stream) {
  auto start = c().list(configmap_kind, {.namespace_ = "default"});
  ASSERT_TRUE(start);
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = start->resource_version});
  ASSERT_TRUE(w);
  const int n = 500;
  for (int i = 0; i < n; ++i) ASSERT_TRUE(c().create(cm("default", "m" + std::to_string(i), {{"i", std::to_string(i)}})));
  auto evs = collect(**w, n);
  ASSERT_EQ(evs.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(evs[i].object->name(), "m" + std::to_string(i));
}

}  // namespace
