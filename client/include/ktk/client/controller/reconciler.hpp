// ktk/client/controller/reconciler.hpp — what a controller calls for each object key.
//
// A reconciler looks at the world as it is for one request (a namespace/name) and
// moves it toward what the object asks for. It answers with an `outcome`: done, done
// but look again after a while, or an error — retried with the controller's rate
// limiter, unless it is `terminal` (controller-runtime's TerminalError), which is
// recorded and not retried. An exception escaping reconcile() counts as an error.
//
//   struct my_reconciler : ktk::client::controller::reconciler {
//     outcome reconcile(const request& req, std::stop_token) override {
//       auto at = client.get<my::at>(req);
//       if (ktk::is_not_found(at)) return done();
//       if (!at) return error(at.error());                       // retried with backoff
//       return requeue_after(std::chrono::minutes(1));
//     }
//   };
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>

#include "ktk/core/api_error.hpp"
#include "ktk/core/gvk.hpp"

namespace ktk::client::controller {

// The object a reconcile is about (controller-runtime's reconcile.Request).
using request = core::object_key;

// A failed reconcile. Terminal errors are not retried.
class error {
 public:
  explicit error(std::string message, bool terminal = false) : message_(std::move(message)), terminal_(terminal) {}
  explicit error(const core::api_error& e, bool terminal = false) : error(e.message(), terminal) { api_ = e; }

  const std::string& message() const { return message_; }
  bool is_terminal() const { return terminal_; }
  // The API error it came from, when it came from one.
  const std::optional<core::api_error>& api() const { return api_; }

 private:
  std::string message_;
  bool terminal_;
  std::optional<core::api_error> api_;
};

// An error that must not be retried (controller-runtime's reconcile.TerminalError).
inline error terminal(std::string message) { return error(std::move(message), true); }
inline error terminal(const core::api_error& e) { return error(e, true); }

// What reconcile() answers: success (optionally "look again after requeue_after") or an error.
class outcome {
 public:
  outcome() = default;                                                  // done
  outcome(error e) : error_(std::move(e)) {}                            // NOLINT: implicit by design
  outcome(const core::api_error& e) : error_(error(e)) {}               // NOLINT

  static outcome after(std::chrono::nanoseconds d) {
    outcome o;
    o.requeue_after_ = d;
    return o;
  }
  // Requeue through the rate limiter without an error (controller-runtime's Requeue: true).
  static outcome requeue() {
    outcome o;
    o.requeue_ = true;
    return o;
  }

  bool ok() const { return !error_.has_value(); }
  const std::optional<error>& err() const { return error_; }
  std::chrono::nanoseconds requeue_after() const { return requeue_after_; }
  bool requeue_requested() const { return requeue_; }

 private:
  std::optional<error> error_;
  std::chrono::nanoseconds requeue_after_{0};
  bool requeue_ = false;
};

inline outcome done() { return {}; }
inline outcome requeue_after(std::chrono::nanoseconds d) { return outcome::after(d); }

class reconciler {
 public:
  virtual ~reconciler() = default;
  // Called from the controller's workers; never for the same request on two workers at
  // once. `stop` is requested when the controller shuts down.
  virtual outcome reconcile(const request& req, std::stop_token stop) = 0;
};

// A reconciler from a function (controller-runtime's reconcile.Func).
class reconcile_func final : public reconciler {
 public:
  using fn = std::function<outcome(const request&, std::stop_token)>;
  explicit reconcile_func(fn f) : f_(std::move(f)) {}
  outcome reconcile(const request& req, std::stop_token stop) override { return f_(req, std::move(stop)); }

 private:
  fn f_;
};

}  // namespace ktk::client::controller
