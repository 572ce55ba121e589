// main.cpp — `ktk COMMAND [ARGS]`.
#include <iostream>

#include "ktk/core/heap.hpp"

#include "args.hpp"
#include "commands.hpp"

namespace {

constexpr const char* usage =
    "usage: ktk COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  serve     run the in-memory Kubernetes API server (ktk serve --help)\n"
    "  sim run   run a scenario on the simulated control plane (ktk sim --help)\n"
    "  envtest   start or stop a control plane for a test suite (ktk envtest --help)\n"
    "  load      create, update and delete objects at a target rate; report rate and latency (ktk load --help)\n"
    "  kube-apiserver  ktk's server on etcd, taking kube-apiserver's flags (a stand-in binary)\n"
    "  version   print ktk's version and the malloc it runs on\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Called through a link named kube-apiserver: the stand-in, whatever the arguments.
  const std::string self = argc > 0 ? argv[0] : "";
  if (self == "kube-apiserver" || (self.size() > 15 && self.compare(self.size() - 15, 15, "/kube-apiserver") == 0)) {
    args.insert(args.begin(), "kube-apiserver");
  }
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "serve") return ktk::cli::serve(args);
    if (cmd == "sim") return ktk::cli::sim(args);
    if (cmd == "envtest") return ktk::cli::envtest_command(args);
    if (cmd == "load") return ktk::cli::load(args);
    if (cmd == "kube-apiserver") return ktk::cli::kube_apiserver(args);
    if (cmd == "version" || cmd == "--version") {
      std::cout << "ktk " << KTK_VERSION << "\nmalloc: " << ktk::core::heap_usage().allocator << "\n";
      return 0;
    }
    std::cerr << "ktk: unknown command \"" << cmd << "\"\n" << usage;
    return 2;
  } catch (const ktk::cli::usage_error& e) {
    std::cerr << "ktk " << cmd << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ktk " << cmd << ": " << e.what() << "\n";
    return 1;
  }
}
