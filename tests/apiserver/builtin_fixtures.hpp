// builtin_fixtures.hpp — helpers shared by the built-in strategy tests.
#pragma once

#include <string>
#include <vector>

#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver::builtin_test {

// Each error as "field: message", the form kube-apiserver prints.
inline std::vector<std::string> strs(const field_errors& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(e.str());
  return out;
}

// What the registry does to a body before validating a create / an update.
inline object created(const strategy_ptr& s, object o) {
  s->prepare_for_create(o);
  s->apply_defaults(o);
  return o;
}

inline object updated(const strategy_ptr& s, object o, const object& old) {
  s->prepare_for_update(o, old);
  s->apply_defaults(o);
  return o;
}

}  // namespace ktk::apiserver::builtin_test
