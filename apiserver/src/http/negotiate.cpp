// negotiate.cpp — Accept and Content-Type handling.
#include "http/negotiate.hpp"

#include <nlohmann/json.hpp>

#include "http/protobuf.hpp"
#include "ktk/core/go_json.hpp"
#include "ktk/core/json_depth.hpp"
#include "ktk/core/json_reader.hpp"
#include "ktk/core/strings.hpp"
#include "ktk/core/yaml.hpp"

namespace ktk::apiserver::http {

using core::api_error;
using core::json;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct media_range {
  std::string type;  // lower-cased "application/json"
  std::string as, g, v;
  double q = 1;
};

media_range parse_range(std::string_view r) {
  media_range m;
  std::size_t i = 0;
  bool first = true;
  while (i <= r.size()) {
    auto j = r.find(';', i);
    if (j == std::string_view::npos) j = r.size();
    auto part = trim(r.substr(i, j - i));
    if (first) {
      m.type = core::ascii_lower(part);
      first = false;
    } else {
      auto eq = part.find('=');
      if (eq != std::string_view::npos) {
        auto k = core::ascii_lower(trim(part.substr(0, eq)));
        auto v = std::string(trim(part.substr(eq + 1)));
        if (k == "as") m.as = v;
        if (k == "g") m.g = v;
        if (k == "v") m.v = v;
        if (k == "q") m.q = std::atof(v.c_str());
      }
    }
    i = j + 1;
  }
  return m;
}

}  // namespace

std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  return core::ascii_lower(trim(content_type.substr(0, semi)));
}

core::result<output> negotiate(std::string_view accept, std::string_view include_object) {
  output out;
  if (!include_object.empty()) {
    auto inc = table::parse_include(include_object);
    if (!inc) {
      return api_error::bad_request("includeObject: Unsupported value: \"" + std::string(include_object) +
                                    "\": supported values: \"Metadata\", \"None\", \"Object\"");
    }
    out.include = *inc;
  }
  if (trim(accept).empty()) return out;
  std::size_t i = 0;
  while (i <= accept.size()) {
    auto j = accept.find(',', i);
    if (j == std::string_view::npos) j = accept.size();
    auto m = parse_range(trim(accept.substr(i, j - i)));
    i = j + 1;
    if (m.q <= 0) continue;
    const bool json_like = m.type == "application/json" || m.type == "*/*" || m.type == "application/*";
    if (!m.as.empty()) {
      if (!json_like || m.g != "meta.k8s.io" || (m.v != "v1" && m.v != "v1beta1")) continue;
      if (m.as == "Table") {
        out.form = output_form::table;
      } else if (m.as == "PartialObjectMetadata" || m.as == "PartialObjectMetadataList") {
        out.form = output_form::partial_metadata;
      } else {
        continue;
      }
      out.table_version = m.v;
      return out;
    }
    if (json_like) return out;
    if (m.type == "application/yaml") {
      out.form = output_form::yaml;
      return out;
    }
  }
  return api_error::not_acceptable("only the following media types are accepted: application/json, application/yaml");
}

std::string content_type_of(const output& o, bool list) {
  switch (o.form) {
    case output_form::json:
      return "application/json";
    case output_form::yaml:
      return "application/yaml";
    case output_form::table:
      return "application/json;as=Table;v=" + o.table_version + ";g=meta.k8s.io";
    case output_form::partial_metadata:
      return std::string("application/json;as=") + (list ? "PartialObjectMetadataList" : "PartialObjectMetadata") +
             ";v=" + o.table_version + ";g=meta.k8s.io";
  }
  return "application/json";
}

core::result<json> parse_json(std::string_view body) {
  if (body.empty()) return api_error::bad_request("couldn't get version/kind; json parse error: unexpected end of JSON input");
  // Go's decoder stops at its own depth limit with this message.
  if (core::json_nests_deeper_than(body, core::max_document_depth)) {
    return api_error::bad_request("couldn't get version/kind; json parse error: exceeded max depth");
  }
  // Go reads invalid UTF-8 in strings (and lone surrogate escapes) as U+FFFD.
  const std::optional<std::string> fixed = core::go_json_replace_invalid_utf8(body);
  const std::string_view text = fixed ? std::string_view(*fixed) : body;
  if (auto j = core::read_json(text)) return std::move(*j);
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    return api_error::bad_request(std::string("couldn't get version/kind; json parse error: ") + e.what());
  }
}

core::result<json> decode_body(std::string_view content_type, std::string_view body) {
  auto mt = media_type(content_type);
  if (mt.empty() || mt == "application/json" || mt == "*/*") return parse_json(body);
  if (mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml") {
    try {
      auto j = core::yaml_to_json(body, "body");
      if (j.is_null()) return api_error::bad_request("couldn't get version/kind; the request body is empty");
      return j;
    } catch (const core::yaml_error& e) {
      return api_error::bad_request("error converting YAML to JSON: yaml: line " + std::to_string(e.line()) + ": " +
                                    e.message());
    }
  }
  if (mt == protobuf_media_type) return decode_protobuf_body(body);
  return api_error::unsupported_media_type(
      "the body of the request was in an unknown format - accepted media types include: application/json, "
      "application/yaml, application/vnd.kubernetes.protobuf");
}

}  // namespace ktk::apiserver::http
