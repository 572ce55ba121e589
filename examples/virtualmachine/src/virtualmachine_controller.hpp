// virtualmachine_controller.hpp — the VirtualMachine reconciler and its wiring.
//
// For each VirtualMachine it makes sure a machine exists at the provider while the
// object lives, and is released before the object goes:
//   first sight     → adds the finalizer infra.example.com/release
//   no machine yet  → status.phase Creating, provider.create, then Running + Ready=True
//   deleted         → status.phase Deleting, provider.remove, then the finalizer goes
//                     and with it the object
//   provider fails  → Ready=False with the provider's message; the reconcile answers
//                     an error, so the work queue retries it with backoff
// Status is written through the /status subresource (the CRD must enable it, or
// every status write is a 404). An update conflict is an error too: retried.
//
//   ktk::client::controller::manager mgr(client);
//   ktk::examples::virtualmachine::fake_provider p;
//   ktk::examples::virtualmachine::setup(mgr, p);
//   mgr.start(stop);
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "ktk/client/client.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/controller/reconciler.hpp"
#include "ktk/client/workqueue/rate_limiter.hpp"
#include "ktk/core/clock.hpp"
#include "provider.hpp"
#include "virtualmachine_types.hpp"

namespace ktk::examples::virtualmachine {

struct options {
  int max_concurrent_reconciles = 1;
  // Backoff of failed reconciles; the controller's default (5 ms doubling up to
  // 1000 s, at most 10 per second overall) when null.
  std::shared_ptr<client::workqueue::rate_limiter<client::controller::request>> rate_limiter{};
  // Stamps the conditions' lastTransitionTime; not owned; the manager's clock when null.
  core::clock* clock = nullptr;
};

// The machine's name at the provider: "<namespace>/<name>".
std::string machine_name(const virtual_machine& vm);

// Thread-safe as far as the client and the provider are: the controller never runs
// two reconciles of one object at once.
class reconciler final : public client::controller::reconciler {
 public:
  // Borrows all three; they must outlive the reconciler. clk null: the real clock.
  reconciler(client::client& c, provider& p, core::clock* clk = nullptr);

  client::controller::outcome reconcile(const client::controller::request& req, std::stop_token stop) override;

 private:
  client::controller::outcome ensure_running(virtual_machine& vm);
  client::controller::outcome release(virtual_machine& vm);
  // Sets phase and the Ready condition; writes status only when that changed them.
  core::result<void> set_status(virtual_machine& vm, std::string_view phase, std::string_view ready,
                                std::string_view reason, const std::string& message);

  client::client& client_;
  provider& provider_;
  core::clock& clock_;
};

// Adds the VirtualMachine controller to mgr, reading through mgr.get_client().
// Borrows p, which must outlive the manager's run.
void setup(client::controller::manager& mgr, provider& p, options opts = {});

}  // namespace ktk::examples::virtualmachine
