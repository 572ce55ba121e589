// tls_itest.cpp — HTTPS with a generated PKI: the serving certificate verifies against
// the CA for 127.0.0.1, bearer tokens and client certificates authenticate, anything
// else is 401, and watches stream over TLS.
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "ktk/apiserver/certs.hpp"
#include "ktk/apiserver/server.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using nlohmann::json;

struct reply {
  unsigned status = 0;
  std::string body;
};

// One HTTPS connection verifying the server against `ca` for host 127.0.0.1,
// presenting a client certificate when given.
class tls_client {
 public:
  tls_client(std::uint16_t port, const std::string& ca, const std::string& cert = {}, const std::string& key = {})
      : ctx_(ssl::context::tls_client), stream_(ioc_, ctx_) {
    ctx_.add_certificate_authority(net::buffer(ca));
    ctx_.set_verify_mode(ssl::verify_peer);
    if (!cert.empty()) {
      ctx_.use_certificate_chain(net::buffer(cert));
      ctx_.use_private_key(net::buffer(key), ssl::context::pem);
    }
    stream_ = beast::ssl_stream<beast::tcp_stream>(ioc_, ctx_);
    stream_.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream_).connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream_.handshake(ssl::stream_base::client);
  }

  reply get(const std::string& target, const std::string& token = {}) {
    write(bhttp::verb::get, target, token);
    return read();
  }
  reply post(const std::string& target, const std::string& token, const json& body) {
    write(bhttp::verb::post, target, token, body.dump());
    return read();
  }
  reply read() {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream_, buffer_, res);
    return {res.result_int(), res.body()};
  }

  void write(bhttp::verb v, const std::string& target, const std::string& token, const std::string& body = {}) {
    bhttp::request<bhttp::string_body> req(v, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    bhttp::write(stream_, req);
  }

  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  net::io_context ioc_;
  ssl::context ctx_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

class tls_test : public ::testing::Test {
 protected:
  tls_test() : pki_(ktk::apiserver::generate_certs({"127.0.0.1", "localhost"})) {
    srv_ = std::make_unique<ktk::apiserver::server>(
        reg_, ktk::apiserver::server_options{
                  .tls = ktk::apiserver::tls_config{pki_.server_cert, pki_.server_key, pki_.ca_cert},
                  .auth = {.tokens = {"secret-token"}, .client_certificates = true}});
    srv_->start();
  }

  ktk::apiserver::generated_certs pki_;
  ktk::apiserver::registry reg_;
  std::unique_ptr<ktk::apiserver::server> srv_;
};

TEST_F(tls_test, the_url_is_https) { EXPECT_TRUE(srv_->url().starts_with("https://127.0.0.1:")) << srv_->url(); }

TEST_F(tls_test, a_bearer_token_authenticates) {
  tls_client c(srv_->port(), pki_.ca_cert);
  auto r = c.get("/api/v1/namespaces", "secret-token");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body)["kind"], "NamespaceList");
}

TEST_F(tls_test, anonymous_and_wrong_tokens_are_401) {
  tls_client c(srv_->port(), pki_.ca_cert);
  for (const char* token : {"", "wrong"}) {
    auto r = c.get("/api/v1/namespaces", token);
    EXPECT_EQ(r.status, 401u) << token;
    auto s = json::parse(r.body);
    EXPECT_EQ(s["reason"], "Unauthorized");
    EXPECT_EQ(s["code"], 401);
    EXPECT_EQ(s["message"], "Unauthorized");
  }
}

TEST_F(tls_test, a_client_certificate_from_the_ca_authenticates) {
  tls_client c(srv_->port(), pki_.ca_cert, pki_.client_cert, pki_.client_key);
  EXPECT_EQ(c.get("/api/v1/namespaces").status, 200u);
}

TEST_F(tls_test, a_client_certificate_from_another_ca_is_refused) {
  auto other = ktk::apiserver::generate_certs({"127.0.0.1"});
  EXPECT_ANY_THROW({
    tls_client c(srv_->port(), pki_.ca_cert, other.client_cert, other.client_key);
    c.get("/api/v1/namespaces");
  });
}

TEST_F(tls_test, the_server_certificate_does_not_verify_against_another_ca) {
  auto other = ktk::apiserver::generate_certs({"127.0.0.1"});
  EXPECT_ANY_THROW(tls_client(srv_->port(), other.ca_cert));
}

TEST_F(tls_test, watches_stream_over_tls) {
  tls_client w(srv_->port(), pki_.ca_cert);
  w.write(bhttp::verb::get, "/api/v1/namespaces/default/configmaps?watch=true", "secret-token");
  bhttp::response_parser<bhttp::string_body> p;
  bhttp::read_header(w.stream(), w.buffer(), p);
  EXPECT_EQ(p.get().result_int(), 200u);
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "a"}}}};
  ASSERT_TRUE(reg_.create({"", "v1", "configmaps"}, "default", ktk::core::object(cm)));
  while (p.get().body().find('\n') == std::string::npos) bhttp::read_some(w.stream(), w.buffer(), p);
  auto ev = json::parse(p.get().body().substr(0, p.get().body().find('\n')));
  EXPECT_EQ(ev["type"], "ADDED");
  EXPECT_EQ(ev["object"]["metadata"]["name"], "a");
}

TEST(tls_certs, the_pki_is_pem) {
  auto pki = ktk::apiserver::generate_certs({"127.0.0.1", "example.test"});
  EXPECT_TRUE(pki.ca_cert.starts_with("-----BEGIN CERTIFICATE-----"));
  EXPECT_TRUE(pki.server_key.starts_with("-----BEGIN PRIVATE KEY-----"));
  EXPECT_NE(pki.ca_cert, pki.server_cert);
  EXPECT_NE(pki.server_cert, pki.client_cert);
}

// ---- identities and RBAC over HTTPS ------------------------------------------------

class tls_rbac_test : public ::testing::Test {
 protected:
  tls_rbac_test() : pki_(ktk::apiserver::generate_certs({"127.0.0.1"})) {
    ktk::apiserver::server_options o{.tls = ktk::apiserver::tls_config{pki_.server_cert, pki_.server_key, pki_.ca_cert}};
    o.auth.tokens = {"admin-token"};
    o.auth.users = {{.token = "carol-token", .user = {.name = "carol", .uid = "c-1", .groups = {"ops"}}}};
    o.auth.client_certificates = true;
    o.authorization = ktk::apiserver::authorization_mode::rbac;
    srv_ = std::make_unique<ktk::apiserver::server>(reg_, o);
    srv_->start();
  }
  // Who the server thinks `c` (with `token`) is.
  static json whoami(tls_client& c, const std::string& token = {}) {
    auto r = c.post("/apis/authentication.k8s.io/v1/selfsubjectreviews", token,
                    {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}});
    EXPECT_EQ(r.status, 201u) << r.body;
    return json::parse(r.body)["status"]["userInfo"];
  }

  ktk::apiserver::generated_certs pki_;
  ktk::apiserver::registry reg_;
  std::unique_ptr<ktk::apiserver::server> srv_;
};

TEST_F(tls_rbac_test, a_client_certificate_names_the_user_and_groups) {
  auto alice = ktk::apiserver::issue_client_certificate(pki_, "alice", {"devs", "qa"});
  tls_client c(srv_->port(), pki_.ca_cert, alice.cert, alice.key);
  EXPECT_EQ(whoami(c), json({{"username", "alice"}, {"groups", {"devs", "qa", "system:authenticated"}}}));
  auto denied = c.get("/api/v1/namespaces/default/pods");
  ASSERT_EQ(denied.status, 403u);
  EXPECT_EQ(json::parse(denied.body)["message"],
            "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace "
            "\"default\"");
  // The generated admin certificate is in system:masters.
  tls_client admin(srv_->port(), pki_.ca_cert, pki_.client_cert, pki_.client_key);
  EXPECT_EQ(admin.get("/api/v1/namespaces/default/pods").status, 200u);
}

TEST_F(tls_rbac_test, token_identities_and_tokens_added_while_running) {
  tls_client c(srv_->port(), pki_.ca_cert);
  EXPECT_EQ(whoami(c, "carol-token"),
            json({{"username", "carol"}, {"uid", "c-1"}, {"groups", {"ops", "system:authenticated"}}}));
  EXPECT_EQ(whoami(c, "admin-token")["groups"], json({"system:masters", "system:authenticated"}));
  EXPECT_EQ(c.get("/api", "dave-token").status, 401u);
  srv_->add_token({.token = "dave-token", .user = {.name = "dave"}});
  EXPECT_EQ(whoami(c, "dave-token")["username"], "dave");
  EXPECT_EQ(c.get("/api", "dave-token").status, 200u) << "system:discovery";
  EXPECT_EQ(c.get("/api/v1/nodes", "dave-token").status, 403u);
  // A TokenReview (by the admin) tells which tokens are good.
  auto tr = c.post("/apis/authentication.k8s.io/v1/tokenreviews", "admin-token",
                   {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenReview"}, {"spec", {{"token", "dave-token"}}}});
  ASSERT_EQ(tr.status, 201u) << tr.body;
  EXPECT_EQ(json::parse(tr.body)["status"]["authenticated"], true);
  EXPECT_EQ(json::parse(tr.body)["status"]["user"]["username"], "dave");
  EXPECT_EQ(c.post("/apis/authentication.k8s.io/v1/tokenreviews", "dave-token", {{"spec", {{"token", "x"}}}}).status,
            403u);
}

TEST(tls_rbac, add_token_needs_authentication) {
  ktk::apiserver::registry reg;
  ktk::apiserver::server srv(reg, {});
  EXPECT_THROW(srv.add_token({.token = "t", .user = {.name = "u"}}), std::logic_error);
}

}  // namespace
