// ktk/envtest/crd_install.hpp — installing CRDs through a client, as envtest does.
//
// Creates (or updates) each CRD, then waits — by watching CRDs, not by sleeping — until
// every one is Established, and then until discovery serves each served version (a
// list of the resource succeeds). Works against any server: ktk's, a real
// kube-apiserver, an existing cluster.
//
//   auto names = ktk::envtest::install_crds(client, crds, {.timeout = 30s});
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ktk/client/client.hpp"
#include "ktk/core/object.hpp"

namespace ktk::envtest {

struct crd_install_options {
  std::chrono::milliseconds timeout{30000};
};

// Installs `crds` (v1 documents) and waits for them. Returns their names. Throws
// std::runtime_error naming the CRD when the server rejects one or it is not
// Established and discoverable within the timeout.
std::vector<std::string> install_crds(client::client& c, const std::vector<core::object>& crds,
                                      const crd_install_options& opts = {});

// Deletes the named CRDs and waits (bounded by timeout) until they are gone.
void uninstall_crds(client::client& c, const std::vector<std::string>& names,
                    const crd_install_options& opts = {});

}  // namespace ktk::envtest
