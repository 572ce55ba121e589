// label_selector_fuzz.cpp — label selectors, string and object forms. A selector that
// parses prints (str()) a canonical form that parses again to the same requirements;
// matching never throws. Bad input is a 400 api_error value.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/core/label_selector.hpp"

namespace {

using ktk::core::json;
using ktk::core::label_selector;

void exercise(const label_selector& s) {
  static const json labels = {{"app", "web"}, {"tier", "fe"}, {"n", "7"}, {"x.io/y", ""}};
  static const std::map<std::string, std::string> as_map = {{"app", "db"}, {"n", "12"}};
  (void)s.matches(labels);
  (void)s.matches(json(nullptr));
  (void)s.matches(as_map);
  std::string printed = s.str();
  auto again = label_selector::parse(printed);
  if (!again) ktk::fuzz::fail("a selector's str() does not parse", printed + "\n" + again.error().message());
  if (again->requirements() != s.requirements()) ktk::fuzz::fail("str() then parse changed the selector", printed);
  if (again->str() != printed) ktk::fuzz::fail("str() is not canonical", printed + "\n" + again->str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = ktk::fuzz::text(data, size);
  if (auto s = label_selector::parse(in)) exercise(*s);
  // The same bytes as a metav1.LabelSelector object, when they are JSON.
  json j = json::parse(in, nullptr, false);
  if (!j.is_discarded()) {
    if (auto s = label_selector::from_json(j)) {
      (void)s->matches(json{{"app", "web"}});
      (void)s->str();
    }
  }
  return 0;
}
