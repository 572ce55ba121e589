// ktk/core/field_selector.hpp — field selectors and which fields each kind supports.
//
// `?fieldSelector=metadata.name=web,spec.nodeName!=n1`: `=`, `==`, `!=`, comma = AND.
// Most kinds support metadata.name and metadata.namespace; some kinds have their own
// set (pods: spec.nodeName, status.phase, ...; nodes and namespaces lack
// metadata.namespace), as in kube-apiserver. Values are
// compared as strings; an absent field compares as "".
//
//   auto fs = ktk::core::field_selector::parse("spec.nodeName=n1");
//   auto ok = ktk::core::validate_field_selector(*fs, {"", "Pod"}, false);
//   if (fs->matches(pod)) ...
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/result.hpp"

namespace ktk::core {

struct field_requirement {
  std::string field{};
  bool negated = false;  // != rather than = / ==
  std::string value{};
  auto operator<=>(const field_requirement&) const = default;
};

class field_selector {
 public:
  field_selector() = default;  // matches everything
  // Errors are 400 BadRequest as kube-apiserver words them.
  static result<field_selector> parse(std::string_view s);

  bool matches(const object& o) const;
  bool empty() const { return reqs_.empty(); }
  const std::vector<field_requirement>& requirements() const { return reqs_; }
  // The value the selector compares for `field`, if it names one (metadata.name = "web").
  std::optional<std::string> required_value(std::string_view field) const;
  std::string str() const;

 private:
  std::vector<field_requirement> reqs_;
};

// The fields kube-apiserver lets you select on for a kind. `custom` is true for custom
// resources (metadata.name, metadata.namespace; a CRD's spec.selectableFields are the
// caller's to add).
std::vector<std::string> selectable_fields(const group_kind& gk, bool custom);

// Checks that every field of the selector is supported for the kind. The error is
// the 400 BadRequest kube-apiserver gives: `field label not supported: X` for kinds
// with their own field set and custom resources (a few kinds word it their own way,
// e.g. Job: `field label "X" not supported for batchv1.Job`), and `"X" is not a known
// field selector: only "metadata.name", "metadata.namespace"` for the others.
result<void> validate_field_selector(const field_selector& s, const group_kind& gk, bool custom);

// The value of a selectable field of an object ("" when absent), or nullopt when the
// field is not a path ktk knows how to read.
std::optional<std::string> field_value(const object& o, std::string_view field);

}  // namespace ktk::core
