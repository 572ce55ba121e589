// selection.hpp — the label and field selectors of a list or watch, parsed and checked.
#pragma once

#include "handler.hpp"
#include "ktk/core/field_selector.hpp"
#include "ktk/core/label_selector.hpp"

namespace ktk::apiserver::detail {

struct selection {
  core::label_selector labels;
  core::field_selector fields;

  bool everything() const { return labels.empty() && fields.empty(); }
  bool matches(const core::object& o) const {
    return labels.matches(o.labels_json()) && (fields.empty() || fields.matches(o));
  }
};

// 400 BadRequest for a malformed selector or a field the kind cannot select on.
core::result<selection> parse_selection(const resource_handler& h, const std::string& label_selector,
                                        const std::string& field_selector);

}  // namespace ktk::apiserver::detail
