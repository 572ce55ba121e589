#include "ktk/core/field_selector.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "ktk/core/api_error.hpp"

// Parsing and messages follow k8s.io/apimachinery v0.36 pkg/fields/selector.go. The
// per-kind field sets and their error wording come from kube-apiserver's field label
// conversion functions (pkg/apis/*/v*/conversion.go), the values from each registry's
// ToSelectableFields (pkg/registry/*/strategy.go).

namespace ktk::core {
namespace {

// ---- parsing ------------------------------------------------------------------------

// Splits on commas not escaped by a backslash.
std::vector<std::string> split_terms(std::string_view s) {
  std::vector<std::string> terms;
  if (s.empty()) return terms;
  std::size_t start = 0;
  bool in_slash = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (in_slash) {
      in_slash = false;
    } else if (s[i] == '\\') {
      in_slash = true;
    } else if (s[i] == ',') {
      terms.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.emplace_back(s.substr(start));
  return terms;
}

struct split_result {
  std::string lhs;
  std::string op;
  std::string rhs;
};

// The first position where "!=", "==" or "=" starts splits the term.
std::optional<split_result> split_term(const std::string& term) {
  for (std::size_t i = 0; i < term.size(); ++i) {
    for (const char* op : {"!=", "==", "="}) {
      std::string_view o(op);
      if (term.compare(i, o.size(), o) == 0)
        return split_result{term.substr(0, i), std::string(o), term.substr(i + o.size())};
    }
  }
  return std::nullopt;
}

// Length of the UTF-8 sequence starting with byte c (1 for invalid lead bytes).
std::size_t utf8_len(unsigned char c) {
  if (c >= 0xF0 && c < 0xF8) return 4;
  if (c >= 0xE0) return c < 0xF0 ? 3 : 1;
  if (c >= 0xC0) return 2;
  return 1;
}

// fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes; a bare `,` or `=`
// is an error, whose message prints the character's code point as Go's %v does.
result<std::string> unescape_value(const std::string& s) {
  if (s.find_first_of("\\,=") == std::string::npos) return s;
  std::string out;
  bool in_slash = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_slash) {
      if (c == '\\' || c == ',' || c == '=') {
        out += c;
        in_slash = false;
        continue;
      }
      std::string seq = "\\" + s.substr(i, std::min(utf8_len(static_cast<unsigned char>(c)), s.size() - i));
      return api_error::bad_request("invalid field selector: invalid escape sequence: " + seq);
    }
    if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      return api_error::bad_request("invalid field selector: unescaped character in value: " +
                                    std::to_string(static_cast<int>(c)));
    } else {
      out += c;
    }
  }
  if (in_slash) return api_error::bad_request("invalid field selector: invalid escape sequence: \\");
  return out;
}

std::string escape_value(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

// ---- per-kind field sets ------------------------------------------------------------

enum class wording { field_label, job, resource_slice };

struct kind_fields {
  const char* group;
  const char* kind;
  std::vector<std::string> fields;
  wording words = wording::field_label;
};

const std::vector<kind_fields>& kinds() {
  static const std::vector<kind_fields> table = {
      {"", "Pod",
       {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
        "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host"}},
      {"", "Node", {"metadata.name", "spec.unschedulable"}},
      {"", "ReplicationController", {"metadata.name", "metadata.namespace", "status.replicas"}},
      {"", "Event",
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
        "metadata.namespace", "metadata.name"}},
      {"", "Namespace", {"status.phase", "metadata.name"}},
      {"", "Secret", {"type", "metadata.namespace", "metadata.name"}},
      {"", "Service", {"metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"}},
      {"batch", "Job", {"metadata.name", "metadata.namespace", "status.successful"}, wording::job},
      {"certificates.k8s.io", "CertificateSigningRequest", {"metadata.name", "spec.signerName"}},
      {"certificates.k8s.io", "ClusterTrustBundle", {"metadata.name", "spec.signerName"}},
      {"certificates.k8s.io", "PodCertificateRequest",
       {"metadata.name", "spec.signerName", "spec.podName", "spec.nodeName"}},
      {"events.k8s.io", "Event",
       {"reason", "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
        "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath",
        "reportingController", "source", "type", "metadata.namespace", "metadata.name"}},
      {"resource.k8s.io", "ResourceSlice", {"metadata.name", "spec.nodeName", "spec.driver"},
       wording::resource_slice},
  };
  return table;
}

const kind_fields* find_kind(const group_kind& gk) {
  for (const auto& k : kinds())
    if (gk.group == k.group && gk.kind == k.kind) return &k;
  return nullptr;
}

// ---- reading values -----------------------------------------------------------------

std::optional<std::string> scalar_string(const json* v) {
  if (v == nullptr || v->is_null()) return std::string();
  if (v->is_string()) return v->get<std::string>();
  if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
  if (v->is_number_integer()) return v->dump();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18)
      return std::to_string(static_cast<long long>(d));
    return v->dump();
  }
  return std::nullopt;  // objects and arrays are not selectable values
}

// A value the registry defaults (bools to false, counts to 0) when absent.
std::string with_default(const json* v, const char* dflt) {
  if (v == nullptr || v->is_null()) return dflt;
  return scalar_string(v).value_or(dflt);
}

std::string_view group_of(const object& o) {
  std::string_view av = o.api_version();
  auto slash = av.find('/');
  return slash == std::string_view::npos ? std::string_view() : av.substr(0, slash);
}

std::optional<std::string> event_field_value(const object& o, std::string_view field) {
  const bool new_api = group_of(o) == "events.k8s.io";
  // Selectors use the core/v1 names (events.k8s.io's are mapped onto them).
  std::string f(field);
  if (f.rfind("regarding.", 0) == 0) f = "involvedObject." + f.substr(10);
  if (f == "reportingController") f = "reportingComponent";
  const char* involved = new_api ? "regarding" : "involvedObject";
  const char* reporting = new_api ? "reportingController" : "reportingComponent";
  if (f.rfind("involvedObject.", 0) == 0)
    return scalar_string(o.at_path(std::string(involved) + f.substr(14)));
  if (f == "reportingComponent") return scalar_string(o.at_path(reporting));
  if (f == "source") {
    auto s = scalar_string(o.at_path(new_api ? "deprecatedSource.component" : "source.component"));
    if (s && s->empty()) return scalar_string(o.at_path(reporting));
    return s;
  }
  return scalar_string(o.at_path(f));
}

}  // namespace

result<field_selector> field_selector::parse(std::string_view s) {
  field_selector sel;
  auto parts = split_terms(s);
  std::sort(parts.begin(), parts.end());
  for (const auto& part : parts) {
    if (part.empty()) continue;
    auto split = split_term(part);
    if (!split)
      return api_error::bad_request("invalid selector: '" + std::string(s) + "'; can't understand '" +
                                    part + "'");
    auto value = unescape_value(split->rhs);
    if (!value) return value.error();
    // A term with neither field nor value ("=") selects nothing and is dropped.
    if (split->lhs.empty() && value->empty()) continue;
    sel.reqs_.push_back({split->lhs, split->op == "!=", std::move(*value)});
  }
  return sel;
}

bool field_selector::matches(const object& o) const {
  for (const auto& r : reqs_) {
    std::string v = field_value(o, r.field).value_or("");
    if ((v == r.value) == r.negated) return false;
  }
  return true;
}

std::optional<std::string> field_selector::required_value(std::string_view field) const {
  for (const auto& r : reqs_)
    if (!r.negated && r.field == field) return r.value;
  return std::nullopt;
}

std::string field_selector::str() const {
  std::string out;
  for (const auto& r : reqs_) {
    if (!out.empty()) out += ',';
    out += r.field + (r.negated ? "!=" : "=") + escape_value(r.value);
  }
  return out;
}

std::vector<std::string> selectable_fields(const group_kind& gk, bool custom) {
  if (!custom)
    if (const kind_fields* k = find_kind(gk)) return k->fields;
  return {"metadata.name", "metadata.namespace"};
}

result<void> validate_field_selector(const field_selector& s, const group_kind& gk, bool custom) {
  const kind_fields* k = custom ? nullptr : find_kind(gk);
  for (const auto& r : s.requirements()) {
    if (k) {
      if (std::find(k->fields.begin(), k->fields.end(), r.field) != k->fields.end()) continue;
      switch (k->words) {
        case wording::job:
          return api_error::bad_request("field label \"" + r.field + "\" not supported for batchv1.Job");
        case wording::resource_slice:
          return api_error::bad_request(
              "field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: " + r.field);
        case wording::field_label: break;
      }
      return api_error::bad_request("field label not supported: " + r.field);
    }
    if (r.field == "metadata.name" || r.field == "metadata.namespace") continue;
    if (custom) return api_error::bad_request("field label not supported: " + r.field);
    return api_error::bad_request("\"" + r.field +
                                  "\" is not a known field selector: only \"metadata.name\", "
                                  "\"metadata.namespace\"");
  }
  return {};
}

std::optional<std::string> field_value(const object& o, std::string_view field) {
  if (field.empty()) return std::nullopt;
  if (field == "metadata.name") return std::string(o.name());
  if (field == "metadata.namespace") return std::string(o.namespace_());
  const std::string_view kind = o.kind();
  const std::string_view group = group_of(o);
  if (group.empty() && kind == "Pod") {
    if (field == "spec.host") return scalar_string(o.at_path("spec.nodeName"));
    if (field == "spec.hostNetwork") return with_default(o.at_path("spec.hostNetwork"), "false");
    if (field == "status.podIPs") return std::string();  // accepted, never set (kube's TODO)
    if (field == "status.podIP") {
      const json* ips = o.at_path("status.podIPs");
      if (ips && ips->is_array() && !ips->empty() && (*ips)[0].is_object())
        return scalar_string((*ips)[0].contains("ip") ? &(*ips)[0]["ip"] : nullptr);
    }
  } else if (group.empty() && kind == "Node" && field == "spec.unschedulable") {
    return with_default(o.at_path("spec.unschedulable"), "false");
  } else if ((group.empty() && kind == "ReplicationController") ||
             (group == "apps" && kind == "ReplicaSet")) {
    if (field == "status.replicas") return with_default(o.at_path("status.replicas"), "0");
  } else if (group == "batch" && kind == "Job" && field == "status.successful") {
    return with_default(o.at_path("status.succeeded"), "0");
  } else if (kind == "Event" && (group.empty() || group == "events.k8s.io")) {
    return event_field_value(o, field);
  }
  return scalar_string(o.at_path(field));
}

}  // namespace ktk::core
