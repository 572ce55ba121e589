// The etcd storage's reads and writes: each one request to etcd (a list may page).
#include <algorithm>

#include "errors.hpp"
#include "etcd_codec.hpp"
#include "etcd_storage.hpp"

namespace ktk::apiserver::storage::detail {
namespace {

// A txn body: if the key's mod_revision compares to `rev` as `result` ("EQUAL",
// "GREATER"), `success` (one request), else `failure` (one request, or none when
// empty). Written as text: base64 needs no escaping, and the value is copied once.
std::string txn(const std::string& key64, const char* result, revision rev, std::string_view success,
                std::string_view failure = {}) {
  std::string out;
  out.reserve(128 + key64.size() + success.size() + failure.size());
  out.append(R"({"compare":[{"key":")").append(key64).append(R"(","target":"MOD","result":")").append(result);
  out.append(R"(","mod_revision":")").append(std::to_string(rev)).append(R"("}],"success":[)").append(success);
  out.append("]");
  if (!failure.empty()) out.append(R"(,"failure":[)").append(failure).append("]");
  out.append("}");
  return out;
}

std::string put_request(const std::string& key64, const std::string& value64) {
  std::string out;
  out.reserve(48 + key64.size() + value64.size());
  out.append(R"({"request_put":{"key":")").append(key64).append(R"(","value":")").append(value64).append(R"("}})");
  return out;
}

std::string range_request(const std::string& key64) {
  return R"({"request_range":{"key":")" + key64 + R"(","keys_only":true}})";
}

// The compare for "the key's revision is `expected`" (0: the key exists).
const char* expected_result(revision expected) { return expected == 0 ? "GREATER" : "EQUAL"; }

// The first response of a txn branch ("response_put", ...), or null.
const json* first_response(const json& answer, const char* kind) {
  auto rs = answer.find("responses");
  if (rs == answer.end() || !rs->is_array() || rs->empty()) return nullptr;
  auto it = rs->front().find(kind);
  return it == rs->front().end() ? nullptr : &*it;
}

const json& kvs_of(const json* range) {
  static const json empty = json::array();
  if (!range) return empty;
  auto it = range->find("kvs");
  return it == range->end() || !it->is_array() ? empty : *it;
}

core::api_error undecodable(std::string_view key) {
  return core::api_error::internal("etcd: the value at " + std::string(key) + " is not a JSON object");
}

}  // namespace

core::result<object_ptr> etcd_storage::get(std::string_view name, const object_key& key) const {
  obtain(name);
  const std::string path = object_path(prefix_, name, key);
  auto r = call("/v3/kv/range", {{"key", b64(path)}});
  if (!r) return r.error();
  const auto& kvs = kvs_of(&*r);
  if (kvs.empty()) return not_found(name, key);
  auto obj = decode_kv(kvs.front());
  if (!obj) return undecodable(path);
  return obj;
}

std::size_t etcd_storage::count(std::string_view name, std::string_view ns) const {
  obtain(name);
  const std::string start = ns.empty() ? shard_prefix(prefix_, name) : namespace_prefix(prefix_, name, ns);
  auto r = call("/v3/kv/range", {{"key", b64(start)}, {"range_end", b64(prefix_end(start))}, {"count_only", true}});
  return r ? static_cast<std::size_t>(int_field(*r, "count")) : 0;
}

core::result<list_result> etcd_storage::list(std::string_view name, const list_options& o) const {
  obtain(name);
  const std::string shard_start = shard_prefix(prefix_, name);
  std::string start = o.namespace_.empty() ? shard_start : namespace_prefix(prefix_, name, o.namespace_);
  const std::string end = prefix_end(start);
  if (o.start_after) start = std::max(start, object_path(prefix_, name, *o.start_after) + '\0');

  list_result out;
  revision at = o.at;
  const auto limit = o.limit > 0 ? static_cast<std::size_t>(o.limit) : 0;
  // Without a predicate one range answers the page and counts what follows it; with
  // one, pages are filtered here and more are read until the page is full and one
  // more match is found (or the range ends).
  const std::size_t chunk = limit == 0 ? 0 : o.predicate ? std::max<std::size_t>(limit, 256) : limit;
  bool done = start >= end;
  while (!done) {
    json body = {{"key", b64(start)}, {"range_end", b64(end)}};
    if (chunk > 0) body["limit"] = std::to_string(chunk);
    if (at > 0) body["revision"] = std::to_string(at);
    auto r = call("/v3/kv/range", body);
    if (!r) {
      if (is_compacted(r.error())) return list_expired(o.start_after.has_value());
      if (is_future_revision(r.error())) return too_large(at, seen_.load());
      return r.error();
    }
    if (at == 0) at = header_revision(*r);  // later pages read the same revision
    const auto& kvs = kvs_of(&*r);
    const revision total = int_field(*r, "count");
    std::string last_key;
    for (std::size_t i = 0; i < kvs.size() && !done; ++i) {
      last_key = unb64_field(kvs[i], "key");
      auto obj = decode_kv(kvs[i]);
      if (!obj) return undecodable(last_key);
      if (o.predicate && !o.predicate(*obj)) continue;
      if (limit == 0 || out.items.size() < limit) {
        out.items.push_back(std::move(obj));
        if (limit != 0 && out.items.size() == limit) {
          out.continue_after = key_of(std::string_view(last_key).substr(shard_start.size()));
          if (!o.predicate) {
            out.remaining = total - static_cast<revision>(i + 1);
            done = true;
          }
        }
        continue;
      }
      out.remaining = -1;  // a match past the full page: kube leaves the count unset
      done = true;
    }
    if (!bool_field(*r, "more") || kvs.empty()) break;
    start = last_key + '\0';
  }
  if (out.remaining == 0) out.continue_after.reset();
  out.rev = at;
  return out;
}

core::result<object_ptr> etcd_storage::create(std::string_view name, const object_key& key, object&& obj) {
  obtain(name);
  const std::string key64 = b64(object_path(prefix_, name, key));
  auto r = call_text("/v3/kv/txn", txn(key64, "EQUAL", 0, put_request(key64, b64(encode_value(obj)))));
  if (!r) return r.error();
  if (!bool_field(*r, "succeeded")) return already_exists(name, key);
  obj.set_resource_version(std::to_string(header_revision(*r)));
  return std::make_shared<const object>(std::move(obj));
}

core::result<object_ptr> etcd_storage::update(std::string_view name, const object_key& key, object&& obj,
                                              revision expected) {
  obtain(name);
  const std::string key64 = b64(object_path(prefix_, name, key));
  // On a failed compare, whether the key exists tells Conflict from NotFound.
  auto r = call_text("/v3/kv/txn", txn(key64, expected_result(expected), expected,
                                       put_request(key64, b64(encode_value(obj))),
                                       expected != 0 ? range_request(key64) : std::string()));
  if (!r) return r.error();
  if (!bool_field(*r, "succeeded")) {
    if (expected == 0 || kvs_of(first_response(*r, "response_range")).empty()) return not_found(name, key);
    return stale(name, key);
  }
  obj.set_resource_version(std::to_string(header_revision(*r)));
  return std::make_shared<const object>(std::move(obj));
}

core::result<object_ptr> etcd_storage::remove(std::string_view name, const object_key& key, revision expected) {
  obtain(name);
  const std::string path = object_path(prefix_, name, key);
  const std::string key64 = b64(path);
  auto r = call_text("/v3/kv/txn", txn(key64, expected_result(expected), expected,
                                       R"({"request_delete_range":{"key":")" + key64 + R"(","prev_kv":true}})",
                                       expected != 0 ? range_request(key64) : std::string()));
  if (!r) return r.error();
  if (!bool_field(*r, "succeeded")) {
    if (expected == 0 || kvs_of(first_response(*r, "response_range")).empty()) return not_found(name, key);
    return stale(name, key);
  }
  auto deleted = first_response(*r, "response_delete_range");
  const json* prev = nullptr;
  if (deleted) {
    if (auto p = deleted->find("prev_kvs"); p != deleted->end() && p->is_array() && !p->empty()) prev = &p->front();
  }
  if (!prev) return not_found(name, key);
  auto last = decode_kv(*prev, header_revision(*r));
  if (!last) return undecodable(path);
  return last;
}

}  // namespace ktk::apiserver::storage::detail
