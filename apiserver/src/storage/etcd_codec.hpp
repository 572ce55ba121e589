// etcd_codec.hpp — how the etcd storage lays objects out in etcd, and reads the JSON
// gateway's answers.
//
// Keys are kube-apiserver's: `<prefix>/<shard>/<namespace>/<name>`, or
// `<prefix>/<shard>/<name>` for a cluster-scoped object. Values are the object's JSON
// without metadata.resourceVersion, which is the key's mod_revision when read. The
// gateway sends keys and values in base64, and int64 fields as strings (absent = 0).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "ktk/apiserver/storage/interface.hpp"

namespace ktk::apiserver::storage::detail {

using json = nlohmann::json;

// "<prefix>/<shard>/", the start of every key of the shard.
std::string shard_prefix(std::string_view prefix, std::string_view shard);
// "<prefix>/<shard>/<ns>/<name>" or "<prefix>/<shard>/<name>".
std::string object_path(std::string_view prefix, std::string_view shard, const object_key& key);
// "<prefix>/<shard>/<ns>/" (ns non-empty), the start of every key of a namespace.
std::string namespace_prefix(std::string_view prefix, std::string_view shard, std::string_view ns);
// The range_end that covers every key starting with p (etcd's GetPrefixRangeEnd).
std::string prefix_end(std::string_view p);
// What follows a shard prefix in a key ("ns/name" or "name") as an object_key.
object_key key_of(std::string_view rest);

// The value stored for an object: its JSON without resourceVersion. Clears obj's.
std::string encode_value(object& obj);
// An object from a stored value (raw bytes), with resourceVersion = rev; null when the
// value is not a JSON object.
object_ptr decode_value(std::string_view raw, revision rev);
// The object of a gateway key-value ({"key","value","mod_revision",...}) with
// resourceVersion = mod_revision, or = `rev` when non-zero; null when undecodable.
object_ptr decode_kv(const json& kv, revision rev = 0);

// An int64 field of a gateway answer: absent → 0; a string or a number.
revision int_field(const json& j, const char* name);
bool bool_field(const json& j, const char* name);
// The header revision of an answer.
revision header_revision(const json& answer);

std::string b64(std::string_view raw);
// The raw bytes of a base64 field ("" when absent or malformed).
std::string unb64_field(const json& j, const char* name);

}  // namespace ktk::apiserver::storage::detail
