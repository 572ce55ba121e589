// process.cpp — a child in its own process group, launched with Boost.Process v2's
// posix default_launcher; waited on with a pidfd (poll) and reaped with waitpid.
//
// The launcher's basic_process is detached right after the launch: its destructor would
// SIGKILL only the leader, and its wait has no timeout. This file keeps the pid instead
// and always SIGKILLs what is left of the group before reaping the leader (while the
// leader is a zombie its pid, and so the group id, cannot be reused).
#include "ktk/envtest/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Boost 1.81's v2 headers use boost::optional and <type_traits> without including
// them, and are header-only unless BOOST_PROCESS_V2_SEPARATE_COMPILATION is defined
// for the whole target (src.hpp refuses to build otherwise): this is the only
// translation unit that includes them, so header-only costs nothing.
#include <boost/optional.hpp>
#include <type_traits>
// (the order above matters)
#include <boost/asio/io_context.hpp>
#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "temp_dir.hpp"

extern char** environ;

namespace ktk::envtest {

namespace fs = std::filesystem;
namespace bp = boost::process::v2;
using clock_type = std::chrono::steady_clock;

namespace {

// Runs in the child between fork and exec: async-signal-safe calls only.
struct child_setup {
  bool die_with_parent;
  pid_t parent;

  bp::error_code on_exec_setup(bp::posix::default_launcher&, const fs::path&,
                               const char* const*) const {
    // A parent that blocks or ignores SIGTERM must not pass that on: stop() needs it.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    if (die_with_parent) {
      if (::setpgid(0, 0) != 0) return {errno, boost::system::system_category()};
      if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return {errno, boost::system::system_category()};
      // The parent died between fork and prctl: the signal will never come.
      if (::getppid() != parent) ::_exit(127);
    } else if (::setsid() < 0) {
      return {errno, boost::system::system_category()};
    }
    return {};
  }
};

int open_output(const fs::path& p) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + p.string());
  return fd;
}

// The environment with `extra` added or replacing same-named entries.
std::vector<std::string> build_env(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) out.emplace_back(*e);
  for (const auto& [k, v] : extra) {
    const std::string prefix = k + "=";
    bool replaced = false;
    for (auto& entry : out) {
      if (entry.compare(0, prefix.size(), prefix) == 0) {
        entry = prefix + v;
        replaced = true;
      }
    }
    if (!replaced) out.push_back(prefix + v);
  }
  return out;
}

std::string read_tail(const fs::path& p, std::size_t max_bytes) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0));
  const std::size_t n = std::min(size, max_bytes);
  in.seekg(static_cast<std::streamoff>(size - n));
  std::string out(n, '\0');
  in.read(out.data(), static_cast<std::streamsize>(n));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

}  // namespace

std::string exit_status::describe() const {
  if (signal != 0) {
    const char* d = ::sigdescr_np(signal);
    return "killed by signal " + std::to_string(signal) + " (" + (d ? d : "unknown") + ")";
  }
  return "exited with code " + std::to_string(code);
}

class process::impl {
 public:
  explicit impl(process_options o) : opts(std::move(o)) {}
  ~impl() {
    if (!released) stop();
    if (pidfd >= 0) ::close(pidfd);
    if (own_output_dir && !released) detail::remove_tree(output_dir);
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  void launch();
  bool try_reap();
  bool wait_for_exit(std::chrono::milliseconds timeout);
  exit_status stop();

  process_options opts;
  pid_t pid = -1;
  int pidfd = -1;  // -1 when pidfd_open is unavailable: waits poll waitid instead
  std::optional<exit_status> status;
  fs::path output_dir;
  bool own_output_dir = false;
  bool released = false;  // release(): left running, never stopped or reaped here
};

void process::impl::launch() {
  const std::string what = "process '" + opts.name + "' (" + opts.binary.string() + ")";
  if (opts.binary.empty()) throw std::runtime_error(what + ": no binary given");
  std::error_code fec;
  if (!fs::is_regular_file(opts.binary, fec) || ::access(opts.binary.c_str(), X_OK) != 0) {
    throw std::runtime_error(what + ": not an executable file");
  }

  int out_fd = STDOUT_FILENO;
  int err_fd = STDERR_FILENO;
  struct fd_closer {
    int fd;
    ~fd_closer() {
      if (fd > STDERR_FILENO) ::close(fd);
    }
  };
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) throw std::system_error(errno, std::generic_category(), "open /dev/null");
  fd_closer close_null{null_fd};
  if (!opts.attach_output) {
    if (opts.output_dir.empty()) {
      output_dir = detail::make_temp_dir("ktk-" + opts.name + "-");
      own_output_dir = true;
    } else {
      output_dir = opts.output_dir;
      fs::create_directories(output_dir);
    }
    out_fd = open_output(output_dir / (opts.name + ".stdout"));
    err_fd = open_output(output_dir / (opts.name + ".stderr"));
  }
  fd_closer close_out{out_fd};
  fd_closer close_err{err_fd};

  const std::vector<std::string> env_strings = build_env(opts.env);
  std::vector<const char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (const auto& e : env_strings) envp.push_back(e.c_str());
  envp.push_back(nullptr);

  boost::asio::io_context ctx;
  bp::posix::default_launcher launcher;
  launcher.env = envp.data();
  bp::error_code ec;
  auto child = launcher(ctx.get_executor(), ec, opts.binary, opts.args,
                        child_setup{opts.die_with_parent, ::getpid()},
                        bp::process_stdio{null_fd, out_fd, err_fd});
  if (ec) {
    // The launcher reports a failed exec but leaves the child (which exits at once)
    // unreaped: reap it here rather than leave a zombie.
    if (launcher.pid > 0) ::waitpid(launcher.pid, nullptr, 0);
    throw std::runtime_error(what + ": cannot start: " + ec.message());
  }
  pid = child.id();
  child.detach();
  pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) ::fcntl(pidfd, F_SETFD, FD_CLOEXEC);
}

// Reaps the child if it has exited (SIGKILLing what is left of its group first).
bool process::impl::try_reap() {
  if (status) return true;
  siginfo_t si{};
  int r;
  do {
    r = ::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    // ECHILD: someone else reaped it (SIGCHLD ignored, a stray waitpid(-1)).
    status = exit_status{.code = -1};
    return true;
  }
  if (si.si_pid == 0) return false;
  ::kill(-pid, SIGKILL);
  int st = 0;
  pid_t w;
  do {
    w = ::waitpid(pid, &st, 0);
  } while (w < 0 && errno == EINTR);
  if (w < 0) {
    status = exit_status{.code = -1};
  } else if (WIFSIGNALED(st)) {
    status = exit_status{.signal = WTERMSIG(st)};
  } else {
    status = exit_status{.code = WEXITSTATUS(st)};
  }
  return true;
}

bool process::impl::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  for (;;) {
    if (try_reap()) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left <= std::chrono::milliseconds::zero()) return false;
    if (pidfd >= 0) {
      pollfd p{.fd = pidfd, .events = POLLIN, .revents = 0};
      ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count() + 1, 1 << 30)));
    } else {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(10)));
    }
  }
}

exit_status process::impl::stop() {
  if (pid <= 0) return {};
  if (try_reap()) return *status;
  if (::kill(-pid, SIGTERM) != 0) ::kill(pid, SIGTERM);
  if (!wait_for_exit(opts.stop_timeout)) {
    if (::kill(-pid, SIGKILL) != 0) ::kill(pid, SIGKILL);
    // SIGKILL cannot be caught: this ends unless the child is stuck in the kernel.
    while (!wait_for_exit(std::chrono::seconds(60))) {
    }
  }
  return *status;
}

process::process(process_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {
  impl_->launch();
}
process::~process() = default;
process::process(process&&) noexcept = default;
process& process::operator=(process&&) noexcept = default;  // stops the old child

pid_t process::pid() const { return impl_ ? impl_->pid : -1; }

const std::string& process::name() const {
  static const std::string moved_from;
  return impl_ ? impl_->opts.name : moved_from;
}

bool process::running() { return impl_ && !impl_->try_reap(); }

std::optional<exit_status> process::status() {
  if (!impl_) return std::nullopt;
  impl_->try_reap();
  return impl_->status;
}

bool process::wait_for_exit(std::chrono::milliseconds timeout) {
  return !impl_ || impl_->wait_for_exit(timeout);
}

exit_status process::stop() { return impl_ ? impl_->stop() : exit_status{}; }

void process::release() {
  if (!impl_) return;
  impl_->released = true;
  impl_.reset();
}

fs::path process::stdout_path() const {
  if (!impl_ || impl_->output_dir.empty()) return {};
  return impl_->output_dir / (impl_->opts.name + ".stdout");
}

fs::path process::stderr_path() const {
  if (!impl_ || impl_->output_dir.empty()) return {};
  return impl_->output_dir / (impl_->opts.name + ".stderr");
}

std::string process::output_tail(std::size_t max_bytes) const {
  if (!impl_ || impl_->output_dir.empty()) return {};
  std::string err = read_tail(stderr_path(), max_bytes);
  std::string out = read_tail(stdout_path(), max_bytes);
  // Both fit in max_bytes: stderr keeps what stdout does not need, and the reverse.
  if (err.size() + out.size() > max_bytes) {
    const std::size_t half = max_bytes / 2;
    if (err.size() > half && out.size() > half) {
      err.erase(0, err.size() - half);
      out.erase(0, out.size() - (max_bytes - half));
    } else if (err.size() > half) {
      err.erase(0, err.size() - (max_bytes - out.size()));
    } else {
      out.erase(0, out.size() - (max_bytes - err.size()));
    }
  }
  if (out.empty()) return err;
  if (err.empty()) return out;
  return err + (err.back() == '\n' ? "" : "\n") + "--- stdout ---\n" + out;
}

}  // namespace ktk::envtest
