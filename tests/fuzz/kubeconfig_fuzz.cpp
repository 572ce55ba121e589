// kubeconfig_fuzz.cpp — kubeconfig parsing (and resolving, when that reads no file).
// config_error is the one documented failure (kubeconfig.hpp: "throws config_error ...
// and nothing else but std::bad_alloc"); any other exception is a bug.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/client/rest/kubeconfig.hpp"

namespace {

namespace rest = ktk::client::rest;

// resolve_config reads CA, certificate, key and token files; a fuzzer must not.
bool names_files(const rest::kubeconfig& kc) {
  for (const auto& [_, c] : kc.clusters) {
    if (!c.certificate_authority.empty()) return true;
  }
  for (const auto& [_, u] : kc.users) {
    if (!u.token_file.empty() || !u.client_certificate.empty() || !u.client_key.empty()) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rest::kubeconfig kc;
  try {
    kc = rest::parse_kubeconfig(ktk::fuzz::text(data, size), "fuzz-kubeconfig");
  } catch (const rest::config_error&) {
    return 0;
  }
  rest::kubeconfig merged;
  rest::merge_kubeconfig(merged, kc);
  rest::merge_kubeconfig(merged, kc);
  if (names_files(kc)) return 0;
  // An empty environment: nothing is read from the process.
  rest::config_options opts{.env = std::map<std::string, std::string>{}};
  try {
    (void)rest::resolve_config(kc, opts);
  } catch (const rest::config_error&) {
  }
  for (const auto& [name, _] : kc.contexts) {
    opts.context = name;
    try {
      (void)rest::resolve_config(kc, opts);
    } catch (const rest::config_error&) {
    }
  }
  return 0;
}
