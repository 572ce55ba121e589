// ConfigMaps and Secrets: keys, sizes, Secret types, base64 payloads, stringData, and the
// `immutable` flag (ValidateConfigMap/ValidateSecret and their updates).
#include "checks.hpp"
#include "json_util.hpp"
#include "ktk/core/base64.hpp"
#include "strategies.hpp"

namespace ktk::apiserver::detail {
namespace {

constexpr long max_secret_size = 1024 * 1024;
// Keys (and, for base64 bags, payloads) of one data map; adds the decoded sizes to `total`.
void validate_bag(field_errors& errs, const json* bag, const std::string& name, bool base64, long long& total) {
  if (!bag || !bag->is_object()) return;
  for (auto& [k, v] : bag->items()) {
    std::string path = name + "[" + k + "]";
    add_invalid(errs, path, k, config_map_key(k));
    std::string value = v.is_string() ? v.get<std::string>() : std::string();
    if (!base64) {
      total += static_cast<long long>(value.size());
      continue;
    }
    auto scan = core::scan_go_base64(value);
    if (scan.corrupt_at) {
      errs.push_back(invalid_rendered(path, "\"<secret contents redacted>\"",
                                      "illegal base64 data at input byte " + std::to_string(*scan.corrupt_at)));
    } else {
      total += static_cast<long long>(scan.size);
    }
  }
}

// `immutable: true` freezes the payload and the flag itself.
void validate_immutable(field_errors& errs, const json& obj, const json& old, const std::vector<std::string>& bags) {
  const json* was = get(old, "immutable");
  if (!was || *was != true) return;
  const json* now = get(obj, "immutable");
  if (!now || *now != true)
    errs.push_back(field_error::forbidden("immutable", "field is immutable when `immutable` is set"));
  for (const auto& bag : bags) {
    const json* a = get(obj, bag);
    const json* b = get(old, bag);
    json na = a ? *a : json::object();
    json nb = b ? *b : json::object();
    if (na != nb) errs.push_back(field_error::forbidden(bag, "field is immutable when `immutable` is set"));
  }
}

class configmap_strategy final : public strategy {
 public:
  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& d = obj.data();
    long long total = 0;
    validate_bag(errs, get(d, "data"), "data", false, total);
    const json* data = get(d, "data");
    const json* binary = get(d, "binaryData");
    if (data && binary && data->is_object() && binary->is_object())
      for (auto& [k, v] : data->items())
        if (binary->contains(k))
          errs.push_back(field_error::invalid("data[" + k + "]", core::quote(k), "duplicate of key present in binaryData"));
    validate_bag(errs, binary, "binaryData", true, total);
    if (total > max_secret_size) errs.push_back(field_error::too_long("", "", max_secret_size));
    return errs;
  }

  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    validate_immutable(errs, obj.data(), old.data(), {"data", "binaryData"});
    return errs;
  }
};

// stringData is write-only: merged into data (base64) and dropped, as the v1 conversion does.
void merge_string_data(object& obj) {
  json& d = obj.data();
  const json* sd = get(d, "stringData");
  if (sd && sd->is_object() && !sd->empty()) {
    json& data = ensure_object(d, "data");
    for (auto& [k, v] : sd->items()) data[k] = core::base64_encode(v.is_string() ? v.get<std::string>() : v.dump());
  }
  d.erase("stringData");
}

class secret_strategy final : public strategy {
 public:
  void prepare_for_create(object& obj) const override { merge_string_data(obj); }
  void prepare_for_update(object& obj, const object& old) const override {
    (void)old;
    merge_string_data(obj);
  }
  void apply_defaults(object& obj) const override { set_default(obj.data(), "type", "Opaque"); }

  field_errors validate_create(const object& obj) const override {
    field_errors errs;
    const json& d = obj.data();
    long long total = 0;
    const json* data = get(d, "data");
    validate_bag(errs, data, "data", true, total);
    if (total > max_secret_size) errs.push_back(field_error::too_long("data", "", max_secret_size));
    auto has = [&](const char* key) { return data && data->is_object() && data->contains(key); };
    auto require = [&](const char* key) {
      if (!has(key)) errs.push_back(field_error::required(std::string("data[") + key + "]"));
    };
    std::string type = get_string(d, "type");
    if (type == "kubernetes.io/service-account-token") {
      if (!obj.annotation("kubernetes.io/service-account.name"))
        errs.push_back(field_error::required("metadata.annotations[kubernetes.io/service-account.name]"));
    } else if (type == "kubernetes.io/dockercfg") {
      require(".dockercfg");
    } else if (type == "kubernetes.io/dockerconfigjson") {
      require(".dockerconfigjson");
    } else if (type == "kubernetes.io/basic-auth") {
      if (!has("username") && !has("password")) {
        require("username");
        require("password");
      }
    } else if (type == "kubernetes.io/ssh-auth") {
      require("ssh-privatekey");
    } else if (type == "kubernetes.io/tls") {
      require("tls.key");
      require("tls.crt");
    }
    return errs;
  }

  field_errors validate_update(const object& obj, const object& old) const override {
    field_errors errs = validate_create(obj);
    std::string type = get_string(obj.data(), "type");
    if (type != get_string(old.data(), "type"))
      errs.push_back(field_error::invalid("type", core::quote(type), "field is immutable"));
    validate_immutable(errs, obj.data(), old.data(), {"data"});
    return errs;
  }
};

}  // namespace

strategy_ptr make_configmap_strategy() { return std::make_shared<configmap_strategy>(); }
strategy_ptr make_secret_strategy() { return std::make_shared<secret_strategy>(); }

}  // namespace ktk::apiserver::detail
