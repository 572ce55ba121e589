// rbac_authorizer.cpp — rule matching, subjects, the snapshot of the RBAC objects.
#include "auth/rbac_authorizer.hpp"

#include <array>
#include <map>
#include <set>
#include <unordered_map>

#include "auth/json_fields.hpp"
#include "ktk/core/label_selector.hpp"

namespace ktk::apiserver::auth {
namespace {

using core::json;

const std::string rbac_group = "rbac.authorization.k8s.io";

bool has(const std::vector<std::string>& v, const std::string& x) {
  for (const auto& e : v) {
    if (e == x) return true;
  }
  return false;
}

}  // namespace

std::vector<policy_rule> policy_rules_of(const json& o) {
  std::vector<policy_rule> out;
  auto it = o.find("rules");
  if (it == o.end() || !it->is_array()) return out;
  for (const auto& r : *it) {
    if (!r.is_object()) continue;
    out.push_back({.verbs = strings_at(r, "verbs"),
                   .api_groups = strings_at(r, "apiGroups"),
                   .resources = strings_at(r, "resources"),
                   .resource_names = strings_at(r, "resourceNames"),
                   .non_resource_urls = strings_at(r, "nonResourceURLs")});
  }
  return out;
}

// rbac_authorizer::snapshot holds these, so they are named, not in an anonymous namespace.
namespace rbac_detail {

struct subject {
  std::string kind, name, namespace_;
};

struct binding {
  std::string name{}, namespace_{};  // namespace_ empty for a ClusterRoleBinding
  std::string role_kind{}, role_name{};
  std::vector<subject> subjects{};
};

}  // namespace rbac_detail

namespace {

using rbac_detail::binding;
using rbac_detail::subject;

binding binding_of(const core::object& o) {
  const json& j = o.data();
  binding b{.name = std::string(o.name()), .namespace_ = std::string(o.namespace_())};
  if (auto r = j.find("roleRef"); r != j.end() && r->is_object()) {
    b.role_kind = string_at(*r, "kind");
    b.role_name = string_at(*r, "name");
  }
  if (auto s = j.find("subjects"); s != j.end() && s->is_array()) {
    for (const auto& x : *s) {
      if (x.is_object()) b.subjects.push_back({string_at(x, "kind"), string_at(x, "name"), string_at(x, "namespace")});
    }
  }
  return b;
}

// "system:serviceaccount:NS:NAME" == the service account ns/name.
bool is_service_account(const std::string& user, const std::string& ns, const std::string& name) {
  constexpr std::string_view prefix = "system:serviceaccount:";
  return user.size() == prefix.size() + ns.size() + 1 + name.size() && user.starts_with(prefix) &&
         std::string_view(user).substr(prefix.size(), ns.size()) == ns && user[prefix.size() + ns.size()] == ':' &&
         std::string_view(user).substr(prefix.size() + ns.size() + 1) == name;
}

bool applies(const user_info& u, const subject& s, const std::string& binding_namespace) {
  if (s.kind == "User") return u.name == s.name;
  if (s.kind == "Group") return u.in_group(s.name);
  if (s.kind == "ServiceAccount") {
    const std::string& ns = s.namespace_.empty() ? binding_namespace : s.namespace_;
    return !ns.empty() && is_service_account(u.name, ns, s.name);
  }
  return false;
}

std::string describe(const subject& s, const std::string& binding_namespace) {
  if (s.kind == "ServiceAccount") {
    return s.kind + " \"" + s.name + "/" + (s.namespace_.empty() ? binding_namespace : s.namespace_) + "\"";
  }
  return s.kind + " \"" + s.name + "\"";
}

std::string describe(const binding& b, const subject& s) {
  if (b.namespace_.empty()) {
    return "ClusterRoleBinding \"" + b.name + "\" of " + b.role_kind + " \"" + b.role_name + "\" to " + describe(s, "");
  }
  return "RoleBinding \"" + b.name + "/" + b.namespace_ + "\" of " + b.role_kind + " \"" + b.role_name + "\" to " +
         describe(s, b.namespace_);
}

bool star_or(const std::vector<std::string>& v, const std::string& x) { return has(v, "*") || has(v, x); }

}  // namespace

bool rule_allows(const attributes& a, const policy_rule& r) {
  if (!star_or(r.verbs, a.verb)) return false;
  if (!a.resource_request) {
    for (const auto& u : r.non_resource_urls) {
      if (u == "*" || u == a.path) return true;
      if (u.ends_with('*') && a.path.starts_with(std::string_view(u).substr(0, u.size() - 1))) return true;
    }
    return false;
  }
  if (!star_or(r.api_groups, a.api_group)) return false;
  const std::string combined = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  bool resource = false;
  for (const auto& x : r.resources) {
    if (x == "*" || x == combined ||
        (!a.subresource.empty() && x.size() == a.subresource.size() + 2 && x.starts_with("*/") &&
         x.ends_with(a.subresource))) {
      resource = true;
      break;
    }
  }
  if (!resource) return false;
  return r.resource_names.empty() || has(r.resource_names, a.name);
}

struct rbac_authorizer::snapshot {
  std::array<storage::revision, 4> revisions{};
  std::unordered_map<std::string, std::vector<policy_rule>> cluster_roles;  // effective (aggregated) rules
  std::map<std::pair<std::string, std::string>, std::vector<policy_rule>> roles;
  std::vector<binding> cluster_bindings;
  std::unordered_map<std::string, std::vector<binding>> role_bindings;  // by namespace

  // The rules `b` grants, or the error kube reports for a missing role.
  const std::vector<policy_rule>* rules(const binding& b, std::string& error) const {
    if (b.role_kind == "ClusterRole") {
      if (auto it = cluster_roles.find(b.role_name); it != cluster_roles.end()) return &it->second;
      error = "clusterrole.rbac.authorization.k8s.io \"" + b.role_name + "\" not found";
      return nullptr;
    }
    if (b.role_kind == "Role" && !b.namespace_.empty()) {
      if (auto it = roles.find({b.namespace_, b.role_name}); it != roles.end()) return &it->second;
      error = "role.rbac.authorization.k8s.io \"" + b.role_name + "\" not found";
      return nullptr;
    }
    error = "unknown role kind \"" + b.role_kind + "\"";
    return nullptr;
  }

  // Calls `visit(binding, subject, rules)` for every binding that applies to `u` (the
  // cluster-wide ones, then those in `ns`) until it returns false; errors collected.
  template <class Visit>
  void visit(const user_info& u, const std::string& ns, std::vector<std::string>& errors, Visit&& v) const {
    auto one = [&](const binding& b) {
      for (const auto& s : b.subjects) {
        if (!applies(u, s, b.namespace_)) continue;
        std::string err;
        const auto* r = rules(b, err);
        if (!r) {
          errors.push_back(std::move(err));
          return true;
        }
        return v(b, s, *r);
      }
      return true;
    };
    for (const auto& b : cluster_bindings) {
      if (!one(b)) return;
    }
    if (ns.empty()) return;
    if (auto it = role_bindings.find(ns); it != role_bindings.end()) {
      for (const auto& b : it->second) {
        if (!one(b)) return;
      }
    }
  }
};

namespace {

const std::array<core::gvr, 4> rbac_resources = {
    core::gvr{rbac_group, "v1", "clusterroles"}, core::gvr{rbac_group, "v1", "roles"},
    core::gvr{rbac_group, "v1", "clusterrolebindings"}, core::gvr{rbac_group, "v1", "rolebindings"}};

std::string aggregate(const std::vector<std::string>& errors) {
  std::set<std::string> seen;
  std::vector<std::string> uniq;
  for (const auto& e : errors) {
    if (seen.insert(e).second) uniq.push_back(e);
  }
  if (uniq.empty()) return {};
  if (uniq.size() == 1) return "RBAC: " + uniq[0];
  std::string out = "RBAC: [";
  for (std::size_t i = 0; i < uniq.size(); ++i) out += (i ? ", " : "") + uniq[i];
  return out + "]";
}

std::shared_ptr<rbac_authorizer::snapshot> build(registry& reg, const std::array<storage::revision, 4>& revs) {
  auto s = std::make_shared<rbac_authorizer::snapshot>();
  s->revisions = revs;
  auto items = [&](const core::gvr& r) {
    auto l = reg.list(r, "");
    return l ? l->items : std::vector<core::object_ptr>{};
  };
  // ClusterRoles: own rules, then aggregation (transitive, cycles cut).
  struct raw_cluster_role {
    std::vector<policy_rule> rules{};
    std::vector<core::label_selector> selectors{};
    json labels{};
  };
  std::map<std::string, raw_cluster_role> raw;
  for (const auto& o : items(rbac_resources[0])) {
    raw_cluster_role c{.rules = policy_rules_of(o->data()), .labels = o->labels_json()};
    if (auto ar = o->data().find("aggregationRule"); ar != o->data().end() && ar->is_object()) {
      if (auto sel = ar->find("clusterRoleSelectors"); sel != ar->end() && sel->is_array()) {
        for (const auto& x : *sel) {
          if (auto ls = core::label_selector::from_json(x); ls && !ls->empty()) c.selectors.push_back(*ls);
        }
      }
    }
    raw.emplace(std::string(o->name()), std::move(c));
  }
  for (const auto& [name, c] : raw) {
    std::vector<policy_rule> rules = c.rules;
    std::set<std::string> visited{name};
    std::vector<const raw_cluster_role*> todo{&c};
    while (!todo.empty()) {
      const auto* cur = todo.back();
      todo.pop_back();
      for (const auto& [other, oc] : raw) {
        if (visited.contains(other)) continue;
        bool match = false;
        for (const auto& sel : cur->selectors) match = match || sel.matches(oc.labels);
        if (!match) continue;
        visited.insert(other);
        rules.insert(rules.end(), oc.rules.begin(), oc.rules.end());
        todo.push_back(&oc);
      }
    }
    s->cluster_roles.emplace(name, std::move(rules));
  }
  for (const auto& o : items(rbac_resources[1])) s->roles[{std::string(o->namespace_()), std::string(o->name())}] = policy_rules_of(o->data());
  for (const auto& o : items(rbac_resources[2])) s->cluster_bindings.push_back(binding_of(*o));
  for (const auto& o : items(rbac_resources[3])) s->role_bindings[std::string(o->namespace_())].push_back(binding_of(*o));
  return s;
}

}  // namespace

rbac_authorizer::rbac_authorizer(registry& reg) : reg_(reg) {}
rbac_authorizer::~rbac_authorizer() = default;

std::shared_ptr<const rbac_authorizer::snapshot> rbac_authorizer::current() const {
  std::array<storage::revision, 4> revs{};
  for (std::size_t i = 0; i < revs.size(); ++i) revs[i] = reg_.resource_revision(rbac_resources[i]);
  std::lock_guard lock(mu_);
  if (!snap_ || snap_->revisions != revs) snap_ = build(reg_, revs);
  return snap_;
}

decision rbac_authorizer::authorize(const attributes& a) const {
  if (a.user && a.user->in_group(groups::masters)) return {.allowed = true};
  if (!a.user) return {};
  auto snap = current();
  decision d;
  std::vector<std::string> errors;
  snap->visit(*a.user, a.namespace_, errors, [&](const binding& b, const subject& s, const std::vector<policy_rule>& rules) {
    for (const auto& r : rules) {
      if (rule_allows(a, r)) {
        d = {.allowed = true, .reason = "RBAC: allowed by " + describe(b, s)};
        return false;
      }
    }
    return true;
  });
  if (!d.allowed) d.reason = aggregate(errors);
  return d;
}

std::shared_ptr<const std::vector<policy_rule>> rbac_authorizer::role_rules(const std::string& kind,
                                                                             const std::string& namespace_,
                                                                             const std::string& name,
                                                                             std::string& error) const {
  auto snap = current();
  const binding b{.namespace_ = kind == "ClusterRole" ? std::string() : namespace_, .role_kind = kind, .role_name = name};
  const auto* rules = snap->rules(b, error);
  if (!rules) return nullptr;
  return {snap, rules};  // shares the snapshot's ownership
}

rules_result rbac_authorizer::rules_for(const user_info& user, const std::string& namespace_) const {
  auto snap = current();
  rules_result out;
  std::vector<std::string> errors;
  snap->visit(user, namespace_, errors, [&](const binding&, const subject&, const std::vector<policy_rule>& rules) {
    for (const auto& r : rules) {
      if (!r.non_resource_urls.empty()) {
        out.non_resource_rules.push_back({.verbs = r.verbs, .non_resource_urls = r.non_resource_urls});
      }
      if (!r.resources.empty()) {
        out.resource_rules.push_back(
            {.verbs = r.verbs, .api_groups = r.api_groups, .resources = r.resources, .resource_names = r.resource_names});
      }
    }
    return true;
  });
  auto e = aggregate(errors);
  if (!e.empty()) out.evaluation_error = e.substr(6);  // without "RBAC: "
  return out;
}

}  // namespace ktk::apiserver::auth
