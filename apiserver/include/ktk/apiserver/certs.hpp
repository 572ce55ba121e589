// ktk/apiserver/certs.hpp — a throw-away PKI for a test API server.
//
// `generate_certs` makes what `ktk serve --tls` and the envtest environment need at
// start: a CA, a serving certificate for the hosts clients dial (127.0.0.1,
// localhost, ...), and a client certificate (CN ktk-admin, O system:masters) that
// the server accepts. ECDSA P-256, valid for a year, all in PEM.
//
//   auto pki = ktk::apiserver::generate_certs({"127.0.0.1", "localhost"});
//   srv_opts.tls = ktk::apiserver::tls_config{pki.server_cert, pki.server_key, pki.ca_cert};
#pragma once

#include <string>
#include <vector>

namespace ktk::apiserver {

struct generated_certs {
  std::string ca_cert{};  // PEM
  std::string ca_key{};
  std::string server_cert{};
  std::string server_key{};
  std::string client_cert{};  // CN=ktk-admin, O=system:masters
  std::string client_key{};
  // A key pair for signing service-account tokens (kube-apiserver's
  // --service-account-signing-key-file / --service-account-key-file).
  std::string service_account_key{};       // private, PEM
  std::string service_account_public_key{};  // public, PEM
};

struct client_certificate {
  std::string cert{};  // PEM
  std::string key{};
};

// `hosts` become the serving certificate's subjectAltNames (IP addresses as IP
// entries, anything else as DNS names). Throws std::runtime_error naming the OpenSSL
// call that failed.
generated_certs generate_certs(const std::vector<std::string>& hosts);

// A client certificate the CA of `pki` signs: CN = user, one O per group — how
// kube-apiserver reads a user's name and groups from a certificate.
client_certificate issue_client_certificate(const generated_certs& pki, const std::string& user,
                                            const std::vector<std::string>& groups);

// `bytes` random bytes from the kernel's generator, as lower-case hex: bearer tokens.
std::string random_token(std::size_t bytes = 16);

}  // namespace ktk::apiserver
