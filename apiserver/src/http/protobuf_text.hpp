// http/protobuf_text.hpp — the text forms the protobuf decoder writes into JSON the way
// Go's encoding/json and apimachinery write them: strings with invalid UTF-8 replaced,
// durations as time.Duration.String, times as RFC 3339.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktk::apiserver::http::protobuf {

// `s` with every invalid UTF-8 sequence replaced by U+FFFD, as Go's JSON encoder writes it.
std::string valid_utf8(std::string_view s);

// Go's time.Duration.String of `ns` nanoseconds: "1h2m3.5s", "1.5ms", "0s".
std::string go_duration(std::int64_t ns);

// RFC 3339 in UTC: seconds only (meta/v1 Time) or with microseconds (MicroTime);
// nullopt outside years 0000-9999, which Go does not format.
std::optional<std::string> rfc3339(std::int64_t seconds, std::int64_t nanos, bool micro);

}  // namespace ktk::apiserver::http::protobuf
