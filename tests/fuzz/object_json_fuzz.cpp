// object_json_fuzz.cpp — a JSON body decoded into a core::object and created (dry run)
// through the registry: defaulting and validation of every built-in kind, CRDs and
// their schemas. Failures are api_error values (400, 404, 409, 422 ...) and
// std::invalid_argument from object's constructor for a document that is not a JSON
// object; nothing else may escape.
//
// Input: one byte choosing the namespace the request names (0: the object's own or
// "default", 1: "kube-system", 2: none, for cluster-scoped kinds), then the JSON.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/core/clock.hpp"

namespace {

using ktk::core::json;
namespace api = ktk::apiserver;

api::registry& the_registry() {
  // Dry-run writes store nothing, so one registry serves every input.
  static ktk::core::fake_clock clock;
  static api::registry reg({.clock = &clock, .history = 64, .seed = 1});
  return reg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned mode = data[0] % 3;
  json j = json::parse(ktk::fuzz::text(data + 1, size - 1), nullptr, false);
  if (j.is_discarded()) return 0;
  ktk::core::object obj;
  try {
    obj = ktk::core::object(std::move(j));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  auto& reg = the_registry();
  auto info = reg.mapper().by_kind(obj.group_version_kind());
  if (!info) return 0;  // the router answers 404 for a resource it does not serve
  std::string ns;
  if (mode == 0) ns = obj.namespace_().empty() ? "default" : std::string(obj.namespace_());
  if (mode == 1) ns = "kube-system";
  if (!info->namespaced) ns.clear();
  std::vector<std::string> warnings;
  for (auto validation : {api::field_validation::strict, api::field_validation::warn}) {
    api::write_options opts{.dry_run = true, .field_manager = "fuzz", .validation = validation, .warnings = &warnings};
    auto r = reg.create(info->resource, ns, ktk::core::object(obj), opts);
    if (r) (void)r.value()->data().dump();
  }
  return 0;
}
