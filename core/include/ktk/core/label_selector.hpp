// ktk/core/label_selector.hpp — label selectors, string and object forms.
//
// The string syntax of `?labelSelector=` (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
// `a notin (x)`, `a`, `!a`, `a>5`, `a<5`, comma-separated = AND) and
// metav1.LabelSelector objects (matchLabels + matchExpressions In/NotIn/Exists/
// DoesNotExist). Bad input gets the error kube-apiserver gives, as a 400 BadRequest
// api_error.
//
//   auto s = ktk::core::label_selector::parse("app=web,tier in (fe,be),!canary");
//   if (s && s->matches(obj.labels_json())) ...
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/json.hpp"
#include "ktk/core/result.hpp"

namespace ktk::core {

struct label_requirement {
  // greater_than / less_than are the string syntax's `a>5` / `a<5` (integer compare).
  enum class op { equals, not_equals, in, not_in, exists, does_not_exist, greater_than, less_than };
  std::string key{};
  op operator_ = op::equals;
  std::vector<std::string> values{};  // sorted; one for equals / not_equals / greater_than / less_than

  bool matches(const json& labels) const;
  auto operator<=>(const label_requirement&) const = default;
};

class label_selector {
 public:
  // The empty selector, which matches everything.
  label_selector() = default;

  // Parses the string form. Errors are 400 BadRequest with kube-apiserver's message
  // (e.g. `unable to parse requirement: ...` / `found '(', expected: ...`).
  static result<label_selector> parse(std::string_view s);
  // Reads a metav1.LabelSelector object; a null or {} selector matches everything.
  // Errors name the field (e.g. `matchExpressions[0].values: Required value`).
  static result<label_selector> from_json(const json& selector);
  // A selector that requires exactly these labels.
  static label_selector from_map(const std::map<std::string, std::string>& labels);
  // A selector that matches nothing (what metav1.LabelSelectorAsSelector gives for nil).
  static label_selector nothing();

  // `labels` is a JSON object of strings (or null).
  bool matches(const json& labels) const;
  bool matches(const std::map<std::string, std::string>& labels) const;
  bool empty() const { return !match_nothing_ && reqs_.empty(); }
  const std::vector<label_requirement>& requirements() const { return reqs_; }
  // Canonical string form, requirements sorted by key.
  std::string str() const;

 private:
  std::vector<label_requirement> reqs_;
  bool match_nothing_ = false;
};

}  // namespace ktk::core
