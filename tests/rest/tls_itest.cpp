// tls_itest.cpp — rest_client over HTTPS: CA verification (and a wrong CA failing
// clearly), insecure skip, tls_server_name, bearer tokens (and token files that
// rotate), client certificates, 401 without credentials, and a watch over TLS.
#include "rest_fixture.hpp"

#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "ktk/apiserver/certs.hpp"

namespace {

using namespace ktk::client::rest::testing;
using ktk::client::rest::rest_client;
using ktk::client::rest::rest_config;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A temporary directory removed at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("ktk-rest-tls-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

const ktk::apiserver::generated_certs& pki() {
  static const auto p = ktk::apiserver::generate_certs({"127.0.0.1", "localhost"});
  return p;
}

class tls_test : public rest_test {
 protected:
  void SetUp() override {
    start({}, {.tls = ktk::apiserver::tls_config{pki().server_cert, pki().server_key, pki().ca_cert},
               .auth = {.tokens = {"good-token"}, .client_certificates = true}});
  }
  rest_config config() override {
    return {.server = srv_->url(),
            .certificate_authority_pem = pki().ca_cert,
            .bearer_token = "good-token",
            .qps = 0,
            .timeout = std::chrono::seconds(30)};
  }
  rest_config bare() {
    auto cfg = config();
    cfg.bearer_token.clear();
    return cfg;
  }
};

TEST_F(tls_test, the_server_certificate_verifies_against_the_ca) {
  EXPECT_THAT(srv_->url(), StartsWith("https://127.0.0.1:"));
  auto r = c().get(namespace_kind, {"", "default"});
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(c().create(cm("default", "over-tls")));
  EXPECT_TRUE(c().get(configmap_kind, {"default", "over-tls"}));
  auto v = c().discovery().server_version();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->git_version.empty());
}

TEST_F(tls_test, a_wrong_ca_fails_with_a_clear_error) {
  auto other = ktk::apiserver::generate_certs({"127.0.0.1"});
  auto cfg = config();
  cfg.certificate_authority_pem = other.ca_cert;
  rest_client wrong(cfg);
  auto r = wrong.get(namespace_kind, {"", "default"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 0);
  EXPECT_THAT(r.error().message(), StartsWith("Get \"" + srv_->url() + "/api"));
  EXPECT_THAT(r.error().message(),
              HasSubstr("tls: failed to verify certificate: x509: certificate signed by unknown authority"));
}

TEST_F(tls_test, the_system_trust_store_does_not_know_a_test_ca) {
  auto cfg = config();
  cfg.certificate_authority_pem.clear();
  rest_client system(cfg);
  auto r = system.get(namespace_kind, {"", "default"});
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(), HasSubstr("tls: failed to verify certificate"));
}

TEST_F(tls_test, insecure_skip_tls_verify_needs_no_ca) {
  auto cfg = config();
  cfg.certificate_authority_pem.clear();
  cfg.insecure_skip_tls_verify = true;
  rest_client insecure(cfg);
  EXPECT_TRUE(insecure.get(namespace_kind, {"", "default"}));
}

TEST_F(tls_test, tls_server_name_is_the_name_checked) {
  auto cfg = config();
  cfg.tls_server_name = "localhost";
  EXPECT_TRUE(rest_client(cfg).get(namespace_kind, {"", "default"}));
  cfg.tls_server_name = "wrong.example.com";
  auto r = rest_client(cfg).get(namespace_kind, {"", "default"});
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(),
              HasSubstr("tls: failed to verify certificate: x509: certificate is not valid for wrong.example.com"));
}

TEST(tls_server_name, a_certificate_for_a_dns_name_only_needs_it) {
  auto named = ktk::apiserver::generate_certs({"kube.test"});
  ktk::apiserver::registry reg;
  ktk::apiserver::server srv(reg, {.tls = ktk::apiserver::tls_config{named.server_cert, named.server_key, named.ca_cert}});
  srv.start();
  rest_config cfg{.server = srv.url(), .certificate_authority_pem = named.ca_cert, .qps = 0,
                  .timeout = std::chrono::seconds(30)};
  auto by_ip = rest_client(cfg).get(namespace_kind, {"", "default"});
  ASSERT_FALSE(by_ip);
  EXPECT_THAT(by_ip.error().message(), HasSubstr("x509: certificate is not valid for 127.0.0.1"));
  cfg.tls_server_name = "kube.test";
  auto by_name = rest_client(cfg).get(namespace_kind, {"", "default"});
  EXPECT_TRUE(by_name) << by_name.error().message();
}

TEST_F(tls_test, without_credentials_the_answer_is_401_unauthorized) {
  rest_client anonymous(bare());
  auto r = anonymous.get(namespace_kind, {"", "default"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 401);
  EXPECT_EQ(r.error().reason(), "Unauthorized");
  auto cfg = config();
  cfg.bearer_token = "bad-token";
  auto bad = rest_client(cfg).get(namespace_kind, {"", "default"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), 401);
}

TEST_F(tls_test, a_token_file_is_read_again_when_it_changes) {
  temp_dir dir;
  auto file = dir.path() / "token";
  write_file(file, "bad\n");
  auto cfg = bare();
  cfg.bearer_token_file = file.string();
  rest_client client(cfg);
  EXPECT_EQ(client.get(namespace_kind, {"", "default"}).error().code(), 401);
  write_file(file, "good-token\n");
  // A rewrite within the clock's granularity keeps the mtime; the size changed anyway.
  auto r = client.get(namespace_kind, {"", "default"});
  EXPECT_TRUE(r) << r.error().message();
}

TEST_F(tls_test, a_client_certificate_authenticates) {
  auto cfg = bare();
  cfg.client_certificate_pem = pki().client_cert;
  cfg.client_key_pem = pki().client_key;
  rest_client with_cert(cfg);
  auto r = with_cert.get(namespace_kind, {"", "default"});
  EXPECT_TRUE(r) << r.error().message();
}

TEST_F(tls_test, a_bad_client_key_is_rejected_at_construction) {
  auto cfg = bare();
  cfg.client_certificate_pem = pki().client_cert;
  cfg.client_key_pem = "garbage";
  EXPECT_THROW(rest_client{cfg}, std::invalid_argument);
}

TEST_F(tls_test, watch_over_tls) {
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0"});
  ASSERT_TRUE(w) << w.error().message();
  ASSERT_TRUE(c().create(cm("default", "watched")));
  std::vector<ktk::client::watch_event> evs;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (evs.empty() && std::chrono::steady_clock::now() < until) evs = (*w)->next({}, until);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].object->name(), "watched");
}

TEST_F(tls_test, a_watch_without_credentials_is_401) {
  rest_client anonymous(bare());
  // Discovery is the first thing to fail.
  auto w = anonymous.watch(configmap_kind);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code(), 401);
}

}  // namespace
