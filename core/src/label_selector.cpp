#include "ktk/core/label_selector.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "ktk/core/api_error.hpp"
#include "ktk/core/field_error.hpp"

// Behaviour and messages follow k8s.io/apimachinery v0.36: pkg/labels/selector.go
// (lexer, parser, NewRequirement), pkg/api/validate/content (IsLabelKey,
// IsLabelValue) and pkg/apis/meta/v1/validation (ValidateLabelSelector).

namespace ktk::core {
namespace {

using req_op = label_requirement::op;

// ---- content validation (label keys and values) ----------------------------------

constexpr const char* label_key_fmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr const char* label_key_msg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character";
constexpr const char* label_value_fmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr const char* label_value_msg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character";
constexpr const char* dns1123_subdomain_fmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr const char* dns1123_subdomain_msg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character";

std::string regex_error(std::string msg, const char* re, std::initializer_list<const char*> examples) {
  if (examples.size() == 0) return msg + " (regex used for validation is '" + re + "')";
  msg += " (e.g. ";
  bool first = true;
  for (const char* e : examples) {
    if (!first) msg += " or ";
    first = false;
    msg += "'" + std::string(e) + "', ";
  }
  return msg + "regex used for validation is '" + re + "')";
}

std::string max_len_error(int n) { return "must be no more than " + std::to_string(n) + " bytes"; }

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_label_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool is_dns1123_subdomain(std::string_view s) {
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (part.empty() || !lower_alnum(part.front()) || !lower_alnum(part.back())) return false;
    for (char c : part)
      if (!lower_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// content.IsLabelKey: the messages, empty when the key is valid.
std::vector<std::string> label_key_errors(std::string_view key) {
  std::vector<std::string> errs;
  std::string_view name = key;
  std::size_t slashes = std::count(key.begin(), key.end(), '/');
  if (slashes > 1) {
    errs.push_back("a valid label key " +
                   regex_error(label_key_msg, label_key_fmt, {"MyName", "my.name", "123-abc"}) +
                   " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (slashes == 1) {
    std::size_t slash = key.find('/');
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      errs.emplace_back("prefix part must be non-empty");
    } else {
      if (prefix.size() > 253) errs.push_back("prefix part " + max_len_error(253));
      if (!is_dns1123_subdomain(prefix))
        errs.push_back("prefix part " +
                       regex_error(dns1123_subdomain_msg, dns1123_subdomain_fmt, {"example.com"}));
    }
  }
  if (name.empty()) {
    errs.emplace_back("name part must be non-empty");
  } else if (name.size() > 63) {
    errs.push_back("name part " + max_len_error(63));
  }
  if (!is_label_name(name))
    errs.push_back("name part " +
                   regex_error(label_key_msg, label_key_fmt, {"MyName", "my.name", "123-abc"}));
  return errs;
}

// content.IsLabelValue.
std::vector<std::string> label_value_errors(std::string_view v) {
  std::vector<std::string> errs;
  if (v.size() > 63) errs.push_back(max_len_error(63));
  if (!v.empty() && !is_label_name(v))
    errs.push_back(regex_error(label_value_msg, label_value_fmt, {"MyValue", "my_value", "12345"}));
  return errs;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// utilerrors.NewAggregate(...).Error(): one message as is, several as "[a, b]",
// duplicates dropped.
std::string aggregate(const field_errors& errs) {
  std::vector<std::string> msgs;
  for (const auto& e : errs) {
    std::string m = e.str();
    if (std::find(msgs.begin(), msgs.end(), m) == msgs.end()) msgs.push_back(std::move(m));
  }
  if (msgs.size() == 1) return msgs.front();
  return "[" + join(msgs, ", ") + "]";
}

std::optional<std::int64_t> parse_int64(std::string_view s) {
  std::int64_t v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') {  // strconv.ParseInt accepts one leading '+'
    ++b;
    if (b != e && *b == '-') return std::nullopt;
  }
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || b == e) return std::nullopt;
  return v;
}

// NewRequirement's checks of the values (the key is checked by the caller); `path` is
// "" for the string syntax (nil path in Go) so fields read "values", "values[0][key]".
void check_values(const std::string& key, req_op o, const std::vector<std::string>& vals,
                  field_errors& errs) {
  auto json_list = [&] {
    std::string s = "[";
    for (std::size_t i = 0; i < vals.size(); ++i) s += (i ? "," : "") + quote(vals[i]);
    return s + "]";
  };
  switch (o) {
    case req_op::in:
    case req_op::not_in:
      if (vals.empty())
        errs.push_back(field_error::invalid("values", "null",
                                            "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case req_op::equals:
    case req_op::not_equals:
      if (vals.size() != 1)
        errs.push_back(field_error::invalid("values", json_list(),
                                            "exact-match compatibility requires one single value"));
      break;
    case req_op::exists:
    case req_op::does_not_exist:
      if (!vals.empty())
        errs.push_back(field_error::invalid("values", json_list(),
                                            "values set must be empty for exists and does not exist"));
      break;
    case req_op::greater_than:
    case req_op::less_than:
      if (vals.size() != 1)
        errs.push_back(field_error::invalid("values", json_list(),
                                            "for 'Gt', 'Lt' operators, exactly one value is required"));
      for (std::size_t i = 0; i < vals.size(); ++i)
        if (!parse_int64(vals[i]))
          errs.push_back(field_error::invalid("values[" + std::to_string(i) + "]", quote(vals[i]),
                                              "for 'Gt', 'Lt' operators, the value must be an integer"));
      break;
  }
  for (std::size_t i = 0; i < vals.size(); ++i) {
    auto msgs = label_value_errors(vals[i]);
    if (!msgs.empty())
      errs.push_back(field_error::invalid("values[" + std::to_string(i) + "][" + key + "]",
                                          quote(vals[i]), join(msgs, "; ")));
  }
}

// ---- lexer --------------------------------------------------------------------------

enum class tok {
  error, end, close_par, comma, not_, double_equals, equals, greater, identifier, in,
  less, not_equals, not_in, open_par
};

struct token {
  tok t;
  std::string lit;
};

std::optional<tok> keyword(std::string_view s) {
  static const std::pair<std::string_view, tok> table[] = {
      {")", tok::close_par}, {",", tok::comma},     {"!", tok::not_},      {"==", tok::double_equals},
      {"=", tok::equals},    {">", tok::greater},   {"in", tok::in},       {"<", tok::less},
      {"!=", tok::not_equals}, {"notin", tok::not_in}, {"(", tok::open_par}};
  for (const auto& [k, t] : table)
    if (k == s) return t;
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

// A NUL byte ends the input, as in Go's lexer.
std::vector<token> lex(std::string_view s) {
  std::vector<token> out;
  std::size_t pos = 0;
  auto read = [&]() -> char { return pos < s.size() ? s[pos++] : '\0'; };
  while (true) {
    char ch = read();
    while (is_space(ch)) ch = read();
    if (ch == '\0') {
      out.push_back({tok::end, ""});
      return out;
    }
    --pos;
    std::string buf;
    if (is_special(ch)) {
      std::optional<token> last;
      while (true) {
        char c = read();
        if (c == '\0') break;
        if (!is_special(c)) {
          --pos;
          break;
        }
        buf += c;
        if (auto t = keyword(buf)) {
          last = token{*t, buf};
        } else if (last) {
          --pos;
          break;
        }
      }
      out.push_back(last ? *last : token{tok::error, "error expected: keyword found '" + buf + "'"});
    } else {
      while (true) {
        char c = read();
        if (c == '\0') break;
        if (is_special(c) || is_space(c)) {
          --pos;
          break;
        }
        buf += c;
      }
      auto t = keyword(buf);
      out.push_back({t ? *t : tok::identifier, buf});
    }
  }
}

// ---- parser -------------------------------------------------------------------------

struct parse_failure {
  std::string message;
};

class parser {
 public:
  explicit parser(std::string_view s) : items_(lex(s)) {}

  std::vector<label_requirement> parse() {
    std::vector<label_requirement> reqs;
    while (true) {
      auto [t, lit] = lookahead(true);
      if (t == tok::identifier || t == tok::not_) {
        try {
          reqs.push_back(parse_requirement());
        } catch (const parse_failure& f) {
          throw parse_failure{"unable to parse requirement: " + f.message};
        }
        auto [t1, l1] = consume(true);
        if (t1 == tok::end) return reqs;
        if (t1 != tok::comma) throw parse_failure{"found '" + l1 + "', expected: ',' or 'end of string'"};
        auto [t2, l2] = lookahead(true);
        if (t2 != tok::identifier && t2 != tok::not_)
          throw parse_failure{"found '" + l2 + "', expected: identifier after ','"};
      } else if (t == tok::end) {
        return reqs;
      } else {
        throw parse_failure{"found '" + lit + "', expected: !, identifier, or 'end of string'"};
      }
    }
  }

 private:
  // In the values context `in` and `notin` are plain identifiers.
  std::pair<tok, std::string> lookahead(bool values) const {
    const token& it = items_[pos_];
    tok t = it.t;
    if (values && (t == tok::in || t == tok::not_in)) t = tok::identifier;
    return {t, it.lit};
  }
  std::pair<tok, std::string> consume(bool values) {
    auto r = lookahead(values);
    if (pos_ + 1 < items_.size()) ++pos_;
    return r;
  }

  label_requirement parse_requirement() {
    label_requirement r;
    bool negated = false;
    auto [t, lit] = consume(true);
    if (t == tok::not_) {
      negated = true;
      std::tie(t, lit) = consume(true);
    }
    if (t != tok::identifier) throw parse_failure{"found '" + lit + "', expected: identifier"};
    if (auto msgs = label_key_errors(lit); !msgs.empty())
      throw parse_failure{field_error::invalid("<nil>", quote(lit), join(msgs, "; ")).str()};
    r.key = lit;
    auto [next, unused] = lookahead(true);
    if (negated || next == tok::end || next == tok::comma) {
      r.operator_ = negated ? req_op::does_not_exist : req_op::exists;
      return r;
    }
    auto [ot, olit] = consume(false);
    switch (ot) {
      case tok::in: r.operator_ = req_op::in; break;
      case tok::not_in: r.operator_ = req_op::not_in; break;
      case tok::equals:
      case tok::double_equals: r.operator_ = req_op::equals; break;
      case tok::not_equals: r.operator_ = req_op::not_equals; break;
      case tok::greater: r.operator_ = req_op::greater_than; break;
      case tok::less: r.operator_ = req_op::less_than; break;
      default:
        throw parse_failure{"found '" + olit + "', expected: in, notin, =, ==, !=, gt, lt"};
    }
    std::set<std::string> values =
        (r.operator_ == req_op::in || r.operator_ == req_op::not_in) ? parse_values() : parse_exact_value();
    r.values.assign(values.begin(), values.end());
    field_errors errs;
    check_values(r.key, r.operator_, r.values, errs);
    if (!errs.empty()) throw parse_failure{aggregate(errs)};
    return r;
  }

  std::set<std::string> parse_values() {
    auto [t, lit] = consume(true);
    if (t != tok::open_par) throw parse_failure{"found '" + lit + "' expected: '('"};
    std::tie(t, lit) = lookahead(true);
    if (t == tok::identifier || t == tok::comma) {
      auto s = parse_identifiers_list();
      consume(true);  // the ')' parse_identifiers_list stopped before
      return s;
    }
    if (t == tok::close_par) {
      consume(true);
      return {""};
    }
    throw parse_failure{"found '" + lit + "', expected: ',', ')' or identifier"};
  }

  std::set<std::string> parse_identifiers_list() {
    std::set<std::string> s;
    while (true) {
      auto [t, lit] = consume(true);
      if (t == tok::identifier) {
        s.insert(lit);
        auto [t2, l2] = lookahead(true);
        if (t2 == tok::comma) continue;
        if (t2 == tok::close_par) return s;
        throw parse_failure{"found '" + l2 + "', expected: ',' or ')'"};
      }
      if (t == tok::comma) {
        if (s.empty()) s.insert("");  // "(,"
        auto [t2, unused] = lookahead(true);
        if (t2 == tok::close_par) {  // ",)"
          s.insert("");
          return s;
        }
        if (t2 == tok::comma) s.insert("");  // ",,"
        continue;
      }
      throw parse_failure{"found '" + lit + "', expected: ',', or identifier"};
    }
  }

  std::set<std::string> parse_exact_value() {
    auto [t, unused] = lookahead(true);
    if (t == tok::end || t == tok::comma) return {""};
    auto [t2, lit] = consume(true);
    if (t2 == tok::identifier) return {lit};
    throw parse_failure{"found '" + lit + "', expected: identifier"};
  }

  std::vector<token> items_;
  std::size_t pos_ = 0;
};

const std::string* lookup(const json& labels, const std::string& key, std::string& scratch) {
  if (!labels.is_object()) return nullptr;
  auto it = labels.find(key);
  if (it == labels.end()) return nullptr;
  if (it->is_string()) return &it->get_ref<const std::string&>();
  scratch = it->dump();
  return &scratch;
}

bool requirement_matches(const label_requirement& r, const std::string* val) {
  auto has = [&](const std::string& v) {
    return std::binary_search(r.values.begin(), r.values.end(), v);
  };
  switch (r.operator_) {
    case req_op::equals:
    case req_op::in: return val && has(*val);
    case req_op::not_equals:
    case req_op::not_in: return !val || !has(*val);
    case req_op::exists: return val != nullptr;
    case req_op::does_not_exist: return val == nullptr;
    case req_op::greater_than:
    case req_op::less_than: {
      if (!val || r.values.size() != 1) return false;
      auto lhs = parse_int64(*val);
      auto rhs = parse_int64(r.values.front());
      if (!lhs || !rhs) return false;
      return r.operator_ == req_op::greater_than ? *lhs > *rhs : *lhs < *rhs;
    }
  }
  return false;
}

void sort_by_key(std::vector<label_requirement>& reqs) {
  std::stable_sort(reqs.begin(), reqs.end(),
                   [](const label_requirement& a, const label_requirement& b) { return a.key < b.key; });
}

// ---- metav1.LabelSelector (errors as ValidateLabelSelector words them) ---------------

void bad_type(field_errors& errs, const std::string& path, const json& v, const char* want) {
  errs.push_back(field_error::type_invalid(path, v.dump(), std::string("must be ") + want));
}

void read_match_labels(const json& ml, std::vector<label_requirement>& reqs, field_errors& errs) {
  if (!ml.is_object()) return bad_type(errs, "matchLabels", ml, "an object of strings");
  for (const auto& [k, v] : ml.items()) {
    for (auto& m : label_key_errors(k)) errs.push_back(field_error::invalid("matchLabels", quote(k), m));
    if (!v.is_string()) {
      bad_type(errs, "matchLabels", v, "a string");
      continue;
    }
    const auto& s = v.get_ref<const std::string&>();
    for (auto& m : label_value_errors(s)) errs.push_back(field_error::invalid("matchLabels", quote(s), m));
    reqs.push_back({k, req_op::equals, {s}});
  }
}

// A string member of a matchExpressions entry ("" when absent).
std::string member(const json& e, const char* name, const std::string& path, field_errors& errs) {
  auto it = e.find(name);
  if (it == e.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  bad_type(errs, path + "." + name, *it, "a string");
  return {};
}

void read_expression(const json& e, const std::string& path, std::vector<label_requirement>& reqs,
                     field_errors& errs) {
  if (!e.is_object()) return bad_type(errs, path, e, "an object");
  const std::string key = member(e, "key", path, errs);
  const std::string oper = member(e, "operator", path, errs);
  std::vector<std::string> values;
  if (auto v = e.find("values"); v != e.end() && !v->is_null()) {
    if (!v->is_array()) bad_type(errs, path + ".values", *v, "an array of strings");
    for (std::size_t j = 0; v->is_array() && j < v->size(); ++j) {
      if ((*v)[j].is_string()) values.push_back((*v)[j].get<std::string>());
      else bad_type(errs, path + ".values[" + std::to_string(j) + "]", (*v)[j], "a string");
    }
  }
  label_requirement r{key, req_op::in, {}};
  if (oper == "In" || oper == "NotIn") {
    r.operator_ = oper == "In" ? req_op::in : req_op::not_in;
    if (values.empty())
      errs.push_back(field_error::required(path + ".values",
                                           "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (oper == "Exists" || oper == "DoesNotExist") {
    r.operator_ = oper == "Exists" ? req_op::exists : req_op::does_not_exist;
    if (!values.empty())
      errs.push_back(field_error::forbidden(
          path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else {
    errs.push_back(field_error::invalid(path + ".operator", quote(oper), "not a valid selector operator"));
  }
  for (auto& m : label_key_errors(key)) errs.push_back(field_error::invalid(path + ".key", quote(key), m));
  for (std::size_t j = 0; j < values.size(); ++j)
    for (auto& m : label_value_errors(values[j]))
      errs.push_back(field_error::invalid(path + ".values[" + std::to_string(j) + "]", quote(values[j]), m));
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  r.values = std::move(values);
  reqs.push_back(std::move(r));
}

}  // namespace

bool label_requirement::matches(const json& labels) const {
  std::string scratch;
  return requirement_matches(*this, lookup(labels, key, scratch));
}

result<label_selector> label_selector::parse(std::string_view s) {
  label_selector sel;
  try {
    sel.reqs_ = parser(s).parse();
  } catch (const parse_failure& f) {
    return api_error::bad_request(f.message);
  }
  sort_by_key(sel.reqs_);
  return sel;
}

result<label_selector> label_selector::from_json(const json& selector) {
  label_selector sel;
  if (selector.is_null()) return sel;
  if (!selector.is_object())
    return api_error::bad_request("a label selector must be an object, not " +
                                  std::string(selector.type_name()));
  field_errors errs;
  if (auto ml = selector.find("matchLabels"); ml != selector.end() && !ml->is_null())
    read_match_labels(*ml, sel.reqs_, errs);
  if (auto me = selector.find("matchExpressions"); me != selector.end() && !me->is_null()) {
    if (!me->is_array()) bad_type(errs, "matchExpressions", *me, "an array");
    for (std::size_t i = 0; me->is_array() && i < me->size(); ++i)
      read_expression((*me)[i], "matchExpressions[" + std::to_string(i) + "]", sel.reqs_, errs);
  }
  if (!errs.empty()) return api_error::bad_request(aggregate(errs));
  sort_by_key(sel.reqs_);
  return sel;
}

label_selector label_selector::from_map(const std::map<std::string, std::string>& labels) {
  label_selector sel;
  for (const auto& [k, v] : labels) sel.reqs_.push_back({k, req_op::equals, {v}});
  return sel;
}

label_selector label_selector::nothing() {
  label_selector sel;
  sel.match_nothing_ = true;
  return sel;
}

bool label_selector::matches(const json& labels) const {
  if (match_nothing_) return false;
  std::string scratch;
  for (const auto& r : reqs_)
    if (!requirement_matches(r, lookup(labels, r.key, scratch))) return false;
  return true;
}

bool label_selector::matches(const std::map<std::string, std::string>& labels) const {
  if (match_nothing_) return false;
  for (const auto& r : reqs_) {
    auto it = labels.find(r.key);
    if (!requirement_matches(r, it == labels.end() ? nullptr : &it->second)) return false;
  }
  return true;
}

std::string label_selector::str() const {
  std::string out;
  for (const auto& r : reqs_) {
    if (!out.empty()) out += ',';
    if (r.operator_ == req_op::does_not_exist) out += '!';
    out += r.key;
    switch (r.operator_) {
      case req_op::exists:
      case req_op::does_not_exist: continue;
      case req_op::equals: out += '='; break;
      case req_op::not_equals: out += "!="; break;
      case req_op::greater_than: out += '>'; break;
      case req_op::less_than: out += '<'; break;
      case req_op::in: out += " in ("; break;
      case req_op::not_in: out += " notin ("; break;
    }
    out += join(r.values, ",");
    if (r.operator_ == req_op::in || r.operator_ == req_op::not_in) out += ')';
  }
  return out;
}

}  // namespace ktk::core
