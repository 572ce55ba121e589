// main.cpp — `ktk COMMAND [ARGS]`.
#include <iostream>

#include "args.hpp"
#include "commands.hpp"

namespace {

constexpr const char* usage =
    "usage: ktk COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  serve     run the in-memory Kubernetes API server (ktk serve --help)\n"
    "  sim run   run a scenario on the simulated control plane (ktk sim --help)\n"
    "  version   print ktk's version\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "serve") return ktk::cli::serve(args);
    if (cmd == "sim") return ktk::cli::sim(args);
    if (cmd == "version" || cmd == "--version") {
      std::cout << "ktk " << KTK_VERSION << "\n";
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
