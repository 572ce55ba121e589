// network-operator — runs the Network controller against a cluster until SIGTERM or SIGINT.
//
//   network-operator [--kubeconfig FILE] [--context NAME] [--workers N]
//
// The configuration is found as controller-runtime finds it: --kubeconfig, else
// KUBECONFIG, else in-cluster, else ~/.kube/config. Exit 0 after a signal, 1 on a
// broken configuration, 2 on bad arguments.
#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "ktk/client/cache/informer_factory.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "network_controller.hpp"

namespace {

constexpr const char* usage = "usage: network-operator [--kubeconfig FILE] [--context NAME] [--workers N]\n";

struct arguments {
  std::string kubeconfig;
  std::string context;
  int workers = 2;
};

// False (after a message) on anything it does not understand.
bool parse(int argc, char** argv, arguments& out) {
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag != "--kubeconfig" && flag != "--context" && flag != "--workers") {
      if (flag != "-h" && flag != "--help") std::cerr << "network-operator: unknown flag " << flag << '\n';
      return false;
    }
    if (i + 1 >= argc) {
      std::cerr << "network-operator: " << flag << " needs a value\n";
      return false;
    }
    std::string value = argv[++i];
    if (flag == "--kubeconfig") {
      out.kubeconfig = value;
    } else if (flag == "--context") {
      out.context = value;
    } else if (flag == "--workers") {
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 64) {
        std::cerr << "network-operator: --workers wants a number from 1 to 64\n";
        return false;
      }
      out.workers = static_cast<int>(n);
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  arguments args;
  if (!parse(argc, argv, args)) {
    std::cerr << usage;
    return 2;
  }

  // Block the stop signals before any thread starts, so that every thread inherits
  // the mask and only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    auto cfg = ktk::client::rest::load_default_config({.kubeconfig_path = args.kubeconfig, .context = args.context});
    ktk::client::rest::rest_client client(cfg.config);
    ktk::client::cache::shared_informer_factory informers(client);
    ktk::examples::network::network_controller controller(client, informers);

    std::stop_source stop;
    informers.start(stop.get_token());
    std::jthread workers([&] { controller.run(args.workers, stop.get_token()); });
    std::cerr << "network-operator: running with " << args.workers << " workers\n";

    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cerr << "network-operator: stopping on signal " << sig << '\n';
    stop.request_stop();
    workers.join();
    informers.shutdown();
  } catch (const ktk::client::rest::config_error& e) {
    std::cerr << "network-operator: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
