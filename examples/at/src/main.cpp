// at-operator — runs the At controller (at_controller.hpp) against a cluster until
// SIGTERM or SIGINT.
//
//   at-operator [--kubeconfig FILE] [--context NAME]
//
// The configuration is found as controller-runtime's GetConfig() finds it: --kubeconfig,
// else KUBECONFIG, else the in-cluster service account, else ~/.kube/config.
#include <signal.h>
#include <unistd.h>

#include <exception>
#include <iostream>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "ktk/client/controller/manager.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"

#include "at_controller.hpp"

namespace {

constexpr const char* usage = "usage: at-operator [--kubeconfig FILE] [--context NAME]\n";

}  // namespace

int main(int argc, char** argv) {
  ktk::client::rest::config_options where;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if ((arg == "--kubeconfig" || arg == "--context") && i + 1 < argc) {
      (arg == "--kubeconfig" ? where.kubeconfig_path : where.context) = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    } else {
      std::cerr << "at-operator: unexpected argument '" << arg << "'\n" << usage;
      return 2;
    }
  }

  // Signals are taken synchronously by this thread; every thread started later
  // inherits the mask, so none of them is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    auto cfg = ktk::client::rest::load_default_config(where);
    ktk::client::rest::rest_client client(cfg.config);
    ktk::client::controller::manager mgr(client);
    ktk::examples::at::setup(mgr);

    std::stop_source stop;
    ktk::core::result<void> ran;
    std::jthread run([&] {
      ran = mgr.start(stop.get_token());
      if (!stop.stop_requested()) ::kill(::getpid(), SIGTERM);  // failed on its own: wake sigwait below
    });
    int sig = 0;
    sigwait(&signals, &sig);
    stop.request_stop();
    run.join();
    if (!ran) {
      std::cerr << "at-operator: " << ran.error().message() << "\n";
      return 1;
    }
  } catch (const std::exception& e) {  // a broken configuration (config_error) and the like
    std::cerr << "at-operator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
