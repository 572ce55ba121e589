// ktk/core/object.hpp — the unstructured Kubernetes object.
//
// `object` is a JSON document with typed accessors for apiVersion, kind and every
// metadata field. Stored objects are shared as `std::shared_ptr<const object>`
// snapshots and never change; to modify one, copy it.
//
//   ktk::core::object o = ktk::core::object::from_json(R"({"apiVersion":"v1","kind":"Pod"})"_json);
//   o.set_name("web");
//   o.set_label("app", "web");
//   o.labels();  // {"app": "web"}
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"

namespace ktk::core {

struct owner_reference {
  std::string api_version{};
  std::string kind{};
  std::string name{};
  std::string uid{};
  std::optional<bool> controller{};
  std::optional<bool> block_owner_deletion{};
  auto operator<=>(const owner_reference&) const = default;
};
void to_json(json& j, const owner_reference& r);
void from_json(const json& j, owner_reference& r);

class object {
 public:
  // An empty object: {}.
  object() : j_(json::object()) {}
  // Takes a JSON document; it must be a JSON object (std::invalid_argument otherwise).
  explicit object(json j);
  object(std::string_view api_version, std::string_view kind);
  object(const object& o) : j_(o.j_) {}
  object(object&& o) noexcept : j_(std::move(o.j_)), text_(o.text_.exchange(nullptr)) {}
  object& operator=(const object& o);
  object& operator=(object&& o) noexcept;
  ~object() { delete text_.load(std::memory_order_relaxed); }

  const json& data() const noexcept { return j_; }
  json& data() noexcept {
    forget_text();
    return j_;
  }

  // apiVersion / kind ("" when absent).
  std::string_view api_version() const;
  std::string_view kind() const;
  gvk group_version_kind() const;
  void set_api_version(std::string_view v);
  void set_kind(std::string_view v);
  void set_group_version_kind(const gvk& k);

  // metadata; string getters return "" and numeric ones 0 when absent.
  std::string_view name() const;
  std::string_view generate_name() const;
  std::string_view namespace_() const;
  std::string_view uid() const;
  std::string_view resource_version() const;
  std::int64_t generation() const;
  std::string_view creation_timestamp() const;
  std::string_view deletion_timestamp() const;
  std::optional<std::int64_t> deletion_grace_period_seconds() const;
  object_key key() const { return {std::string(namespace_()), std::string(name())}; }

  void set_name(std::string_view v);
  void set_generate_name(std::string_view v);
  void set_namespace(std::string_view v);
  void set_uid(std::string_view v);
  void set_resource_version(std::string_view v);
  void set_generation(std::int64_t v);
  void set_creation_timestamp(std::string_view v);
  void set_deletion_timestamp(std::string_view v);
  void set_deletion_grace_period_seconds(std::optional<std::int64_t> v);

  // labels / annotations: string maps. The *_json forms return the raw JSON object
  // (or a shared empty one) without copying, for hot paths such as selector matching.
  std::map<std::string, std::string> labels() const;
  const json& labels_json() const;
  std::optional<std::string> label(std::string_view key) const;
  void set_labels(const std::map<std::string, std::string>& v);
  void set_label(std::string_view key, std::string_view value);
  void remove_label(std::string_view key);

  std::map<std::string, std::string> annotations() const;
  const json& annotations_json() const;
  std::optional<std::string> annotation(std::string_view key) const;
  void set_annotations(const std::map<std::string, std::string>& v);
  void set_annotation(std::string_view key, std::string_view value);
  void remove_annotation(std::string_view key);

  std::vector<std::string> finalizers() const;
  bool has_finalizer(std::string_view f) const;
  void set_finalizers(const std::vector<std::string>& v);
  // Adds f unless present; returns whether it changed the object.
  bool add_finalizer(std::string_view f);
  // Removes f if present; returns whether it changed the object.
  bool remove_finalizer(std::string_view f);

  std::vector<owner_reference> owner_references() const;
  // The raw JSON array (or a shared empty one), without decoding: for hot paths.
  const json& owner_references_json() const;
  void set_owner_references(const std::vector<owner_reference>& v);
  // The owner reference with controller: true, if any.
  std::optional<owner_reference> controller_ref() const;

  const json& managed_fields() const;  // a JSON array, or a shared empty one
  void set_managed_fields(json v);

  // metadata as JSON; created on first mutable access.
  const json& metadata() const;
  json& metadata();

  // Top-level fields other than apiVersion, kind and metadata ("spec", "status", "data" ...).
  const json* field(std::string_view name) const;
  // A value by dotted path ("spec.nodeName", "status.phase"); nullptr when absent.
  const json* at_path(std::string_view dotted) const;

  bool operator==(const object& o) const { return j_ == o.j_; }

  // Serialises to compact JSON.
  std::string dump() const;
  // The compact JSON text, computed on first use and kept: the HTTP server writes one
  // stored object to many watchers and serialises it once. Thread-safe on a const
  // object. Every non-const member forgets it; do not keep a reference from the
  // non-const data() across this call.
  const std::string& json_text() const;

 private:
  void forget_text() noexcept {
    if (text_.load(std::memory_order_relaxed)) delete text_.exchange(nullptr, std::memory_order_acq_rel);
  }

  json j_;
  mutable std::atomic<const std::string*> text_{nullptr};  // owned; null until json_text()
};

// What the store hands out: an immutable snapshot, shared by every reader.
using object_ptr = std::shared_ptr<const object>;

inline object_ptr make_object_ptr(object&& o) { return std::make_shared<const object>(std::move(o)); }

}  // namespace ktk::core
