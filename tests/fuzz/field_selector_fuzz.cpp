// field_selector_fuzz.cpp — field selectors: parse, print, parse again to the same
// requirements; validation for a few kinds and matching against a Pod never throw.
// Bad input is a 400 api_error value.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/core/field_selector.hpp"

namespace {

using ktk::core::field_selector;
using ktk::core::json;

const ktk::core::object& sample_pod() {
  static const ktk::core::object pod(json{{"apiVersion", "v1"},
                                          {"kind", "Pod"},
                                          {"metadata", {{"name", "web-1"}, {"namespace", "default"}}},
                                          {"spec", {{"nodeName", "n1"}, {"restartPolicy", "Always"}}},
                                          {"status", {{"phase", "Running"}, {"podIP", "10.0.0.1"}}}});
  return pod;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto s = field_selector::parse(ktk::fuzz::text(data, size));
  if (!s) return 0;
  (void)s->matches(sample_pod());
  (void)s->matches(ktk::core::object());
  (void)s->required_value("metadata.name");
  for (const auto& r : s->requirements()) (void)ktk::core::field_value(sample_pod(), r.field);
  for (const auto& gk : {ktk::core::group_kind{"", "Pod"}, ktk::core::group_kind{"", "Node"},
                         ktk::core::group_kind{"batch", "Job"}, ktk::core::group_kind{"", "Secret"},
                         ktk::core::group_kind{"", "Event"}, ktk::core::group_kind{"apps", "Deployment"}}) {
    (void)ktk::core::validate_field_selector(*s, gk, false);
  }
  (void)ktk::core::validate_field_selector(*s, {"example.com", "Widget"}, true);
  std::string printed = s->str();
  auto again = field_selector::parse(printed);
  if (!again) ktk::fuzz::fail("a selector's str() does not parse", printed + "\n" + again.error().message());
  // Terms are ANDed; parse orders them by their raw text (as apimachinery does), so
  // "==d,=P" prints "=d,=P", which parses in the other order: compare as sets.
  auto sorted = [](std::vector<ktk::core::field_requirement> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (sorted(again->requirements()) != sorted(s->requirements())) {
    ktk::fuzz::fail("str() then parse changed the selector", printed);
  }
  return 0;
}
