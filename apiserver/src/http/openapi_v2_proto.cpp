// Protobuf wire encoding of gnostic's openapi.v2 messages, for the subset of Swagger
// 2.0 that openapi::v2() produces. Field numbers are those of gnostic's OpenAPIv2.proto.
#include "http/openapi_v2_proto.hpp"

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

namespace ktk::apiserver::http::openapi {
namespace {

using core::json;

void varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void tag(std::string& out, int field, int wire) { varint(out, (static_cast<std::uint64_t>(field) << 3) | wire); }

void bytes(std::string& out, int field, std::string_view b) {
  tag(out, field, 2);
  varint(out, b.size());
  out.append(b);
}

void str(std::string& out, int field, const json& j, const char* key) {
  auto it = j.find(key);
  if (it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
    bytes(out, field, it->get_ref<const std::string&>());
  }
}

void strings(std::string& out, int field, const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return;
  for (const auto& s : *it) {
    if (s.is_string()) bytes(out, field, s.get_ref<const std::string&>());
  }
}

void boolean(std::string& out, int field, const json& j, const char* key) {
  auto it = j.find(key);
  if (it != j.end() && it->is_boolean() && it->get<bool>()) {
    tag(out, field, 0);
    varint(out, 1);
  }
}

void int64(std::string& out, int field, const json& j, const char* key) {
  auto it = j.find(key);
  if (it != j.end() && it->is_number_integer()) {
    tag(out, field, 0);
    varint(out, static_cast<std::uint64_t>(it->get<std::int64_t>()));
  }
}

void dbl(std::string& out, int field, const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return;
  double d = it->get<double>();
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  tag(out, field, 1);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xff);
}

// openapi.v2.Any: the value as YAML text (field 2).
std::string any(const json& v) {
  std::string a;
  bytes(a, 2, v.dump());
  return a;
}

// Every "x-" key of `j` as repeated NamedAny.
void extensions(std::string& out, int field, const json& j) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.key().starts_with("x-")) continue;
    std::string named;
    bytes(named, 1, it.key());
    bytes(named, 2, any(*it));
    bytes(out, field, named);
  }
}

std::string schema(const json& s);

// NamedSchema list of an object of schemas.
std::string named_schemas(const json& m) {
  std::string out;
  for (auto it = m.begin(); it != m.end(); ++it) {
    std::string named;
    bytes(named, 1, it.key());
    bytes(named, 2, schema(*it));
    bytes(out, 1, named);
  }
  return out;
}

std::string schema(const json& s) {
  std::string out;
  if (!s.is_object()) return out;
  str(out, 1, s, "$ref");
  str(out, 2, s, "format");
  str(out, 3, s, "title");
  str(out, 4, s, "description");
  if (auto d = s.find("default"); d != s.end()) bytes(out, 5, any(*d));
  dbl(out, 6, s, "multipleOf");
  dbl(out, 7, s, "maximum");
  boolean(out, 8, s, "exclusiveMaximum");
  dbl(out, 9, s, "minimum");
  boolean(out, 10, s, "exclusiveMinimum");
  int64(out, 11, s, "maxLength");
  int64(out, 12, s, "minLength");
  str(out, 13, s, "pattern");
  int64(out, 14, s, "maxItems");
  int64(out, 15, s, "minItems");
  boolean(out, 16, s, "uniqueItems");
  int64(out, 17, s, "maxProperties");
  int64(out, 18, s, "minProperties");
  strings(out, 19, s, "required");
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    for (const auto& v : *e) bytes(out, 20, any(v));
  }
  if (auto a = s.find("additionalProperties"); a != s.end()) {
    std::string item;
    if (a->is_object()) {
      bytes(item, 1, schema(*a));
    } else if (a->is_boolean()) {
      tag(item, 2, 0);
      varint(item, a->get<bool>() ? 1 : 0);
    }
    bytes(out, 21, item);
  }
  if (auto t = s.find("type"); t != s.end()) {
    std::string type;
    if (t->is_string()) bytes(type, 1, t->get_ref<const std::string&>());
    if (t->is_array()) strings(type, 1, s, "type");
    bytes(out, 22, type);
  }
  if (auto i = s.find("items"); i != s.end()) {
    std::string items;
    if (i->is_object()) bytes(items, 1, schema(*i));
    if (i->is_array()) {
      for (const auto& e : *i) bytes(items, 1, schema(e));
    }
    bytes(out, 23, items);
  }
  if (auto a = s.find("allOf"); a != s.end() && a->is_array()) {
    for (const auto& e : *a) bytes(out, 24, schema(e));
  }
  if (auto p = s.find("properties"); p != s.end() && p->is_object()) bytes(out, 25, named_schemas(*p));
  boolean(out, 27, s, "readOnly");
  extensions(out, 31, s);
  return out;
}

// ParametersItem{parameter: Parameter{body_parameter | non_body_parameter}}.
std::string parameter(const json& p) {
  std::string param;
  std::string in = p.value("in", "");
  if (in == "body") {
    std::string body;
    str(body, 1, p, "description");
    str(body, 2, p, "name");
    str(body, 3, p, "in");
    boolean(body, 4, p, "required");
    if (auto s = p.find("schema"); s != p.end()) bytes(body, 5, schema(*s));
    bytes(param, 1, body);
  } else {
    // Query (field 3 of NonBodyParameter) and path (field 4) sub-schemas share their
    // first fields: required 1, in 2, description 3, name 4; type is 6 in query, 5 in path.
    std::string sub;
    boolean(sub, 1, p, "required");
    str(sub, 2, p, "in");
    str(sub, 3, p, "description");
    str(sub, 4, p, "name");
    str(sub, in == "path" ? 5 : 6, p, "type");
    std::string non_body;
    bytes(non_body, in == "path" ? 4 : 3, sub);
    bytes(param, 2, non_body);
  }
  std::string item;
  bytes(item, 1, param);
  return item;
}

std::string responses(const json& r) {
  std::string out;
  for (auto it = r.begin(); it != r.end(); ++it) {
    std::string response;
    str(response, 1, *it, "description");
    if (auto s = it->find("schema"); s != it->end()) {
      std::string item;
      bytes(item, 1, schema(*s));
      bytes(response, 2, item);
    }
    std::string value;
    bytes(value, 1, response);
    std::string named;
    bytes(named, 1, it.key());
    bytes(named, 2, value);
    bytes(out, 1, named);
  }
  return out;
}

std::string operation(const json& o) {
  std::string out;
  strings(out, 1, o, "tags");
  str(out, 3, o, "description");
  str(out, 5, o, "operationId");
  strings(out, 6, o, "produces");
  strings(out, 7, o, "consumes");
  if (auto ps = o.find("parameters"); ps != o.end() && ps->is_array()) {
    for (const auto& p : *ps) bytes(out, 8, parameter(p));
  }
  if (auto r = o.find("responses"); r != o.end() && r->is_object()) bytes(out, 9, responses(*r));
  strings(out, 10, o, "schemes");
  extensions(out, 13, o);
  return out;
}

std::string path_item(const json& item) {
  std::string out;
  const std::pair<const char*, int> methods[] = {{"get", 2},     {"put", 3},  {"post", 4}, {"delete", 5},
                                                 {"options", 6}, {"head", 7}, {"patch", 8}};
  for (const auto& [m, field] : methods) {
    if (auto o = item.find(m); o != item.end()) bytes(out, field, operation(*o));
  }
  if (auto ps = item.find("parameters"); ps != item.end() && ps->is_array()) {
    for (const auto& p : *ps) bytes(out, 9, parameter(p));
  }
  extensions(out, 10, item);
  return out;
}

}  // namespace

std::string v2_protobuf(const core::json& swagger) {
  std::string doc;
  str(doc, 1, swagger, "swagger");
  if (auto info = swagger.find("info"); info != swagger.end()) {
    std::string i;
    str(i, 1, *info, "title");
    str(i, 2, *info, "version");
    bytes(doc, 2, i);
  }
  if (auto paths = swagger.find("paths"); paths != swagger.end() && paths->is_object()) {
    std::string p;
    for (auto it = paths->begin(); it != paths->end(); ++it) {
      std::string named;
      bytes(named, 1, it.key());
      bytes(named, 2, path_item(*it));
      bytes(p, 2, named);
    }
    bytes(doc, 8, p);
  }
  if (auto defs = swagger.find("definitions"); defs != swagger.end() && defs->is_object()) {
    bytes(doc, 9, named_schemas(*defs));
  }
  return doc;
}

}  // namespace ktk::apiserver::http::openapi
