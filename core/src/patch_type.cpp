// Content types of PATCH requests.
#include "ktk/core/patch.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace ktk::core {

std::optional<patch_type> patch_type_from_content_type(std::string_view content_type) {
  // Parameters (e.g. "; charset=utf-8") do not change the patch type.
  auto base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && std::isspace(static_cast<unsigned char>(base.back()))) base.remove_suffix(1);
  while (!base.empty() && std::isspace(static_cast<unsigned char>(base.front()))) base.remove_prefix(1);
  std::string t(base);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "application/json-patch+json") return patch_type::json_patch;
  if (t == "application/merge-patch+json") return patch_type::merge_patch;
  if (t == "application/strategic-merge-patch+json") return patch_type::strategic_merge;
  if (t == "application/apply-patch+yaml") return patch_type::apply_yaml;
  if (t == "application/apply-patch+cbor") return patch_type::apply_cbor;
  return std::nullopt;
}

std::string_view content_type_of(patch_type t) {
  switch (t) {
    case patch_type::json_patch: return "application/json-patch+json";
    case patch_type::merge_patch: return "application/merge-patch+json";
    case patch_type::strategic_merge: return "application/strategic-merge-patch+json";
    case patch_type::apply_yaml: return "application/apply-patch+yaml";
    case patch_type::apply_cbor: return "application/apply-patch+cbor";
  }
  return {};
}

}  // namespace ktk::core
