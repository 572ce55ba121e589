// process_itest.cpp — real children (test_child): exit codes and signals, output files,
// environment, stop's escalation to the whole group, and no orphan when the parent dies.
#include "ktk/envtest/process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ktk::envtest::process;
using ktk::envtest::process_options;

process_options child(std::vector<std::string> args) {
  return {.binary = KTK_TEST_CHILD, .args = std::move(args), .name = "child", .stop_timeout = 5s};
}

// Polls `pred` every few ms until it holds or `limit` passes.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Gone: no /proc entry, or a zombie nobody has reaped yet.
bool gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return true;
  const auto paren = stat.rfind(')');
  return paren == std::string::npos || stat.substr(paren + 2, 1) == "Z";
}

// A pid written by a child into a file, once the file exists (bounded wait).
std::optional<pid_t> read_pid(const fs::path& file) {
  pid_t pid = 0;
  eventually([&] {
    std::ifstream in(file);
    return static_cast<bool>(in >> pid);
  });
  return pid > 0 ? std::optional<pid_t>(pid) : std::nullopt;
}

// SIGKILLs a pid written by a test child if a failed test left it running; checks the
// process is still a test_child so a reused pid is never hit.
struct kill_on_exit {
  std::optional<pid_t> pid;
  ~kill_on_exit() {
    if (!pid || gone(*pid)) return;
    std::ifstream in("/proc/" + std::to_string(*pid) + "/cmdline");
    std::string cmd;
    std::getline(in, cmd, '\0');
    if (cmd == KTK_TEST_CHILD) ::kill(*pid, SIGKILL);
  }
};

class Process : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ktk-process-itest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Process, ExitCodeAndOutputFiles) {
  process p({.binary = KTK_TEST_CHILD, .args = {"print", "hello", "exit", "3"}, .name = "greeter",
             .output_dir = dir_});
  EXPECT_GT(p.pid(), 0);
  EXPECT_EQ(p.name(), "greeter");
  ASSERT_TRUE(p.wait_for_exit(10s));
  EXPECT_FALSE(p.running());
  ASSERT_TRUE(p.status());
  EXPECT_EQ(p.status()->code, 3);
  EXPECT_EQ(p.status()->signal, 0);
  EXPECT_EQ(p.status()->describe(), "exited with code 3");
  EXPECT_EQ(p.stdout_path(), dir_ / "greeter.stdout");
  EXPECT_EQ(p.stderr_path(), dir_ / "greeter.stderr");
  std::ifstream out(p.stdout_path());
  std::string line;
  std::getline(out, line);
  EXPECT_EQ(line, "hello");
  EXPECT_EQ(p.output_tail(), "hello\n--- stdout ---\nhello\n");
  EXPECT_EQ(p.stop().code, 3);  // already ended: stop reports how
}

TEST_F(Process, OutputTailKeepsTheEnd) {
  process p(child({"print", "first-line", "print", "second-line"}));
  ASSERT_TRUE(p.wait_for_exit(10s));
  const std::string tail = p.output_tail(12);
  EXPECT_EQ(tail.find("first"), std::string::npos) << tail;
  EXPECT_NE(tail.find("line\n"), std::string::npos) << tail;
}

TEST_F(Process, TemporaryOutputDirIsRemovedWithTheObject) {
  fs::path out;
  {
    process p(child({"print", "x"}));
    out = p.stdout_path().parent_path();
    ASSERT_TRUE(p.wait_for_exit(10s));
    EXPECT_TRUE(fs::exists(p.stdout_path()));
  }
  EXPECT_FALSE(out.empty());
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Process, AttachedOutputHasNoFiles) {
  process p({.binary = KTK_TEST_CHILD, .args = {"exit", "0"}, .attach_output = true});
  ASSERT_TRUE(p.wait_for_exit(10s));
  EXPECT_EQ(p.stdout_path(), fs::path());
  EXPECT_EQ(p.output_tail(), "");
}

TEST_F(Process, EnvironmentIsAddedAndReplaced) {
  ::setenv("KTK_PROCESS_ITEST_KEEP", "kept", 1);
  ::setenv("KTK_PROCESS_ITEST_REPLACE", "old", 1);
  process p({.binary = KTK_TEST_CHILD,
             .args = {"env", "KTK_PROCESS_ITEST_KEEP", "env", "KTK_PROCESS_ITEST_REPLACE", "env",
                      "KTK_PROCESS_ITEST_NEW"},
             .env = {{"KTK_PROCESS_ITEST_REPLACE", "new"}, {"KTK_PROCESS_ITEST_NEW", "added"}},
             .output_dir = dir_});
  ::unsetenv("KTK_PROCESS_ITEST_KEEP");
  ::unsetenv("KTK_PROCESS_ITEST_REPLACE");
  ASSERT_TRUE(p.wait_for_exit(10s));
  std::ifstream out(p.stdout_path());
  std::string a, b, c;
  std::getline(out, a);
  std::getline(out, b);
  std::getline(out, c);
  EXPECT_EQ(a, "kept");
  EXPECT_EQ(b, "new");
  EXPECT_EQ(c, "added");
}

TEST_F(Process, MissingOrNonExecutableBinaryThrows) {
  try {
    process p({.binary = "/nonexistent/ktk-binary", .name = "ghost"});
    FAIL() << "started a missing binary";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/ktk-binary"), std::string::npos) << e.what();
  }
  const fs::path plain = dir_ / "not-executable";
  std::ofstream(plain) << "#!/bin/sh\n";
  EXPECT_THROW(process({.binary = plain}), std::runtime_error);
}

TEST_F(Process, ExecFailureThrowsAndLeavesNoZombie) {
  const fs::path garbage = dir_ / "garbage";
  std::ofstream(garbage) << "\x01\x02 not a program\n";
  fs::permissions(garbage, fs::perms::owner_all);
  try {
    process p({.binary = garbage, .name = "garbage"});
    FAIL() << "started garbage";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot start"), std::string::npos) << e.what();
  }
  // The failed child exits just after it reports the exec error: give a zombie a
  // moment to show up (no children at all is ECHILD).
  siginfo_t si{};
  EXPECT_FALSE(eventually(
      [&] { return ::waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0; },
      300ms))
      << "unreaped child " << si.si_pid;
}

TEST_F(Process, StopSendsTermAndIsIdempotent) {
  process p(child({"sleep"}));
  EXPECT_TRUE(p.running());
  EXPECT_FALSE(p.status());
  EXPECT_FALSE(p.wait_for_exit(20ms));
  const auto st = p.stop();
  EXPECT_EQ(st.code, 0);  // test_child exits 0 on SIGTERM
  EXPECT_EQ(st.signal, 0);
  EXPECT_FALSE(p.running());
  EXPECT_EQ(p.stop().code, 0);
  EXPECT_NE(::kill(p.pid(), 0), 0);  // reaped
}

TEST_F(Process, KilledBySignalIsDescribed) {
  process p(child({"sleep"}));
  ASSERT_EQ(::kill(p.pid(), SIGKILL), 0);
  ASSERT_TRUE(p.wait_for_exit(10s));
  EXPECT_EQ(p.status()->signal, SIGKILL);
  EXPECT_EQ(p.status()->describe(), "killed by signal 9 (Killed)");
}

TEST_F(Process, ChildIsInItsOwnGroup) {
  process p(child({"sleep"}));
  EXPECT_EQ(::getpgid(p.pid()), p.pid());
  EXPECT_EQ(::getsid(p.pid()), ::getsid(0));
}

TEST_F(Process, DetachedChildStartsASession) {
  auto opts = child({"sleep"});
  opts.die_with_parent = false;
  process p(std::move(opts));
  EXPECT_EQ(::getsid(p.pid()), p.pid());
  EXPECT_EQ(::getpgid(p.pid()), p.pid());
}

TEST_F(Process, StopEscalatesToKillForTheWholeGroup) {
  const fs::path pidfile = dir_ / "grandchild.pid";
  auto opts = child({"ignore-term", "fork", pidfile.string(), "sleep"});
  opts.stop_timeout = 200ms;
  process p(std::move(opts));
  kill_on_exit guard{read_pid(pidfile)};
  ASSERT_TRUE(guard.pid);
  EXPECT_FALSE(gone(*guard.pid));
  const auto t0 = std::chrono::steady_clock::now();
  const auto st = p.stop();
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
  EXPECT_EQ(st.signal, SIGKILL) << st.describe();
  EXPECT_TRUE(eventually([&] { return gone(*guard.pid); }));
}

TEST_F(Process, LeftoverGroupMembersDieWithTheLeader) {
  // The leader exits on SIGTERM; its child ignores it and is killed with SIGKILL.
  const fs::path pidfile = dir_ / "grandchild.pid";
  process p(child({"fork", pidfile.string(), "sleep"}));
  kill_on_exit guard{read_pid(pidfile)};
  ASSERT_TRUE(guard.pid);
  EXPECT_EQ(p.stop().code, 0);
  EXPECT_TRUE(eventually([&] { return gone(*guard.pid); }));
}

TEST_F(Process, DestructorStops) {
  pid_t pid = 0;
  {
    auto opts = child({"ignore-term", "sleep"});
    opts.stop_timeout = 50ms;
    process p(std::move(opts));
    pid = p.pid();
  }
  EXPECT_NE(::kill(pid, 0), 0);
}

TEST_F(Process, MoveKeepsTheChild) {
  process a(child({"sleep"}));
  const pid_t pid = a.pid();
  process b(std::move(a));
  EXPECT_EQ(b.pid(), pid);
  EXPECT_EQ(a.pid(), -1);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_FALSE(a.running());
  EXPECT_EQ(a.stop().code, 0);
  EXPECT_TRUE(b.running());
  process c(child({"exit", "0"}));
  c = std::move(b);  // c's old child is stopped, c now holds b's
  EXPECT_EQ(c.pid(), pid);
  EXPECT_TRUE(c.running());
}

TEST_F(Process, ReleasedChildKeepsRunning) {
  auto opts = child({"print", "still-here", "sleep"});
  opts.output_dir = dir_;  // (die_with_parent stays on: a failed test leaks nothing)
  pid_t pid = -1;
  {
    process p(std::move(opts));
    pid = p.pid();
    p.release();
    EXPECT_EQ(p.pid(), -1);
    EXPECT_FALSE(p.running());
    EXPECT_EQ(p.stop().code, 0);  // nothing to stop any more
  }
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(gone(pid));
  EXPECT_TRUE(fs::exists(dir_ / "child.stdout"));
  // Still our child: end and reap it here.
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int st = 0;
  EXPECT_EQ(::waitpid(pid, &st, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(st));
}

// The test_child parent starts a grandchild with ktk::envtest::process (PDEATHSIG);
// SIGKILL on the parent must take the grandchild with it.
TEST_F(Process, NoOrphanWhenTheParentIsKilled) {
  const fs::path pidfile = dir_ / "grandchild.pid";
  process parent(child({"spawn", pidfile.string(), "sleep"}));
  kill_on_exit guard{read_pid(pidfile)};
  ASSERT_TRUE(guard.pid);
  EXPECT_FALSE(gone(*guard.pid));
  EXPECT_NE(::getpgid(*guard.pid), parent.pid());  // not reachable through the group
  ASSERT_EQ(::kill(parent.pid(), SIGKILL), 0);
  ASSERT_TRUE(parent.wait_for_exit(10s));
  EXPECT_TRUE(eventually([&] { return gone(*guard.pid); }));
}

}  // namespace
