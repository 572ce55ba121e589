// etcd_server_itest.cpp — a real etcd (/usr/bin/etcd or whatever find_binary finds)
// started, probed, stopped; a taken port retried; a stand-in that exits at once.
#include "ktk/envtest/etcd_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "ktk/envtest/binaries.hpp"
#include "ktk/envtest/process.hpp"
#include "../../envtest/src/net_util.hpp"  // private: the probe etcd_server uses

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ktk::envtest::etcd_options;
using ktk::envtest::etcd_server;
using ktk::envtest::start_error;

std::uint16_t port_of(const std::string& url) {
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

bool healthy(const std::string& url) {
  auto r = ktk::envtest::detail::http_get("127.0.0.1", port_of(url), "/health", 2s);
  return r && r->status == 200 && r->body.find("\"health\":\"true\"") != std::string::npos;
}

// A listening socket on a free loopback port, held for the test's lifetime.
struct held_port {
  int fd = -1;
  std::uint16_t port = 0;
  held_port() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, 1) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot hold a port");
    }
    port = ntohs(addr.sin_port);
  }
  ~held_port() { ::close(fd); }
};

class EtcdServer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ktk::envtest::find_binary("etcd")) GTEST_SKIP() << "no etcd binary";
  }
};

TEST_F(EtcdServer, StartsHealthyAndStopsRemovingItsDataDir) {
  etcd_server etcd({.start_timeout = 30s, .stop_timeout = 10s});
  EXPECT_EQ(etcd.client_url(), "");
  EXPECT_EQ(etcd.child(), nullptr);
  etcd.start();
  ASSERT_TRUE(etcd.running());
  const std::string url = etcd.client_url();
  EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  EXPECT_TRUE(healthy(url));
  const fs::path data = etcd.data_dir();
  EXPECT_TRUE(fs::is_directory(data / "member")) << data;
  ASSERT_NE(etcd.child(), nullptr);
  const pid_t pid = etcd.child()->pid();
  EXPECT_GT(pid, 0);

  etcd.start();  // already running: nothing happens
  EXPECT_EQ(etcd.child()->pid(), pid);

  etcd.stop();
  EXPECT_FALSE(etcd.running());
  EXPECT_EQ(etcd.child(), nullptr);
  EXPECT_EQ(etcd.client_url(), "");
  EXPECT_FALSE(fs::exists(data));
  EXPECT_NE(::kill(pid, 0), 0);  // reaped: the pid is gone
  etcd.stop();                   // idempotent
}

TEST_F(EtcdServer, RestartsAfterStop) {
  etcd_server etcd({.start_timeout = 30s});
  etcd.start();
  etcd.stop();
  etcd.start();
  EXPECT_TRUE(healthy(etcd.client_url()));
}

TEST_F(EtcdServer, DestructorStops) {
  pid_t pid = 0;
  fs::path data;
  {
    etcd_server etcd({.start_timeout = 30s});
    etcd.start();
    pid = etcd.child()->pid();
    data = etcd.data_dir();
  }
  EXPECT_NE(::kill(pid, 0), 0);
  EXPECT_FALSE(fs::exists(data));
}

TEST_F(EtcdServer, GivenDataDirIsKept) {
  const fs::path dir = fs::temp_directory_path() / ("ktk-etcd-itest-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    etcd_server etcd({.data_dir = dir, .start_timeout = 30s});
    etcd.start();
    EXPECT_EQ(etcd.data_dir(), dir);
    EXPECT_TRUE(healthy(etcd.client_url()));
    EXPECT_EQ(etcd.child()->stderr_path().parent_path(), fs::path(dir.string() + ".output"));
  }
  EXPECT_TRUE(fs::is_directory(dir / "member"));
  EXPECT_FALSE(fs::exists(dir.string() + ".output"));
  fs::remove_all(dir);
}

TEST_F(EtcdServer, TakenClientPortIsRetriedOnAnother) {
  held_port taken;
  etcd_server etcd({.start_timeout = 30s, .start_attempts = 3, .client_port = taken.port});
  etcd.start();
  EXPECT_NE(port_of(etcd.client_url()), taken.port);
  EXPECT_TRUE(healthy(etcd.client_url()));
}

TEST_F(EtcdServer, TakenPortWithOneAttemptFailsWithTheBindError) {
  held_port taken;
  etcd_server etcd({.start_timeout = 30s, .start_attempts = 1, .client_port = taken.port});
  try {
    etcd.start();
    FAIL() << "started on a taken port";
  } catch (const start_error& e) {
    EXPECT_TRUE(ktk::envtest::is_bind_failure(e.what())) << e.what();
  }
  EXPECT_FALSE(etcd.running());
}

TEST_F(EtcdServer, StopTimeoutIsRespectedForAStoppedChild) {
  etcd_server etcd({.start_timeout = 30s, .stop_timeout = 300ms});
  etcd.start();
  const pid_t pid = etcd.child()->pid();
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);  // cannot act on SIGTERM now: only SIGKILL ends it
  const auto t0 = std::chrono::steady_clock::now();
  const auto status = etcd.child()->stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(status.signal, SIGKILL) << status.describe();
  EXPECT_GE(took, 300ms);
  etcd.stop();
  EXPECT_NE(::kill(pid, 0), 0);
}

// A stand-in that exits at once (test_child exits 2 on etcd's flags) is reported with its
// output well before start_timeout.
TEST(EtcdServerStandIn, ChildThatExitsIsReportedWithItsOutput) {
  etcd_server etcd({.binary = KTK_TEST_CHILD, .start_timeout = 120s});
  const auto t0 = std::chrono::steady_clock::now();
  try {
    etcd.start();
    FAIL() << "a child that exits was reported as started";
  } catch (const start_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exited with code 2"), std::string::npos) << what;
    EXPECT_NE(what.find("unknown step --name"), std::string::npos) << what;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 60s);  // far below start_timeout
  EXPECT_FALSE(etcd.running());
  EXPECT_EQ(etcd.child(), nullptr);
  EXPECT_FALSE(fs::exists(etcd.data_dir()));
}

// A shell script <dir>/<name> standing in for etcd: `--help` prints `help`, anything
// else records its arguments in <dir>/args and runs `then` (a shell command).
class EtcdServerScript : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ktk-etcd-script-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path script(const std::string& name, const std::string& help, const std::string& then) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << "#!/bin/sh\n"
                     << "if [ \"$1\" = --help ]; then echo '" << help << "'; exit 0; fi\n"
                     << "echo \"$@\" > '" << (dir_ / "args").string() << "'\n"
                     << then << "\n";
    fs::permissions(p, fs::perms::owner_all);
    return p;
  }
  std::string args() const {
    std::ifstream in(dir_ / "args");
    std::string line;
    std::getline(in, line);
    return line;
  }
  fs::path dir_;
};

TEST_F(EtcdServerScript, UnsafeNoFsyncOnlyWhenHelpMentionsIt) {
  {
    etcd_server etcd({.binary = script("etcd-new", "  --unsafe-no-fsync  Disables fsync", "exit 1")});
    EXPECT_THROW(etcd.start(), start_error);
    EXPECT_NE(args().find("--unsafe-no-fsync"), std::string::npos) << args();
    EXPECT_NE(args().find("--initial-cluster default=http://127.0.0.1:"), std::string::npos) << args();
  }
  fs::remove(dir_ / "args");
  // (The probe is cached per path: another path is another binary.)
  etcd_server etcd({.binary = script("etcd-old", "  --data-dir  Path to the data directory", "exit 1"),
                    .extra_args = {"--extra", "x"}});
  EXPECT_THROW(etcd.start(), start_error);
  EXPECT_EQ(args().find("--unsafe-no-fsync"), std::string::npos) << args();
  EXPECT_NE(args().find("--extra x"), std::string::npos) << args();
}

TEST_F(EtcdServerScript, NeverHealthyIsAStartErrorAfterTheTimeoutAndLeavesNothing) {
  const fs::path pidfile = dir_ / "child.pid";
  etcd_server etcd({.binary = script("etcd", "etcd", std::string("exec ") + KTK_TEST_CHILD + " pidfile " +
                                                 pidfile.string() + " print waiting sleep"),
                    .start_timeout = 500ms});
  try {
    etcd.start();
    FAIL() << "a child that never answers was reported as started";
  } catch (const start_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("did not answer"), std::string::npos) << what;
    EXPECT_NE(what.find("waiting"), std::string::npos) << what;  // its output
  }
  std::ifstream in(pidfile);
  pid_t pid = 0;
  ASSERT_TRUE(in >> pid);
  EXPECT_NE(::kill(pid, 0), 0);  // stopped and reaped
  EXPECT_FALSE(etcd.running());
}

TEST(EtcdServerStandIn, MissingBinaryIsAStartError) {
  etcd_server etcd({.binary = "/nonexistent/etcd"});
  EXPECT_THROW(etcd.start(), start_error);
  EXPECT_FALSE(etcd.running());
}

}  // namespace
