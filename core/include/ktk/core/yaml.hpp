// ktk/core/yaml.hpp — YAML ↔ JSON, multi-document, errors naming file and line.
//
//   auto docs = ktk::core::yaml_to_json_documents(text, "crds/at.yaml");
//   std::string y = ktk::core::json_to_yaml(obj.data());
//   auto objs = ktk::core::load_yaml_file("deploy.yaml");   // every document
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/json.hpp"

namespace ktk::core {

// A malformed YAML (or JSON) document. what() is "<source>:<line>:<column>: <message>".
class yaml_error : public std::runtime_error {
 public:
  yaml_error(std::string source, int line, int column, std::string message);
  const std::string& source() const noexcept { return source_; }
  int line() const noexcept { return line_; }  // 1-based; 0 when unknown
  int column() const noexcept { return column_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string source_;
  int line_;
  int column_;
  std::string message_;
};

// Every non-empty document of a YAML stream (`---` separated) as JSON. Scalars are
// typed as YAML 1.2's core schema does and sigs.k8s.io/yaml sees them: unquoted
// true/false → bool, integers → int64, floats → double, null/~ → null; quoted
// scalars stay strings. Throws yaml_error naming `source` and the line.
std::vector<json> yaml_to_json_documents(std::string_view text, std::string_view source = "<input>");
// Exactly one document (an empty stream gives null). Throws yaml_error.
json yaml_to_json(std::string_view text, std::string_view source = "<input>");
// Block-style YAML; strings that would read back as another type are quoted.
std::string json_to_yaml(const json& j);
// Reads a file and returns its documents; a document that is a `kind: List` is
// flattened into its items. Throws yaml_error (source = the path) or
// std::runtime_error when the file cannot be read.
std::vector<json> load_yaml_file(const std::filesystem::path& path);
// Every *.yaml, *.yml and *.json file under path (a file or a folder, recursively,
// sorted by path), loaded as above.
std::vector<json> load_yaml_path(const std::filesystem::path& path);

}  // namespace ktk::core
