// temp_dir.hpp — private: a fresh directory under the system temp dir (mkdtemp).
#pragma once

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace ktk::envtest::detail {

// A new, empty directory "<tmp>/<prefix>XXXXXX" the caller owns (and removes).
// Throws std::system_error when it cannot be made.
inline std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  return pattern;
}

// Removes a tree, ignoring errors (cleanup paths must not throw).
inline void remove_tree(const std::filesystem::path& dir) noexcept {
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace ktk::envtest::detail
