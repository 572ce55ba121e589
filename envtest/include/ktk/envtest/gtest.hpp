// ktk/envtest/gtest.hpp — GoogleTest glue: one control plane for a whole test binary,
// and a fixture that gives each test a namespace of its own.
//
// Header-only, so that ktk::envtest does not depend on GoogleTest; include it from
// test code that links GTest.
//
//   int main(int argc, char** argv) {
//     ::testing::InitGoogleTest(&argc, argv);
//     ::testing::AddGlobalTestEnvironment(new ktk::envtest::global_environment({.crd_paths = {"crds"}}));
//     return RUN_ALL_TESTS();
//   }
//   class WidgetTest : public ktk::envtest::namespaced_test {};
//   TEST_F(WidgetTest, Creates) { client().create(widget(ns(), "w")); }
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "ktk/envtest/environment.hpp"

namespace ktk::envtest {

// Starts an environment before the first test and stops it after the last. A start
// failure fails every test with the reason (GoogleTest reports SetUp failures so).
class global_environment : public ::testing::Environment {
 public:
  explicit global_environment(environment_options opts = {}) : env_(std::make_unique<environment>(std::move(opts))) {
    current_ = env_.get();
  }
  ~global_environment() override {
    if (current_ == env_.get()) current_ = nullptr;
  }
  void SetUp() override {
    try {
      env_->start();
    } catch (const std::exception& e) {
      FAIL() << "ktk envtest: " << e.what();
    }
  }
  void TearDown() override { env_->stop(); }

  // The environment of the registered global_environment (null when none).
  static environment* current() { return current_; }

 private:
  std::unique_ptr<environment> env_;
  static inline environment* current_ = nullptr;
};

// Each test gets a fresh namespace ("test-<n>-<test name>", lower-cased and cut to a
// valid name), created before the test and deleted after it. Uses the global
// environment; a test without one is skipped with a message saying so.
class namespaced_test : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = global_environment::current();
    if (!env_ || !env_->running()) GTEST_SKIP() << "no running ktk::envtest::global_environment";
    ns_ = namespace_name();
    core::object n(core::json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}});
    auto made = env_->client().create(std::move(n));
    ASSERT_TRUE(made) << "creating namespace " << ns_ << ": " << made.error().message();
  }
  void TearDown() override {
    if (env_ && env_->running() && !ns_.empty()) (void)env_->client().remove({"", "v1", "Namespace"}, {"", ns_});
  }

  const std::string& ns() const { return ns_; }
  client::client& client() { return env_->client(); }
  environment& env() { return *env_; }

 private:
  std::string namespace_name() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "test-" + std::to_string(++counter) + "-";
    for (char c : std::string(info->name())) {
      if (name.size() >= 63) break;
      if (std::isalnum(static_cast<unsigned char>(c))) {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (name.back() != '-') {
        name += '-';
      }
    }
    while (name.back() == '-') name.pop_back();
    return name;
  }

  environment* env_ = nullptr;
  std::string ns_;
};

}  // namespace ktk::envtest
