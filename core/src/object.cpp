#include "ktk/core/object.hpp"

#include <algorithm>
#include <stdexcept>

#include "ktk/core/json_writer.hpp"

namespace ktk::core {
namespace {

const json& empty_object() {
  static const json e = json::object();
  return e;
}
const json& empty_array() {
  static const json e = json::array();
  return e;
}

// Looked up by string_view: against a const char*, every comparison in the map's
// search measures the key again.
std::string_view str_at(const json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::map<std::string, std::string> to_map(const json& j) {
  std::map<std::string, std::string> m;
  if (!j.is_object()) return m;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_string()) m.emplace(it.key(), it->get<std::string>());
  }
  return m;
}

}  // namespace

void to_json(json& j, const owner_reference& r) {
  j = {{"apiVersion", r.api_version}, {"kind", r.kind}, {"name", r.name}, {"uid", r.uid}};
  if (r.controller) j["controller"] = *r.controller;
  if (r.block_owner_deletion) j["blockOwnerDeletion"] = *r.block_owner_deletion;
}

void from_json(const json& j, owner_reference& r) {
  r.api_version = j.value("apiVersion", "");
  r.kind = j.value("kind", "");
  r.name = j.value("name", "");
  r.uid = j.value("uid", "");
  if (auto it = j.find("controller"); it != j.end() && it->is_boolean()) r.controller = it->get<bool>();
  if (auto it = j.find("blockOwnerDeletion"); it != j.end() && it->is_boolean()) {
    r.block_owner_deletion = it->get<bool>();
  }
}

object::object(json j) : j_(std::move(j)) {
  if (!j_.is_object()) throw std::invalid_argument("ktk::core::object: a Kubernetes object must be a JSON object");
}

object::object(std::string_view api_version, std::string_view kind) : j_(json::object()) {
  set_api_version(api_version);
  set_kind(kind);
}

std::string_view object::api_version() const { return str_at(j_, "apiVersion"); }
std::string_view object::kind() const { return str_at(j_, "kind"); }
gvk object::group_version_kind() const { return gvk::from_api_version(api_version(), kind()); }
void object::set_api_version(std::string_view v) { data()["apiVersion"] = std::string(v); }
void object::set_kind(std::string_view v) { data()["kind"] = std::string(v); }
void object::set_group_version_kind(const gvk& k) {
  set_api_version(k.api_version());
  set_kind(k.kind);
}

const json& object::metadata() const {
  auto it = j_.find(std::string_view("metadata"));
  return it == j_.end() || !it->is_object() ? empty_object() : *it;
}

json& object::metadata() {
  json& m = data()["metadata"];
  if (!m.is_object()) m = json::object();
  return m;
}

std::string_view object::name() const { return str_at(metadata(), "name"); }
std::string_view object::generate_name() const { return str_at(metadata(), "generateName"); }
std::string_view object::namespace_() const { return str_at(metadata(), "namespace"); }
std::string_view object::uid() const { return str_at(metadata(), "uid"); }
std::string_view object::resource_version() const { return str_at(metadata(), "resourceVersion"); }
std::string_view object::creation_timestamp() const { return str_at(metadata(), "creationTimestamp"); }
std::string_view object::deletion_timestamp() const { return str_at(metadata(), "deletionTimestamp"); }

std::int64_t object::generation() const {
  const json& m = metadata();
  auto it = m.find("generation");
  return it != m.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::optional<std::int64_t> object::deletion_grace_period_seconds() const {
  const json& m = metadata();
  auto it = m.find("deletionGracePeriodSeconds");
  if (it == m.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

namespace {
// The member `key` of m as a JSON value of type t; a malformed one (say labels
// given as an array) is replaced rather than indexed, which would throw.
json& member_of_type(json& m, const char* key, json::value_t t) {
  json& v = m[key];
  if (v.type() != t) v = json(t);
  return v;
}

void set_or_erase(json& m, const char* key, std::string_view v) {
  if (v.empty()) {
    m.erase(key);
  } else {
    m[key] = std::string(v);
  }
}
}  // namespace

void object::set_name(std::string_view v) { set_or_erase(metadata(), "name", v); }
void object::set_generate_name(std::string_view v) { set_or_erase(metadata(), "generateName", v); }
void object::set_namespace(std::string_view v) { set_or_erase(metadata(), "namespace", v); }
void object::set_uid(std::string_view v) { set_or_erase(metadata(), "uid", v); }
void object::set_resource_version(std::string_view v) { set_or_erase(metadata(), "resourceVersion", v); }
void object::set_creation_timestamp(std::string_view v) { set_or_erase(metadata(), "creationTimestamp", v); }
void object::set_deletion_timestamp(std::string_view v) { set_or_erase(metadata(), "deletionTimestamp", v); }
void object::set_generation(std::int64_t v) {
  if (v == 0) {
    metadata().erase("generation");
  } else {
    metadata()["generation"] = v;
  }
}
void object::set_deletion_grace_period_seconds(std::optional<std::int64_t> v) {
  if (v) {
    metadata()["deletionGracePeriodSeconds"] = *v;
  } else {
    metadata().erase("deletionGracePeriodSeconds");
  }
}

const json& object::labels_json() const {
  const json& m = metadata();
  auto it = m.find("labels");
  return it == m.end() || !it->is_object() ? empty_object() : *it;
}
std::map<std::string, std::string> object::labels() const { return to_map(labels_json()); }
std::optional<std::string> object::label(std::string_view key) const {
  const json& l = labels_json();
  auto it = l.find(key);
  if (it == l.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}
void object::set_labels(const std::map<std::string, std::string>& v) {
  if (v.empty()) {
    metadata().erase("labels");
  } else {
    metadata()["labels"] = v;
  }
}
void object::set_label(std::string_view key, std::string_view value) {
  member_of_type(metadata(), "labels", json::value_t::object)[std::string(key)] = std::string(value);
}
void object::remove_label(std::string_view key) {
  json& m = metadata();
  auto it = m.find("labels");
  if (it == m.end() || !it->is_object()) return;
  it->erase(std::string(key));
  if (it->empty()) m.erase(it);
}

const json& object::annotations_json() const {
  const json& m = metadata();
  auto it = m.find("annotations");
  return it == m.end() || !it->is_object() ? empty_object() : *it;
}
std::map<std::string, std::string> object::annotations() const { return to_map(annotations_json()); }
std::optional<std::string> object::annotation(std::string_view key) const {
  const json& a = annotations_json();
  auto it = a.find(key);
  if (it == a.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}
void object::set_annotations(const std::map<std::string, std::string>& v) {
  if (v.empty()) {
    metadata().erase("annotations");
  } else {
    metadata()["annotations"] = v;
  }
}
void object::set_annotation(std::string_view key, std::string_view value) {
  member_of_type(metadata(), "annotations", json::value_t::object)[std::string(key)] = std::string(value);
}
void object::remove_annotation(std::string_view key) {
  json& m = metadata();
  auto it = m.find("annotations");
  if (it == m.end() || !it->is_object()) return;
  it->erase(std::string(key));
  if (it->empty()) m.erase(it);
}

std::vector<std::string> object::finalizers() const {
  std::vector<std::string> out;
  const json& m = metadata();
  auto it = m.find("finalizers");
  if (it == m.end() || !it->is_array()) return out;
  for (const auto& f : *it) {
    if (f.is_string()) out.push_back(f.get<std::string>());
  }
  return out;
}
bool object::has_finalizer(std::string_view f) const {
  const json& m = metadata();
  auto it = m.find("finalizers");
  if (it == m.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const json& x) { return x.is_string() && x.get_ref<const std::string&>() == f; });
}
void object::set_finalizers(const std::vector<std::string>& v) {
  if (v.empty()) {
    metadata().erase("finalizers");
  } else {
    metadata()["finalizers"] = v;
  }
}
bool object::add_finalizer(std::string_view f) {
  if (has_finalizer(f)) return false;
  member_of_type(metadata(), "finalizers", json::value_t::array).push_back(std::string(f));
  return true;
}
bool object::remove_finalizer(std::string_view f) {
  if (!has_finalizer(f)) return false;
  auto v = finalizers();
  v.erase(std::remove(v.begin(), v.end(), std::string(f)), v.end());
  set_finalizers(v);
  return true;
}

const json& object::owner_references_json() const {
  const json& m = metadata();
  auto it = m.find(std::string_view("ownerReferences"));
  return it == m.end() || !it->is_array() ? empty_array() : *it;
}
std::vector<owner_reference> object::owner_references() const {
  std::vector<owner_reference> out;
  for (const auto& r : owner_references_json()) {
    if (r.is_object()) out.push_back(r.get<owner_reference>());
  }
  return out;
}
void object::set_owner_references(const std::vector<owner_reference>& v) {
  if (v.empty()) {
    metadata().erase("ownerReferences");
  } else {
    metadata()["ownerReferences"] = v;
  }
}
std::optional<owner_reference> object::controller_ref() const {
  // Only the controller's reference is decoded: informer handlers ask this of every event.
  for (const auto& r : owner_references_json()) {
    if (!r.is_object()) continue;
    auto c = r.find(std::string_view("controller"));
    if (c != r.end() && c->is_boolean() && c->get<bool>()) return r.get<owner_reference>();
  }
  return std::nullopt;
}

const json& object::managed_fields() const {
  const json& m = metadata();
  auto it = m.find("managedFields");
  return it == m.end() || !it->is_array() ? empty_array() : *it;
}
void object::set_managed_fields(json v) {
  if (v.is_null() || (v.is_array() && v.empty())) {
    metadata().erase("managedFields");
  } else {
    metadata()["managedFields"] = std::move(v);
  }
}

const json* object::field(std::string_view name) const {
  auto it = j_.find(name);
  return it == j_.end() ? nullptr : &*it;
}

const json* object::at_path(std::string_view dotted) const {
  const json* cur = &j_;
  while (!dotted.empty()) {
    auto dot = dotted.find('.');
    auto part = dotted.substr(0, dot);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return cur;
}

std::string object::dump() const { return dump_json(j_); }

const std::string& object::json_text() const {
  const std::string* t = text_.load(std::memory_order_acquire);
  if (t) return *t;
  auto* fresh = new std::string(json_text_replacing_invalid_utf8(j_));
  const std::string* expected = nullptr;
  if (text_.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) return *fresh;
  delete fresh;  // another thread won; its text is the same
  return *expected;
}

object& object::operator=(const object& o) {
  if (this != &o) {
    forget_text();
    j_ = o.j_;
  }
  return *this;
}

object& object::operator=(object&& o) noexcept {
  if (this != &o) {
    forget_text();
    j_ = std::move(o.j_);
    text_.store(o.text_.exchange(nullptr), std::memory_order_release);
  }
  return *this;
}

}  // namespace ktk::core
