// auth/token_signer.hpp — private: the key that signs service account tokens and checks
// them, as kube-apiserver's --service-account-signing-key-file and --service-account-key-file.
//
// A token is a compact JWS (RFC 7515): base64url(header) "." base64url(claims) "."
// base64url(signature), signed ES256 with a P-256 key or RS256 with an RSA key. The
// header names the key by its id, which is what kube-apiserver uses too: the unpadded
// base64url SHA-256 of the public key's DER (SubjectPublicKeyInfo).
//
// With no key given, a P-256 key is made the first time one is needed (a few hundred
// microseconds; registries that never issue a token never pay for it).
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ktk/core/json.hpp"

namespace ktk::apiserver::auth {

class token_signer {
 public:
  // `private_key_pem`: a PEM private key (EC P-256 or RSA of at least 2048 bits); empty
  // = make one on first use. Throws std::invalid_argument naming what is wrong with it.
  explicit token_signer(std::string_view private_key_pem = {});
  ~token_signer();
  token_signer(const token_signer&) = delete;
  token_signer& operator=(const token_signer&) = delete;

  // The signed token carrying `claims`.
  std::string sign(const core::json& claims) const;
  // The claims of a token this key signed; nullopt when it is not a JWS, names another
  // algorithm or key, or its signature does not verify.
  std::optional<core::json> verify(std::string_view token) const;
  // The public key as a JSON Web Key Set (/openid/v1/jwks).
  core::json jwks() const;
  // "ES256" or "RS256".
  std::string algorithm() const;

 private:
  struct key;
  const key& get_key() const;

  std::string pem_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<key> key_;
  // Tokens whose signature has been checked, with their claims: a request's token is
  // verified once, not on every request (an ECDSA check costs tens of microseconds).
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, core::json> verified_;  // guarded by cache_mu_
};

// Unpadded base64url (RFC 4648 §5), as JWS uses.
std::string base64url_encode(std::string_view in);
// nullopt on characters outside the alphabet or an impossible length; padding is refused.
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace ktk::apiserver::auth
