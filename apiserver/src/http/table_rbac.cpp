// table_rbac.cpp — printers for rbac.authorization.k8s.io: role bindings and cluster
// role bindings (NAME, ROLE, AGE; USERS, GROUPS, SERVICEACCOUNTS with -o wide), as
// kube's printers. Roles and cluster roles have no printer: kube-apiserver gives them
// the default Name / Created At table.
#include "http/table_descriptions.hpp"
#include "http/table_printer.hpp"

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;

// rbac/v1beta1 RoleBinding and ClusterRoleBinding `roleRef` docs, which kube's printers use.
constexpr std::string_view role_binding_role_ref =
    "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the "
    "RoleRef cannot be resolved, the Authorizer must return an error.";
constexpr std::string_view cluster_role_binding_role_ref =
    "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the "
    "Authorizer must return an error.";

void append(std::string& list, const std::string& item) { list += (list.empty() ? "" : ", ") + item; }

// rbac.SubjectsStrings, each list joined with ", "; subjects of other kinds are dropped.
void binding_row(const core::object& o, time_point now, json& row) {
  const json& d = o.data();
  std::string role = str(at(d, "roleRef.kind")) + "/" + str(at(d, "roleRef.name"));
  std::string users, groups, service_accounts;
  if (const json* subjects = at(d, "subjects"); subjects != nullptr && subjects->is_array()) {
    for (const auto& s : *subjects) {
      const std::string kind = str(at(s, "kind")), name = str(at(s, "name"));
      if (kind == "ServiceAccount") append(service_accounts, str(at(s, "namespace")) + "/" + name);
      if (kind == "User") append(users, name);
      if (kind == "Group") append(groups, name);
    }
  }
  row["cells"] = json::array({std::string(o.name()), std::move(role), since(at(d, "metadata.creationTimestamp"), now),
                              std::move(users), std::move(groups), std::move(service_accounts)});
}

// The wide columns' descriptions name the kind ("Users in the roleBinding").
struct subject_descriptions {
  std::string_view users, groups, service_accounts;
};
constexpr subject_descriptions role_binding_subjects{"Users in the roleBinding", "Groups in the roleBinding",
                                                     "ServiceAccounts in the roleBinding"};
constexpr subject_descriptions cluster_role_binding_subjects{
    "Users in the clusterRoleBinding", "Groups in the clusterRoleBinding", "ServiceAccounts in the clusterRoleBinding"};

std::vector<column> binding_columns(std::string_view role_ref, const subject_descriptions& subjects) {
  return {{"Name", "string", "name", desc::name},
          {"Role", "string", "", role_ref},
          {"Age", "string", "", desc::creation_timestamp},
          {"Users", "string", "", subjects.users, 1},
          {"Groups", "string", "", subjects.groups, 1},
          {"ServiceAccounts", "string", "", subjects.service_accounts, 1}};
}

}  // namespace

const printer* rbac_printer(const core::group_resource& gr) {
  static const printer role_bindings{binding_columns(role_binding_role_ref, role_binding_subjects), binding_row};
  static const printer cluster_role_bindings{
      binding_columns(cluster_role_binding_role_ref, cluster_role_binding_subjects), binding_row};
  if (gr.group != "rbac.authorization.k8s.io") return nullptr;
  if (gr.resource == "rolebindings") return &role_bindings;
  if (gr.resource == "clusterrolebindings") return &cluster_role_bindings;
  return nullptr;
}

}  // namespace ktk::apiserver::http::table::detail
