// test_child.cpp — a child whose behaviour the process tests script through argv.
//   print TEXT        write TEXT and a newline to stdout, TEXT to stderr
//   env NAME          write NAME's value (or "<unset>") and a newline to stdout
//   exit N            exit with code N
//   ignore-term       ignore SIGTERM from here on
//   sleep             wait for a signal forever (SIGTERM ends it with code 0 unless ignored)
//   pidfile PATH      write our pid to PATH
//   fork PATH         fork a grandchild that ignores SIGTERM, writes its pid to PATH and
//                     sleeps; we go on with the next step
//   spawn PATH        start a sleeping test_child with ktk::envtest::process (its own
//                     group, PR_SET_PDEATHSIG) and write its pid to PATH; we go on
//   --help            print a usage line mentioning no etcd flag, exit 0
// Steps run left to right: `print hello exit 3`. Unknown steps exit 2 with a message on
// stderr (which is what an etcd stand-in that cannot start should do).
// Pid files are written to PATH.tmp and renamed, so a reader never sees half a pid.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "ktk/envtest/process.hpp"

namespace {

void on_term(int) { _exit(0); }

void write_pid(const std::string& path, pid_t pid) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << pid << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

[[noreturn]] void sleep_forever() {
  for (;;) pause();
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGTERM, on_term);
  std::optional<ktk::envtest::process> spawned;  // killed with us (PDEATHSIG)
  for (int i = 1; i < argc; ++i) {
    std::string op = argv[i];
    const char* arg = i + 1 < argc ? argv[i + 1] : "";
    if (op == "print") {
      std::printf("%s\n", arg);
      std::fflush(stdout);
      std::fprintf(stderr, "%s\n", arg);
      ++i;
    } else if (op == "env") {
      const char* v = std::getenv(arg);
      std::printf("%s\n", v ? v : "<unset>");
      std::fflush(stdout);
      ++i;
    } else if (op == "exit") {
      return std::atoi(arg);
    } else if (op == "sleep") {
      sleep_forever();
    } else if (op == "ignore-term") {
      std::signal(SIGTERM, SIG_IGN);
    } else if (op == "pidfile") {
      write_pid(arg, getpid());
      ++i;
    } else if (op == "fork") {
      const pid_t pid = fork();
      if (pid < 0) return 3;
      if (pid == 0) {
        std::signal(SIGTERM, SIG_IGN);
        write_pid(arg, getpid());
        sleep_forever();
      }
      ++i;
    } else if (op == "spawn") {
      spawned.emplace(ktk::envtest::process_options{
          .binary = std::filesystem::read_symlink("/proc/self/exe"),
          .args = {"sleep"},
          .name = "grandchild",
          // Beside the pid file: we may be SIGKILLed, and the test removes that dir.
          .output_dir = std::filesystem::path(arg).parent_path()});
      write_pid(arg, spawned->pid());
      ++i;
    } else if (op == "--help") {
      std::printf("usage: test_child STEP...\n");
      return 0;
    } else {
      std::fprintf(stderr, "test_child: unknown step %s\n", op.c_str());
      return 2;
    }
  }
  return 0;
}
