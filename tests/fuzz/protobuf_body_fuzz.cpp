// protobuf_body_fuzz.cpp — the protobuf request-body decoder: any bytes (the seeds carry
// the "k8s\0" prefix and a runtime.Unknown envelope) → decode_protobuf_body. A failure
// must be a 400 or 415 Status; a success must be a JSON object naming the envelope's
// kind that serialises (every string valid UTF-8).
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "http/protobuf.hpp"
#include "ktk/core/api_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = ktk::apiserver::http::decode_protobuf_body(ktk::fuzz::text(data, size));
  if (!r) {
    const int code = r.error().code();
    if (code != 400 && code != 415) ktk::fuzz::fail("protobuf decode failed with an unexpected code", r.error().message());
    return 0;
  }
  if (!r->is_object() || !r->contains("kind") || !r->contains("apiVersion")) {
    ktk::fuzz::fail("decoded body is not an object with apiVersion and kind", r->dump());
  }
  try {
    (void)r->dump();
  } catch (const nlohmann::json::exception& e) {
    ktk::fuzz::fail("decoded body does not serialise", e.what());
  }
  return 0;
}
