// checks.cpp — a check reads the server (never a cache) and says what it saw.
#include "runner/checks.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ktk/core/field_error.hpp"
#include "ktk/sim/kinds.hpp"

namespace ktk::sim::detail {
namespace {

std::string show(const core::json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

// equals / at_least / at_most against a value; the words describe the expectation.
bool compare(const check& chk, const core::json& got, std::string& expected) {
  std::vector<std::string> parts;
  bool ok = true;
  if (chk.equals) {
    parts.push_back("== " + show(*chk.equals));
    if (got.is_number() && chk.equals->is_number()) {
      ok = ok && std::abs(got.get<double>() - chk.equals->get<double>()) < 1e-9;
    } else if (chk.equals->is_string() && !got.is_string()) {
      ok = ok && show(got) == chk.equals->get<std::string>();
    } else {
      ok = ok && got == *chk.equals;
    }
  }
  if (chk.at_least) {
    parts.push_back(">= " + show(core::json(*chk.at_least)));
    ok = ok && got.is_number() && got.get<double>() >= *chk.at_least;
  }
  if (chk.at_most) {
    parts.push_back("<= " + show(core::json(*chk.at_most)));
    ok = ok && got.is_number() && got.get<double>() <= *chk.at_most;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) expected += (i ? " and " : "") + parts[i];
  return ok;
}

std::string list_names(const std::vector<core::object_ptr>& objs) {
  std::string out;
  std::size_t n = 0;
  for (const auto& o : objs) {
    if (n++ == 10) {
      out += ", ... (" + std::to_string(objs.size()) + " in all)";
      break;
    }
    if (!out.empty()) out += ", ";
    out += std::string(o->name());
    if (o->kind() == "Pod") out += " (" + std::string(pod_phase(*o)) + ")";
  }
  return out.empty() ? "none" : out;
}

}  // namespace

client::result<core::resource_info_ptr> resolve_kind(client::client& c, const object_ref& ref) {
  const auto& m = c.mapper();
  if (!ref.api_version.empty()) {
    if (auto info = m.by_kind(core::gvk::from_api_version(ref.api_version, ref.kind))) return info;
  } else if (auto info = m.resolve(ref.kind)) {
    return info;
  }
  return core::api_error::bad_request("no resource of kind " + core::quote(ref.kind) +
                                      (ref.api_version.empty() ? "" : " in " + core::quote(ref.api_version)) +
                                      " on this server");
}

std::string namespace_of(const core::resource_info& info, const object_ref& ref) {
  if (!info.namespaced || ref.all_namespaces) return {};
  return ref.namespace_.empty() ? "default" : ref.namespace_;
}

client::result<std::vector<core::object_ptr>> select(client::client& c, const object_ref& ref) {
  auto info = resolve_kind(c, ref);
  if (!info) return info.error();
  const auto kind = (*info)->group_version_kind();
  const auto ns = namespace_of(**info, ref);
  std::vector<core::object_ptr> out;
  if (!ref.name.empty()) {
    auto got = c.get(kind, {ns, ref.name});
    if (core::is_not_found(got)) return out;
    if (!got) return got.error();
    out.push_back(*got);
  } else {
    auto got = c.list(kind, {.namespace_ = ns, .label_selector = ref.label_selector, .field_selector = ref.field_selector});
    if (!got) return got.error();
    out = std::move(got->items);
  }
  if (!ref.phase.empty()) {
    std::erase_if(out, [&](const core::object_ptr& o) {
      return ref.phase == "Terminating" ? o->deletion_timestamp().empty()
                                        : (pod_phase(*o) != ref.phase || !o->deletion_timestamp().empty());
    });
  }
  std::sort(out.begin(), out.end(), [](const core::object_ptr& a, const core::object_ptr& b) {
    return std::pair(a->namespace_(), a->name()) < std::pair(b->namespace_(), b->name());
  });
  return out;
}

check_outcome evaluate(client::client& c, const check& chk) {
  auto objs = select(c, chk.target);
  if (!objs) return {false, "cannot read " + describe(chk.target) + ": " + objs.error().message()};
  const std::string what = describe(chk.target);
  switch (chk.what) {
    case check::form::exists:
      if (!objs->empty()) return {true, what + " exists"};
      return {false, "expected " + what + " to exist; it does not"};
    case check::form::absent:
      if (objs->empty()) return {true, what + " is absent"};
      return {false, "expected " + what + " to be gone; found " + list_names(*objs)};
    case check::form::count: {
      std::string expected;
      bool ok = compare(chk, core::json(objs->size()), expected);
      return {ok, "expected the number of " + what + " " + expected + ", got " + std::to_string(objs->size()) +
                      ": " + list_names(*objs)};
    }
    case check::form::condition: {
      if (objs->empty()) return {false, "expected " + what + " " + chk.condition_type + "=" + chk.condition_status +
                                            "; the object does not exist"};
      for (const auto& o : *objs) {
        auto st = condition_status(*o, chk.condition_type);
        if (st != chk.condition_status) {
          return {false, "expected " + what + " " + chk.condition_type + "=" + chk.condition_status + ", got " +
                             (st.empty() ? std::string("no such condition") : std::string(st)) + " on " +
                             std::string(o->name())};
        }
      }
      return {true, what + " " + chk.condition_type + "=" + chk.condition_status};
    }
    case check::form::jsonpath: {
      if (objs->empty()) return {false, "expected " + what + " " + chk.jsonpath + "; the object does not exist"};
      for (const auto& o : *objs) {
        auto v = json_path(o->data(), chk.jsonpath);
        std::string expected;
        core::json got = v ? *v : core::json();
        bool ok = compare(chk, got, expected);
        if (!ok) {
          return {false, "expected " + chk.jsonpath + " " + expected + " on " + what + ", got " +
                             (v ? show(got) : std::string("nothing")) + " (" + std::string(o->name()) + ")"};
        }
      }
      return {true, what + " " + chk.jsonpath + " holds"};
    }
  }
  return {false, "unknown check"};
}

std::optional<core::json> json_path(const core::json& doc, std::string_view path) {
  std::string p(path);
  if (p.size() >= 2 && p.front() == '{' && p.back() == '}') p = p.substr(1, p.size() - 2);
  const core::json* cur = &doc;
  std::size_t i = 0;
  if (!p.empty() && p[0] == '$') ++i;
  while (i < p.size()) {
    if (p[i] == '.') {
      ++i;
      // A key runs to the next unescaped '.' or '['; "\." is a dot inside it
      // (kubectl's "{.metadata.annotations.deployment\.kubernetes\.io/revision}").
      std::string key;
      while (i < p.size() && p[i] != '.' && p[i] != '[') {
        if (p[i] == '\\' && i + 1 < p.size()) ++i;
        key += p[i++];
      }
      if (key.empty()) continue;
      if (!cur->is_object()) return std::nullopt;
      auto it = cur->find(key);
      if (it == cur->end()) return std::nullopt;
      cur = &*it;
    } else if (p[i] == '[') {
      std::size_t end = p.find(']', i);
      if (end == std::string::npos) return std::nullopt;
      std::string inner = p.substr(i + 1, end - i - 1);
      i = end + 1;
      if (!cur->is_array()) return std::nullopt;
      if (inner.starts_with("?(@.")) {
        // [?(@.key=="value")]
        auto eq = inner.find("==");
        if (eq == std::string::npos || inner.back() != ')') return std::nullopt;
        std::string key = inner.substr(4, eq - 4);
        std::string val = inner.substr(eq + 2, inner.size() - eq - 3);
        if (val.size() >= 2 && (val.front() == '"' || val.front() == '\'')) val = val.substr(1, val.size() - 2);
        const core::json* found = nullptr;
        for (const auto& e : *cur) {
          auto it = e.is_object() ? e.find(key) : e.end();
          if (e.is_object() && it != e.end() && show(*it) == val) {
            found = &e;
            break;
          }
        }
        if (!found) return std::nullopt;
        cur = found;
      } else {
        char* endp = nullptr;
        long idx = std::strtol(inner.c_str(), &endp, 10);
        if (endp == inner.c_str() || *endp != '\0') return std::nullopt;
        if (idx < 0) idx += static_cast<long>(cur->size());
        if (idx < 0 || static_cast<std::size_t>(idx) >= cur->size()) return std::nullopt;
        cur = &(*cur)[static_cast<std::size_t>(idx)];
      }
    } else {
      return std::nullopt;
    }
  }
  return *cur;
}

}  // namespace ktk::sim::detail
