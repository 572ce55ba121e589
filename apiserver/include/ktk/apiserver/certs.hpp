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
  std::string ca_cert;  // PEM
  std::string ca_key;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;  // CN=ktk-admin, O=system:masters
  std::string client_key;
};

// `hosts` become the serving certificate's subjectAltNames (IP addresses as IP
// entries, anything else as DNS names). Throws std::runtime_error naming the OpenSSL
// call that failed.
generated_certs generate_certs(const std::vector<std::string>& hosts);

}  // namespace ktk::apiserver
