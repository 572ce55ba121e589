// kubeconfig_detail.hpp — helpers the kubeconfig and in-cluster sources share.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ktk/client/rest/kubeconfig.hpp"

namespace ktk::client::rest::detail {

// The variable from `env` when given, else from the process; nullopt when unset.
std::optional<std::string> lookup_env(const environment& env, const std::string& name);

// The whole file. Throws config_error(path, 0, "cannot read <what>: <reason>").
std::string read_file(const std::filesystem::path& path, std::string_view what);

// ASCII whitespace trimmed from both ends.
std::string trim(std::string_view s);

}  // namespace ktk::client::rest::detail
