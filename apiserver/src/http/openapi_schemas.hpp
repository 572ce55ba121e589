// http/openapi_schemas.hpp — internals of openapi.cpp: the built-in schemas, the
// schemas built from CRDs, and the paths of each resource.
//
// Built-in schemas are written once in a neutral form: a reference is
// {"$ref": "io.k8s.api.core.v1.PodSpec"} (a bare definition name), possibly with a
// sibling "description". `to_v3` / `to_v2` turn that into what kube-apiserver
// publishes: `allOf: [{$ref: #/components/schemas/N}]` beside the siblings in v3,
// `$ref: #/definitions/N` in v2. Schemas are keyed by kube's definition names
// ("io.k8s.api.core.v1.Pod", "com.example.stable.v1.CronTab").
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::http::openapi::detail {

using core::json;
using definitions = std::map<std::string, json>;  // definition name → schema

enum class spec_version { v2, v3 };

// The kube version the documents claim, as /version does.
inline constexpr std::string_view kube_version = "v1.31.0";

// Definition-name prefixes of the core/v1 and meta/v1 types ("io.k8s.api.core.v1.Pod").
inline const std::string core_v1 = "io.k8s.api.core.v1.";
inline const std::string meta_v1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";

// ---- the neutral schema DSL (openapi_dsl.cpp) ----------------------------------

// One property of an object schema.
using field = std::pair<std::string, json>;

field str(std::string name, std::string desc);
field str_enum(std::string name, std::string desc, std::vector<std::string> values);
field i32(std::string name, std::string desc);
field i64(std::string name, std::string desc);
field boolean(std::string name, std::string desc);
field time(std::string name, std::string desc);  // meta/v1 Time
field ref(std::string name, std::string type, std::string desc);
field int_or_string(std::string name, std::string desc);  // util/intstr IntOrString
field quantity(std::string name, std::string desc);       // api/resource Quantity
field str_list(std::string name, std::string desc);       // []string
field str_map(std::string name, std::string desc);        // map[string]string
field quantity_map(std::string name, std::string desc);   // map[string]Quantity
field free_object(std::string name, std::string desc);    // any JSON object, kept as is
// []type. With a merge key, strategic merge patch merges items by that key; `strategy`
// is x-kubernetes-patch-strategy ("merge", "merge,retainKeys"). A list of maps keyed by
// merge_key is also x-kubernetes-list-type: map.
field list(std::string name, std::string type, std::string desc, std::string merge_key = {}, std::string strategy = {});

// Adds an object type. `required` names required properties.
void def(definitions& d, const std::string& name, std::string desc, std::vector<field> fields,
         std::vector<std::string> required = {});
// Adds a top-level kind: apiVersion, kind and metadata (ObjectMeta) come first, then
// `fields`; tagged with x-kubernetes-group-version-kind.
void kind_def(definitions& d, const std::string& name, const core::gvk& k, std::string desc, std::vector<field> fields,
              std::vector<std::string> required = {});
// Adds "<name>List" for a kind: apiVersion, kind, metadata (ListMeta), items.
void list_def(definitions& d, const std::string& item_name, const core::gvk& list_gvk);

// The x-kubernetes-group-version-kind value of a schema: [{"group","kind","version"}].
json gvk_extension(const core::gvk& k);

// ---- built-in schemas (openapi_builtin_*.cpp) ------------------------------------

void add_meta_types(definitions& d);      // ObjectMeta, ListMeta, Status, DeleteOptions, Time ...
void add_pod_types(definitions& d);       // Pod, PodSpec, Container ... PodTemplateSpec
void add_workload_types(definitions& d);  // apps/v1, batch/v1
void add_core_types(definitions& d);      // Service, ConfigMap, Namespace, Node ...
void add_cluster_types(definitions& d);   // Lease, CRD, Scale, Binding
void add_admission_types(definitions& d);  // admissionregistration/v1 webhook configurations
void add_rbac_types(definitions& d);       // rbac/v1, authorization/v1 and authentication/v1 reviews

// Every built-in definition, neutral form (built once).
const definitions& builtin_neutral();
// The built-in definitions in v2 or v3 form (built once).
const definitions& builtin(spec_version v);
// The definition name kube gives a built-in kind ("io.k8s.api.core.v1.Pod"), or "" when
// ktk has no schema for it.
std::string builtin_name(const core::gvk& k);

// Turns a neutral schema into v2 or v3 form.
json convert(const json& neutral, spec_version v);
// "#/components/schemas/N" or "#/definitions/N".
std::string ref_to(std::string_view name, spec_version v);

// ---- names -----------------------------------------------------------------------

// kube's model name for a CRD kind: reversed group, version, kind
// ("stable.example.com", "v1", "CronTab" → "com.example.stable.v1.CronTab").
std::string crd_model_name(const core::gvk& k);

// ---- what a document covers (openapi_resources.cpp) --------------------------------

// One resource of a group-version, as the paths need it.
struct resource {
  core::resource_info info{};
  std::string schema_name{};     // the kind's definition name
  std::string list_schema_name{};  // its List's definition name
  bool custom = false;           // from a CRD: no strategic merge patch
};

// The resources of one group-version with the definitions they need (v2 or v3 form).
struct group_version_content {
  std::vector<resource> resources{};
  definitions defs{};  // the kinds' schemas (and CRD ones); references resolved later
};

// Every group-version the documents describe: the mapper's and the served versions of the CRDs.
std::vector<core::group_version> served_group_versions(const core::rest_mapper& m,
                                                       const std::vector<core::object_ptr>& crds);
// The resources and kind schemas of `gv`; empty resources when nothing is served there.
group_version_content content_of(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds,
                                 const core::group_version& gv, spec_version v);

// ---- CRD schemas (openapi_crd.cpp) -------------------------------------------------

// The kind schema kube builds from a CRD version's openAPIV3Schema (nullptr: none),
// with apiVersion, kind and metadata added and the GVK extension.
json crd_kind_schema(const json* openapi_v3_schema, const core::gvk& k, spec_version v);
// Its List kind's schema.
json crd_list_schema(const std::string& item_name, const core::gvk& list_gvk, spec_version v);

// ---- paths (openapi_paths.cpp) -------------------------------------------------------

// Adds the paths of `r` (collection, item, subresources) to `paths`, in v2 or v3 form.
void add_paths(json& paths, const resource& r, spec_version v);

// Adds to `out` the definition `name` and every definition it references, from `all`.
void collect_referenced(const definitions& all, const std::string& name, definitions& out);

}  // namespace ktk::apiserver::http::openapi::detail
