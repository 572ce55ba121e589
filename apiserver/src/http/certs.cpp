// certs.cpp — CA, serving and client certificates with OpenSSL 3.
#include "ktk/apiserver/certs.hpp"

#include <random>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

namespace ktk::apiserver {

namespace {

template <auto Free>
struct deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using key_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using cert_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free>>;

void check(int ok, const char* what) {
  if (ok <= 0) throw std::runtime_error(std::string("ktk: generating certificates: ") + what + " failed");
}

key_ptr new_key() {
  key_ptr k(EVP_EC_gen("P-256"));
  if (!k) throw std::runtime_error("ktk: generating certificates: EVP_EC_gen failed");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("ktk: generating certificates: extension " + value);
  check(X509_add_ext(cert, ext, -1), "X509_add_ext");
  X509_EXTENSION_free(ext);
}

cert_ptr new_cert(EVP_PKEY* key, const std::string& cn, const std::vector<std::string>& orgs, X509* issuer) {
  cert_ptr c(X509_new());
  check(X509_set_version(c.get(), 2), "X509_set_version");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  check(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get())) != nullptr, "BN_to_ASN1_INTEGER");
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), 365L * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(c.get());
  for (const auto& org : orgs) {
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(org.c_str()), -1,
                                     -1, 0),
          "X509_NAME_add_entry_by_txt");
  }
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                   -1, 0),
        "X509_NAME_add_entry_by_txt");
  check(X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name), "X509_set_issuer_name");
  check(X509_set_pubkey(c.get(), key), "X509_set_pubkey");
  return c;
}

std::string pem_of(X509* c) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(b.get(), c), "PEM_write_bio_X509");
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string public_pem_of(EVP_PKEY* k) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PUBKEY(b.get(), k), "PEM_write_bio_PUBKEY");
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

cert_ptr read_cert(const std::string& pem) {
  bio_ptr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  cert_ptr c(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  if (!c) throw std::runtime_error("ktk: certificates: cannot read the CA certificate");
  return c;
}

key_ptr read_key(const std::string& pem) {
  bio_ptr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  key_ptr k(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr));
  if (!k) throw std::runtime_error("ktk: certificates: cannot read the CA key");
  return k;
}

std::string pem_of(EVP_PKEY* k) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

generated_certs generate_certs(const std::vector<std::string>& hosts) {
  auto ca_key = new_key();
  auto ca = new_cert(ca_key.get(), "ktk-ca", {}, nullptr);
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()), "X509_sign (CA)");

  auto server_key = new_key();
  auto server = new_cert(server_key.get(), "ktk-apiserver", {}, ca.get());
  std::string san;
  for (const auto& h : hosts) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(h, ec);
    if (!san.empty()) san += ",";
    san += (ec ? "DNS:" : "IP:") + h;
  }
  if (san.empty()) san = "IP:127.0.0.1,DNS:localhost";
  add_ext(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_ext(server.get(), ca.get(), NID_subject_alt_name, san);
  check(X509_sign(server.get(), ca_key.get(), EVP_sha256()), "X509_sign (server)");

  generated_certs out{pem_of(ca.get()),     pem_of(ca_key.get()), pem_of(server.get()),
                      pem_of(server_key.get()), "",                  ""};
  auto admin = issue_client_certificate(out, "ktk-admin", {"system:masters"});
  out.client_cert = std::move(admin.cert);
  out.client_key = std::move(admin.key);
  auto sa_key = new_key();
  out.service_account_key = pem_of(sa_key.get());
  out.service_account_public_key = public_pem_of(sa_key.get());
  return out;
}

client_certificate issue_client_certificate(const generated_certs& pki, const std::string& user,
                                            const std::vector<std::string>& groups) {
  auto ca = read_cert(pki.ca_cert);
  auto ca_key = read_key(pki.ca_key);
  auto key = new_key();
  auto cert = new_cert(key.get(), user, groups, ca.get());
  add_ext(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(cert.get(), ca.get(), NID_ext_key_usage, "clientAuth");
  check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()), "X509_sign (client)");
  return {pem_of(cert.get()), pem_of(key.get())};
}

std::string random_token(std::size_t bytes) {
  std::random_device rd;
  std::string t;
  t.reserve(bytes * 2);
  const char* hex = "0123456789abcdef";
  for (std::size_t i = 0; i < bytes; ++i) {
    auto b = rd() & 0xff;
    t.push_back(hex[b >> 4]);
    t.push_back(hex[b & 15]);
  }
  return t;
}

}  // namespace ktk::apiserver
