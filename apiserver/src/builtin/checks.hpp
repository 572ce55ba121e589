// Internal: apimachinery's string-format checks (k8s.io/apimachinery/pkg/util/validation)
// with its exact messages. Each returns the list of problems; empty when valid.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ktk::apiserver::detail {

using messages = std::vector<std::string>;

// "must be no more than N characters"
std::string max_len_error(int n);
// "must be between lo and hi, inclusive"
std::string inclusive_range_error(long long lo, long long hi);
// apimachinery's RegexError: msg (e.g. 'a',  or 'b', regex used for validation is 're').
std::string regex_error(std::string_view msg, std::string_view re, const std::vector<std::string>& examples);

bool is_dns1123_label_text(std::string_view s);      // [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_dns1123_subdomain_text(std::string_view s);  // labels joined by '.'

messages dns1123_label(std::string_view s);      // ≤ 63, "must not contain dots" for subdomains
messages dns1123_subdomain(std::string_view s);  // ≤ 253
messages dns1035_label(std::string_view s);      // ≤ 63, starts with a letter
messages qualified_name(std::string_view s);     // label keys, annotation keys, finalizers
messages label_value(std::string_view s);
messages config_map_key(std::string_view s);     // ConfigMap / Secret keys
messages port_name(std::string_view s);          // IANA_SVC_NAME
messages env_var_name(std::string_view s);
messages port_number(long long p);               // 1..65535
// path_segment rule: may not be '.' or '..', may not contain '/' or '%'.
messages path_segment_name(std::string_view s);

}  // namespace ktk::apiserver::detail
