// http/params.hpp — query parameters (and DeleteOptions bodies) → registry options,
// with kube-apiserver's 400s for values it rejects.
#pragma once

#include <chrono>
#include <optional>

#include "http/message.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/core/result.hpp"

namespace ktk::apiserver::http {

core::result<get_options> get_options_of(const request& req);
core::result<list_options> list_options_of(const request& req);
core::result<watch_options> watch_options_of(const request& req);
// dryRun, fieldManager, fieldValidation, force.
core::result<write_options> write_options_of(const request& req);
// Query parameters, then the DeleteOptions body (when there is one) on top.
core::result<delete_options> delete_options_of(const request& req);

// timeoutSeconds, when given.
core::result<std::optional<std::chrono::seconds>> timeout_of(const request& req);
// watch: "0" and "false" (any case) are false, any other value true, as apimachinery reads it.
bool watch_param(const request& req);
bool pretty_param(const request& req);

}  // namespace ktk::apiserver::http
