// http/protobuf.cpp — Kubernetes protobuf request bodies decoded into JSON, driven by the
// generated message tables (protobuf_schema.hpp).
#include "http/protobuf.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "http/protobuf_schema.hpp"
#include "http/protobuf_text.hpp"
#include "ktk/core/api_error.hpp"
#include "ktk/core/base64.hpp"

namespace ktk::apiserver::http {
namespace {

using core::api_error;
using core::json;
namespace pb = protobuf;
using protobuf::go_duration;
using protobuf::rfc3339;
using protobuf::valid_utf8;

constexpr std::string_view magic{"k8s\0", 4};
// Kubernetes objects nest about 15 messages deep; the limit only stops hostile input.
constexpr int max_depth = 100;

enum wire_type : std::uint32_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

// One message's bytes, read front to back. A read past the end or a malformed varint
// marks the reader failed; the caller checks ok() (malformed input is not exceptional).
class reader {
 public:
  explicit reader(std::string_view data) : data_(data) {}

  bool at_end() const { return pos_ >= data_.size() || !ok_; }

  // The next field's key: false at the end of the message or when the key is malformed
  // (ok() tells which).
  bool next_field(std::uint32_t& number, std::uint32_t& wire) {
    if (at_end()) return false;
    const std::uint64_t key = varint_value();
    if (!ok_) return false;
    number = static_cast<std::uint32_t>(key >> 3);
    wire = static_cast<std::uint32_t>(key & 7);
    return true;
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

  std::uint64_t varint_value() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ >= data_.size()) return fail("unexpected end of data");
      const auto b = static_cast<std::uint8_t>(data_[pos_++]);
      if (shift == 63 && b > 1) return fail("integer overflow");
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return fail("integer overflow");
  }

  std::string_view bytes_value() {
    const std::uint64_t n = varint_value();
    if (!ok_) return {};
    if (n > data_.size() - pos_) {
      fail("length " + std::to_string(n) + " runs past the end of the message");
      return {};
    }
    auto s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }

  std::uint64_t fixed_value(int width) {
    if (data_.size() - pos_ < static_cast<std::size_t>(width)) return fail("unexpected end of data");
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(data_[pos_ + i])) << (8 * i);
    pos_ += width;
    return v;
  }

  void skip(std::uint32_t wt) {
    switch (wt) {
      case varint: varint_value(); return;
      case fixed64: fixed_value(8); return;
      case length_delimited: bytes_value(); return;
      case fixed32: fixed_value(4); return;
      default: fail("illegal wire type " + std::to_string(wt));
    }
  }

  std::uint64_t fail(std::string message) {
    if (ok_) error_ = std::move(message);
    ok_ = false;
    pos_ = data_.size();
    return 0;
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
};

bool is_zero(const json& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.get_ref<const std::string&>().empty();
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>() == 0;
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() == 0;
  if (v.is_number_float()) return v.get<double>() == 0.0;
  return false;
}

class decoder {
 public:
  decoder() : t_(pb::tables()) {}

  const std::string& error() const { return error_; }

  // The JSON of message `index` held in `data`; nullopt with error() set on failure.
  std::optional<json> message(std::uint32_t index, std::string_view data, int depth) {
    if (depth > max_depth) return fail("message nests deeper than " + std::to_string(max_depth) + " levels");
    const auto& m = t_.messages[index];
    if (m.special != pb::special_form::none) return special(m, data);
    json out = json::object();
    reader r(data);
    std::uint32_t number = 0, wt = 0;
    while (r.next_field(number, wt)) {
      if (number == 0) return fail(std::string(m.name) + ": illegal field number 0");
      const pb::field_info* f = field(m, number);
      if (f == nullptr) {
        r.skip(wt);
        continue;
      }
      if (!value(*f, wt, r, out, depth)) return std::nullopt;
    }
    if (!r.ok()) return fail(std::string(m.name) + ": " + r.error());
    drop_zero_values(m, out);
    return out;
  }

 private:
  std::nullopt_t fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }

  const pb::field_info* field(const pb::message_info& m, std::uint32_t number) const {
    const auto fields = t_.fields.subspan(m.first_field, m.field_count);
    auto it = std::lower_bound(fields.begin(), fields.end(), number,
                               [](const pb::field_info& f, std::uint32_t n) { return f.number < n; });
    return it != fields.end() && it->number == number ? &*it : nullptr;
  }

  // Reads one occurrence of field `f` and stores it in `out`.
  bool value(const pb::field_info& f, std::uint32_t wt, reader& r, json& out, int depth) {
    const char* name = f.name;
    if (f.flags & pb::field_flag::map) {
      if (wt != length_delimited) return bad_wire(f, wt);
      auto entry = r.bytes_value();
      if (!r.ok()) return bad(f, r.error());
      std::string key;
      json val;
      bool has_value = false;
      reader er(entry);
      std::uint32_t n = 0, ewt = 0;
      while (er.next_field(n, ewt)) {
        if (n == 1) {
          if (ewt != length_delimited) return bad_wire(f, ewt);
          key = valid_utf8(er.bytes_value());
        } else if (n == 2) {
          auto v = scalar_or_message(f, ewt, er, depth);
          if (!v) return false;
          val = std::move(*v);
          has_value = true;
        } else {
          er.skip(ewt);
        }
      }
      if (!er.ok()) return bad(f, er.error());
      if (!has_value) val = zero_of(f);
      if (!out.contains(name)) out[name] = json::object();
      out[name][key] = std::move(val);
      return true;
    }
    if (f.flags & pb::field_flag::repeated) {
      json& arr = out[name];
      if (!arr.is_array()) arr = json::array();
      // proto3-style packed scalars are accepted too, as Go's decoder accepts them.
      if (wt == length_delimited && f.kind != pb::wire_kind::string && f.kind != pb::wire_kind::bytes &&
          f.kind != pb::wire_kind::message) {
        reader pr(r.bytes_value());
        if (!r.ok()) return bad(f, r.error());
        const std::uint32_t ewt = f.kind == pb::wire_kind::float64 ? fixed64
                                  : f.kind == pb::wire_kind::float32 ? fixed32
                                                                     : varint;
        while (!pr.at_end()) {
          auto v = scalar_or_message(f, ewt, pr, depth);
          if (!v) return false;
          arr.push_back(std::move(*v));
        }
        return pr.ok() || bad(f, pr.error());
      }
      auto v = scalar_or_message(f, wt, r, depth);
      if (!v) return false;
      arr.push_back(std::move(*v));
      return true;
    }
    auto v = scalar_or_message(f, wt, r, depth);
    if (!v) return false;
    if (f.flags & pb::field_flag::inlined) {
      if (v->is_object()) out.update(*v);
      return true;
    }
    out[name] = std::move(*v);
    return true;
  }

  std::optional<json> scalar_or_message(const pb::field_info& f, std::uint32_t wt, reader& r, int depth) {
    using k = pb::wire_kind;
    const std::uint32_t want = f.kind == k::string || f.kind == k::bytes || f.kind == k::message ? length_delimited
                               : f.kind == k::float64                                            ? fixed64
                               : f.kind == k::float32                                            ? fixed32
                                                                                                 : varint;
    if (wt != want) return bad_wire(f, wt), std::nullopt;
    json v;
    switch (f.kind) {
      case k::string: v = valid_utf8(r.bytes_value()); break;
      case k::bytes: v = core::base64_encode(r.bytes_value()); break;
      case k::int32: v = static_cast<std::int32_t>(r.varint_value()); break;
      case k::int64: v = static_cast<std::int64_t>(r.varint_value()); break;
      case k::uint64: v = r.varint_value(); break;
      case k::boolean: v = r.varint_value() != 0; break;
      case k::float64: {
        const std::uint64_t bits = r.fixed_value(8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        v = d;
        break;
      }
      case k::float32: {
        const auto bits = static_cast<std::uint32_t>(r.fixed_value(4));
        float fl;
        std::memcpy(&fl, &bits, sizeof fl);
        v = static_cast<double>(fl);
        break;
      }
      case k::message: {
        auto inner = r.bytes_value();
        if (!r.ok()) break;
        return message(f.message, inner, depth + 1);
      }
    }
    if (!r.ok()) return bad(f, r.error()), std::nullopt;
    if (v.is_number_float() && !std::isfinite(v.get<double>())) return bad(f, "not a finite number"), std::nullopt;
    return v;
  }

  json zero_of(const pb::field_info& f) const {
    using k = pb::wire_kind;
    switch (f.kind) {
      case k::string:
      case k::bytes: return "";
      case k::boolean: return false;
      case k::float64:
      case k::float32: return 0.0;
      case k::message: {
        const auto& m = t_.messages[f.message];
        if (m.special == pb::special_form::quantity) return "0";
        if (m.special == pb::special_form::int_or_string) return 0;
        if (m.special == pb::special_form::none) return json::object();
        return nullptr;
      }
      default: return 0;
    }
  }

  // Go's encoding/json leaves out a zero omitempty field unless it is a pointer; the
  // special messages (Time, Quantity, IntOrString) count as zero when they are.
  void drop_zero_values(const pb::message_info& m, json& out) const {
    for (const auto& f : t_.fields.subspan(m.first_field, m.field_count)) {
      if ((f.flags & (pb::field_flag::repeated | pb::field_flag::map)) != 0) continue;
      if ((f.flags & pb::field_flag::pointer) != 0 || (f.flags & pb::field_flag::omitempty) == 0) continue;
      auto it = out.find(f.name);
      if (it == out.end()) continue;
      if (f.kind == pb::wire_kind::message) {
        const auto special = t_.messages[f.message].special;
        const bool zero = special == pb::special_form::quantity ? *it == "0" || *it == ""
                          : special == pb::special_form::none   ? false
                                                                : is_zero(*it);
        if (zero) out.erase(it);
      } else if (is_zero(*it)) {
        out.erase(it);
      }
    }
  }

  std::optional<json> special(const pb::message_info& m, std::string_view data) {
    reader r(data);
    std::int64_t i1 = 0, i2 = 0, i3 = 0;
    std::string_view s1, s3;
    std::uint32_t n = 0, wt = 0;
    while (r.next_field(n, wt)) {
      if (wt == length_delimited && (n == 1 || n == 3)) {
        (n == 1 ? s1 : s3) = r.bytes_value();
      } else if (wt == varint && n >= 1 && n <= 3) {
        (n == 1 ? i1 : n == 2 ? i2 : i3) = static_cast<std::int64_t>(r.varint_value());
      } else {
        r.skip(wt);
      }
    }
    if (!r.ok()) return fail(std::string(m.name) + ": " + r.error());
    switch (m.special) {
      case pb::special_form::time:
      case pb::special_form::micro_time: {
        // seconds = 1, nanos = 2. Empty means the zero time, which JSON writes as null.
        if (i1 == 0 && i2 == 0) return json(nullptr);
        const bool micro = m.special == pb::special_form::micro_time;
        auto s = rfc3339(i1, micro ? i2 : 0, micro);
        if (!s) return fail(std::string(m.name) + ": seconds " + std::to_string(i1) + " out of range");
        return json(*s);
      }
      case pb::special_form::duration: return json(go_duration(i1));
      case pb::special_form::raw_json: {
        if (s1.empty()) return json(nullptr);
        auto j = json::parse(s1, nullptr, false);
        if (j.is_discarded()) return fail(std::string(m.name) + ": raw is not JSON");
        return j;
      }
      case pb::special_form::quantity: return json(valid_utf8(s1.empty() ? std::string_view("0") : s1));
      case pb::special_form::int_or_string:
        // type = 1 (0 int, 1 string), intVal = 2, strVal = 3.
        if (i1 == 1) return json(valid_utf8(s3));
        return json(static_cast<std::int32_t>(i2));
      case pb::special_form::none: break;
    }
    return fail(std::string(m.name) + ": no JSON form");
  }

  bool bad(const pb::field_info& f, const std::string& why) {
    fail(std::string("field ") + f.name + ": " + why);
    return false;
  }

  bool bad_wire(const pb::field_info& f, std::uint32_t wt) {
    return bad(f, "wrong wire type " + std::to_string(wt));
  }

  const pb::schema_tables& t_;
  std::string error_;
};

const std::unordered_map<std::string, std::uint32_t>& kind_index() {
  static const auto index = [] {
    std::unordered_map<std::string, std::uint32_t> m;
    for (const auto& k : pb::tables().kinds) m.emplace(std::string(k.api_version) + "/" + k.kind, k.message);
    return m;
  }();
  return index;
}

api_error malformed(const std::string& why) {
  return api_error::bad_request("the protobuf body could not be decoded: " + why);
}

}  // namespace

core::result<json> decode_protobuf_body(std::string_view body) {
  if (body.substr(0, magic.size()) != magic) {
    return api_error::bad_request(
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
  }
  // The runtime.Unknown envelope: typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2,
  // contentEncoding = 3, contentType = 4.
  std::string_view type_meta, raw, encoding;
  reader r(body.substr(magic.size()));
  std::uint32_t n = 0, wt = 0;
  while (r.next_field(n, wt)) {
    if (wt == length_delimited && n >= 1 && n <= 3) {
      (n == 1 ? type_meta : n == 2 ? raw : encoding) = r.bytes_value();
    } else {
      r.skip(wt);
    }
  }
  if (!r.ok()) return malformed(r.error());
  std::string api_version, kind;
  reader tr(type_meta);
  while (tr.next_field(n, wt)) {
    if (wt == length_delimited && (n == 1 || n == 2)) {
      (n == 1 ? api_version : kind) = valid_utf8(tr.bytes_value());
    } else {
      tr.skip(wt);
    }
  }
  if (!tr.ok()) return malformed("typeMeta: " + tr.error());
  if (kind.empty()) return malformed("the envelope names no kind");
  if (!encoding.empty()) return malformed("content encoding " + valid_utf8(encoding) + " is not supported");
  // DeleteOptions travels under the version of the resource being deleted.
  const auto& kinds = kind_index();
  auto it = kinds.find(kind == "DeleteOptions" ? "meta/v1/DeleteOptions" : api_version + "/" + kind);
  if (it == kinds.end()) {
    return api_error::unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: application/json, "
        "application/yaml");
  }
  decoder d;
  auto object = d.message(it->second, raw, 0);
  if (!object) return malformed(d.error());
  json out = {{"apiVersion", api_version}, {"kind", kind}};
  out.update(*object);
  return out;
}

}  // namespace ktk::apiserver::http
