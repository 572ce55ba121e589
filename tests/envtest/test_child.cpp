// test_child.cpp — a child whose behaviour the process tests script through argv.
//   print TEXT        write TEXT and a newline to stdout, TEXT to stderr
//   exit N            exit with code N
//   sleep             wait for a signal forever (SIGTERM ends it with code 0)
//   ignore-term       ignore SIGTERM, then wait forever (only SIGKILL ends it)
//   pidfile PATH      write our pid to PATH
// Steps run left to right: `print hello exit 3`.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace {
void on_term(int) { _exit(0); }
}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGTERM, on_term);
  for (int i = 1; i < argc; ++i) {
    std::string op = argv[i];
    const char* arg = i + 1 < argc ? argv[i + 1] : "";
    if (op == "print") {
      std::printf("%s\n", arg);
      std::fflush(stdout);
      std::fprintf(stderr, "%s\n", arg);
      ++i;
    } else if (op == "exit") {
      return std::atoi(arg);
    } else if (op == "sleep") {
      for (;;) pause();
    } else if (op == "ignore-term") {
      std::signal(SIGTERM, SIG_IGN);
      for (;;) pause();
    } else if (op == "pidfile") {
      std::ofstream(arg) << getpid() << "\n";
      ++i;
    } else {
      std::fprintf(stderr, "test_child: unknown step %s\n", op.c_str());
      return 2;
    }
  }
  return 0;
}
