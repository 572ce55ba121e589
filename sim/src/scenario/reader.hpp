// The scenario parser's reading context: YAML documents with the line of every key,
// and a reader that collects problems ("file:line: message") instead of stopping at
// the first. Private to ktk_sim_scenario.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/sim/scenario.hpp"

namespace ktk::sim::detail {

using core::json;

// The lines of a YAML document, shaped like its JSON: a mapping's keys (the line of
// each key) and a sequence's items (the line each item starts on).
struct line_tree {
  // A key and its subtree. Not std::pair<std::string, line_tree>: a pair of an
  // incomplete type is undefined, and clang rejects it.
  struct entry;
  int line = 0;
  std::vector<entry> keys;
  std::vector<line_tree> items;
  const line_tree* key(std::string_view k) const;
};
struct line_tree::entry {
  std::string first;
  line_tree second;
};

struct yaml_doc {
  json value;
  line_tree lines;
};

// Every non-empty document of a YAML stream: values typed by ktk::core's YAML reader
// (as kubectl types them), lines from yaml-cpp's marks, down to `line_depth` levels
// (0: no second parse, every line is 1).
// Throws core::yaml_error naming `source` and the line.
std::vector<yaml_doc> parse_yaml_documents(std::string_view text, const std::string& source,
                                           int line_depth = 400);

// A value of the document being read, with the line it is on. Cheap to copy.
struct node {
  const json* v = nullptr;
  const line_tree* lines = nullptr;  // null when unknown (merged keys)
  int line = 0;

  const json& value() const { return *v; }
  bool is_map() const { return v->is_object(); }
  bool has(std::string_view key) const { return v->is_object() && v->contains(key); }
  // A key's value (precondition: has(key)); its line is the key's line.
  node operator[](std::string_view key) const;
  // An item of a sequence (precondition: in range).
  node at(std::size_t i) const;
};

inline node root_node(const yaml_doc& d) { return {&d.value, &d.lines, d.lines.line > 0 ? d.lines.line : 1}; }

// "did you mean "timeout"?" for the allowed word closest to `key`, or "".
std::string did_you_mean(std::string_view key, const std::vector<std::string_view>& allowed);

// The JSON type of a value in words ("a mapping", "a list", "a string" ...).
std::string type_name(const json& v);

// Reads one file's values, collecting problems into a shared list.
class reader {
 public:
  reader(std::string file, std::filesystem::path base, std::vector<std::string>& problems)
      : file_(std::move(file)), base_(std::move(base)), problems_(problems) {}

  const std::string& file() const { return file_; }
  // The folder relative paths in the file resolve against.
  const std::filesystem::path& base() const { return base_; }
  source_location where(const node& n) const { return {file_, n.line}; }
  std::size_t problem_count() const { return problems_.size(); }

  void error(int line, const std::string& message);
  void error(const node& n, const std::string& message) { error(n.line, message); }
  // A problem in another file (an applied manifest).
  void error_in(const std::string& file, int line, const std::string& message);

  // Reports and returns false when n is not a mapping.
  bool want_map(const node& n, std::string_view what);
  // Reports every key of `map` not in `allowed`; returns whether all were known.
  bool known_keys(const node& map, const std::vector<std::string_view>& allowed, std::string_view what);
  // A key that must be present: reports "<what> needs <key>" when it is not.
  bool require(const node& map, std::string_view key, std::string_view what);

  // Typed reads of map[key]: nullopt when absent (reported when `required`) or of the
  // wrong type (always reported).
  std::optional<std::string> string(const node& map, std::string_view key, std::string_view what,
                                    bool required = false);
  // A string, or a number or bool written without quotes (cpu: 4).
  std::optional<std::string> scalar_text(const node& map, std::string_view key, std::string_view what);
  std::optional<std::int64_t> integer(const node& map, std::string_view key, std::string_view what,
                                      std::int64_t min, std::int64_t max, bool required = false);
  std::optional<double> number(const node& map, std::string_view key, std::string_view what);
  std::optional<bool> boolean(const node& map, std::string_view key, std::string_view what);
  std::optional<duration> duration_of(const node& map, std::string_view key, std::string_view what,
                                      bool required = false);
  // A duration given as the value itself (`sleep: 30s`).
  std::optional<duration> duration_value(const node& n, std::string_view what);

 private:
  std::string file_;
  std::filesystem::path base_;
  std::vector<std::string>& problems_;
};

}  // namespace ktk::sim::detail
