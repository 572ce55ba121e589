// ktk/apiserver/auth.hpp — who a request comes from, and whether it may do what it asks.
//
// The server authenticates a request by bearer token or by a client certificate (the
// subject's CN is the user, its O entries the groups), as kube-apiserver does, and
// then, with authorization_mode::rbac, checks it against the Roles, ClusterRoles and
// their bindings stored in the registry. Members of system:masters may do anything.
//
//   ktk::apiserver::server_options o;
//   o.auth.users = {{.token = "t-alice", .user = {.name = "alice", .groups = {"devs"}}}};
//   o.authorization = ktk::apiserver::authorization_mode::rbac;
//   // or: o.auth.users = ktk::apiserver::read_token_file("tokens.csv");
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktk::apiserver {

// user.Info: the identity a request acts as.
struct user_info {
  std::string name{};
  std::string uid{};
  std::vector<std::string> groups{};
  std::map<std::string, std::vector<std::string>> extra{};

  bool in_group(std::string_view g) const {
    for (const auto& x : groups) {
      if (x == g) return true;
    }
    return false;
  }
};

// The groups and names kube-apiserver gives meaning to.
namespace groups {
inline constexpr const char* masters = "system:masters";  // allowed everything
inline constexpr const char* authenticated = "system:authenticated";
inline constexpr const char* unauthenticated = "system:unauthenticated";
}  // namespace groups

// A bearer token and the identity it authenticates as (system:authenticated is added).
struct token_user {
  std::string token{};
  user_info user{};
};

// kube-apiserver's --token-auth-file: one `token,user,uid[,"group1,group2"]` per line;
// blank lines and lines starting with '#' are skipped. Throws std::runtime_error naming
// the file and line on a malformed line (fewer than three fields, an empty token or
// user, a token given twice) or when the file cannot be read.
std::vector<token_user> read_token_file(const std::filesystem::path& file);
std::vector<token_user> parse_token_file(std::string_view text, const std::string& source_name);

enum class authorization_mode {
  always_allow,  // every authenticated request may do anything (the default)
  rbac,          // Roles and bindings decide; system:masters may do anything
};

// kube-apiserver's --authorization-mode list ("Node,RBAC"): rbac when it names RBAC;
// always_allow for "AlwaysAllow" (or ""). nullopt when it names an unknown mode or only
// modes ktk does not have (Node, Webhook, ABAC, AlwaysDeny): a launcher should fail then
// rather than run with authorization silently off.
std::optional<authorization_mode> authorization_mode_from_flag(std::string_view flag);

}  // namespace ktk::apiserver
