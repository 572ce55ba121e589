// auth.cpp — kube-apiserver's --token-auth-file format (CSV) and --authorization-mode.
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "ktk/apiserver/auth.hpp"

namespace ktk::apiserver {
namespace {

// One CSV record: fields split on ',', a field in double quotes may hold ',' and "".
std::vector<std::string> csv_fields(std::string_view line, bool& ok) {
  std::vector<std::string> out(1);
  bool quoted = false;
  ok = true;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"' && out.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  if (quoted) ok = false;
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::vector<token_user> parse_token_file(std::string_view text, const std::string& source_name) {
  std::vector<token_user> out;
  std::set<std::string> seen;
  std::size_t line_no = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    std::string t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    auto where = source_name + ":" + std::to_string(line_no) + ": ";
    bool ok = true;
    auto f = csv_fields(t, ok);
    if (!ok) throw std::runtime_error(where + "unterminated quoted field");
    if (f.size() < 3) {
      throw std::runtime_error(where + "must have at least 3 columns (token, user name, user uid), found " +
                               std::to_string(f.size()));
    }
    token_user u{.token = trim(f[0]), .user = {.name = trim(f[1]), .uid = trim(f[2])}};
    if (u.token.empty()) throw std::runtime_error(where + "empty token");
    if (u.user.name.empty()) throw std::runtime_error(where + "empty user name");
    if (!seen.insert(u.token).second) throw std::runtime_error(where + "this token is already given on an earlier line");
    if (f.size() >= 4) {
      std::string_view g = f[3];
      while (!g.empty()) {
        auto c = g.find(',');
        auto one = trim(g.substr(0, c));
        if (!one.empty()) u.user.groups.push_back(std::move(one));
        g = c == std::string_view::npos ? std::string_view{} : g.substr(c + 1);
      }
    }
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<token_user> read_token_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read the token file");
  std::ostringstream s;
  s << in.rdbuf();
  return parse_token_file(s.str(), file.string());
}

std::optional<authorization_mode> authorization_mode_from_flag(std::string_view flag) {
  bool rbac = false, always_allow = false, other = false;
  while (!flag.empty()) {
    auto c = flag.find(',');
    auto one = trim(flag.substr(0, c));
    flag = c == std::string_view::npos ? std::string_view{} : flag.substr(c + 1);
    if (one == "RBAC") {
      rbac = true;
    } else if (one == "AlwaysAllow") {
      always_allow = true;
    } else if (one == "Node" || one == "Webhook" || one == "ABAC" || one == "AlwaysDeny") {
      other = true;
    } else {
      return std::nullopt;
    }
  }
  if (rbac) return authorization_mode::rbac;
  if (always_allow || !other) return authorization_mode::always_allow;
  return std::nullopt;
}

}  // namespace ktk::apiserver
