// transport_itest.cpp — the HTTP transport against a scripted server: keep-alive reuse,
// Retry-After retries on the config's clock (and their cap), GET retries after a
// hang-up, writes not retried unless the pooled connection was stale, timeouts, the
// QPS limiter, request headers, and generic errors for answers without a Status.
#include "../../client/src/rest/detail/transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include "ktk/client/rest/rest_client.hpp"
#include "ktk/core/clock.hpp"
#include "script_server.hpp"

namespace {

using namespace ktk::client::rest::testing;
using ktk::client::rest::rest_config;
using ktk::client::rest::detail::http_request;
using ktk::client::rest::detail::transport;
using ::testing::HasSubstr;
using steady = std::chrono::steady_clock;

script_reply ok() { return {}; }

// Spins (without sleeping) until a thread sleeps on the fake clock; false after 20 s.
bool wait_for_sleeper(ktk::core::fake_clock& clk) {
  const auto until = steady::now() + std::chrono::seconds(20);
  while (clk.sleepers() == 0) {
    if (steady::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

rest_config config_for(const script_server& s, ktk::core::clock* clk = nullptr) {
  return {.server = s.url(), .qps = 0, .timeout = std::chrono::seconds(30), .clock = clk};
}

http_request get(std::string target = "/x") { return {.method = "GET", .target = std::move(target)}; }
http_request post(std::string target = "/x") {
  return {.method = "POST", .target = std::move(target), .body = "{}", .content_type = "application/json"};
}

TEST(transport, requests_share_one_keep_alive_connection) {
  script_server s([](const script_request&) { return ok(); });
  transport t(config_for(s));
  for (int i = 0; i < 20; ++i) {
    auto r = t.round_trip(get());
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200u);
  }
  EXPECT_EQ(s.connections(), 1);
  EXPECT_EQ(t.connections_opened(), 1u);
}

TEST(transport, without_idle_connections_each_request_connects) {
  script_server s([](const script_request&) { return ok(); });
  auto cfg = config_for(s);
  cfg.max_idle_connections = 0;
  transport t(cfg);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t.round_trip(get()));
  EXPECT_EQ(s.connections(), 5);
}

TEST(transport, a_connection_the_server_closes_is_not_reused) {
  script_server s([](const script_request&) { return script_reply{.close_after = true}; });
  transport t(config_for(s));
  ASSERT_TRUE(t.round_trip(get()));
  ASSERT_TRUE(t.round_trip(post()));
  EXPECT_EQ(s.connections(), 2);
  EXPECT_EQ(s.requests(), 2);
}

TEST(transport, connection_close_answers_are_not_pooled) {
  script_server s([](const script_request&) { return script_reply{.keep_alive = false}; });
  transport t(config_for(s));
  ASSERT_TRUE(t.round_trip(get()));
  ASSERT_TRUE(t.round_trip(get()));
  EXPECT_EQ(s.connections(), 2);
}

TEST(transport, a_stale_pooled_connection_is_replaced_even_for_a_post) {
  // The server closes the kept-alive connection as the second request arrives: the
  // race a pooled connection can always lose. Nothing came back, so it is retried.
  script_server s([](const script_request& r) {
    if (r.connection == 1 && r.index == 1) return script_reply{.hang_up = true};
    return ok();
  });
  transport t(config_for(s));
  ASSERT_TRUE(t.round_trip(get()));
  auto r = t.round_trip(post());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(s.connections(), 2);
  EXPECT_EQ(s.requests(), 3);
}

TEST(transport, a_post_on_a_fresh_connection_is_not_retried) {
  script_server s([](const script_request&) { return script_reply{.hang_up = true}; });
  transport t(config_for(s));
  auto r = t.round_trip(post("/api/v1/x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 0);
  EXPECT_EQ(r.error().message(), "Post \"" + s.url() + "/api/v1/x\": EOF");
  EXPECT_EQ(s.requests(), 1);
}

TEST(transport, a_get_is_retried_after_a_hang_up_a_second_later_on_the_clock) {
  ktk::core::fake_clock clk;
  script_server s([](const script_request& r) {
    if (r.connection == 1) return script_reply{.hang_up = true};
    return ok();
  });
  transport t(config_for(s, &clk));
  auto f = std::async(std::launch::async, [&] { return t.round_trip(get()); });
  ASSERT_TRUE(wait_for_sleeper(clk));
  EXPECT_EQ(f.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  clk.advance(std::chrono::seconds(1));
  auto r = f.get();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(s.requests(), 2);
  EXPECT_EQ(s.connections(), 2);
}

TEST(transport, retry_after_0_is_retried_at_once) {
  script_server s([](const script_request& r) {
    if (r.connection == 1 && r.index == 0) return script_reply{.status = 429, .headers = {{"Retry-After", "0"}}};
    return ok();
  });
  transport t(config_for(s));
  auto r = t.round_trip(post());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(s.requests(), 2);
}

TEST(transport, retry_after_waits_that_long_on_the_clock) {
  ktk::core::fake_clock clk;
  script_server s([](const script_request& r) {
    if (r.index == 0) return script_reply{.status = 429, .headers = {{"Retry-After", "1"}}};
    return ok();
  });
  transport t(config_for(s, &clk));
  auto f = std::async(std::launch::async, [&] { return t.round_trip(get()); });
  ASSERT_TRUE(wait_for_sleeper(clk));
  EXPECT_EQ(s.requests(), 1);
  clk.advance(std::chrono::milliseconds(999));
  EXPECT_EQ(f.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  clk.advance(std::chrono::milliseconds(1));
  auto r = f.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(s.requests(), 2);
}

TEST(transport, retries_stop_after_ten) {
  script_server s([](const script_request&) {
    return script_reply{.status = 429, .body = "slow down", .content_type = "text/plain", .headers = {{"Retry-After", "0"}}};
  });
  transport t(config_for(s));
  auto r = t.round_trip(get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429u);
  EXPECT_EQ(r->retry_after, 0);
  EXPECT_EQ(s.requests(), 11);
}

TEST(transport, a_5xx_with_retry_after_is_retried_and_one_without_is_not) {
  script_server with([](const script_request& r) {
    if (r.index == 0) return script_reply{.status = 503, .headers = {{"Retry-After", "0"}}};
    return ok();
  });
  transport t(config_for(with));
  EXPECT_EQ(t.round_trip(get())->status, 200u);
  EXPECT_EQ(with.requests(), 2);

  script_server without([](const script_request&) { return script_reply{.status = 500}; });
  transport t2(config_for(without));
  EXPECT_EQ(t2.round_trip(get())->status, 500u);
  EXPECT_EQ(without.requests(), 1);
}

TEST(transport, the_timeout_is_a_504_naming_the_url) {
  script_server s([](const script_request&) { return script_reply{.silent = true}; });
  auto cfg = config_for(s);
  cfg.timeout = std::chrono::milliseconds(100);
  transport t(cfg);
  auto r = t.round_trip(get("/api/v1/pods"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 504);
  EXPECT_EQ(r.error().reason(), "Timeout");
  EXPECT_EQ(r.error().message(),
            "Timeout: Get \"" + s.url() + "/api/v1/pods\": the request did not complete within 100ms");
}

TEST(transport, connection_refused_names_the_url) {
  std::string url;
  {
    script_server gone([](const script_request&) { return ok(); });
    url = gone.url();
  }
  transport t({.server = url, .qps = 0});
  auto r = t.round_trip(get("/version"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 0);
  EXPECT_THAT(r.error().message(), HasSubstr("Get \"" + url + "/version\": dial tcp 127.0.0.1:"));
  EXPECT_THAT(r.error().message(), HasSubstr("connect: Connection refused"));
}

TEST(transport, the_qps_limiter_waits_on_the_clock) {
  ktk::core::fake_clock clk;
  script_server s([](const script_request&) { return ok(); });
  auto cfg = config_for(s, &clk);
  cfg.qps = 1;
  cfg.burst = 2;
  transport t(cfg);
  ASSERT_TRUE(t.round_trip(get()));
  ASSERT_TRUE(t.round_trip(get()));  // the burst
  auto f = std::async(std::launch::async, [&] { return t.round_trip(get()); });
  ASSERT_TRUE(wait_for_sleeper(clk));
  EXPECT_EQ(s.requests(), 2);
  clk.advance(std::chrono::seconds(1));
  ASSERT_TRUE(f.get());
  EXPECT_EQ(s.requests(), 3);
}

TEST(transport, request_headers) {
  script_server s([](const script_request&) { return ok(); });
  auto cfg = config_for(s);
  cfg.bearer_token = "tok";
  cfg.user_agent = "my-controller/1.0";
  transport t(cfg);
  ASSERT_TRUE(t.round_trip(post("/api/v1/namespaces/default/configmaps?dryRun=All")));
  auto seen = s.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/api/v1/namespaces/default/configmaps?dryRun=All");
  EXPECT_EQ(seen[0].headers["authorization"], "Bearer tok");
  EXPECT_EQ(seen[0].headers["user-agent"], "my-controller/1.0");
  EXPECT_EQ(seen[0].headers["accept"], "application/json");
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(seen[0].headers["host"], "127.0.0.1:" + s.url().substr(s.url().rfind(':') + 1));
  EXPECT_EQ(seen[0].body, "{}");
}

TEST(transport, basic_auth_and_a_path_prefix) {
  script_server s([](const script_request&) { return ok(); });
  auto cfg = config_for(s);
  cfg.server += "/prefix/";
  cfg.username = "user";
  cfg.password = "pass";
  transport t(cfg);
  ASSERT_TRUE(t.round_trip(get("/api")));
  auto seen = s.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/prefix/api");
  EXPECT_EQ(seen[0].headers["authorization"], "Basic dXNlcjpwYXNz");
}

TEST(transport, warnings_and_retry_after_are_read) {
  script_server s([](const script_request&) {
    return script_reply{.headers = {{"Warning", "299 - \"first\""}, {"Warning", "299 - \"second\", 299 - \"third\""}}};
  });
  transport t(config_for(s));
  auto r = t.round_trip(get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->warnings, (std::vector<std::string>{"first", "second", "third"}));
}

TEST(transport, a_stream_reads_the_body_as_it_arrives) {
  script_server s([](const script_request&) { return script_reply{.body = "line one\nline two\n"}; });
  transport t(config_for(s));
  auto a = t.open_stream(get());
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->body);
  std::string got;
  for (int i = 0; i < 10; ++i) {
    auto c = a->body->read({}, steady::now() + std::chrono::seconds(20));
    if (c.st != ktk::client::rest::detail::body_reader::status::data) {
      EXPECT_EQ(c.st, ktk::client::rest::detail::body_reader::status::end);
      break;
    }
    got.append(c.data);
  }
  EXPECT_EQ(got, "line one\nline two\n");
}

TEST(transport, a_stream_answer_that_is_not_2xx_comes_with_its_body) {
  script_server s([](const script_request&) { return script_reply{.status = 410, .body = "gone"}; });
  transport t(config_for(s));
  auto a = t.open_stream(get());
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->body);
  EXPECT_EQ(a->head.status, 410u);
  EXPECT_EQ(a->head.body, "gone");
}

// Through rest_client: an answer without a Status body gets client-go's generic error.
TEST(transport, rest_client_maps_an_answer_without_status) {
  script_server s([](const script_request& r) {
    if (auto d = discovery_reply(r)) return *d;
    return script_reply{.status = 404, .body = "404 page not found", .content_type = "text/plain"};
  });
  ktk::client::rest::rest_client c(config_for(s));
  auto r = c.get({"", "v1", "ConfigMap"}, {"default", "x"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 404);
  EXPECT_EQ(r.error().reason(), "NotFound");
  EXPECT_EQ(r.error().message(), "the server could not find the requested resource (get configmaps x)");
}

TEST(transport, rest_client_passes_warnings_of_a_write) {
  script_server s([](const script_request& r) {
    if (auto d = discovery_reply(r)) return *d;
    return script_reply{.status = 201,
                        .body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default"}})",
                        .headers = {{"Warning", "299 - \"deprecated\""}}};
  });
  ktk::client::rest::rest_client c(config_for(s));
  std::vector<std::string> warnings;
  ktk::core::object o("v1", "ConfigMap");
  o.set_name("a");
  o.set_namespace("default");
  auto r = c.create(std::move(o), {.field_manager = "me", .warnings = &warnings});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(warnings, std::vector<std::string>{"deprecated"});
  auto seen = s.seen();
  EXPECT_EQ(seen.back().target, "/api/v1/namespaces/default/configmaps?fieldManager=me");
  EXPECT_EQ(s.connections(), 1);  // discovery and the write shared the connection
}

}  // namespace
