// authenticator.cpp — token and certificate identities.
#include "auth/authenticator.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace ktk::apiserver::auth {

user_info with_authenticated(user_info u) {
  if (!u.in_group(groups::authenticated) && !u.in_group(groups::unauthenticated)) {
    u.groups.emplace_back(groups::authenticated);
  }
  return u;
}

authenticator::authenticator(const std::vector<std::string>& admin_tokens, const std::vector<token_user>& users,
                             bool client_certificates)
    : enabled_(!admin_tokens.empty() || !users.empty() || client_certificates),
      client_certificates_(client_certificates) {
  auto admin = std::make_shared<const user_info>(with_authenticated({.name = "admin", .groups = {groups::masters}}));
  for (const auto& t : admin_tokens) tokens_[t] = admin;
  for (const auto& u : users) tokens_[u.token] = std::make_shared<const user_info>(with_authenticated(u.user));
}

namespace {

// Three base64url parts: what a JWT looks like (a static token may look so too; the
// static table is asked first).
bool looks_like_jwt(std::string_view token) { return std::count(token.begin(), token.end(), '.') == 2; }

}  // namespace

user_ptr authenticator::by_token(std::string_view token) const {
  if (token.empty()) return nullptr;
  {
    std::shared_lock lock(mu_);
    auto it = tokens_.find(std::string(token));
    if (it != tokens_.end()) return it->second;
  }
  if (service_accounts_ == nullptr || !looks_like_jwt(token)) return nullptr;
  auto r = service_accounts_->review_token(token);
  if (!r) return nullptr;
  return std::make_shared<const user_info>(with_authenticated(std::move(r->user)));
}

authenticator::review_answer authenticator::review(std::string_view token,
                                                   const std::vector<std::string>& audiences) const {
  if (token.empty()) return {.error = "token is empty"};
  {
    std::shared_lock lock(mu_);
    if (auto it = tokens_.find(std::string(token)); it != tokens_.end()) {
      // A static token is good for the server's own audience only (kube wraps such
      // authenticators with the API audiences): asked about others, it is not one.
      if (service_accounts_ == nullptr) return {.user = it->second, .audiences = audiences};
      const std::string& own = service_accounts_->service_account_issuer();
      if (!audiences.empty() && std::find(audiences.begin(), audiences.end(), own) == audiences.end()) return {};
      return {.user = it->second, .audiences = {own}};
    }
  }
  if (service_accounts_ == nullptr || !looks_like_jwt(token)) return {.error = "invalid bearer token"};
  auto r = service_accounts_->review_token(token, audiences);
  if (!r) return {.error = r.error().message()};
  return {.user = std::make_shared<const user_info>(with_authenticated(std::move(r->user))),
          .audiences = std::move(r->audiences)};
}

std::string_view authenticator::bearer(std::string_view authorization) {
  constexpr std::string_view prefix = "bearer ";
  if (authorization.size() <= prefix.size()) return {};
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return {};
  }
  auto token = authorization.substr(prefix.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

user_ptr authenticator::from_certificate(std::string common_name, std::vector<std::string> organizations) {
  if (common_name.empty()) return nullptr;  // kube: "x509: subject with cn= is not allowed"
  return std::make_shared<const user_info>(
      with_authenticated({.name = std::move(common_name), .groups = std::move(organizations)}));
}

const user_ptr& authenticator::unauthenticated_admin() {
  static const user_ptr admin = std::make_shared<const user_info>(
      user_info{.name = "system:admin", .groups = {groups::masters, groups::authenticated}});
  return admin;
}

void authenticator::add(const token_user& u) {
  if (!enabled_) throw std::logic_error("server::add_token: the server was started without authentication");
  if (u.token.empty() || u.user.name.empty()) throw std::invalid_argument("server::add_token: empty token or user name");
  auto p = std::make_shared<const user_info>(with_authenticated(u.user));
  std::unique_lock lock(mu_);
  tokens_[u.token] = std::move(p);
}

}  // namespace ktk::apiserver::auth
