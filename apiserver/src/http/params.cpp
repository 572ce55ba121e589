// params.cpp — query parameter decoding.
#include "http/params.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "http/negotiate.hpp"
#include "ktk/core/strings.hpp"

namespace ktk::apiserver::http {

using core::api_error;
using core::json;

namespace {

// apimachinery's query-parameter conversion: "0" and "false" (any case) are false,
// anything else — "True" from the Python client, "" for a bare ?watch — is true.
bool parse_bool(std::string_view v) { return !(v == "0" || core::ascii_lower(v) == "false"); }

core::result<std::int64_t> parse_int(std::string_view name, std::string_view v) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) {
    return api_error::bad_request("invalid value for " + std::string(name) + ": strconv.ParseInt: parsing \"" +
                                  std::string(v) + "\": invalid syntax");
  }
  return out;
}

core::result<bool> dry_run_of(const request& req) {
  bool dry = false;
  for (const auto& [k, v] : req.query) {
    if (k != "dryRun") continue;
    if (v != "All") {
      return api_error::bad_request("dryRun: Unsupported value: \"" + v + "\": supported values: \"All\"");
    }
    dry = true;
  }
  return dry;
}

std::string param_or(const request& req, std::string_view name) {
  auto v = req.param(name);
  return v ? std::string(*v) : std::string();
}

}  // namespace

core::result<get_options> get_options_of(const request& req) {
  return get_options{.resource_version = param_or(req, "resourceVersion")};
}

core::result<list_options> list_options_of(const request& req) {
  list_options o{.label_selector = param_or(req, "labelSelector"),
                 .field_selector = param_or(req, "fieldSelector"),
                 .continue_token = param_or(req, "continue"),
                 .resource_version = param_or(req, "resourceVersion"),
                 .resource_version_match = param_or(req, "resourceVersionMatch")};
  if (auto l = req.param("limit")) {
    auto n = parse_int("limit", *l);
    if (!n) return n.error();
    o.limit = *n;
  }
  return o;
}

core::result<watch_options> watch_options_of(const request& req) {
  watch_options o{.label_selector = param_or(req, "labelSelector"),
                  .field_selector = param_or(req, "fieldSelector"),
                  .resource_version = param_or(req, "resourceVersion"),
                  .resource_version_match = param_or(req, "resourceVersionMatch")};
  if (auto b = req.param("allowWatchBookmarks")) {
    o.allow_bookmarks = parse_bool(*b);
  }
  if (auto s = req.param("sendInitialEvents")) {
    o.send_initial_events = parse_bool(*s);
  }
  return o;
}

core::result<write_options> write_options_of(const request& req) {
  write_options o;
  auto dry = dry_run_of(req);
  if (!dry) return dry.error();
  o.dry_run = *dry;
  o.field_manager = param_or(req, "fieldManager");
  if (o.field_manager.size() > 128) {
    return api_error::bad_request("fieldManager: Too long: may not be more than 128 bytes");
  }
  if (auto fv = req.param("fieldValidation")) {
    if (*fv == "Strict") {
      o.validation = field_validation::strict;
    } else if (*fv == "Warn") {
      o.validation = field_validation::warn;
    } else if (*fv == "Ignore") {
      o.validation = field_validation::ignore;
    } else if (!fv->empty()) {
      return api_error::bad_request("fieldValidation: Unsupported value: \"" + std::string(*fv) +
                                    "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
    }
  }
  if (auto f = req.param("force")) {
    o.force = parse_bool(*f);
  }
  return o;
}

core::result<delete_options> delete_options_of(const request& req) {
  delete_options o;
  auto dry = dry_run_of(req);
  if (!dry) return dry.error();
  o.dry_run = *dry;
  if (auto g = req.param("gracePeriodSeconds")) {
    auto n = parse_int("gracePeriodSeconds", *g);
    if (!n) return n.error();
    o.grace_period_seconds = *n;
  }
  o.propagation_policy = param_or(req, "propagationPolicy");
  if (auto od = req.param("orphanDependents")) {
    if (o.propagation_policy.empty()) o.propagation_policy = parse_bool(*od) ? "Orphan" : "Background";
  }
  if (req.body.empty()) return o;
  auto body = decode_body(req.content_type, req.body);
  if (!body) return body.error();
  const json& b = *body;
  if (!b.is_object()) return api_error::bad_request("DeleteOptions must be a JSON object");
  if (auto it = b.find("gracePeriodSeconds"); it != b.end() && it->is_number_integer()) {
    o.grace_period_seconds = it->get<std::int64_t>();
  }
  if (auto it = b.find("propagationPolicy"); it != b.end() && it->is_string()) {
    o.propagation_policy = it->get<std::string>();
  } else if (auto od = b.find("orphanDependents"); od != b.end() && od->is_boolean() && o.propagation_policy.empty()) {
    o.propagation_policy = od->get<bool>() ? "Orphan" : "Background";
  }
  if (auto it = b.find("dryRun"); it != b.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (d != "All") {
        return api_error::bad_request("dryRun: Unsupported value: " + d.dump() + ": supported values: \"All\"");
      }
      o.dry_run = true;
    }
  }
  if (auto it = b.find("preconditions"); it != b.end() && it->is_object()) {
    if (auto u = it->find("uid"); u != it->end() && u->is_string()) o.precondition_uid = u->get<std::string>();
    if (auto r = it->find("resourceVersion"); r != it->end() && r->is_string()) {
      o.precondition_resource_version = r->get<std::string>();
    }
  }
  return o;
}

core::result<std::optional<std::chrono::seconds>> timeout_of(const request& req) {
  auto t = req.param("timeoutSeconds");
  if (!t) return std::optional<std::chrono::seconds>();
  auto n = parse_int("timeoutSeconds", *t);
  if (!n) return n.error();
  return std::optional<std::chrono::seconds>(std::chrono::seconds(std::max<std::int64_t>(*n, 0)));
}

bool watch_param(const request& req) {
  auto w = req.param("watch");
  if (!w) return false;
  return parse_bool(*w);
}

bool pretty_param(const request& req) {
  auto p = req.param("pretty");
  return p && parse_bool(*p);
}

}  // namespace ktk::apiserver::http
