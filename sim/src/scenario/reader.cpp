#include "scenario/reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <yaml-cpp/yaml.h>

#include "ktk/core/yaml.hpp"

namespace ktk::sim::detail {

const line_tree* line_tree::key(std::string_view k) const {
  for (const auto& [name, t] : keys)
    if (name == k) return &t;
  return nullptr;
}

namespace {

// Aliases make yaml-cpp's node graph share subtrees; the budget keeps a tree built
// from one (core already refused alias bombs) from growing without bound.
constexpr std::size_t line_budget = 2'000'000;

int line_of(const YAML::Node& n, int fallback) {
  const YAML::Mark m = n.Mark();
  return m.is_null() || m.line < 0 ? fallback : m.line + 1;
}

void build_lines(const YAML::Node& n, line_tree& t, int depth, std::size_t& budget) {
  if (depth <= 0 || budget == 0) return;
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end() && budget > 0; ++it, --budget) {
      line_tree c;
      c.line = line_of(it->first, t.line);
      build_lines(it->second, c, depth - 1, budget);
      t.keys.push_back({it->first.IsScalar() ? it->first.Scalar() : std::string(), std::move(c)});
    }
  } else if (n.IsSequence()) {
    for (auto it = n.begin(); it != n.end() && budget > 0; ++it, --budget) {
      line_tree c;
      c.line = line_of(*it, t.line);
      build_lines(*it, c, depth - 1, budget);
      t.items.push_back(std::move(c));
    }
  }
}

// Levenshtein distance, ignoring case and '_' / '-' (api_version ~ apiVersion).
std::size_t distance(std::string_view a, std::string_view b) {
  auto norm = [](std::string_view s) {
    std::string out;
    for (char c : s)
      if (c != '_' && c != '-') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
  };
  std::string x = norm(a), y = norm(b);
  std::vector<std::size_t> prev(y.size() + 1), cur(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= y.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

}  // namespace

std::vector<yaml_doc> parse_yaml_documents(std::string_view text, const std::string& source, int line_depth) {
  std::vector<json> values = core::yaml_to_json_documents(text, source);
  std::vector<yaml_doc> docs;
  docs.reserve(values.size());
  std::vector<YAML::Node> roots;
  if (line_depth > 0) {
    try {
      for (auto& n : YAML::LoadAll(std::string(text)))
        if (!n.IsNull()) roots.push_back(std::move(n));
    } catch (const YAML::Exception&) {
      roots.clear();  // core read it; lines are a nicety
    }
  }
  std::size_t budget = line_budget;
  for (std::size_t i = 0; i < values.size(); ++i) {
    yaml_doc d{std::move(values[i]), {}};
    d.lines.line = 1;
    if (roots.size() == values.size()) {
      d.lines.line = line_of(roots[i], 1);
      build_lines(roots[i], d.lines, line_depth, budget);
    }
    docs.push_back(std::move(d));
  }
  return docs;
}

node node::operator[](std::string_view key) const {
  const line_tree* t = lines ? lines->key(key) : nullptr;
  return {&*v->find(key), t, t ? t->line : line};
}

node node::at(std::size_t i) const {
  const line_tree* t = lines && i < lines->items.size() ? &lines->items[i] : nullptr;
  return {&(*v)[i], t, t ? t->line : line};
}

std::string did_you_mean(std::string_view key, const std::vector<std::string_view>& allowed) {
  std::string_view best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (auto a : allowed) {
    std::size_t d = distance(key, a);
    if (d < best_d) best_d = d, best = a;
  }
  if (best.empty() || best_d > std::max<std::size_t>(2, best.size() / 3)) return "";
  return "did you mean \"" + std::string(best) + "\"?";
}

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "a mapping";
    case json::value_t::array: return "a list";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "empty";
    default: return "a number";
  }
}

void reader::error(int line, const std::string& message) { error_in(file_, line, message); }

void reader::error_in(const std::string& file, int line, const std::string& message) {
  problems_.push_back(file + ":" + std::to_string(line) + ": " + message);
}

bool reader::want_map(const node& n, std::string_view what) {
  if (n.is_map()) return true;
  error(n, std::string(what) + " must be a mapping, not " + type_name(n.value()));
  return false;
}

bool reader::known_keys(const node& map, const std::vector<std::string_view>& allowed, std::string_view what) {
  bool ok = true;
  for (const auto& [k, _] : map.value().items()) {
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    ok = false;
    std::string hint = did_you_mean(k, allowed);
    std::string msg = "unknown key \"" + k + "\" in " + std::string(what);
    if (!hint.empty()) msg += " (" + hint + ")";
    error(map[k], msg);
  }
  return ok;
}

bool reader::require(const node& map, std::string_view key, std::string_view what) {
  if (map.has(key) && !map[key].value().is_null()) return true;
  error(map, std::string(what) + " needs " + std::string(key));
  return false;
}

std::optional<std::string> reader::string(const node& map, std::string_view key, std::string_view what,
                                          bool required) {
  if (required && !require(map, key, what)) return std::nullopt;
  if (!map.has(key)) return std::nullopt;
  node n = map[key];
  if (n.value().is_string()) return n.value().get<std::string>();
  error(n, std::string(what) + ": " + std::string(key) + " must be a string, not " + type_name(n.value()));
  return std::nullopt;
}

std::optional<std::string> reader::scalar_text(const node& map, std::string_view key, std::string_view what) {
  if (!map.has(key)) return std::nullopt;
  const json& v = map[key].value();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  error(map[key], std::string(what) + ": " + std::string(key) + " must be a string, not " + type_name(v));
  return std::nullopt;
}

std::optional<std::int64_t> reader::integer(const node& map, std::string_view key, std::string_view what,
                                            std::int64_t min, std::int64_t max, bool required) {
  if (required && !require(map, key, what)) return std::nullopt;
  if (!map.has(key)) return std::nullopt;
  node n = map[key];
  const json& v = n.value();
  std::string name = std::string(what) + ": " + std::string(key);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    error(n, name + " must be at most " + std::to_string(max));
    return std::nullopt;
  }
  bool whole = v.is_number_integer() ||
               (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>() &&
                std::abs(v.get<double>()) < 9e15);
  if (!whole) {
    error(n, name + " must be a whole number, not " + (v.is_number() ? v.dump() : type_name(v)));
    return std::nullopt;
  }
  std::int64_t i = v.is_number_integer() ? v.get<std::int64_t>() : static_cast<std::int64_t>(v.get<double>());
  if (i < min) {
    error(n, name + (min == 0 ? " must not be negative" : " must be at least " + std::to_string(min)) + " (got " +
                 std::to_string(i) + ")");
    return std::nullopt;
  }
  if (i > max) {
    error(n, name + " must be at most " + std::to_string(max) + " (got " + std::to_string(i) + ")");
    return std::nullopt;
  }
  return i;
}

std::optional<double> reader::number(const node& map, std::string_view key, std::string_view what) {
  if (!map.has(key)) return std::nullopt;
  const json& v = map[key].value();
  if (v.is_number()) return v.get<double>();
  error(map[key], std::string(what) + ": " + std::string(key) + " must be a number, not " + type_name(v));
  return std::nullopt;
}

std::optional<bool> reader::boolean(const node& map, std::string_view key, std::string_view what) {
  if (!map.has(key)) return std::nullopt;
  const json& v = map[key].value();
  if (v.is_boolean()) return v.get<bool>();
  error(map[key], std::string(what) + ": " + std::string(key) + " must be true or false, not " + type_name(v));
  return std::nullopt;
}

std::optional<duration> reader::duration_of(const node& map, std::string_view key, std::string_view what,
                                            bool required) {
  if (required && !require(map, key, what)) return std::nullopt;
  if (!map.has(key)) return std::nullopt;
  return duration_value(map[key], std::string(what) + ": " + std::string(key));
}

std::optional<duration> reader::duration_value(const node& n, std::string_view what) {
  const json& v = n.value();
  if (v.is_string()) {
    if (auto d = parse_duration(v.get_ref<const std::string&>())) return d;
    error(n, std::string(what) + " \"" + v.get<std::string>() +
                 "\" is not a duration (write e.g. 30s, 1m30s, 250ms, 2h)");
    return std::nullopt;
  }
  if (v.is_number()) {
    error(n, std::string(what) + " " + v.dump() + " needs a unit (e.g. " + v.dump() + "s or " + v.dump() + "ms)");
    return std::nullopt;
  }
  error(n, std::string(what) + " must be a duration such as 30s, not " + type_name(v));
  return std::nullopt;
}

}  // namespace ktk::sim::detail
