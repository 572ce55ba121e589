// auth/authenticator.hpp — private: bearer tokens and client certificates → user_info.
//
// Tokens can be added while the server runs (envtest's add_user). Service account
// tokens (JWTs from serviceaccounts/{name}/token) are checked by the registry that
// issued them, on every request, so a deleted service account or bound Pod ends them
// at once. Every identity it hands out carries system:authenticated. With authentication off every request acts
// as system:admin in system:masters, which is what a plain `ktk serve` has always let
// a client do.
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ktk/apiserver/auth.hpp"
#include "ktk/apiserver/registry.hpp"

namespace ktk::apiserver::auth {

using user_ptr = std::shared_ptr<const user_info>;

class authenticator {
 public:
  // `admin_tokens` act as "admin" in system:masters; `users` as themselves.
  authenticator(const std::vector<std::string>& admin_tokens, const std::vector<token_user>& users,
                bool client_certificates);

  // Authentication is on: a request without valid credentials gets 401.
  bool enabled() const { return enabled_; }
  bool client_certificates() const { return client_certificates_; }

  // The identity of a token; null when the token is unknown.
  user_ptr by_token(std::string_view token) const;
  // As by_token, for a TokenReview: the audiences the token is good for among
  // `audiences` (the issuer when empty; a static token is good for the issuer only),
  // or why not (empty when there is nothing to say, as for a token of another audience).
  struct review_answer {
    user_ptr user{};
    std::vector<std::string> audiences{};
    std::string error{};
  };
  review_answer review(std::string_view token, const std::vector<std::string>& audiences) const;
  // Service account tokens are those `reg` issued (null: none are accepted). `reg`
  // must outlive this.
  void accept_service_account_tokens(const registry* reg) { service_accounts_ = reg; }
  // The token of an "Authorization: Bearer TOKEN" header value; empty when it is not one.
  static std::string_view bearer(std::string_view authorization);
  // A verified client certificate's subject: CN → name, each O → a group.
  static user_ptr from_certificate(std::string common_name, std::vector<std::string> organizations);
  // The identity of every request when authentication is off.
  static const user_ptr& unauthenticated_admin();

  // Adds or replaces a token. Throws std::logic_error when authentication is off (the
  // server would not ask for it).
  void add(const token_user& u);

 private:
  bool enabled_;
  bool client_certificates_;
  const registry* service_accounts_ = nullptr;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, user_ptr> tokens_;  // guarded by mu_
};

// `u` with system:authenticated added unless it names it or system:unauthenticated.
user_info with_authenticated(user_info u);

}  // namespace ktk::apiserver::auth
