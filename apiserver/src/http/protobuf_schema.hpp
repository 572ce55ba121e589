// http/protobuf_schema.hpp — the wire description of the Kubernetes protobuf messages
// ktk decodes: for each message its fields (number, JSON name, wire kind, flags, the
// message a nested field holds), and the kinds (apiVersion + kind → message) a request
// body may carry. The tables are generated (protobuf_schema_data.cpp, written by
// scripts/gen-protobuf-schema.py) from k8s.io/api's and k8s.io/apimachinery's
// generated.proto files and Go struct declarations; this header is their shape. The
// registry checks JSON bodies of built-in kinds against them too (go_decode.hpp).
#pragma once

#include <cstdint>
#include <span>

namespace ktk::apiserver::http::protobuf {

// What a field holds on the wire (and so how it is read and written as JSON).
enum class wire_kind : std::uint8_t { string, bytes, int32, int64, uint64, boolean, float64, float32, message };

// Messages whose JSON form is not an object of their fields.
enum class special_form : std::uint8_t {
  none,
  time,           // meta/v1 Time: RFC 3339 seconds, null when zero
  micro_time,     // meta/v1 MicroTime: RFC 3339 with microseconds
  duration,       // meta/v1 Duration: Go's duration string ("1h0m0s")
  raw_json,       // runtime.RawExtension, meta/v1 FieldsV1: embedded JSON bytes
  quantity,       // resource.Quantity: its string
  int_or_string,  // intstr.IntOrString: a number or a string
};

namespace field_flag {
inline constexpr std::uint8_t repeated = 1;   // a JSON array
inline constexpr std::uint8_t map = 2;        // map<string, V>: a JSON object
inline constexpr std::uint8_t pointer = 4;    // a Go pointer: present means set, even when zero
inline constexpr std::uint8_t omitempty = 8;  // Go's JSON drops the zero value
inline constexpr std::uint8_t inlined = 16;   // an embedded struct: its fields are the parent's
}  // namespace field_flag

inline constexpr std::uint32_t no_message = 0xffffffffu;

struct field_info {
  std::uint32_t number;
  const char* name;  // the JSON name
  wire_kind kind;
  std::uint8_t flags;
  std::uint32_t message;  // index into messages for wire_kind::message, else no_message
  // The Go type as reflect prints it, pointer dropped ("v1.RestartPolicy",
  // "[]v1.Container", "map[string]string"): decoding errors name it.
  const char* go_type;
};

struct message_info {
  const char* name;  // the full protobuf name, e.g. k8s.io.api.core.v1.Pod
  special_form special;
  std::uint32_t first_field;  // fields[first_field, first_field + field_count), by number
  std::uint32_t field_count;
};

struct kind_info {
  const char* api_version;  // "v1", "apps/v1", ...; "meta/v1" for DeleteOptions and Unknown
  const char* kind;
  std::uint32_t message;
};

struct schema_tables {
  std::span<const field_info> fields;
  std::span<const message_info> messages;
  std::span<const kind_info> kinds;
};

const schema_tables& tables();

}  // namespace ktk::apiserver::http::protobuf
