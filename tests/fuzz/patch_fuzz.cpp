// patch_fuzz.cpp — the patch types and server-side apply.
//
// Input: one byte choosing the patch type and kind, then the original object (JSON)
// and the patch, separated by a NUL byte. byte % 4: 0 merge, 1 JSON patch, 2 strategic
// merge, 3 apply (the patch is YAML). (byte / 4) % 5: the kind (Deployment, Pod,
// ConfigMap, Service, a custom resource). Failures are api_error values; invariants:
//   merge patch is idempotent: merge(merge(t, p), p) == merge(t, p) (RFC 7386);
//   apply_json_patch(from, create_json_patch(from, to)) == to;
//   a patched or applied object serialises.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/core/apply.hpp"
#include "ktk/core/patch.hpp"
#include "ktk/core/yaml.hpp"

namespace {

using ktk::core::json;

struct kind {
  ktk::core::group_kind gk;
  const char* api_version;
};

const std::array<kind, 5> kinds = {{{{"apps", "Deployment"}, "apps/v1"},
                                    {{"", "Pod"}, "v1"},
                                    {{"", "ConfigMap"}, "v1"},
                                    {{"", "Service"}, "v1"},
                                    {{"example.com", "Widget"}, "example.com/v1"}}};

std::string show(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void check_json_patch_round_trip(const json& from, const json& to) {
  json ops = ktk::core::create_json_patch(from, to);
  auto back = ktk::core::apply_json_patch(from, ops);
  if (!back) ktk::fuzz::fail("create_json_patch made a patch that does not apply", show(ops) + "\n" + back.error().message());
  if (*back != to) ktk::fuzz::fail("create_json_patch's patch does not give the target", show(from) + "\n" + show(to));
}

void apply(const json& live, const std::string_view patch_text, const kind& k, bool force) {
  json applied;
  try {
    applied = ktk::core::yaml_to_json(patch_text, "apply.yaml");
  } catch (const ktk::core::yaml_error&) {
    return;
  }
  if (!applied.is_object()) return;  // the registry answers 400 before apply sees it
  ktk::core::apply_options opts{.manager = "fuzz", .force = force, .timestamp = "2024-01-01T00:00:00Z",
                                .gk = k.gk, .api_version = k.api_version};
  auto r = ktk::core::server_side_apply(live, applied, opts);
  if (!r) return;
  (void)r->dump();
  // Another manager applying the same configuration: conflicts unless forced.
  opts.manager = "other";
  if (auto r2 = ktk::core::server_side_apply(*r, applied, opts)) (void)r2->dump();
  // An update-style write by a third manager, from the original to the applied object.
  opts.manager = "editor";
  (void)ktk::core::record_update(live, *r, opts).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned mode = data[0];
  const kind& k = kinds[(mode / 4) % kinds.size()];
  auto [original_text, patch_text] = ktk::fuzz::split_at_nul(ktk::fuzz::text(data + 1, size - 1));
  json original = json::parse(original_text, nullptr, false);
  if (original.is_discarded()) return 0;

  switch (mode % 4) {
    case 0: {
      json patch = json::parse(patch_text, nullptr, false);
      if (patch.is_discarded()) return 0;
      auto once = ktk::core::apply_merge_patch(original, patch);
      if (!once) return 0;
      auto twice = ktk::core::apply_merge_patch(*once, patch);
      if (!twice) ktk::fuzz::fail("a merge patch that applied once fails the second time", twice.error().message());
      if (*twice != *once) ktk::fuzz::fail("merge patch is not idempotent", show(*once) + "\n" + show(*twice));
      check_json_patch_round_trip(original, *once);
      break;
    }
    case 1: {
      json patch = json::parse(patch_text, nullptr, false);
      if (patch.is_discarded()) return 0;
      auto r = ktk::core::apply_json_patch(original, patch);
      if (r) check_json_patch_round_trip(original, *r);
      break;
    }
    case 2: {
      json patch = json::parse(patch_text, nullptr, false);
      if (patch.is_discarded()) return 0;
      if (!ktk::core::supports_strategic_merge(k.gk)) return 0;
      auto r = ktk::core::apply_strategic_merge_patch(original, patch, k.gk);
      if (r) (void)r->dump();
      break;
    }
    default:
      apply(original.is_object() ? original : json(nullptr), patch_text, k, (mode & 0x80) != 0);
      break;
  }
  return 0;
}
