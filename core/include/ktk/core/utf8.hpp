// ktk/core/utf8.hpp — well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), stepped through as Go's utf8.DecodeRune steps.
//
//   if (ktk::core::utf8_sequence_at(s, i) == 0) ...   // s[i] starts no character
//   std::string ok = ktk::core::replace_invalid_utf8(bytes);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ktk::core {

// The length (1–4) of the well-formed sequence that starts at s[i], or 0 when the
// byte there starts none.
std::size_t utf8_sequence_at(std::string_view s, std::size_t i);

// Whether all of s is well-formed.
bool valid_utf8(std::string_view s);

// s with each byte that starts no well-formed sequence replaced by U+FFFD, as Go's
// encoding/json writes such strings.
std::string replace_invalid_utf8(std::string_view s);

// U+FFFD, the replacement character, in UTF-8.
inline constexpr std::string_view replacement_character = "\xef\xbf\xbd";

}  // namespace ktk::core
