// kubeconfig_load.cpp — which kubeconfig files are read and how they merge (client-go's
// ClientConfigLoadingRules), and controller-runtime's order of places to look.
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <set>
#include <system_error>

#include "ktk/client/rest/in_cluster.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "kubeconfig_detail.hpp"

namespace ktk::client::rest {

namespace detail {

std::optional<std::string> lookup_env(const environment& env, const std::string& name) {
  if (env) {
    auto it = env->find(name);
    if (it == env->end()) return std::nullopt;
    return it->second;
  }
  const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): documented
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::string read_file(const std::filesystem::path& path, std::string_view what) {
  auto fail = [&](int err) {
    throw config_error(path.string(), 0,
                       "cannot read " + std::string(what) + ": " + std::system_category().message(err));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(errno);
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      fail(err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n\f\v";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(ws) - b + 1));
}

}  // namespace detail

namespace {

std::optional<std::string> home_dir(const environment& env) {
  if (auto h = detail::lookup_env(env, "HOME")) return h;
  if (env) return std::nullopt;  // an injected environment is the whole story
  // controller-runtime falls back to the passwd entry when HOME is unset.
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::string buf(16384, '\0');
  if (::getpwuid_r(::getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr && pw.pw_dir != nullptr)
    return std::string(pw.pw_dir);
  return std::nullopt;
}

bool is_empty(const kubeconfig& kc) {
  return kc.clusters.empty() && kc.users.empty() && kc.contexts.empty() && kc.current_context.empty();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

kubeconfig load_kubeconfig_file(const std::filesystem::path& path) {
  const std::string text = detail::read_file(path, "the kubeconfig");
  std::error_code ec;
  auto dir = std::filesystem::absolute(path, ec).parent_path();
  if (ec) throw config_error(path.string(), 0, "cannot make the path absolute: " + ec.message());
  kubeconfig kc = parse_kubeconfig(text, path.string(), dir);
  kc.files = {path.string()};
  return kc;
}

void merge_kubeconfig(kubeconfig& into, const kubeconfig& next) {
  // map::insert keeps an existing entry whole: the first file to name it wins.
  into.clusters.insert(next.clusters.begin(), next.clusters.end());
  into.users.insert(next.users.begin(), next.users.end());
  into.contexts.insert(next.contexts.begin(), next.contexts.end());
  if (into.current_context.empty()) into.current_context = next.current_context;
  into.files.insert(into.files.end(), next.files.begin(), next.files.end());
}

std::vector<std::string> kubeconfig_precedence(const config_options& opts) {
  if (!opts.kubeconfig_path.empty()) return {opts.kubeconfig_path};
  std::vector<std::string> out;
  if (auto list = detail::lookup_env(opts.env, "KUBECONFIG"); list && !list->empty()) {
    std::set<std::string> seen;
    std::size_t start = 0;
    for (;;) {
      const auto colon = list->find(':', start);
      std::string item = list->substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!item.empty() && seen.insert(item).second) out.push_back(std::move(item));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    return out;
  }
  if (auto home = home_dir(opts.env); home && !home->empty())
    out.push_back((std::filesystem::path(*home) / ".kube" / "config").string());
  return out;
}

kubeconfig load_kubeconfig_files(const config_options& opts) {
  if (!opts.kubeconfig_path.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(opts.kubeconfig_path, ec))
      throw config_error(opts.kubeconfig_path, 0, "the kubeconfig file given does not exist");
    return load_kubeconfig_file(opts.kubeconfig_path);
  }
  kubeconfig merged;
  for (const auto& file : kubeconfig_precedence(opts)) {
    std::error_code ec;
    const auto st = std::filesystem::status(file, ec);
    if (st.type() == std::filesystem::file_type::not_found) continue;  // missing files are skipped
    merge_kubeconfig(merged, load_kubeconfig_file(file));
  }
  return merged;
}

resolved_config load_kubeconfig(const config_options& opts) {
  kubeconfig kc = load_kubeconfig_files(opts);
  if (kc.files.empty()) {
    const auto tried = kubeconfig_precedence(opts);
    throw config_error("", 0,
                       tried.empty() ? "no kubeconfig found: KUBECONFIG and HOME are not set"
                                     : "no kubeconfig found (looked for " + join(tried) + ")");
  }
  return resolve_config(kc, opts);
}

resolved_config load_default_config(const config_options& opts) {
  const in_cluster_options ic{.env = opts.env, .service_account_dir = opts.service_account_dir};
  auto from_cluster = [&] {
    resolved_config r = in_cluster_config(ic);
    if (!opts.namespace_.empty()) r.namespace_ = opts.namespace_;
    return r;
  };
  resolved_config r;
  const auto kubeconfig_env = detail::lookup_env(opts.env, "KUBECONFIG");
  if (!opts.kubeconfig_path.empty()) {
    r = load_kubeconfig(opts);
  } else if (kubeconfig_env && !kubeconfig_env->empty()) {
    // client-go's deferred loader: an empty result gives way to the in-cluster config.
    kubeconfig kc = load_kubeconfig_files(opts);
    if (is_empty(kc) && in_cluster_possible(ic)) {
      r = from_cluster();
    } else if (kc.files.empty()) {
      throw config_error("", 0,
                         "no kubeconfig found (KUBECONFIG=" + *kubeconfig_env + ") and not running in a cluster");
    } else {
      r = resolve_config(kc, opts);
    }
  } else {
    std::string cluster_error;
    try {
      r = from_cluster();
    } catch (const config_error& e) {
      cluster_error = e.what();
    }
    if (!r.in_cluster) {
      kubeconfig kc = load_kubeconfig_files(opts);
      if (kc.files.empty()) {
        const auto tried = kubeconfig_precedence(opts);
        throw config_error("", 0,
                           "no configuration found: KUBECONFIG is not set, not in a cluster (" + cluster_error +
                               "), and " +
                               (tried.empty() ? std::string("HOME is not set") : join(tried) + " does not exist"));
      }
      r = resolve_config(kc, opts);
    }
  }
  r.config.qps = -1;  // controller-runtime leaves throttling to API priority and fairness
  return r;
}

}  // namespace ktk::client::rest
