// SHA-256 for storageVersionHash, from OpenSSL's libcrypto (the library links it for TLS).
#include <openssl/sha.h>

#include "discovery_detail.hpp"

namespace ktk::apiserver::http::discovery::detail {

std::string sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace ktk::apiserver::http::discovery::detail
