// yaml_fuzz.cpp — core's YAML reader: any bytes → yaml_to_json_documents (yaml_error is
// the documented failure), then every document written back with json_to_yaml must
// read back as the same JSON (the writer quotes strings that would change type).
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/core/yaml.hpp"

namespace {

using ktk::core::json;

// NaN is not equal to itself; a document holding one cannot be compared.
bool has_nan(const json& j) {
  if (j.is_number_float()) return std::isnan(j.get<double>());
  if (j.is_structured()) {
    for (const auto& v : j) {
      if (has_nan(v)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = ktk::fuzz::text(data, size);
  std::vector<json> docs;
  try {
    docs = ktk::core::yaml_to_json_documents(in, "fuzz.yaml");
  } catch (const ktk::core::yaml_error&) {
    return 0;
  }
  for (const auto& doc : docs) {
    std::string y = ktk::core::json_to_yaml(doc);
    json back;
    try {
      back = ktk::core::yaml_to_json(y, "written.yaml");
    } catch (const ktk::core::yaml_error& e) {
      ktk::fuzz::fail("json_to_yaml wrote YAML that does not read back", std::string(e.what()) + "\n" + y);
    }
    if (back != doc && !has_nan(doc)) {
      ktk::fuzz::fail("YAML round trip changed the document", doc.dump(-1, ' ', false, json::error_handler_t::replace) +
                                                                   "\n---\n" + y);
    }
  }
  return 0;
}
