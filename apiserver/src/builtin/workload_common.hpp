// Internal: what the controllers' kinds (apps, batch) share — spec generation, status
// reset on create and kept on update, selector-vs-template checks, int-or-percent.
#pragma once

#include <string>

#include "json_util.hpp"
#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver::detail {

// generation_fields {"spec"}; create resets status to {}, update keeps the stored status.
class workload_strategy : public strategy {
 public:
  std::vector<std::string> generation_fields() const override { return {"spec"}; }
  void prepare_for_create(object& obj) const override;
  void prepare_for_update(object& obj, const object& old) const override;
  // validate_create, and spec.selector may not change (apps/v1).
  field_errors validate_update(const object& obj, const object& old) const override;
};

// The object's spec, or an empty object.
const json& spec_of(const object& obj);

// spec.selector required, valid and non-empty ("empty selector is invalid for <kind>"),
// and matching spec.template.metadata.labels. `spec_path` is "spec" (or
// "spec.jobTemplate.spec").
void validate_selector_and_template_labels(field_errors& errs, const json& spec, const std::string& spec_path,
                                           const std::string& kind_word);
// The pod template under spec.template, which must restart Always (apps kinds).
void validate_always_template(field_errors& errs, const json& spec, const std::string& kind_name);
// spec.selector may not change ("field is immutable"); empty and absent maps compare equal.
void validate_selector_immutable(field_errors& errs, const json& spec, const json& old_spec);
// IntOrString fields such as maxUnavailable: a non-negative integer or a "N%" string.
void validate_int_or_percent(field_errors& errs, const json* v, const std::string& path);
// The integer value of an IntOrString (a percent's number); 0 when absent.
long long int_or_percent_value(const json* v);
// The rendered Go %#v of an intstr.IntOrString.
std::string go_int_or_string(const json& v);
// A copy of `sel` with empty / null members removed, for Semantic.DeepEqual-like comparison.
json normalized(const json& v);

}  // namespace ktk::apiserver::detail
