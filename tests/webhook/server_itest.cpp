// The webhook server over real TLS: AdmissionReviews in and out, the HTTP errors
// around them, keep-alive, shutdown, and running as a manager's runnable.
#include "ktk/client/webhook/server.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../common/eventually.hpp"
#include "ktk/apiserver/certs.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/core/patch.hpp"
#include "tls_client.hpp"

namespace {

using namespace ktk::client::webhook;
using ktk::core::json;
using ktk_test::bhttp::verb;
using ktk_test::https_reply;
using ktk_test::tls_client;
namespace fs = std::filesystem;

// A temporary directory holding tls.crt / tls.key, removed at the end.
struct cert_dir {
  fs::path path;
  explicit cert_dir(const ktk::apiserver::generated_certs& pki) {
    std::string tmpl = (fs::temp_directory_path() / "ktk-webhook-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
    std::ofstream(path / "tls.crt") << pki.server_cert;
    std::ofstream(path / "tls.key") << pki.server_key;
  }
  ~cert_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

json pod(json spec = json::object()) {
  return json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}, {"namespace", "ns"}}},
              {"spec", std::move(spec)}};
}

json review(const std::string& uid, const std::string& operation = "CREATE", json object = pod()) {
  admission_request r;
  r.uid = uid;
  r.kind = {"", "v1", "Pod"};
  r.resource = {"", "v1", "pods"};
  r.operation = operation;
  r.name = "p";
  r.namespace_ = "ns";
  r.object = std::move(object);
  return r.to_review();
}

class webhook_server : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new ktk::apiserver::generated_certs(ktk::apiserver::generate_certs({"127.0.0.1"})); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  server_options options() { return {.port = 0, .cert_dir = dir_.path}; }
  // Starts a server with the standard test handlers on a free port.
  std::unique_ptr<server> started(server_options opts) {
    auto srv = std::make_unique<server>(std::move(opts));
    srv->handle("/allow", [](const admission_request& req) { return allowed(req, "fine"); });
    srv->handle("/deny", [](const admission_request& req) { return denied(req, "no pods today", 403); });
    srv->handle("/throw", [](const admission_request&) -> admission_response { throw std::runtime_error("boom"); });
    srv->defaulter("/default", [this](json& obj, const admission_request&) -> ktk::result<void> {
      ++defaulter_calls_;
      if (obj["spec"].contains("reject")) return ktk::api_error(422, "Invalid", "spec.reject is set");
      if (!obj["spec"].contains("cpu")) obj["spec"]["cpu"] = 1;
      obj["metadata"]["labels"]["app.kubernetes.io/name"] = "x~y";
      obj["spec"].erase("junk");
      return {};
    });
    srv->validator("/validate", [](const admission_request& req) -> ktk::result<std::vector<std::string>> {
      if (req.object["spec"].contains("bad")) {
        return ktk::api_error::forbidden({"", "pods"}, req.name, "spec.bad is not allowed");
      }
      return std::vector<std::string>{"spec.old is deprecated", "second warning"};
    });
    srv->start();
    return srv;
  }
  tls_client client(const server& srv) { return tls_client(srv.port(), pki_->ca_cert); }

  static ktk::apiserver::generated_certs* pki_;
  cert_dir dir_{*pki_};
  std::atomic<int> defaulter_calls_{0};
};

ktk::apiserver::generated_certs* webhook_server::pki_ = nullptr;

TEST_F(webhook_server, port_zero_picks_a_free_port_and_url_names_it) {
  auto srv = started(options());
  EXPECT_NE(srv->port(), 0);
  EXPECT_EQ(srv->url(), "https://127.0.0.1:" + std::to_string(srv->port()));
}

TEST_F(webhook_server, allowed_echoes_the_uid) {
  auto srv = started(options());
  auto r = client(*srv).post("/allow?timeout=10s", review("uid-1"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  json res = r.json();
  EXPECT_EQ(res["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(res["kind"], "AdmissionReview");
  EXPECT_EQ(res["response"]["uid"], "uid-1");
  EXPECT_EQ(res["response"]["allowed"], true);
  EXPECT_EQ(res["response"]["status"]["message"], "fine");
  EXPECT_FALSE(res["response"].contains("patch"));
}

TEST_F(webhook_server, denied_carries_code_and_message) {
  auto srv = started(options());
  json res = client(*srv).post("/deny", review("uid-2")).json();
  EXPECT_EQ(res["response"]["uid"], "uid-2");
  EXPECT_EQ(res["response"]["allowed"], false);
  EXPECT_EQ(res["response"]["status"]["code"], 403);
  EXPECT_EQ(res["response"]["status"]["message"], "no pods today");
  EXPECT_EQ(res["response"]["status"]["reason"], "Forbidden");
}

TEST_F(webhook_server, a_defaulter_answers_with_a_patch_that_gives_the_defaulted_object) {
  auto srv = started(options());
  json object = pod({{"junk", true}, {"containers", json::array({{{"name", "c"}}})}});
  auto r = client(*srv).post("/default", review("uid-3", "CREATE", object));
  ASSERT_EQ(r.status, 200u) << r.body;
  json res = r.json()["response"];
  EXPECT_EQ(res["allowed"], true);
  ASSERT_EQ(res["patchType"], "JSONPatch");
  auto raw = ktk::core::base64_decode(res["patch"].get<std::string>());
  ASSERT_TRUE(raw.has_value());
  auto applied = ktk::core::apply_json_patch(object, json::parse(*raw));
  ASSERT_TRUE(applied.ok());
  json expected = object;
  expected["spec"]["cpu"] = 1;
  expected["spec"].erase("junk");
  expected["metadata"]["labels"]["app.kubernetes.io/name"] = "x~y";
  EXPECT_EQ(*applied, expected);
}

TEST_F(webhook_server, a_defaulter_error_denies_and_deletes_are_not_defaulted) {
  auto srv = started(options());
  auto c = client(*srv);
  json res = c.post("/default", review("uid-4", "CREATE", pod({{"reject", true}}))).json()["response"];
  EXPECT_EQ(res["allowed"], false);
  EXPECT_EQ(res["status"]["code"], 422);
  EXPECT_EQ(res["status"]["message"], "spec.reject is set");
  EXPECT_FALSE(res.contains("patch"));
  int calls = defaulter_calls_;
  json del = c.post("/default", review("uid-5", "DELETE", nullptr)).json()["response"];
  EXPECT_EQ(del["allowed"], true);
  EXPECT_FALSE(del.contains("patch"));
  EXPECT_EQ(defaulter_calls_, calls);
}

TEST_F(webhook_server, a_validator_allows_with_warnings_or_denies_with_its_error) {
  auto srv = started(options());
  auto c = client(*srv);
  json ok = c.post("/validate", review("uid-6")).json()["response"];
  EXPECT_EQ(ok["allowed"], true);
  EXPECT_EQ(ok["warnings"], json::parse(R"(["spec.old is deprecated","second warning"])"));
  json bad = c.post("/validate", review("uid-7", "CREATE", pod({{"bad", 1}}))).json()["response"];
  EXPECT_EQ(bad["allowed"], false);
  EXPECT_EQ(bad["status"]["code"], 403);
  EXPECT_EQ(bad["status"]["reason"], "Forbidden");
  EXPECT_NE(bad["status"]["message"].get<std::string>().find("spec.bad is not allowed"), std::string::npos);
}

TEST_F(webhook_server, unknown_path_is_404_and_other_methods_405) {
  auto srv = started(options());
  auto c = client(*srv);
  auto nf = c.post("/nowhere", review("u"));
  EXPECT_EQ(nf.status, 404u);
  EXPECT_EQ(nf.content_type, "application/json");
  EXPECT_EQ(nf.json()["code"], 404);
  auto get = c.send(verb::get, "/allow");
  EXPECT_EQ(get.status, 405u);
  EXPECT_EQ(get.allow, "POST");
  EXPECT_EQ(get.json()["reason"], "MethodNotAllowed");
  EXPECT_EQ(c.post("/allow", review("u")).status, 200u);  // the connection lives on
}

TEST_F(webhook_server, bodies_that_are_not_admission_reviews_are_400_with_a_message) {
  auto srv = started(options());
  auto c = client(*srv);
  auto expect_400 = [&](const https_reply& r, const std::string& needle) {
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    json res = r.json()["response"];
    EXPECT_EQ(res["allowed"], false);
    EXPECT_EQ(res["status"]["code"], 400);
    EXPECT_NE(res["status"]["message"].get<std::string>().find(needle), std::string::npos) << r.body;
  };
  expect_400(c.send(verb::post, "/allow", R"({"apiVersion":"v1","kind":"Pod"})"), "AdmissionReview");
  expect_400(c.send(verb::post, "/allow", "{not json"), "couldn't decode");
  expect_400(c.send(verb::post, "/allow", "\xff\xfe\"", "application/json"), "couldn't decode");
  expect_400(c.send(verb::post, "/allow", review("u").dump(), "text/plain"), "expected application/json");
  expect_400(c.send(verb::post, "/allow", ""), "empty");
  expect_400(c.send(verb::post, "/allow", std::string(100000, '[') + std::string(100000, ']')), "nested");
  EXPECT_EQ(c.post("/allow", review("u")).status, 200u);
}

TEST_F(webhook_server, oversized_bodies_are_413) {
  auto opts = options();
  opts.max_body_bytes = 1024;
  auto srv = started(opts);
  json big = review("u", "CREATE", pod({{"data", std::string(4096, 'x')}}));
  auto r = client(*srv).post("/allow", big);
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.json()["response"]["status"]["code"], 413);
  EXPECT_FALSE(r.keep_alive);
  EXPECT_EQ(client(*srv).post("/allow", review("u")).status, 200u);
}

TEST_F(webhook_server, a_throwing_handler_is_500_and_the_server_goes_on) {
  auto srv = started(options());
  auto c = client(*srv);
  auto r = c.post("/throw", review("uid-8"));
  EXPECT_EQ(r.status, 500u);
  json res = r.json()["response"];
  EXPECT_EQ(res["uid"], "uid-8");
  EXPECT_EQ(res["allowed"], false);
  EXPECT_NE(res["status"]["message"].get<std::string>().find("boom"), std::string::npos);
  EXPECT_EQ(c.post("/allow", review("u")).status, 200u);
  EXPECT_EQ(client(*srv).post("/allow", review("u")).status, 200u);
}

TEST_F(webhook_server, garbage_and_plain_http_do_not_hurt_it) {
  auto srv = started(options());
  auto c = client(*srv);
  auto r = c.send_raw(std::string("\x01\x02 nonsense\r\n\r\n"));
  EXPECT_EQ(r.status, 400u);
  {
    // A client speaking plain HTTP to the TLS port: the handshake fails, the server goes on.
    ktk_test::net::io_context ioc;
    ktk_test::net::ip::tcp::socket s(ioc);
    s.connect({ktk_test::net::ip::make_address("127.0.0.1"), srv->port()});
    std::string req = "POST /allow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
    ktk_test::net::write(s, ktk_test::net::buffer(req));
  }
  EXPECT_EQ(client(*srv).post("/allow", review("u")).status, 200u);
}

TEST_F(webhook_server, keep_alive_serves_two_requests_on_one_connection) {
  auto srv = started(options());
  auto c = client(*srv);
  auto first = c.post("/allow", review("a"));
  EXPECT_TRUE(first.keep_alive);
  auto second = c.post("/deny", review("b"));  // would throw if the server had closed
  EXPECT_EQ(first.json()["response"]["uid"], "a");
  EXPECT_EQ(second.json()["response"]["uid"], "b");
}

TEST_F(webhook_server, registering_a_path_twice_throws) {
  server srv(options());
  srv.handle("/x", [](const admission_request& req) { return allowed(req); });
  EXPECT_THROW(srv.validator("/x", [](const admission_request&) { return std::vector<std::string>{}; }),
               std::invalid_argument);
}

TEST_F(webhook_server, a_missing_certificate_fails_start_naming_the_file) {
  auto opts = options();
  opts.cert_name = "missing.crt";
  server srv(opts);
  try {
    srv.start();
    FAIL() << "start() succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir_.path / "missing.crt").string()), std::string::npos) << e.what();
  }
  srv.stop();  // harmless when never started
}

TEST_F(webhook_server, stop_finishes_the_request_in_flight_joins_and_is_idempotent) {
  server srv(options());
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> handler_done{false};
  srv.handle("/slow", [&](const admission_request& req) {
    entered.set_value();
    released.wait();
    handler_done = true;
    return allowed(req);
  });
  srv.start();
  auto port = srv.port();
  auto reply = std::async(std::launch::async, [&] { return tls_client(port, pki_->ca_cert).post("/slow", review("s")); });
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  std::atomic<bool> done_when_stopped{false};
  std::jthread stopper([&] {
    srv.stop();
    done_when_stopped = handler_done.load();
  });
  release.set_value();
  stopper.join();
  EXPECT_TRUE(done_when_stopped);  // stop() returned only after the handler had finished
  ASSERT_EQ(reply.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(reply.get().status, 200u);
  srv.stop();
  EXPECT_THROW(tls_client(port, pki_->ca_cert), boost::system::system_error);  // nothing listens
}

TEST_F(webhook_server, starts_again_after_stop) {
  auto srv = started(options());
  srv->stop();
  srv->start();
  EXPECT_EQ(client(*srv).post("/allow", review("again")).json()["response"]["uid"], "again");
}

TEST_F(webhook_server, runs_as_a_runnable_until_its_stop_token_fires) {
  auto srv = std::make_unique<server>(options());
  srv->handle("/allow", [](const admission_request& req) { return allowed(req); });
  auto runnable = srv->as_runnable();
  EXPECT_FALSE(runnable->needs_leader_election());
  std::promise<ktk::result<void>> result;
  std::jthread runner([&](std::stop_token stop) { result.set_value(runnable->start(stop)); });
  ASSERT_TRUE(ktk_test::eventually([&] { return srv->port() != 0; }));
  auto port = srv->port();
  EXPECT_EQ(tls_client(port, pki_->ca_cert).post("/allow", review("r")).status, 200u);
  runner.request_stop();
  auto f = result.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(f.get().ok());
  EXPECT_THROW(tls_client(port, pki_->ca_cert), boost::system::system_error);
}

TEST_F(webhook_server, a_runnable_whose_server_cannot_start_returns_the_error) {
  auto opts = options();
  opts.key_name = "nope.key";
  server srv(opts);
  std::stop_source never;
  auto r = srv.as_runnable()->start(never.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("nope.key"), std::string::npos);
}

}  // namespace
