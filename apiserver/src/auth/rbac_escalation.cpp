// rbac_escalation.cpp — kube's escalation checks (pkg/registry/rbac: the policy-based
// storages, validation.ConfirmNoEscalation, Covers and CompactRules), over ktk's
// RBAC authorizer.
#include "auth/rbac_escalation.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "auth/attributes.hpp"

namespace ktk::apiserver::auth {
namespace {

using core::json;

const std::string rbac_api_group = "rbac.authorization.k8s.io";

bool holds(const std::vector<std::string>& set, const std::string& e) { return std::ranges::find(set, e) != set.end(); }

bool holds_all(const std::vector<std::string>& set, const std::vector<std::string>& want) {
  return std::ranges::all_of(want, [&](const std::string& w) { return holds(set, w); });
}

// The owner's resources cover these: "*", the names themselves, or "*/sub" for a
// subresource.
bool resources_cover(const std::vector<std::string>& owner, const std::vector<std::string>& want) {
  if (holds(owner, "*") || holds_all(owner, want)) return true;
  for (const auto& w : want) {
    if (holds(owner, w)) continue;
    auto slash = w.find('/');
    if (slash == std::string::npos || !holds(owner, "*/" + w.substr(slash + 1))) return false;
  }
  return true;
}

bool url_covers(const std::string& owner, const std::string& path) {
  if (owner == path) return true;
  if (owner.empty() || owner.back() != '*') return false;
  std::string prefix = owner;
  while (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
  return path.starts_with(prefix);
}

bool urls_cover(const std::vector<std::string>& owner, const std::vector<std::string>& want) {
  for (const auto& p : want) {
    bool covered = false;
    for (const auto& o : owner) covered = covered || url_covers(o, p);
    if (!covered) return false;
  }
  return true;
}

bool rule_covers(const policy_rule& owner, const policy_rule& sub) {
  const bool verbs = holds(owner.verbs, "*") || holds_all(owner.verbs, sub.verbs);
  const bool groups = holds(owner.api_groups, "*") || holds_all(owner.api_groups, sub.api_groups);
  const bool names = sub.resource_names.empty() ? owner.resource_names.empty()
                                                : owner.resource_names.empty() || holds_all(owner.resource_names, sub.resource_names);
  return verbs && groups && resources_cover(owner.resources, sub.resources) && names &&
         urls_cover(owner.non_resource_urls, sub.non_resource_urls);
}

std::vector<policy_rule> breakdown(const policy_rule& r) {
  std::vector<policy_rule> out;
  for (const auto& g : r.api_groups) {
    for (const auto& res : r.resources) {
      for (const auto& v : r.verbs) {
        if (r.resource_names.empty()) {
          out.push_back({.verbs = {v}, .api_groups = {g}, .resources = {res}});
        } else {
          for (const auto& n : r.resource_names) {
            out.push_back({.verbs = {v}, .api_groups = {g}, .resources = {res}, .resource_names = {n}});
          }
        }
      }
    }
  }
  for (const auto& u : r.non_resource_urls) {
    for (const auto& v : r.verbs) out.push_back({.verbs = {v}, .non_resource_urls = {u}});
  }
  return out;
}

// Go's %q of a []string: ["a" "b"].
std::string go_quoted(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ' ';
    out += core::quote(v[i]);
  }
  return out + "]";
}

// rbacv1helpers.CompactString.
std::string compact_string(const policy_rule& r) {
  std::vector<std::string> parts;
  if (!r.api_groups.empty()) parts.push_back("APIGroups:" + go_quoted(r.api_groups));
  if (!r.resources.empty()) parts.push_back("Resources:" + go_quoted(r.resources));
  if (!r.non_resource_urls.empty()) parts.push_back("NonResourceURLs:" + go_quoted(r.non_resource_urls));
  if (!r.resource_names.empty()) parts.push_back("ResourceNames:" + go_quoted(r.resource_names));
  if (!r.verbs.empty()) parts.push_back("Verbs:" + go_quoted(r.verbs));
  std::string out = "{";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + "}";
}

// Whether only what the garbage collector writes differs (IsOnlyMutatingGCFields).
bool only_gc_fields_change(const object& obj, const object& old) {
  json a = obj.data(), b = old.data();
  for (json* d : {&a, &b}) {
    auto m = d->find("metadata");
    if (m == d->end() || !m->is_object()) continue;
    for (const char* k : {"ownerReferences", "finalizers", "managedFields", "selfLink", "resourceVersion"}) m->erase(k);
  }
  return a == b;
}

std::string json_string(const object& o, const char* a, const char* b) {
  const json* j = o.field(a);
  if (!j || !j->is_object()) return {};
  auto it = j->find(b);
  return it != j->end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<policy_rule> uncovered_rules(const std::vector<policy_rule>& owner, const std::vector<policy_rule>& servant) {
  std::vector<policy_rule> out;
  for (const auto& s : servant) {
    for (auto& sub : breakdown(s)) {
      bool covered = false;
      for (const auto& o : owner) {
        if (rule_covers(o, sub)) {
          covered = true;
          break;
        }
      }
      if (!covered) out.push_back(std::move(sub));
    }
  }
  return out;
}

std::string describe_missing(const std::vector<policy_rule>& missing) {
  // CompactRules: one group, one resource, at most one name and nothing else merge
  // their verbs; the others stay as they are.
  std::map<std::tuple<std::string, std::string, bool, std::string>, policy_rule> simple;
  std::set<std::string> lines;
  for (const auto& r : missing) {
    const bool is_simple = r.api_groups.size() == 1 && r.resources.size() == 1 && r.resource_names.size() <= 1 &&
                           r.non_resource_urls.empty();
    if (!is_simple) {
      lines.insert(compact_string(r));
      continue;
    }
    const bool named = !r.resource_names.empty();
    auto key = std::make_tuple(r.api_groups[0], r.resources[0], named, named ? r.resource_names[0] : std::string());
    auto [it, fresh] = simple.emplace(key, r);
    if (!fresh) it->second.verbs.insert(it->second.verbs.end(), r.verbs.begin(), r.verbs.end());
  }
  for (const auto& [k, r] : simple) lines.insert(compact_string(r));
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

result<void> escalation_policy::confirm_no_escalation(const gvr& r, const object& obj, const user_info& user,
                                                      const std::vector<policy_rule>& rules) const {
  auto held = rbac_.rules_for(user, std::string(obj.namespace_()));
  std::vector<policy_rule> owner = std::move(held.resource_rules);
  owner.insert(owner.end(), held.non_resource_rules.begin(), held.non_resource_rules.end());
  auto missing = uncovered_rules(owner, rules);
  if (missing.empty()) return {};
  std::string msg = "user " + core::quote(user.name) + " (groups=" + go_quoted(user.groups) +
                    ") is attempting to grant RBAC permissions not currently held:\n" + describe_missing(missing);
  if (!held.evaluation_error.empty()) msg += "; resolution errors: [" + held.evaluation_error + "]";
  return core::api_error::forbidden({r.group, r.resource}, std::string(obj.name()), msg);
}

result<void> escalation_policy::check(const gvr& r, const object& obj, const object* old, const user_info& user) const {
  if (r.group != rbac_api_group || user.in_group(groups::masters)) return {};
  const bool role = r.resource == "roles" || r.resource == "clusterroles";
  const bool binding = r.resource == "rolebindings" || r.resource == "clusterrolebindings";
  if (!role && !binding) return {};
  if (old && only_gc_fields_change(obj, *old)) return {};
  const std::string ns(obj.namespace_());
  auto allowed = [&](const std::string& verb, const std::string& resource, const std::string& name) {
    attributes a{.user = &user, .verb = verb, .resource_request = true, .api_group = rbac_api_group, .api_version = "v1",
                 .resource = resource, .namespace_ = ns, .name = name};
    return rbac_.authorize(a).allowed;
  };
  if (role) {
    if (allowed("escalate", r.resource, std::string(obj.name()))) return {};
    return confirm_no_escalation(r, obj, user, policy_rules_of(obj.data()));
  }
  const std::string kind = json_string(obj, "roleRef", "kind");
  const std::string name = json_string(obj, "roleRef", "name");
  if (allowed("bind", kind == "ClusterRole" ? "clusterroles" : "roles", name)) return {};
  std::string error;
  auto rules = rbac_.role_rules(kind, ns, name, error);
  if (!rules) return core::api_error::internal(error);
  return confirm_no_escalation(r, obj, user, *rules);
}

}  // namespace ktk::apiserver::auth
