// etcd_server.cpp — etcd as a child: ports, flags, readiness by GET /health, retries
// after a lost port.
#include "ktk/envtest/etcd_server.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "ktk/envtest/binaries.hpp"
#include "ktk/envtest/process.hpp"
#include "net_util.hpp"
#include "temp_dir.hpp"

namespace ktk::envtest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr const char* host = "127.0.0.1";
constexpr auto poll_interval = 25ms;
constexpr auto probe_timeout = 500ms;

std::string url(std::uint16_t port) { return "http://" + std::string(host) + ":" + std::to_string(port); }

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string with_tail(std::string message, const std::string& tail) {
  if (tail.empty()) return message;
  return message + "; its output ends with:\n" + tail;
}

// Whether `etcd --help` mentions --unsafe-no-fsync (etcd ≥ 3.5); asked once per binary.
bool supports_unsafe_no_fsync(const fs::path& binary, const fs::path& scratch,
                              clock_type::time_point deadline) {
  static std::mutex mu;
  static std::map<std::string, bool> cache;  // guarded by mu
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(binary.string()); it != cache.end()) return it->second;
  }
  bool supported = false;
  {
    process help({.binary = binary,
                  .args = {"--help"},
                  .name = "etcd-help",
                  .output_dir = scratch,
                  .stop_timeout = 1s});
    help.wait_for_exit(std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - clock_type::now()),
                                  0ms, std::chrono::milliseconds(10s)));
    help.stop();
    supported = (read_all(help.stdout_path()) + read_all(help.stderr_path())).find("unsafe-no-fsync") !=
                std::string::npos;
  }
  std::lock_guard lock(mu);
  cache.emplace(binary.string(), supported);
  return supported;
}

bool healthy(std::uint16_t port, std::chrono::milliseconds timeout) {
  auto resp = detail::http_get(host, port, "/health", timeout);
  return resp && resp->status == 200 && resp->body.find("\"health\":\"true\"") != std::string::npos;
}

}  // namespace

struct etcd_server::state {
  etcd_options opts;
  std::optional<process> child;
  // Output files and, unless given, the data dir: a temp dir, or "<data_dir>.output".
  fs::path scratch;
  fs::path data_dir;
  std::uint16_t client_port = 0;

  // Starts one child; returns it healthy, or nullopt after a bind failure (it is
  // stopped then). Throws start_error otherwise.
  std::optional<process> attempt(const fs::path& binary, bool no_fsync, std::uint16_t client,
                                 std::uint16_t peer, bool may_retry, clock_type::time_point deadline);
  void cleanup() noexcept;
};

std::optional<process> etcd_server::state::attempt(const fs::path& binary, bool no_fsync,
                                                   std::uint16_t client, std::uint16_t peer,
                                                   bool may_retry, clock_type::time_point deadline) {
  if (opts.data_dir.empty()) {
    // A failed attempt may have begun a member with other peer URLs: start afresh.
    detail::remove_tree(data_dir);
    fs::create_directories(data_dir);
  }
  std::vector<std::string> args = {
      "--name", "default",
      "--data-dir", data_dir.string(),
      "--listen-client-urls", url(client),
      "--advertise-client-urls", url(client),
      "--listen-peer-urls", url(peer),
      "--initial-advertise-peer-urls", url(peer),
      "--initial-cluster", "default=" + url(peer),
      "--initial-cluster-state", "new",
  };
  if (no_fsync) args.emplace_back("--unsafe-no-fsync");
  args.insert(args.end(), opts.extra_args.begin(), opts.extra_args.end());
  process p({.binary = binary,
             .args = std::move(args),
             .name = "etcd",
             .output_dir = scratch,
             .attach_output = opts.attach_output,
             .stop_timeout = opts.stop_timeout});
  for (;;) {
    if (!p.running()) {
      const std::string tail = p.output_tail();
      if (may_retry && is_bind_failure(tail)) return std::nullopt;
      throw start_error(with_tail("etcd (" + binary.string() + ") " + p.status()->describe() +
                                      " during start on " + url(client),
                                  tail));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left <= 0ms) {
      p.stop();
      throw start_error(with_tail("etcd (" + binary.string() + ") did not answer GET " + url(client) +
                                      "/health within " + std::to_string(opts.start_timeout.count()) + "ms",
                                  p.output_tail()));
    }
    if (healthy(client, std::min(left, std::chrono::milliseconds(probe_timeout)))) return p;
    // Doubles as the poll interval, and returns at once when the child exits.
    p.wait_for_exit(std::min(left, std::chrono::milliseconds(poll_interval)));
  }
}

void etcd_server::state::cleanup() noexcept {
  child.reset();  // stops it
  if (opts.data_dir.empty()) detail::remove_tree(data_dir);
  detail::remove_tree(scratch);
  scratch.clear();
  client_port = 0;
}

etcd_server::etcd_server(etcd_options opts) : s_(std::make_unique<state>()) { s_->opts = std::move(opts); }

etcd_server::~etcd_server() { stop(); }

void etcd_server::start() {
  if (s_->child && s_->child->running()) return;
  stop();
  const auto deadline = clock_type::now() + s_->opts.start_timeout;
  fs::path binary = s_->opts.binary;
  if (binary.empty()) {
    auto found = find_binary("etcd");
    if (!found) {
      std::string msg = "etcd: no binary found; looked in:";
      for (const auto& place : binary_search_places("etcd")) msg += "\n  " + place;
      throw start_error(msg);
    }
    binary = *found;
  }
  try {
    if (s_->opts.data_dir.empty()) {
      s_->scratch = detail::make_temp_dir("ktk-etcd-");
      s_->data_dir = s_->scratch / "data";
    } else {
      // Beside the given data dir rather than in /tmp: if our process is SIGKILLed the
      // output stays where its owner cleans up.
      s_->data_dir = s_->opts.data_dir;
      s_->scratch = s_->data_dir.parent_path() / (s_->data_dir.filename().string() + ".output");
      fs::create_directories(s_->scratch);
    }
    const bool no_fsync = supports_unsafe_no_fsync(binary, s_->scratch, deadline);
    const int attempts = std::max(1, s_->opts.start_attempts);
    for (int i = 1; i <= attempts; ++i) {
      const auto ports = detail::pick_free_ports(host, 2);
      std::uint16_t client = ports[0];
      std::uint16_t peer = ports[1];
      if (i == 1 && s_->opts.client_port != 0) {
        client = s_->opts.client_port;
        if (peer == client) peer = ports[0];
      }
      auto p = s_->attempt(binary, no_fsync, client, peer, i < attempts, deadline);
      if (p) {
        s_->child.emplace(std::move(*p));
        s_->client_port = client;
        return;
      }
    }
    throw start_error("etcd: unreachable");  // the last attempt never returns nullopt
  } catch (const start_error&) {
    s_->cleanup();
    throw;
  } catch (const std::exception& e) {
    s_->cleanup();
    throw start_error(std::string("etcd: ") + e.what());
  }
}

void etcd_server::stop() {
  if (!s_) return;
  s_->cleanup();
}

bool etcd_server::running() const { return s_->child && s_->child->running(); }

std::string etcd_server::client_url() const { return s_->client_port ? url(s_->client_port) : ""; }

const fs::path& etcd_server::data_dir() const { return s_->data_dir; }

process* etcd_server::child() { return s_->child ? &*s_->child : nullptr; }

}  // namespace ktk::envtest
