// server_itest.cpp — the HTTP server over sockets: keep-alive, limits, watch streams,
// bookmarks, timeouts, slow watchers and shutdown.
#include "ktk/apiserver/server.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include "../apiserver/registry_fixtures.hpp"
#include "test_http_client.hpp"

namespace {

using ktk::test::bhttp::verb;
using nlohmann::json;

json config_map(const std::string& name, const std::string& value = "1") {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"k", value}}}};
}

class server_test : public ::testing::Test {
 protected:
  void start(ktk::apiserver::registry_options ropts = {}, ktk::apiserver::server_options sopts = {}) {
    reg_ = std::make_unique<ktk::apiserver::registry>(std::move(ropts));
    srv_ = std::make_unique<ktk::apiserver::server>(*reg_, std::move(sopts));
    srv_->start();
  }
  void SetUp() override { start(); }
  ktk::test::http_client client() { return ktk::test::http_client(srv_->port()); }

  std::unique_ptr<ktk::apiserver::registry> reg_;
  std::unique_ptr<ktk::apiserver::server> srv_;
};

TEST_F(server_test, url_names_the_bound_port) {
  EXPECT_NE(srv_->port(), 0);
  EXPECT_EQ(srv_->url(), "http://127.0.0.1:" + std::to_string(srv_->port()));
}

TEST_F(server_test, health_endpoints_say_ok) {
  auto c = client();
  for (const char* p : {"/healthz", "/livez", "/readyz"}) {
    auto r = c.get(p);
    EXPECT_EQ(r.status, 200u) << p;
    EXPECT_EQ(r.body, "ok") << p;
  }
}

TEST_F(server_test, many_requests_share_one_keep_alive_connection) {
  auto c = client();
  auto created = c.post("/api/v1/namespaces/default/configmaps", config_map("a"));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_TRUE(created.keep_alive);
  for (int i = 0; i < 20; ++i) {
    auto r = c.get("/api/v1/namespaces/default/configmaps/a");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.json()["data"]["k"], "1");
  }
  auto list = c.get("/api/v1/namespaces/default/configmaps");
  EXPECT_EQ(list.json()["kind"], "ConfigMapList");
  EXPECT_EQ(list.json()["items"].size(), 1u);
}

TEST_F(server_test, unknown_paths_are_a_not_found_status) {
  auto c = client();
  auto r = c.get("/apis/nope.example.com/v1/things");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json()["kind"], "Status");
  EXPECT_EQ(r.json()["reason"], "NotFound");
  EXPECT_EQ(r.json()["message"], "the server could not find the requested resource");
}

TEST_F(server_test, a_body_over_the_limit_is_413_and_the_connection_closes) {
  srv_.reset();
  start({}, {.max_body_bytes = 1024});
  auto c = client();
  auto r = c.send(verb::post, "/api/v1/namespaces/default/configmaps", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.json()["reason"], "RequestEntityTooLarge");
  EXPECT_FALSE(r.keep_alive);
}

TEST_F(server_test, oversized_headers_are_431) {
  srv_.reset();
  start({}, {.max_header_bytes = 2048});
  auto c = client();
  auto r = c.get("/api/v1/namespaces/default/configmaps?labelSelector=" + std::string(4096, 'a'));
  EXPECT_EQ(r.status, 431u);
}

TEST_F(server_test, warnings_are_sent_as_warning_headers) {
  // An unknown field of a custom resource under fieldValidation=Warn (the default).
  ASSERT_TRUE(reg_->create({"apiextensions.k8s.io", "v1", "customresourcedefinitions"}, "", ktk::apiserver::testing::at_crd()));
  auto c = client();
  json at = ktk::apiserver::testing::at("a").data();
  at["spec"]["foo"] = 1;
  auto r = c.post("/apis/cnat.programming-kubernetes.info/v1alpha1/namespaces/default/ats", at);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.warnings, std::vector<std::string>{R"(299 - "unknown field \"spec.foo\"")"});
}

TEST_F(server_test, a_watch_streams_events_as_they_happen) {
  auto w = client();
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=true"), 200u);
  auto c = client();
  ASSERT_EQ(c.post("/api/v1/namespaces/default/configmaps", config_map("a")).status, 201u);
  auto evs = w.read_events(1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["type"], "ADDED");
  EXPECT_EQ(evs[0]["object"]["metadata"]["name"], "a");
  ASSERT_EQ(c.send(verb::put, "/api/v1/namespaces/default/configmaps/a",
                   [&] {
                     auto cm = c.get("/api/v1/namespaces/default/configmaps/a").json();
                     cm["data"]["k"] = "2";
                     return cm.dump();
                   }())
                .status,
            200u);
  ASSERT_EQ(c.send(verb::delete_, "/api/v1/namespaces/default/configmaps/a").status, 200u);
  evs = w.read_events(2);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0]["type"], "MODIFIED");
  EXPECT_EQ(evs[0]["object"]["data"]["k"], "2");
  EXPECT_EQ(evs[1]["type"], "DELETED");
}

TEST_F(server_test, a_watch_from_a_resource_version_replays_what_came_after_it) {
  auto c = client();
  auto a = c.post("/api/v1/namespaces/default/configmaps", config_map("a")).json();
  c.post("/api/v1/namespaces/default/configmaps", config_map("b"));
  auto w = client();
  std::string rv = a["metadata"]["resourceVersion"];
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + rv), 200u);
  auto evs = w.read_events(1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["object"]["metadata"]["name"], "b");
}

TEST_F(server_test, timeout_seconds_ends_the_watch_cleanly) {
  auto w = client();
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1"), 200u);
  EXPECT_TRUE(w.watch_ended());
}

TEST_F(server_test, a_watch_past_the_history_gets_410_expired_as_an_error_event) {
  srv_.reset();
  start({.history = 2});
  auto c = client();
  auto first = c.post("/api/v1/namespaces/default/configmaps", config_map("a")).json();
  for (int i = 0; i < 5; ++i) c.post("/api/v1/namespaces/default/configmaps", config_map("n" + std::to_string(i)));
  auto w = client();
  std::string rv = first["metadata"]["resourceVersion"];
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + rv), 200u);
  auto evs = w.read_events(1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["type"], "ERROR");
  EXPECT_EQ(evs[0]["object"]["code"], 410);
  EXPECT_EQ(evs[0]["object"]["reason"], "Expired");
  EXPECT_TRUE(w.watch_ended());
}

TEST_F(server_test, idle_watches_get_bookmarks_when_they_ask) {
  srv_.reset();
  start({.bookmark_interval = std::chrono::milliseconds(50)});
  auto w = client();
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true"), 200u);
  auto evs = w.read_events(1);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["type"], "BOOKMARK");
  EXPECT_EQ(evs[0]["object"]["kind"], "ConfigMap");
  EXPECT_FALSE(evs[0]["object"]["metadata"]["resourceVersion"].get<std::string>().empty());
}

TEST_F(server_test, stop_ends_open_watches_with_their_last_chunk) {
  auto w = client();
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=true"), 200u);
  srv_->stop();
  EXPECT_TRUE(w.watch_ended());
}

TEST_F(server_test, a_watcher_that_does_not_read_slows_neither_writers_nor_other_watchers) {
  srv_.reset();
  // The timeout bounds every write, the good watcher's too: 3 s leaves it room on a
  // loaded machine (under TSan, 1 s once cut it off after 16 of 400 events).
  start({.history = 1000}, {.read_timeout = std::chrono::seconds(3)});
  ktk::test::http_client stuck(srv_->port(), 4096);
  ASSERT_EQ(stuck.start_watch("/api/v1/namespaces/default/configmaps?watch=true"), 200u);
  auto good = client();
  ASSERT_EQ(good.start_watch("/api/v1/namespaces/default/configmaps?watch=true"), 200u);
  // Far more than the loopback socket buffers hold (a few MiB): the stuck watcher's writes stall.
  const std::string big(96 * 1024, 'x');
  const int writes = 400;
  std::thread reader([&] {
    auto evs = good.read_events(writes);
    EXPECT_EQ(evs.size(), static_cast<std::size_t>(writes));
  });
  for (int i = 0; i < writes; ++i) {
    json cm = config_map("c" + std::to_string(i), big);
    ASSERT_TRUE(reg_->create({"", "v1", "configmaps"}, "default", ktk::core::object(std::move(cm))));
  }
  reader.join();
  // The server closes the stuck watcher once a write has waited out the timeout; the
  // client sees the hang-up without reading (which would un-stick it).
  pollfd p{stuck.stream().socket().native_handle(), POLLRDHUP, 0};
  ASSERT_EQ(poll(&p, 1, 20000), 1);
  EXPECT_NE(p.revents & (POLLRDHUP | POLLHUP | POLLERR), 0);
  auto got = stuck.read_events(std::numeric_limits<std::size_t>::max());
  EXPECT_LT(got.size(), static_cast<std::size_t>(writes));
}

TEST_F(server_test, send_initial_events_ends_with_the_initial_events_end_bookmark) {
  auto c = client();
  c.post("/api/v1/namespaces/default/configmaps", config_map("a"));
  auto w = client();
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true"
                          "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"),
            200u);
  auto evs = w.read_events(2);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0]["type"], "ADDED");
  EXPECT_EQ(evs[1]["type"], "BOOKMARK");
  EXPECT_EQ(evs[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
}

TEST_F(server_test, a_watch_with_table_output_streams_table_rows) {
  auto w = client();
  ASSERT_EQ(w.start_watch("/api/v1/namespaces/default/configmaps?watch=true",
                          "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"),
            200u);
  client().post("/api/v1/namespaces/default/configmaps", config_map("t"));
  client().post("/api/v1/namespaces/default/configmaps", config_map("u"));
  auto evs = w.read_events(2);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0]["object"]["kind"], "Table");
  EXPECT_EQ(evs[0]["object"]["rows"][0]["cells"][0], "t");
  EXPECT_FALSE(evs[0]["object"]["columnDefinitions"].empty());
  // As kube-apiserver: the columns come with the first event only.
  EXPECT_TRUE(evs[1]["object"]["columnDefinitions"].is_null());
  EXPECT_EQ(evs[1]["object"]["rows"][0]["cells"][0], "u");
}

TEST_F(server_test, many_connections_are_served_concurrently) {
  std::vector<std::unique_ptr<ktk::test::http_client>> conns;
  for (int i = 0; i < 200; ++i) conns.push_back(std::make_unique<ktk::test::http_client>(srv_->port()));
  for (auto& c : conns) EXPECT_EQ(c->get("/healthz").status, 200u);
}

}  // namespace
