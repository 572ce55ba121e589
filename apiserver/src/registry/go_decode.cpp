// Go's encoding/json (kube's case-sensitive fork of it) walking a body against the
// generated field tables: UnmarshalTypeError's wording ("json: cannot unmarshal string
// into Go struct field DeploymentSpec.spec.replicas of type int32": the innermost
// struct, the JSON path from the root without indexes or map keys, the Go type), and
// the custom decoders of Time, Duration, Quantity and IntOrString.
#include "go_decode.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/protobuf_schema.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/core/go_json.hpp"
#include "ktk/core/go_parse.hpp"

namespace ktk::apiserver::detail {
namespace {

namespace pb = http::protobuf;
using core::json;

// A message's fields by JSON name, inlined (embedded) structs' fields included, as Go
// promotes them.
struct message_fields {
  std::vector<std::pair<std::string_view, const pb::field_info*>> by_name;  // sorted

  const pb::field_info* find(std::string_view name) const {
    auto it = std::lower_bound(by_name.begin(), by_name.end(), name,
                               [](const auto& e, std::string_view n) { return e.first < n; });
    return it != by_name.end() && it->first == name ? it->second : nullptr;
  }
};

void collect(const pb::schema_tables& t, std::uint32_t message, message_fields& out) {
  const auto& m = t.messages[message];
  for (std::uint32_t i = m.first_field; i < m.first_field + m.field_count; ++i) {
    const auto& f = t.fields[i];
    if ((f.flags & pb::field_flag::inlined) != 0 && f.message != pb::no_message) {
      collect(t, f.message, out);
    } else {
      out.by_name.emplace_back(f.name, &f);
    }
  }
}

struct index {
  std::vector<message_fields> messages;
  std::unordered_map<std::string, std::uint32_t> kinds;  // "apps/v1/Deployment"
};

const index& decode_index() {
  static const index ix = [] {
    const auto& t = pb::tables();
    index out;
    out.messages.resize(t.messages.size());
    for (std::uint32_t i = 0; i < t.messages.size(); ++i) {
      collect(t, i, out.messages[i]);
      std::sort(out.messages[i].by_name.begin(), out.messages[i].by_name.end());
    }
    for (const auto& k : t.kinds) out.kinds.emplace(std::string(k.api_version) + "/" + k.kind, k.message);
    return out;
  }();
  return ix;
}

// "v1.Container" for k8s.io.api.core.v1.Container: reflect's package.Name.
std::string go_name(const pb::message_info& m) {
  std::string_view full = m.name;
  auto last = full.rfind('.');
  auto pkg = full.rfind('.', last - 1);
  return std::string(full.substr(pkg + 1));
}

std::string_view struct_name(const pb::message_info& m) {
  std::string_view full = m.name;
  return full.substr(full.rfind('.') + 1);
}

// The element type of "[]T" and the value type of "map[K]V"; `fallback` for named
// types (v1.ResourceList), whose element the table does not spell.
std::string inner_go_type(std::string_view t, const std::string& fallback) {
  if (t.starts_with("[]")) return std::string(t.substr(2));
  if (t.starts_with("map[")) {
    int depth = 0;
    for (std::size_t i = 3; i < t.size(); ++i) {
      if (t[i] == '[') ++depth;
      if (t[i] == ']' && --depth == 0) return std::string(t.substr(i + 1));
    }
  }
  return fallback;
}

std::string scalar_go_type(pb::wire_kind k) {
  switch (k) {
    case pb::wire_kind::string: return "string";
    case pb::wire_kind::bytes: return "[]uint8";
    case pb::wire_kind::int32: return "int32";
    case pb::wire_kind::int64: return "int64";
    case pb::wire_kind::uint64: return "uint64";
    case pb::wire_kind::boolean: return "bool";
    case pb::wire_kind::float64: return "float64";
    case pb::wire_kind::float32: return "float32";
    case pb::wire_kind::message: break;
  }
  return "";
}

// With `collect`, the walk also records the fields no struct declares (Go's decoder
// drops them).
class walker {
 public:
  // `collect`: record unknown fields with their paths (a stack of the keys walked is
  // kept for it); otherwise only note that there is one.
  explicit walker(bool collect) : collect_(collect) {}

  bool has_unknown = false;
  using node = const json;

  std::optional<std::string> error;
  std::vector<unknown_field> unknown;

  // `root`: the object's top level, where apiVersion and kind (TypeMeta, which the
  // message tables leave out) are declared too.
  void message(node& v, std::uint32_t m, bool root = false) {
    const auto& t = pb::tables();
    if (v.is_null()) return;
    const auto& info = t.messages[m];
    if (info.special != pb::special_form::none) return special(v, info.special);
    if (!v.is_object()) return type_error(v, go_name(info));
    const auto& fields = decode_index().messages[m];
    const std::string_view outer = struct_ = struct_name(info);
    for (auto it = v.begin(); it != v.end() && !error; ++it) {
      const pb::field_info* f = fields.find(it.key());
      if (f == nullptr) {
        if (!(root && (it.key() == "apiVersion" || it.key() == "kind"))) {
          has_unknown = true;
          if (collect_) record_unknown(it.key());
        }
        continue;
      }
      path_.push_back(f->name);
      if (collect_) trail_.push_back({f->name, 0, false});
      field(*it, *f);
      if (collect_) trail_.pop_back();
      path_.pop_back();
      struct_ = outer;
    }
  }

 private:
  void field(node& v, const pb::field_info& f) {
    if (v.is_null()) return;
    if ((f.flags & pb::field_flag::repeated) != 0) {
      if (!v.is_array()) return type_error(v, f.go_type);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (collect_) trail_.push_back({{}, i, true});
        value(v[i], f, true);
        if (collect_) trail_.pop_back();
        if (error) return;
      }
    } else if ((f.flags & pb::field_flag::map) != 0) {
      if (!v.is_object()) return type_error(v, f.go_type);
      for (auto it = v.begin(); it != v.end(); ++it) {
        // A map value that is a struct: its unknown fields are named through the key.
        if (collect_) trail_.push_back({it.key(), 0, false});
        value(*it, f, true);
        if (collect_) trail_.pop_back();
        if (error) return;
      }
    } else {
      value(v, f, false);
    }
  }

  // The Go type of an element or map value of `f`, for an error.
  static std::string inner_type(const pb::field_info& f) {
    return inner_go_type(f.go_type, f.kind == pb::wire_kind::message ? go_name(pb::tables().messages[f.message])
                                                                     : scalar_go_type(f.kind));
  }

  // One value of field `f`: the field itself, or (`inner`) an element or a map value.
  void value(node& v, const pb::field_info& f, bool inner) {
    if (v.is_null()) return;
    auto wrong = [&](std::string what = {}) {
      type_error(v, inner ? inner_type(f) : std::string(f.go_type), std::move(what));
    };
    switch (f.kind) {
      case pb::wire_kind::message: {
        const std::string_view outer = struct_;
        message(v, f.message);
        struct_ = outer;
        return;
      }
      case pb::wire_kind::string:
        if (!v.is_string()) wrong();
        return;
      case pb::wire_kind::boolean:
        if (!v.is_boolean()) wrong();
        return;
      case pb::wire_kind::bytes:
        if (!v.is_string()) return wrong();
        if (auto at = core::scan_go_base64(v.get_ref<const std::string&>()).corrupt_at) {
          error = "illegal base64 data at input byte " + std::to_string(*at);
        }
        return;
      case pb::wire_kind::float64:
      case pb::wire_kind::float32:
        if (!v.is_number()) wrong();
        return;
      case pb::wire_kind::int32:
      case pb::wire_kind::int64:
      case pb::wire_kind::uint64:
        if (!v.is_number()) return wrong();
        if (!fits(v, f.kind)) wrong("number " + v.dump());
        return;
    }
  }

  static bool fits(const json& v, pb::wire_kind k) {
    if (v.is_number_float()) return false;  // "1.5", "3.0": ParseInt refuses them
    if (k == pb::wire_kind::uint64) return v.is_number_unsigned() || v.get<std::int64_t>() >= 0;
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return false;
    if (k == pb::wire_kind::int64) return true;
    auto n = v.get<std::int64_t>();
    return n >= std::numeric_limits<std::int32_t>::min() && n <= std::numeric_limits<std::int32_t>::max();
  }

  // The custom UnmarshalJSON methods: their errors are returned as they are, not
  // wrapped with the struct field.
  void special(const json& v, pb::special_form s) {
    switch (s) {
      case pb::special_form::time:
      case pb::special_form::micro_time:
      case pb::special_form::duration: {
        if (!v.is_string()) {
          error = "json: cannot unmarshal " + std::string(core::go_json_kind(v)) + " into Go value of type string";
          return;
        }
        const auto& text = v.get_ref<const std::string&>();
        if (s == pb::special_form::duration) {
          error = core::go_duration_error(text);
        } else {
          error = core::go_time_error(text, s == pb::special_form::time ? core::go_time_layout::rfc3339
                                                                        : core::go_time_layout::rfc3339_micro);
        }
        return;
      }
      case pb::special_form::quantity:
        // Quantity.UnmarshalJSON parses the value's JSON text, quotes taken off: every
        // JSON number has a quantity's form; true, false, objects and arrays do not.
        // (A string's escapes reach Go still escaped; here they arrive decoded.)
        if (v.is_string()) {
          error = core::go_quantity_error(v.get_ref<const std::string&>());
        } else if (!v.is_number()) {
          error = core::go_quantity_error(v.is_boolean() ? v.dump() : "{");
        }
        return;
      case pb::special_form::int_or_string:
        if (v.is_string()) return;
        if (!v.is_number()) {
          error = "json: cannot unmarshal " + std::string(core::go_json_kind(v)) + " into Go value of type int32";
        } else if (!fits(v, pb::wire_kind::int32)) {
          error = "json: cannot unmarshal number " + v.dump() + " into Go value of type int32";
        }
        return;
      case pb::special_form::raw_json:
      case pb::special_form::none:
        return;
    }
  }

  void type_error(const json& v, std::string_view go_type, std::string what = {}) {
    if (what.empty()) what = std::string(core::go_json_kind(v));
    std::string field;
    for (const auto& p : path_) {
      if (!field.empty()) field += '.';
      field += p;
    }
    error = "json: cannot unmarshal " + what + " into Go struct field " + std::string(struct_) + "." + field +
            " of type " + std::string(go_type);
  }

  std::vector<std::string_view> path_;
  std::string_view struct_;
  // A step from the root: an object key, or a list index.
  struct step {
    std::string_view key;
    std::size_t index;
    bool is_index;
  };

  // The unknown field `key` of the object at trail_: its path as strict decoding
  // names it ("spec.ports[0].bogus"), and as keys and indexes.
  void record_unknown(std::string_view key) {
    unknown_field u;
    u.segments = json::array();
    for (const auto& s : trail_) {
      if (s.is_index) {
        u.path += "[" + std::to_string(s.index) + "]";
        u.segments.push_back(s.index);
      } else {
        if (!u.path.empty()) u.path += '.';
        u.path += s.key;
        u.segments.push_back(std::string(s.key));
      }
    }
    if (!u.path.empty()) u.path += '.';
    u.path += key;
    u.segments.push_back(std::string(key));
    unknown.push_back(std::move(u));
  }

  bool collect_;
  std::vector<step> trail_;  // with collect_
};

// --- what structured-merge-diff's typed conversion says of an apply configuration ---

// Go's %#v and %v of a value decoded from JSON into interface{} (maps print with their
// keys sorted, as fmt does).
std::string go_sharp_v(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "interface {}(nil)";
    case json::value_t::string: return v.dump();
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::object: {
      std::string out = "map[string]interface {}{";
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        out += (first ? "" : ", ") + json(k).dump() + ":" + go_sharp_v(e);
        first = false;
      }
      return out + "}";
    }
    case json::value_t::array: {
      std::string out = "[]interface {}{";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + go_sharp_v(v[i]);
      return out + "}";
    }
    default: return v.dump();
  }
}

std::string go_plain_v(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "<nil>";
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::object: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        out += (first ? "" : " ") + k + ":" + go_plain_v(e);
        first = false;
      }
      return out + "]";
    }
    case json::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + go_plain_v(v[i]);
      return out + "]";
    }
    default: return v.dump();
  }
}

// %T of the value.
std::string go_type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    case json::value_t::object: return "map[string]interface {}";
    case json::value_t::array: return "[]interface {}";
    case json::value_t::number_float: return "float64";
    default: return "int64";
  }
}

class typed_walker {
 public:
  // `record`: keep the place of each field and word each error; otherwise count them.
  explicit typed_walker(bool record) : record_(record) {}

  std::vector<typed_error> errors;
  std::size_t count = 0;

  void message(const json& v, std::uint32_t m, bool root) {
    if (v.is_null()) return;
    const auto& info = pb::tables().messages[m];
    switch (info.special) {
      case pb::special_form::time:
      case pb::special_form::micro_time:
      case pb::special_form::duration:
        if (!v.is_string()) add(string_error(v));
        return;
      case pb::special_form::quantity:
      case pb::special_form::int_or_string:
      case pb::special_form::raw_json:
        return;  // untyped in the schema: any scalar (or anything, for raw JSON)
      case pb::special_form::none: break;
    }
    if (!v.is_object()) return add("expected map, got &{" + go_plain_v(v) + "}");
    const auto& fields = decode_index().messages[m];
    for (auto it = v.begin(); it != v.end(); ++it) {
      const pb::field_info* f = fields.find(it.key());
      if (record_) trail_.push_back({it.key(), 0, false});
      if (f != nullptr) {
        field(*it, *f);
      } else if (!(root && (it.key() == "apiVersion" || it.key() == "kind"))) {
        add("field not declared in schema");
      }
      if (record_) trail_.pop_back();
    }
  }

 private:
  void field(const json& v, const pb::field_info& f) {
    if (v.is_null()) return;
    if ((f.flags & pb::field_flag::repeated) != 0) {
      if (!v.is_array()) return add("expected list, got &{" + go_plain_v(v) + "}");
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (record_) trail_.push_back({{}, i, true});
        value(v[i], f);
        if (record_) trail_.pop_back();
      }
    } else if ((f.flags & pb::field_flag::map) != 0) {
      if (!v.is_object()) return add("expected map, got &{" + go_plain_v(v) + "}");
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (record_) trail_.push_back({it.key(), 0, false});
        value(*it, f);
        if (record_) trail_.pop_back();
      }
    } else {
      value(v, f);
    }
  }

  void value(const json& v, const pb::field_info& f) {
    if (v.is_null()) return;
    switch (f.kind) {
      case pb::wire_kind::message: return message(v, f.message, false);
      case pb::wire_kind::string:
      case pb::wire_kind::bytes:
        if (!v.is_string()) add(string_error(v));
        return;
      case pb::wire_kind::boolean:
        if (!v.is_boolean()) add("expected boolean, got &{" + go_plain_v(v) + "}");
        return;
      default:
        if (!v.is_number()) add("expected numeric (int or float), got " + go_type_of(v));
        return;
    }
  }

  static std::string string_error(const json& v) {
    return "expected string, got &value.valueUnstructured{Value:" + go_sharp_v(v) + "}";
  }

  void add(std::string message) {
    ++count;
    if (!record_) return;
    json segments = json::array();
    for (const auto& s : trail_) {
      if (s.is_index) {
        segments.push_back(s.index);
      } else {
        segments.push_back(std::string(s.key));
      }
    }
    errors.push_back({std::move(segments), std::move(message)});
  }

  struct step {
    std::string_view key;
    std::size_t index;
    bool is_index;
  };
  bool record_;
  std::vector<step> trail_;  // with record_
};

// The message of a built-in kind; nullopt when the tables do not have it.
std::optional<std::uint32_t> message_of(std::string_view api_version, std::string_view kind) {
  const auto& ix = decode_index();
  std::string key(api_version);
  key += '/';
  key += kind;
  auto it = ix.kinds.find(key);
  if (it == ix.kinds.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> go_decode_error(const json& body, std::string_view api_version, std::string_view kind) {
  auto m = message_of(api_version, kind);
  if (!m) return std::nullopt;
  walker w(false);
  w.message(body, *m, true);
  return w.error;
}

go_decode_result go_decode_scan(const json& body, std::string_view api_version, std::string_view kind) {
  auto m = message_of(api_version, kind);
  if (!m) return {};
  // Unknown fields are rare: a first walk only notes one; a second names them.
  walker w(false);
  w.message(body, *m, true);
  if (w.error || !w.has_unknown) return {std::move(w.error), {}};
  walker named(true);
  named.message(body, *m, true);
  return {std::move(named.error), std::move(named.unknown)};
}

void drop_unknown_fields(json& body, const std::vector<unknown_field>& unknown) {
  for (const auto& u : unknown) {
    json* cur = &body;
    const std::size_t n = u.segments.size();
    for (std::size_t i = 0; cur != nullptr && i + 1 < n; ++i) {
      const json& seg = u.segments[i];
      json* next = nullptr;
      if (seg.is_string() && cur->is_object()) {
        if (auto f = cur->find(seg.get_ref<const std::string&>()); f != cur->end()) next = &*f;
      } else if (seg.is_number_unsigned() && cur->is_array() && seg.get<std::size_t>() < cur->size()) {
        next = &(*cur)[seg.get<std::size_t>()];
      }
      cur = next;
    }
    if (cur != nullptr && cur->is_object() && n > 0) cur->erase(u.segments[n - 1].get<std::string>());
  }
}

std::vector<typed_error> typed_conversion_errors(const json& body, std::string_view api_version,
                                                std::string_view kind) {
  auto m = message_of(api_version, kind);
  if (!m) return {};
  // Most configurations are fine: a first walk only counts; a second words the errors.
  typed_walker w(false);
  w.message(body, *m, true);
  if (w.count == 0) return {};
  typed_walker worded(true);
  worded.message(body, *m, true);
  return std::move(worded.errors);
}

}  // namespace ktk::apiserver::detail
