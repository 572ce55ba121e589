// The paths of a resource, as kube-apiserver's installer publishes them: collection,
// item and subresource paths, each operation with its operationId, tags,
// x-kubernetes-action, x-kubernetes-group-version-kind and query parameters.
//
// kubectl reads two things here. `explain` finds a resource's GVK on the operations
// of its collection and item paths. Field validation is trusted to the server when
// the PATCH operations of the GVK carry a `fieldValidation` parameter; kubectl stops
// at the first PATCH of that GVK it meets, so every one of them (item, status,
// scale) carries it.
#include <cctype>

#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

// Whether PATCH operations of built-in kinds list application/strategic-merge-patch+json.
// When they do, kubectl apply (≥ 1.27) computes its patch from these schemas and warns
// ("unable to find api field") on any field they leave out; ktk's schemas describe the
// main fields only, so it stays off and kubectl uses the patch metadata compiled into
// it. The server accepts strategic merge patches either way.
constexpr bool advertise_strategic_merge_patch = false;


struct param_spec {
  const char* name;
  const char* type;
  const char* desc;
};

const param_spec params[] = {
    {"allowWatchBookmarks", "boolean", "Ask for BOOKMARK events in a watch."},
    {"continue", "string", "Token from a previous paginated list, to read the next page."},
    {"dryRun", "string", "All: validate and report the outcome without persisting it."},
    {"fieldManager", "string", "Name of the actor making the change, recorded in managedFields."},
    {"fieldSelector", "string", "Restrict the objects by field values, such as metadata.name=web."},
    {"fieldValidation", "string",
     "What to do with unknown or duplicate fields in the body: Ignore, Warn (default) or Strict."},
    {"force", "boolean", "For apply patches: take over fields other managers own."},
    {"gracePeriodSeconds", "integer", "Seconds before the object is deleted; 0 deletes at once."},
    {"labelSelector", "string", "Restrict the objects by labels, such as app=web,tier!=db."},
    {"limit", "integer", "Most objects to return; the rest come with the continue token."},
    {"orphanDependents", "boolean", "Deprecated: use propagationPolicy=Orphan."},
    {"pretty", "string", "When true, indent the response."},
    {"propagationPolicy", "string", "What happens to dependents: Orphan, Background or Foreground."},
    {"resourceVersion", "string", "The version to read at or watch from."},
    {"resourceVersionMatch", "string", "How resourceVersion applies to a list: Exact or NotOlderThan."},
    {"sendInitialEvents", "boolean", "With watch: start with synthetic ADDED events for the current objects."},
    {"timeoutSeconds", "integer", "Timeout of the list or watch call."},
    {"watch", "boolean", "Stream changes instead of returning a list."},
};

const param_spec& param(std::string_view name) {
  for (const auto& p : params) {
    if (name == p.name) return p;
  }
  return params[0];  // unreachable: every caller names a parameter of the table
}

json query_param(std::string_view name, spec_version v) {
  const auto& p = param(name);
  json j = {{"name", p.name}, {"in", "query"}, {"description", p.desc}};
  if (v == spec_version::v3) {
    j["schema"] = {{"type", p.type}};
  } else {
    j["type"] = p.type;
  }
  return j;
}

json path_param(const std::string& name, std::string desc, spec_version v) {
  json j = {{"name", name}, {"in", "path"}, {"required", true}, {"description", std::move(desc)}};
  if (v == spec_version::v3) {
    j["schema"] = {{"type", "string"}};
  } else {
    j["type"] = "string";
  }
  return j;
}

std::string title(std::string_view s) {
  std::string out;
  bool up = true;
  for (char ch : s) {
    if (ch == '.' || ch == '-') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    up = false;
  }
  return out;
}

std::string group_title(const std::string& group) {
  if (group.empty()) return "Core";
  std::string g = group;
  if (g.ends_with(".k8s.io")) g.resize(g.size() - 7);
  return title(g);
}

// One operation to publish.
struct op {
  const char* method;  // get, put, post, patch, delete
  const char* action;  // x-kubernetes-action
  std::string id;      // operationId
  std::string description;
  core::gvk kind;       // x-kubernetes-group-version-kind
  std::string reads;    // request body schema ("" for none)
  std::string returns;  // 200 response schema
  bool custom = false;  // CRD: no strategic merge patch
};

std::vector<std::string_view> query_params_of(std::string_view action) {
  if (action == "list") {
    return {"allowWatchBookmarks",  "continue",          "fieldSelector",  "labelSelector", "limit", "resourceVersion",
            "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"};
  }
  if (action == "post" || action == "put") return {"dryRun", "fieldManager", "fieldValidation"};
  if (action == "patch") return {"dryRun", "fieldManager", "fieldValidation", "force"};
  if (action == "delete") return {"dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy"};
  if (action == "deletecollection") {
    return {"continue",          "dryRun",
            "fieldSelector",     "gracePeriodSeconds",
            "labelSelector",     "limit",
            "orphanDependents",  "propagationPolicy",
            "resourceVersion",   "resourceVersionMatch",
            "sendInitialEvents", "timeoutSeconds"};
  }
  return {};
}

std::vector<std::string> body_types(const op& o) {
  if (std::string_view(o.method) != "patch") return {"application/json", "application/yaml"};
  std::vector<std::string> t = {"application/apply-patch+yaml", "application/json-patch+json",
                                "application/merge-patch+json"};
  if (advertise_strategic_merge_patch && !o.custom) t.push_back("application/strategic-merge-patch+json");
  return t;
}

json responses(const op& o, spec_version v) {
  auto response = [&](const char* desc) {
    json r = {{"description", desc}};
    json schema = {{"$ref", ref_to(o.returns, v)}};
    if (v == spec_version::v3) {
      for (const char* mt : {"application/json", "application/yaml"}) r["content"][mt]["schema"] = schema;
    } else {
      r["schema"] = std::move(schema);
    }
    return r;
  };
  json out = {{"200", response("OK")}, {"401", {{"description", "Unauthorized"}}}};
  std::string_view a = o.action;
  if (a == "post") {
    out["201"] = response("Created");
    out["202"] = response("Accepted");
  } else if (a == "put" || a == "patch") {
    out["201"] = response("Created");
  } else if (a == "delete") {
    out["202"] = response("Accepted");
  }
  return out;
}

json operation(const op& o, const std::string& tag, spec_version v) {
  json j = {{"operationId", o.id},
            {"description", o.description},
            {"tags", json::array({tag})},
            {"x-kubernetes-action", o.action},
            {"x-kubernetes-group-version-kind",
             {{"group", o.kind.group}, {"kind", o.kind.kind}, {"version", o.kind.version}}},
            {"responses", responses(o, v)}};
  json ps = json::array();
  for (auto name : query_params_of(o.action)) ps.push_back(query_param(name, v));
  if (!o.reads.empty()) {
    bool required = std::string_view(o.action) != "delete" && std::string_view(o.action) != "deletecollection";
    json schema = {{"$ref", ref_to(o.reads, v)}};
    if (v == spec_version::v3) {
      for (const auto& t : body_types(o)) j["requestBody"]["content"][t]["schema"] = schema;
      if (required) j["requestBody"]["required"] = true;
    } else {
      ps.push_back({{"name", "body"}, {"in", "body"}, {"required", required}, {"schema", schema}});
      j["consumes"] = std::string_view(o.method) == "patch" ? json(body_types(o)) : json::array({"*/*"});
    }
  }
  if (!ps.empty()) j["parameters"] = std::move(ps);
  if (v == spec_version::v2) {
    j["produces"] = json::array({"application/json", "application/yaml"});
    j["schemes"] = json::array({"https"});
  }
  return j;
}

void add_path(json& paths, const std::string& path, const std::vector<op>& ops, json path_params,
              const std::string& tag, spec_version v) {
  if (ops.empty()) return;
  json& item = paths[path];
  for (const auto& o : ops) item[o.method] = operation(o, tag, v);
  path_params.push_back(query_param("pretty", v));
  item["parameters"] = std::move(path_params);
}

}  // namespace

void add_paths(json& paths, const resource& r, spec_version v) {
  const auto& info = r.info;
  const auto& gvr = info.resource;
  const core::gvk kind = info.group_version_kind();
  const std::string prefix = gvr.group.empty() ? "/api/" + gvr.version : "/apis/" + gvr.group + "/" + gvr.version;
  const std::string gvt = group_title(gvr.group) + title(gvr.version);
  const std::string tag = [&] {
    std::string t = group_title(gvr.group);
    if (!t.empty()) t[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(t[0])));
    return t + "_" + gvr.version;
  }();
  const std::string ns = info.namespaced ? "Namespaced" : "";
  const std::string coll =
      info.namespaced ? prefix + "/namespaces/{namespace}/" + gvr.resource : prefix + "/" + gvr.resource;
  auto base_params = [&](bool named) {
    json ps = json::array();
    if (named) ps.push_back(path_param("name", "name of the " + info.kind, v));
    if (info.namespaced)
      ps.push_back(path_param("namespace", "object name and auth scope, such as for teams and projects", v));
    return ps;
  };
  auto mk = [&](const char* method, const char* action, std::string verb, std::string sub, std::string desc,
                core::gvk k, std::string reads, std::string returns) {
    return op{method,
              action,
              verb + gvt + ns + info.kind + sub,
              std::move(desc),
              std::move(k),
              std::move(reads),
              std::move(returns),
              r.custom};
  };
  const std::string& self = r.schema_name;

  if (info.namespaced && info.has_verb("list")) {
    add_path(paths, prefix + "/" + gvr.resource,
             {{"get", "list", "list" + gvt + info.kind + "ForAllNamespaces",
               "list or watch objects of kind " + info.kind, kind, "", r.list_schema_name, r.custom}},
             json::array(), tag, v);
  }
  std::vector<op> ops;
  if (info.has_verb("list"))
    ops.push_back(
        mk("get", "list", "list", "", "list or watch objects of kind " + info.kind, kind, "", r.list_schema_name));
  if (info.has_verb("create"))
    ops.push_back(mk("post", "post", "create", "", "create a " + info.kind, kind, self, self));
  if (info.has_verb("deletecollection")) {
    op o = mk("delete", "deletecollection", "delete", "", "delete collection of " + info.kind, kind,
              meta_v1 + "DeleteOptions", meta_v1 + "Status");
    o.id = "delete" + gvt + "Collection" + ns + info.kind;
    ops.push_back(std::move(o));
  }
  add_path(paths, coll, ops, base_params(false), tag, v);

  ops.clear();
  if (info.has_verb("get"))
    ops.push_back(mk("get", "get", "read", "", "read the specified " + info.kind, kind, "", self));
  if (info.has_verb("update"))
    ops.push_back(mk("put", "put", "replace", "", "replace the specified " + info.kind, kind, self, self));
  if (info.has_verb("patch")) {
    ops.push_back(
        mk("patch", "patch", "patch", "", "partially update the specified " + info.kind, kind, meta_v1 + "Patch", self));
  }
  if (info.has_verb("delete")) {
    ops.push_back(
        mk("delete", "delete", "delete", "", "delete a " + info.kind, kind, meta_v1 + "DeleteOptions", meta_v1 + "Status"));
  }
  add_path(paths, coll + "/{name}", ops, base_params(true), tag, v);

  for (const auto& sub : info.subresources) {
    const std::string st = title(sub);
    const std::string path = coll + "/{name}/" + sub;
    std::vector<op> sops;
    auto get_put_patch = [&](const core::gvk& k, const std::string& type) {
      sops.push_back(mk("get", "get", "read", st, "read " + sub + " of the specified " + info.kind, k, "", type));
      sops.push_back(
          mk("put", "put", "replace", st, "replace " + sub + " of the specified " + info.kind, k, type, type));
      sops.push_back(mk("patch", "patch", "patch", st, "partially update " + sub + " of the specified " + info.kind, k,
                        meta_v1 + "Patch", type));
    };
    if (sub == "status" || sub == "ephemeralcontainers") {
      get_put_patch(kind, self);
    } else if (sub == "scale") {
      get_put_patch({"autoscaling", "v1", "Scale"}, "io.k8s.api.autoscaling.v1.Scale");
    } else if (sub == "binding") {
      const std::string b = "io.k8s.api.core.v1.Binding";
      sops.push_back(mk("post", "post", "create", st, "create binding of a " + info.kind, {"", "v1", "Binding"}, b, b));
    } else if (sub == "finalize") {
      sops.push_back(
          mk("put", "put", "replace", st, "replace finalize of the specified " + info.kind, kind, self, self));
    }
    add_path(paths, path, sops, base_params(true), tag, v);
  }
}

}  // namespace ktk::apiserver::http::openapi::detail
