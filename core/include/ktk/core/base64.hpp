// ktk/core/base64.hpp — standard base64 (RFC 4648 §4, with padding), as Secret data
// and continue tokens use it.
//
//   auto b = ktk::core::base64_encode("hello");   // "aGVsbG8="
//   auto s = ktk::core::base64_decode(b);         // "hello"; nullopt for bad input
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ktk::core {

std::string base64_encode(std::string_view in);
// Strict: the standard alphabet, padding to a multiple of 4; nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view in);

// What Go's base64.StdEncoding.Decode makes of `in` (CR and LF are skipped): the
// decoded size, or the offset Go names in "illegal base64 data at input byte N".
struct go_base64_scan {
  std::size_t size = 0;
  std::optional<std::size_t> corrupt_at{};
};
go_base64_scan scan_go_base64(std::string_view in);

}  // namespace ktk::core
