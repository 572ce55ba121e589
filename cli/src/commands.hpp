// commands.hpp — the subcommands of `ktk`. Each takes the arguments after its name
// and returns the process exit code; usage_error is reported by main with exit 2.
#pragma once

#include <string>
#include <vector>

namespace ktk::cli {

int serve(const std::vector<std::string>& argv);
int sim(const std::vector<std::string>& argv);
int envtest_command(const std::vector<std::string>& argv);
int load(const std::vector<std::string>& argv);
int kube_apiserver(const std::vector<std::string>& argv);

}  // namespace ktk::cli
