#include "etcd_codec.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "ktk/core/base64.hpp"
#include "ktk/core/json_reader.hpp"
#include "ktk/core/json_writer.hpp"

namespace ktk::apiserver::storage::detail {

std::string shard_prefix(std::string_view prefix, std::string_view shard) {
  std::string out;
  out.reserve(prefix.size() + shard.size() + 2);
  out.append(prefix).append("/").append(shard).append("/");
  return out;
}

std::string object_path(std::string_view prefix, std::string_view shard, const object_key& key) {
  std::string out = shard_prefix(prefix, shard);
  if (!key.namespace_.empty()) out.append(key.namespace_).append("/");
  out.append(key.name);
  return out;
}

std::string namespace_prefix(std::string_view prefix, std::string_view shard, std::string_view ns) {
  std::string out = shard_prefix(prefix, shard);
  out.append(ns).append("/");
  return out;
}

std::string prefix_end(std::string_view p) {
  std::string end(p);
  while (!end.empty()) {
    auto& c = reinterpret_cast<unsigned char&>(end.back());
    if (c < 0xff) {
      ++c;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

object_key key_of(std::string_view rest) {
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return {"", std::string(rest)};
  return {std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

std::string encode_value(object& obj) {
  auto& d = obj.data();
  if (auto m = d.find("metadata"); m != d.end() && m->is_object()) m->erase("resourceVersion");
  return core::dump_json(d);
}

object_ptr decode_value(std::string_view raw, revision rev) {
  auto j = core::read_json_or_discarded(raw);
  if (j.is_discarded() || !j.is_object()) return nullptr;
  auto obj = std::make_shared<object>(std::move(j));
  obj->set_resource_version(std::to_string(rev));
  return obj;
}

object_ptr decode_kv(const json& kv, revision rev) {
  auto it = kv.find("value");
  if (it == kv.end() || !it->is_string()) return nullptr;
  auto raw = core::base64_decode(it->get_ref<const std::string&>());
  if (!raw) return nullptr;
  return decode_value(*raw, rev != 0 ? rev : int_field(kv, "mod_revision"));
}

revision int_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<revision>();
  if (!it->is_string()) return 0;
  const auto& s = it->get_ref<const std::string&>();
  revision v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

bool bool_field(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

revision header_revision(const json& answer) {
  auto h = answer.find("header");
  return h == answer.end() ? 0 : int_field(*h, "revision");
}

std::string b64(std::string_view raw) { return core::base64_encode(raw); }

std::string unb64_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return {};
  auto raw = core::base64_decode(it->get_ref<const std::string&>());
  return raw ? std::move(*raw) : std::string();
}

}  // namespace ktk::apiserver::storage::detail
