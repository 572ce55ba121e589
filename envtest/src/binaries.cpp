// binaries.cpp — envtest's search order for etcd, kube-apiserver and kubectl.
#include "ktk/envtest/binaries.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <sstream>

namespace ktk::envtest {

namespace fs = std::filesystem;

namespace {

bool executable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// Each place in order, with a label for error messages; `path` empty when unset.
struct place {
  std::string label;
  fs::path path;
};

std::vector<place> places(std::string_view binary, const fs::path& assets_dir) {
  std::vector<place> out;
  const std::string var = asset_variable(binary);
  const char* asset = env(var.c_str());
  out.push_back({"$" + var, asset ? fs::path(asset) : fs::path()});
  const char* kb = env("KUBEBUILDER_ASSETS");
  out.push_back({"$KUBEBUILDER_ASSETS", kb ? fs::path(kb) / binary : fs::path()});
  out.push_back({"binary_assets_directory", assets_dir.empty() ? fs::path() : assets_dir / binary});
  out.push_back({"default", fs::path("/usr/local/kubebuilder/bin") / binary});
  if (const char* path = env("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      if (!dir.empty()) out.push_back({"$PATH", fs::path(dir) / binary});
    }
  }
  return out;
}

}  // namespace

std::string asset_variable(std::string_view binary) {
  std::string out = "TEST_ASSET_";
  for (char c : binary) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<fs::path> find_binary(std::string_view binary, const fs::path& assets_dir) {
  for (const auto& p : places(binary, assets_dir)) {
    if (!p.path.empty() && executable(p.path)) return p.path;
  }
  return std::nullopt;
}

std::vector<std::string> binary_search_places(std::string_view binary, const fs::path& assets_dir) {
  std::vector<std::string> out;
  for (const auto& p : places(binary, assets_dir)) {
    out.push_back(p.label + ": " + (p.path.empty() ? std::string("(unset)") : p.path.string()));
  }
  return out;
}

}  // namespace ktk::envtest
