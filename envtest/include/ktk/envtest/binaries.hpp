// ktk/envtest/binaries.hpp — finding etcd, kube-apiserver and kubectl as envtest does.
//
// For a binary "kube-apiserver" the places tried, in order: the variable
// TEST_ASSET_KUBE_APISERVER (a path to the binary), the folder in KUBEBUILDER_ASSETS,
// the folder given in the options (binary_assets_directory), /usr/local/kubebuilder/bin,
// then PATH.
//
//   auto etcd = ktk::envtest::find_binary("etcd");   // nullopt when none is found
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktk::envtest {

// The variable naming one binary: "kube-apiserver" → "TEST_ASSET_KUBE_APISERVER".
std::string asset_variable(std::string_view binary);

// The first executable found (see above); nullopt when none. `assets_dir` ("" = none)
// is tried after KUBEBUILDER_ASSETS.
std::optional<std::filesystem::path> find_binary(std::string_view binary,
                                                 const std::filesystem::path& assets_dir = {});

// Where find_binary looked, for an error message: one line per place.
std::vector<std::string> binary_search_places(std::string_view binary,
                                              const std::filesystem::path& assets_dir = {});

}  // namespace ktk::envtest
