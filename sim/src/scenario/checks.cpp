// Object references ({kind: Pod, selector: app=web}) and checks (exists, absent,
// condition, jsonpath, count) — shared by wait_for, expect, invariants and the steps
// that act on objects.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "ktk/core/field_selector.hpp"
#include "ktk/core/label_selector.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "scenario/parse.hpp"

namespace ktk::sim::detail {

namespace {

const std::vector<std::string_view> check_forms = {"exists", "absent", "count", "condition", "jsonpath"};

std::vector<std::string_view> with(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  std::vector<std::string_view> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// "pods" / "deploy" → "Pod" / "Deployment", when kind looks like a resource name.
std::string kind_hint(const std::string& kind) {
  static const core::rest_mapper mapper = core::rest_mapper::with_builtins();
  if (kind.empty() || std::isupper(static_cast<unsigned char>(kind[0]))) return "";
  if (auto info = mapper.resolve(kind)) return info->kind;
  return "";
}

std::string join_or(const std::vector<std::string_view>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out += std::string(i == 0 ? "" : i + 1 == v.size() ? " or " : ", ") + std::string(v[i]);
  return out;
}

}  // namespace

const std::vector<std::string_view>& ref_keys() {
  static const std::vector<std::string_view> keys = {"apiVersion", "kind",  "namespace",     "name",
                                                     "selector",   "field_selector", "phase", "all_namespaces"};
  return keys;
}

const std::vector<std::string_view>& check_keys() {
  static const std::vector<std::string_view> keys = {"name",   "object", "exists",   "absent",   "count",  "condition",
                                                     "status", "jsonpath", "equals", "at_least", "at_most"};
  return keys;
}

std::optional<object_ref> parse_ref(reader& r, const node& map, std::string_view what,
                                    const std::vector<std::string_view>& extra) {
  if (!r.want_map(map, what)) return std::nullopt;
  r.known_keys(map, with(ref_keys(), extra), what);
  object_ref ref;
  std::string w(what);
  if (auto k = r.string(map, "kind", what, true)) {
    ref.kind = *k;
    if (std::string hint = kind_hint(ref.kind); !hint.empty())
      r.error(map["kind"], w + ": kind is the Kind (" + hint + "), not \"" + ref.kind + "\"");
  }
  if (auto v = r.string(map, "apiVersion", what)) ref.api_version = *v;
  if (auto v = r.string(map, "namespace", what)) ref.namespace_ = *v;
  if (auto v = r.string(map, "name", what)) ref.name = *v;
  if (auto v = r.string(map, "selector", what)) {
    ref.label_selector = *v;
    if (auto sel = core::label_selector::parse(*v); !sel)
      r.error(map["selector"], w + ": selector \"" + *v + "\": " + sel.error().message());
  }
  if (auto v = r.string(map, "field_selector", what)) {
    ref.field_selector = *v;
    if (auto sel = core::field_selector::parse(*v); !sel)
      r.error(map["field_selector"], w + ": field_selector \"" + *v + "\": " + sel.error().message());
  }
  if (auto v = r.string(map, "phase", what)) {
    ref.phase = *v;
    static const std::vector<std::string_view> phases = {"Pending", "Running", "Succeeded", "Failed", "Unknown"};
    if (ref.kind != "Pod") {
      r.error(map["phase"], w + ": phase is for Pods only");
    } else if (std::find(phases.begin(), phases.end(), *v) == phases.end()) {
      std::string hint = did_you_mean(*v, phases);
      r.error(map["phase"], w + ": phase \"" + *v + "\" is not a Pod phase (" + join_or(phases) + ")" +
                                (hint.empty() ? "" : "; " + hint));
    }
  }
  if (auto v = r.boolean(map, "all_namespaces", what)) ref.all_namespaces = *v;
  if (!ref.name.empty() && (!ref.label_selector.empty() || !ref.field_selector.empty()))
    r.error(map["name"], w + ": name and selectors exclude each other (one object, or those that match)");
  if (ref.all_namespaces && !ref.namespace_.empty())
    r.error(map["all_namespaces"], w + ": all_namespaces and namespace exclude each other");
  return ref;
}

namespace {

std::optional<check> read_check(reader& r, const node& map, std::string_view what,
                                const std::vector<std::string_view>& extra) {
  if (!r.want_map(map, what)) return std::nullopt;
  r.known_keys(map, with(check_keys(), extra), what);
  std::string w(what);
  check c;
  c.where = r.where(map);
  if (auto v = r.string(map, "name", what)) c.name = *v;

  std::vector<std::string_view> forms;
  for (auto f : check_forms)
    if (map.has(f)) forms.push_back(f);
  if (forms.empty() && map.has("object")) {
    r.error(map["object"], w + ": object needs condition or jsonpath (to check that it exists, write exists: {...})");
    return std::nullopt;
  }
  if (forms.empty()) {
    r.error(map, w + " needs one of exists, absent, count, condition (with object) or jsonpath (with object)");
    return std::nullopt;
  }
  if (forms.size() > 1) {
    r.error(map[forms[1]], w + " checks one thing; found " + join_or(forms) + " (make them separate checks)");
    return std::nullopt;
  }
  const std::string form(forms[0]);
  const std::string fw = w + ": " + form;
  bool about_one = form == "condition" || form == "jsonpath";
  if (form == "exists") c.what = check::form::exists;
  if (form == "absent") c.what = check::form::absent;
  if (form == "count") c.what = check::form::count;
  if (form == "condition") c.what = check::form::condition;
  if (form == "jsonpath") c.what = check::form::jsonpath;

  // The object: in object: for condition and jsonpath, in the form's own key otherwise.
  std::optional<object_ref> ref;
  if (about_one) {
    if (r.require(map, "object", fw)) ref = parse_ref(r, map["object"], w + ": object");
  } else {
    if (map.has("object"))
      r.error(map["object"], w + ": object goes with condition or jsonpath; " + form + " names its objects itself (" +
                                 form + ": {kind: ..., name: ...})");
    ref = parse_ref(r, map[form], fw);
  }
  if (ref) {
    c.target = *ref;
    // condition and jsonpath without a name hold for every object that matches (and
    // need one to match): "every Deployment is Available".
    if (!about_one && form != "count" && ref->name.empty() && !ref->kind.empty())
      r.error(map[form], fw + " needs the object's name");
  }

  if (form == "condition") {
    if (auto v = r.string(map, "condition", what)) c.condition_type = *v;
    if (auto v = r.string(map, "status", what)) {
      c.condition_status = *v;
      if (*v != "True" && *v != "False" && *v != "Unknown")
        r.error(map["status"], w + ": status must be True, False or Unknown, not \"" + *v + "\"");
    }
  } else if (map.has("status")) {
    r.error(map["status"], w + ": status goes with condition");
  }
  if (form == "jsonpath") {
    if (auto v = r.string(map, "jsonpath", what)) {
      c.jsonpath = *v;
      if (!c.jsonpath.empty() && c.jsonpath[0] == '.') c.jsonpath = "{" + c.jsonpath + "}";
      if (c.jsonpath.size() < 3 || c.jsonpath.front() != '{' || c.jsonpath.back() != '}')
        r.error(map["jsonpath"], w + ": jsonpath \"" + *v + "\" must be kubectl-style, e.g. \"{.status.readyReplicas}\"");
    }
  }

  // The comparison: count and jsonpath need one; the others take none.
  bool compares = form == "count" || form == "jsonpath";
  std::vector<std::string_view> given;
  for (std::string_view k : {"equals", "at_least", "at_most"})
    if (map.has(k)) given.push_back(k);
  if (!compares) {
    for (auto k : given) r.error(map[k], w + ": " + form + " takes no " + std::string(k));
    return c;
  }
  if (given.empty()) {
    r.error(map, fw + " needs equals, at_least or at_most");
    return c;
  }
  if (map.has("equals") && given.size() > 1)
    r.error(map[given[1]], w + ": equals cannot be combined with at_least or at_most");
  if (map.has("equals")) {
    const core::json& e = map["equals"].value();
    if (form == "count" && !(e.is_number_integer() && e.get<std::int64_t>() >= 0))
      r.error(map["equals"], w + ": a count equals a whole number ≥ 0, not " + e.dump());
    else
      c.equals = e;
  }
  c.at_least = r.number(map, "at_least", what);
  c.at_most = r.number(map, "at_most", what);
  for (auto* b : {&c.at_least, &c.at_most}) {
    if (form == "count" && *b && **b < 0) {
      r.error(map[b == &c.at_least ? "at_least" : "at_most"], w + ": a count cannot be negative");
      b->reset();
    }
  }
  if (c.at_least && c.at_most && *c.at_least > *c.at_most)
    r.error(map["at_most"], w + ": at_most is below at_least; nothing can match");
  return c;
}

}  // namespace

std::optional<check> parse_check(reader& r, const node& map, std::string_view what,
                                 const std::vector<std::string_view>& extra) {
  auto c = read_check(r, map, what, extra);
  if (c && c->name.empty()) c->name = default_name(*c);
  return c;
}

}  // namespace ktk::sim::detail
