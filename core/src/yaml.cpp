#include "ktk/core/yaml.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "ktk/core/utf8.hpp"

namespace ktk::core {

yaml_error::yaml_error(std::string source, int line, int column, std::string message)
    : std::runtime_error(source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                         message),
      source_(std::move(source)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

namespace {

// yaml-cpp 0.7 refuses nodes nested past 499 levels ("bad file"); the cap sits below
// that so every path (JSON, YAML, json_to_yaml) has the same limit and message.
constexpr std::size_t max_depth = 400;
// Nodes an alias may copy in one document before it counts as an alias bomb.
constexpr std::size_t max_alias_nodes = 1'000'000;

bool all_of(std::string_view s, const char* set) {
  return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
}

std::optional<json> parse_integer(std::string_view s) {
  bool neg = false;
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    digits = s.substr(2);
    if (!all_of(digits, base == 16 ? "0123456789abcdefABCDEF" : "01234567")) return std::nullopt;
  } else if (!all_of(digits, "0123456789")) {
    return std::nullopt;
  }
  std::uint64_t u = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
  if (ec == std::errc() && p == digits.data() + digits.size()) {
    if (!neg && u <= static_cast<std::uint64_t>(INT64_MAX)) return json(static_cast<std::int64_t>(u));
    if (!neg) return json(u);
    if (u <= static_cast<std::uint64_t>(INT64_MAX) + 1) return json(static_cast<std::int64_t>(0 - u));
  }
  // Past 64 bits the value becomes a double, as sigs.k8s.io/yaml does.
  double d = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), d);
  return json(neg ? -d : d);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float_syntax(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t b = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - b;
  };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t mantissa = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

enum class plain_kind { string, null, boolean, integer, floating, special_float };

// How YAML 1.2's core schema types an unquoted scalar.
plain_kind classify_plain(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return plain_kind::null;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
    return plain_kind::boolean;
  std::string_view unsigned_part = s;
  if (s[0] == '-' || s[0] == '+') unsigned_part.remove_prefix(1);
  if (all_of(unsigned_part, "0123456789") ||
      (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_of(s.substr(2), "0123456789abcdefABCDEF")) ||
      (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_of(s.substr(2), "01234567")))
    return plain_kind::integer;
  if (is_float_syntax(s)) return plain_kind::floating;
  if (unsigned_part == ".inf" || unsigned_part == ".Inf" || unsigned_part == ".INF" || s == ".nan" ||
      s == ".NaN" || s == ".NAN")
    return plain_kind::special_float;
  return plain_kind::string;
}

struct scalar_error {
  std::string message;
};

json to_float(std::string_view s) {
  std::string_view t = s;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec != std::errc() || p != t.data() + t.size())
    throw scalar_error{"float value " + std::string(s) + " is out of range"};
  return json(d);
}

json resolve_plain(const std::string& s) {
  switch (classify_plain(s)) {
    case plain_kind::null: return json(nullptr);
    case plain_kind::boolean: return json(s[0] == 't' || s[0] == 'T');
    case plain_kind::integer: return *parse_integer(s);
    case plain_kind::floating: return to_float(s);
    case plain_kind::special_float:
      throw scalar_error{"value " + s + " cannot be represented in JSON"};
    case plain_kind::string: break;
  }
  return json(s);
}

json resolve_scalar(const std::string& tag, const std::string& value) {
  static const std::string core = "tag:yaml.org,2002:";
  if (tag == "?") return resolve_plain(value);
  if (tag.rfind(core, 0) != 0) return json(value);  // "!" (quoted, block) and unknown tags
  std::string_view t = std::string_view(tag).substr(core.size());
  plain_kind k = classify_plain(value);
  if (t == "null" && k == plain_kind::null) return json(nullptr);
  if (t == "bool" && k == plain_kind::boolean) return resolve_plain(value);
  if (t == "int" && k == plain_kind::integer) return resolve_plain(value);
  if (t == "float" && (k == plain_kind::integer || k == plain_kind::floating)) return to_float(value);
  if (t == "null" || t == "bool" || t == "int" || t == "float")
    throw scalar_error{"cannot decode !!" + std::string(t) + " `" + value + "`"};
  return json(value);
}

// Builds JSON from yaml-cpp's parse events. Containers are kept on an explicit
// stack, so nesting depth costs no native stack and is capped at max_depth.
class json_builder : public YAML::EventHandler {
 public:
  json_builder(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  std::vector<json> docs;
  std::vector<int> doc_lines;

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp starts a new document wherever the previous root node ends; YAML (and
    // kubectl) need a `---` between them.
    if (documents_++ > 0 && !starts_document(mark)) throw error(mark, "did not find expected <document start>");
    // yaml-cpp 0.7 can start one empty document after another at the same place forever
    // ("... ," — found by tests/fuzz): a document that starts where the last one did is
    // input the parser cannot move past.
    if (documents_ > 1 && mark.pos == doc_mark_.pos) throw error(mark, "did not find expected node content");
    stack_.clear();
    anchors_.clear();
    root_ = json();
    alias_nodes_ = 0;
    doc_mark_ = mark;
  }
  void OnDocumentEnd() override {
    if (!root_.is_null()) {
      docs.push_back(std::move(root_));
      doc_lines.push_back(doc_mark_.line + 1);
    }
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    finish(json(nullptr), mark, anchor, 1, false);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw error(mark, "alias refers to an anchor that is not complete here");
    alias_nodes_ += it->second.second;
    if (alias_nodes_ > max_alias_nodes) throw error(mark, "document contains excessive aliasing");
    add(json(it->second.first), mark, it->second.second, false);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp passes bytes through, and decodes escapes such as "\xFF" to a bare
    // byte; go-yaml rejects both, and JSON strings must be well-formed.
    if (!valid_utf8(value)) throw error(mark, "invalid UTF-8 in a scalar");
    json v;
    try {
      v = resolve_scalar(tag, value);
    } catch (const scalar_error& e) {
      throw error(mark, e.message);
    }
    finish(std::move(v), mark, anchor, 1, tag == "?" && value == "<<");
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    push(mark, anchor, false);
  }
  void OnSequenceEnd() override { pop(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    push(mark, anchor, true);
  }
  void OnMapEnd() override { pop(); }

 private:
  struct frame {
    json value;
    bool is_map = false;
    YAML::anchor_t anchor = 0;
    YAML::Mark mark;
    std::size_t nodes = 1;
    bool have_key = false;
    bool key_is_merge = false;
    std::string key;
    YAML::Mark key_mark;
    std::unordered_map<std::string, int> key_lines;  // explicit keys → their line
    std::unordered_set<std::string> merged;          // keys that came from `<<`
  };

  bool starts_document(const YAML::Mark& m) const {
    if (m.pos < 0 || static_cast<std::size_t>(m.pos) > text_.size()) return true;
    if (text_.compare(static_cast<std::size_t>(m.pos), 3, "---") == 0) return true;
    std::string_view before = text_.substr(0, static_cast<std::size_t>(m.pos));
    auto last = before.find_last_not_of(" \t\r\n");
    return last != before.npos && last >= 2 && before.compare(last - 2, 3, "...") == 0;
  }

  yaml_error error(const YAML::Mark& m, std::string msg) const {
    return yaml_error(source_, m.line + 1, m.column + 1, std::move(msg));
  }

  void push(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    if (stack_.size() >= max_depth)
      throw error(mark, "document nests deeper than " + std::to_string(max_depth) + " levels");
    frame f;
    f.value = is_map ? json::object() : json::array();
    f.is_map = is_map;
    f.anchor = anchor;
    f.mark = mark;
    stack_.push_back(std::move(f));
  }

  void pop() {
    frame f = std::move(stack_.back());
    stack_.pop_back();
    finish(std::move(f.value), f.mark, f.anchor, f.nodes, false);
  }

  void finish(json v, const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t nodes, bool merge_key) {
    if (anchor != 0) anchors_[anchor] = {v, nodes};
    add(std::move(v), mark, nodes, merge_key);
  }

  void add(json v, const YAML::Mark& mark, std::size_t nodes, bool merge_key) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    frame& f = stack_.back();
    f.nodes += nodes;
    if (!f.is_map) {
      f.value.push_back(std::move(v));
      return;
    }
    if (!f.have_key) {
      if (v.is_structured()) throw error(mark, "mapping keys must be scalars");
      f.key = v.is_string() ? v.get<std::string>() : v.dump();
      f.key_mark = mark;
      f.key_is_merge = merge_key;
      f.have_key = true;
      return;
    }
    f.have_key = false;
    if (f.key_is_merge) {
      merge(f, v, mark);
      return;
    }
    if (auto it = f.key_lines.find(f.key); it != f.key_lines.end())
      throw error(f.key_mark, "mapping key \"" + f.key + "\" already defined at line " +
                                  std::to_string(it->second));
    f.key_lines.emplace(f.key, f.key_mark.line + 1);
    f.merged.erase(f.key);
    f.value[f.key] = std::move(v);
  }

  // `<<: *base` / `<<: [*a, *b]`: keys the mapping does not set itself are copied in;
  // explicit keys win, and earlier merged maps win over later ones.
  void merge(frame& f, const json& v, const YAML::Mark& mark) {
    auto merge_one = [&](const json& m) {
      if (!m.is_object()) throw error(mark, "map merge requires map or sequence of maps as the value");
      for (const auto& [k, val] : m.items()) {
        if (f.value.contains(k)) continue;
        f.value[k] = val;
        f.merged.insert(k);
      }
    };
    if (v.is_array()) {
      for (const auto& m : v) merge_one(m);
    } else {
      merge_one(v);
    }
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t documents_ = 0;
  std::vector<frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<json, std::size_t>> anchors_;
  std::size_t alias_nodes_ = 0;
  json root_;
  YAML::Mark doc_mark_;
};

struct not_plain_json {};

// JSON is YAML, but nlohmann parses it much faster than yaml-cpp. Returns nullopt when
// the text is not a single plain JSON document (or is too deep, or repeats a key), so
// that the YAML parser handles it and reports errors with their line.
std::optional<json> try_json(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (text[first] != '{' && text[first] != '[')) return std::nullopt;
  std::vector<std::unordered_set<std::string>> keys;
  json::parser_callback_t cb = [&](int depth, json::parse_event_t ev, json& parsed) {
    if (static_cast<std::size_t>(depth) >= max_depth) throw not_plain_json{};
    switch (ev) {
      case json::parse_event_t::object_start: keys.emplace_back(); break;
      case json::parse_event_t::object_end: keys.pop_back(); break;
      case json::parse_event_t::key:
        if (!keys.back().insert(parsed.get<std::string>()).second) throw not_plain_json{};
        break;
      default: break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), cb);
  } catch (const not_plain_json&) {
    return std::nullopt;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::vector<json> parse_documents(std::string_view text, const std::string& source,
                                  std::vector<int>* lines) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // marks count from after a BOM
  if (auto j = try_json(text)) {
    std::vector<json> docs;
    if (!j->is_null()) {
      docs.push_back(std::move(*j));
      if (lines) lines->push_back(1);
    }
    return docs;
  }
  json_builder b(text, source);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(b)) {
    }
  } catch (const YAML::DeepRecursion& e) {
    throw yaml_error(source, e.mark.line + 1, e.mark.column + 1,
                     "document nests deeper than " + std::to_string(max_depth) + " levels");
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    int col = e.mark.is_null() ? 0 : e.mark.column + 1;
    throw yaml_error(source, line, col, e.msg);
  }
  if (lines) *lines = std::move(b.doc_lines);
  return std::move(b.docs);
}

void flatten_into(json&& doc, std::vector<json>& out) {
  if (doc.is_object()) {
    auto kind = doc.find("kind");
    auto items = doc.find("items");
    if (kind != doc.end() && kind->is_string() && items != doc.end() && items->is_array()) {
      const auto& k = kind->get_ref<const std::string&>();
      if (k.size() >= 4 && k.compare(k.size() - 4, 4, "List") == 0) {
        for (auto& item : *items) flatten_into(std::move(item), out);
        return;
      }
    }
  }
  out.push_back(std::move(doc));
}

// ---- JSON → YAML ----------------------------------------------------------------------

// Byte length of a sequence YAML treats as a line break or BOM (NEL, LS, PS, U+FEFF), else 0.
std::size_t special_unicode(std::string_view s, std::size_t i) {
  if (s.compare(i, 2, "\xC2\x85") == 0) return 2;
  if (s.compare(i, 3, "\xE2\x80\xA8") == 0 || s.compare(i, 3, "\xE2\x80\xA9") == 0 ||
      s.compare(i, 3, "\xEF\xBB\xBF") == 0)
    return 3;
  return 0;
}

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

bool has_special(std::string_view s, bool allow_newline_tab) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (special_unicode(s, i)) return true;
    if (is_control(s[i]) && !(allow_newline_tab && (s[i] == '\n' || s[i] == '\t'))) return true;
  }
  return false;
}

// Strings other YAML readers (YAML 1.1: yes/no/on/off, 1_000, 1:20, 0b101) might type.
bool looks_typed_elsewhere(std::string_view s) {
  static const char* words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                "on", "On", "ON", "off", "Off", "OFF", "=", "<<"};
  for (const char* w : words)
    if (s == w) return true;
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) rest.remove_prefix(1);
  if (!rest.empty() && ((rest[0] >= '0' && rest[0] <= '9') || rest[0] == '.') &&
      all_of(rest, "0123456789abcdefABCDEFxXoObB_:.+-"))
    return true;
  return s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0;
}

bool plain_safe(std::string_view s) {
  if (s.empty() || has_special(s, false) || s.find('\t') != s.npos) return false;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  static const std::string_view indicators = "-?:,[]{}#&*!|>'\"%@`";
  if (indicators.find(s.front()) != indicators.npos && !(s.front() == '-' && s.size() > 1 && s[1] != ' '))
    return false;
  if (s.find(": ") != s.npos || s.find(" #") != s.npos) return false;
  return classify_plain(s) == plain_kind::string && !looks_typed_elsewhere(s);
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::size_t n = special_unicode(s, i)) {
      // \u escapes: yaml-cpp 0.7 decodes "\N" to a bare 0x85 byte, not UTF-8.
      out += n == 2 ? "\\u0085" : s[i + 2] == '\xA8' ? "\\u2028" : s[i + 2] == '\xA9' ? "\\u2029" : "\\uFEFF";
      i += n - 1;
      continue;
    }
    char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      default:
        if (is_control(c)) {
          static const char hex[] = "0123456789ABCDEF";
          out += "\\x";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string quote_scalar(std::string_view s) {
  if (has_special(s, false)) return double_quoted(s);
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A `|` block for multi-line text, when its lines allow it to read back exactly.
std::optional<std::string> literal_block(std::string_view s, int indent) {
  if (s.find('\n') == s.npos || has_special(s, true)) return std::nullopt;
  std::size_t end = s.find_last_not_of('\n');
  if (end == s.npos) return std::nullopt;
  std::string_view body = s.substr(0, end + 1);
  std::size_t trailing = s.size() - body.size();
  if (body.front() == ' ' || body.front() == '\t' || body.front() == '\n') return std::nullopt;
  std::string out = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t nl = body.find('\n', start);
    std::string_view line = body.substr(start, nl == body.npos ? body.npos : nl - start);
    if (!line.empty() && line.find_first_not_of(" \t") == line.npos) return std::nullopt;
    out += '\n';
    if (!line.empty()) out.append(static_cast<std::size_t>(indent), ' ').append(line);
    if (nl == body.npos) break;
    start = nl + 1;
  }
  for (std::size_t i = 1; i < trailing; ++i) out += '\n';
  return out;
}

std::string scalar_text(const json& v, int indent, bool is_key) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_float: {
      double d = v.get<double>();
      return std::isfinite(d) ? v.dump() : "null";
    }
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (plain_safe(s)) return s;
      if (!is_key)
        if (auto block = literal_block(s, indent)) return *block;
      return quote_scalar(s);
    }
    case json::value_t::object: return "{}";
    case json::value_t::array: return "[]";
    default: return v.dump();  // integers
  }
}

enum class position { root, map_value, seq_item };

// Longer keys are written as explicit keys (`? key`); YAML's limit is 1024 characters.
constexpr std::size_t max_simple_key = 1000;

void write_node(const json& v, int indent, position pos, std::string& out, std::size_t depth);

void write_map(const json& m, int indent, bool first_inline, std::string& out, std::size_t depth) {
  bool first = true;
  for (const auto& [k, v] : m.items()) {
    if (!(first && first_inline)) out.append(static_cast<std::size_t>(indent), ' ');
    first = false;
    std::string key = scalar_text(json(k), 0, true);
    if (key.size() > max_simple_key) {
      // YAML limits an implicit key to 1024 characters; a longer one must be explicit.
      out += "? ";
      out += key;
      out += '\n';
      out.append(static_cast<std::size_t>(indent), ' ');
    } else {
      out += key;
    }
    out += ':';
    write_node(v, indent, position::map_value, out, depth + 1);
  }
}

void write_seq(const json& a, int indent, bool first_inline, std::string& out, std::size_t depth) {
  bool first = true;
  for (const auto& v : a) {
    if (!(first && first_inline)) out.append(static_cast<std::size_t>(indent), ' ');
    first = false;
    out += '-';
    write_node(v, indent, position::seq_item, out, depth + 1);
  }
}

// `indent` is the column of the key or dash that owns v (0 at the root).
void write_node(const json& v, int indent, position pos, std::string& out, std::size_t depth) {
  if (depth >= max_depth)
    throw yaml_error("<json>", 0, 0, "document nests deeper than " + std::to_string(max_depth) + " levels");
  const bool block = v.is_structured() && !v.empty();
  if (!block) {
    if (pos != position::root) out += ' ';
    out += scalar_text(v, pos == position::root ? 2 : indent + 2, false);
    out += '\n';
  } else if (pos == position::root) {
    v.is_object() ? write_map(v, 0, false, out, depth) : write_seq(v, 0, false, out, depth);
  } else if (pos == position::map_value) {
    out += '\n';
    v.is_object() ? write_map(v, indent + 2, false, out, depth) : write_seq(v, indent, false, out, depth);
  } else {
    out += ' ';
    v.is_object() ? write_map(v, indent + 2, true, out, depth) : write_seq(v, indent + 2, true, out, depth);
  }
}

}  // namespace

std::string json_to_yaml(const json& j) {
  std::string out;
  write_node(j, 0, position::root, out, 0);
  return out;
}

std::vector<json> yaml_to_json_documents(std::string_view text, std::string_view source) {
  return parse_documents(text, std::string(source), nullptr);
}

json yaml_to_json(std::string_view text, std::string_view source) {
  std::vector<int> lines;
  auto docs = parse_documents(text, std::string(source), &lines);
  if (docs.empty()) return json();
  if (docs.size() > 1)
    throw yaml_error(std::string(source), lines[1], 1, "expected a single document, found another");
  return std::move(docs.front());
}

std::vector<json> load_yaml_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw std::runtime_error("cannot read " + path.string() + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read " + path.string());
  std::vector<json> out;
  for (auto& doc : parse_documents(buf.str(), path.string(), nullptr)) flatten_into(std::move(doc), out);
  return out;
}

std::vector<json> load_yaml_path(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return load_yaml_file(path);
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(path), end = decltype(it)(); it != end; ++it) {
    if (!it->is_regular_file()) continue;
    auto ext = it->path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::vector<json> out;
  for (const auto& f : files) {
    auto docs = load_yaml_file(f);
    std::move(docs.begin(), docs.end(), std::back_inserter(out));
  }
  return out;
}

}  // namespace ktk::core
