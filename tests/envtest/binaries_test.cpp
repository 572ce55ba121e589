// binaries_test.cpp — the order in which find_binary looks: TEST_ASSET_*, then
// KUBEBUILDER_ASSETS, then the given folder, then /usr/local/kubebuilder/bin, then PATH.
#include "ktk/envtest/binaries.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace {

namespace fs = std::filesystem;
using ktk::envtest::asset_variable;
using ktk::envtest::binary_search_places;
using ktk::envtest::find_binary;

// A binary name nothing on this machine has, so /usr/local/kubebuilder/bin and the real
// PATH cannot interfere.
constexpr const char* name = "ktk-fake-binary-for-tests";
constexpr const char* asset_var = "TEST_ASSET_KTK_FAKE_BINARY_FOR_TESTS";

class FindBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ktk-binaries-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const char* v : {asset_var, "KUBEBUILDER_ASSETS", "PATH"}) {
      const char* old = std::getenv(v);
      saved_[v] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    ::unsetenv(asset_var);
    ::unsetenv("KUBEBUILDER_ASSETS");
    ::setenv("PATH", "/nonexistent-ktk-path", 1);
  }
  void TearDown() override {
    for (const auto& [v, old] : saved_) {
      if (old) {
        ::setenv(v.c_str(), old->c_str(), 1);
      } else {
        ::unsetenv(v.c_str());
      }
    }
    fs::remove_all(root_);
  }
  // <root>/<dir>/<name>, executable unless told otherwise.
  fs::path make(const std::string& dir, bool executable = true) {
    const fs::path p = root_ / dir / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "#!/bin/sh\n";
    fs::permissions(p, executable ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write);
    return p;
  }
  fs::path root_;
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST(AssetVariable, UpperCaseWithUnderscores) {
  EXPECT_EQ(asset_variable("kube-apiserver"), "TEST_ASSET_KUBE_APISERVER");
  EXPECT_EQ(asset_variable("etcd"), "TEST_ASSET_ETCD");
}

TEST_F(FindBinary, NothingFound) { EXPECT_EQ(find_binary(name), std::nullopt); }

TEST_F(FindBinary, OrderOfPlaces) {
  const fs::path on_path = make("path");
  ::setenv("PATH", ("/nonexistent-ktk-path:" + on_path.parent_path().string()).c_str(), 1);
  EXPECT_EQ(find_binary(name), on_path);

  const fs::path given = make("given");
  EXPECT_EQ(find_binary(name, given.parent_path()), given);

  const fs::path assets = make("assets");
  ::setenv("KUBEBUILDER_ASSETS", assets.parent_path().c_str(), 1);
  EXPECT_EQ(find_binary(name, given.parent_path()), assets);

  const fs::path asset = make("asset");
  ::setenv(asset_var, asset.c_str(), 1);
  EXPECT_EQ(find_binary(name, given.parent_path()), asset);
}

TEST_F(FindBinary, SkipsWhatIsNotExecutable) {
  const fs::path assets = make("assets", false);
  ::setenv("KUBEBUILDER_ASSETS", assets.parent_path().c_str(), 1);
  ::setenv(asset_var, (root_ / "missing").c_str(), 1);
  const fs::path on_path = make("path");
  ::setenv("PATH", on_path.parent_path().c_str(), 1);
  EXPECT_EQ(find_binary(name), on_path);
}

TEST_F(FindBinary, EmptyVariablesAreUnset) {
  ::setenv(asset_var, "", 1);
  ::setenv("KUBEBUILDER_ASSETS", "", 1);
  EXPECT_EQ(find_binary(name), std::nullopt);
}

TEST_F(FindBinary, SearchPlacesListEveryPlaceInOrder) {
  ::setenv("KUBEBUILDER_ASSETS", "/kb", 1);
  ::setenv("PATH", "/a:/b", 1);
  const auto places = binary_search_places(name, "/given");
  const std::string n = name;
  const std::string var = asset_var;
  ASSERT_EQ(places.size(), 6u);
  EXPECT_EQ(places[0], "$" + var + ": (unset)");
  EXPECT_EQ(places[1], "$KUBEBUILDER_ASSETS: /kb/" + n);
  EXPECT_EQ(places[2], "binary_assets_directory: /given/" + n);
  EXPECT_EQ(places[3], "default: /usr/local/kubebuilder/bin/" + n);
  EXPECT_EQ(places[4], "$PATH: /a/" + n);
  EXPECT_EQ(places[5], "$PATH: /b/" + n);
}

}  // namespace
