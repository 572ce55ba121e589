#include "ktk/apiserver/storage/interface.hpp"

#include <charconv>
#include <string>
#include <system_error>

namespace ktk::apiserver::storage {

// kube-apiserver parses with strconv.ParseUint and reports a field error on
// "resourceVersion"; the message below reproduces its text.
core::result<revision> parse_revision(std::string_view rv) {
  if (rv.empty()) return revision{0};
  revision value = 0;
  const char* first = rv.data();
  const char* last = rv.data() + rv.size();
  bool digits_only = true;
  for (char c : rv) digits_only = digits_only && c >= '0' && c <= '9';
  auto [ptr, ec] = digits_only ? std::from_chars(first, last, value) : std::from_chars_result{first, std::errc::invalid_argument};
  if (ec == std::errc() && ptr == last) return value;
  const char* why = ec == std::errc::result_out_of_range ? "value out of range" : "invalid syntax";
  std::string quoted = "\"" + std::string(rv) + "\"";
  return core::api_error::bad_request("resourceVersion: Invalid value: " + quoted +
                                      ": strconv.ParseUint: parsing " + quoted + ": " + why);
}

}  // namespace ktk::apiserver::storage
