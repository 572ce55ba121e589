// fake_provider.hpp — an in-memory provider for tests (and the operator's stand-in).
//
// Machines live in a map; nothing is slow. Tests make it fail on purpose: the next
// n calls (of every verb, or of one) fail with 503 ServiceUnavailable, as a cloud API
// that is down would. It counts the calls it got, failed ones included.
//
//   fake_provider p;
//   p.fail_next(2, "quota exceeded", "create");   // two failed creates, then success
//   ... run the controller ...
//   EXPECT_EQ(p.calls("create"), 3);
//   EXPECT_TRUE(p.exists("default/vm-1"));
//
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provider.hpp"

namespace ktk::examples::virtualmachine {

class fake_provider final : public provider {
 public:
  // `log` (optional) is told about every call: "create default/vm-1 (2 CPU, 4Gi)".
  explicit fake_provider(std::function<void(const std::string&)> log = {}) : log_(std::move(log)) {}

  core::result<machine> create(const machine& m) override;
  core::result<machine> get(std::string_view name) override;
  core::result<void> remove(std::string_view name) override;

  // The next n calls of `verb` ("create", "get", "remove"; "" = any) fail with a 503
  // carrying `message`. Replaces what an earlier fail_next had left.
  void fail_next(int n, std::string message = "injected failure", std::string verb = "");
  // Calls so far of `verb` ("" = all), failed ones included.
  int calls(std::string_view verb = "") const;
  bool exists(std::string_view name) const;
  std::vector<machine> machines() const;

 private:
  // Counts the call; the injected error when it must fail.
  std::optional<core::api_error> enter(std::string_view verb, const std::string& what);

  std::function<void(const std::string&)> log_;
  mutable std::mutex mu_;
  std::map<std::string, machine, std::less<>> machines_;  // guarded by mu_
  std::map<std::string, int, std::less<>> calls_;         // guarded by mu_
  int failures_left_ = 0;                                  // guarded by mu_
  std::string failure_verb_;                               // guarded by mu_
  std::string failure_message_;                            // guarded by mu_
};

}  // namespace ktk::examples::virtualmachine
