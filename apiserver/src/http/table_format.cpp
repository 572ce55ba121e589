// table_format.cpp — Go-compatible formatting for the Table printers.
#include "http/table_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "ktk/core/clock.hpp"

namespace ktk::apiserver::http::table::detail {

using core::json;

std::string human_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  const std::int64_t ns = d.count();
  const std::int64_t seconds = ns / 1'000'000'000;  // truncates toward zero, as Go's int()
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return std::to_string(seconds) + "s";
  const std::int64_t minutes = seconds / 60;
  if (minutes < 10) {
    const std::int64_t s = seconds % 60;
    return s == 0 ? std::to_string(minutes) + "m" : std::to_string(minutes) + "m" + std::to_string(s) + "s";
  }
  if (minutes < 60 * 3) return std::to_string(minutes) + "m";
  const std::int64_t hours = minutes / 60;
  if (hours < 8) {
    const std::int64_t m = minutes % 60;
    return m == 0 ? std::to_string(hours) + "h" : std::to_string(hours) + "h" + std::to_string(m) + "m";
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    const std::int64_t h = hours % 24;
    return h == 0 ? std::to_string(hours / 24) + "d" : std::to_string(hours / 24) + "d" + std::to_string(h) + "h";
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    const std::int64_t dy = (hours / 24) % 365;
    const std::string y = std::to_string(hours / 24 / 365) + "y";
    return dy == 0 ? y : y + std::to_string(dy) + "d";
  }
  return std::to_string(hours / 24 / 365) + "y";
}

std::optional<time_point> timestamp(const json* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty()) return std::nullopt;
  return core::parse_rfc3339(s);
}

std::string since(const json* v, time_point now) {
  auto t = timestamp(v);
  if (!t) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(now - *t));
}

const json* at(const json& j, std::string_view dotted) {
  const json* cur = &j;
  while (!dotted.empty()) {
    auto dot = dotted.find('.');
    auto key = dotted.substr(0, dot);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return cur;
}

std::string str(const json* v) { return v != nullptr && v->is_string() ? v->get<std::string>() : std::string(); }

std::int64_t integer(const json* v, std::int64_t dflt) {
  if (v == nullptr) return dflt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_float()) return static_cast<std::int64_t>(v->get<double>());
  return dflt;
}

std::int64_t count(const json* v) {
  return v != nullptr && (v->is_array() || v->is_object()) ? static_cast<std::int64_t>(v->size()) : 0;
}

std::string format_labels(const json* map) {
  std::string out;
  if (map != nullptr && map->is_object()) {
    for (const auto& [k, v] : map->items()) {  // nlohmann objects iterate in key order
      if (!out.empty()) out += ',';
      out += k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  return out.empty() ? "<none>" : out;
}

std::optional<std::string> selector_string(const json* sel) {
  if (sel == nullptr || sel->is_null() || !sel->is_object()) return std::string();
  std::vector<std::pair<std::string, std::string>> reqs;  // key, text
  if (auto ml = sel->find("matchLabels"); ml != sel->end() && ml->is_object()) {
    for (const auto& [k, v] : ml->items()) reqs.emplace_back(k, k + "=" + str(&v));
  }
  if (auto me = sel->find("matchExpressions"); me != sel->end() && me->is_array()) {
    for (const auto& e : *me) {
      const std::string key = str(at(e, "key"));
      const std::string op = str(at(e, "operator"));
      std::vector<std::string> values;
      if (const json* vs = at(e, "values"); vs != nullptr && vs->is_array()) {
        for (const auto& x : *vs) values.push_back(str(&x));
      }
      std::sort(values.begin(), values.end());
      std::string joined;
      for (const auto& x : values) joined += (joined.empty() ? "" : ",") + x;
      if (op == "In" || op == "NotIn") {
        if (values.empty()) return std::nullopt;
        reqs.emplace_back(key, key + (op == "In" ? " in (" : " notin (") + joined + ")");
      } else if (op == "Exists" || op == "DoesNotExist") {
        if (!values.empty()) return std::nullopt;
        reqs.emplace_back(key, (op == "Exists" ? "" : "!") + key);
      } else {
        return std::nullopt;
      }
    }
  }
  std::stable_sort(reqs.begin(), reqs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& r : reqs) out += (out.empty() ? "" : ",") + r.second;
  return out;
}

std::string format_label_selector(const json* sel) {
  auto s = selector_string(sel);
  if (!s) return "<error>";
  return s->empty() ? "<none>" : *s;
}

std::pair<std::string, std::string> container_cells(const json* containers) {
  std::string names;
  std::string images;
  if (containers != nullptr && containers->is_array()) {
    bool first = true;
    for (const auto& c : *containers) {
      if (!first) {
        names += ',';
        images += ',';
      }
      first = false;
      names += str(at(c, "name"));
      images += str(at(c, "image"));
    }
  }
  return {names, images};
}

namespace {

// Shortest round-trip decimal digits of |v| and the decimal point position (Go's digs.nd / digs.dp).
void shortest_digits(double v, std::string& digits, int& dp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  auto e = s.find('e');
  digits.clear();
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  dp = exp + 1;
}

std::string exp_form(bool neg, const std::string& digits, int dp) {
  std::string out = neg ? "-" : "";
  out += digits[0];
  if (digits.size() > 1) out += "." + digits.substr(1);
  const int exp = digits == "0" ? 0 : dp - 1;
  char tail[16];
  std::snprintf(tail, sizeof tail, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return out + tail;
}

std::string fixed_form(bool neg, const std::string& digits, int dp) {
  std::string out = neg ? "-" : "";
  const int nd = static_cast<int>(digits.size());
  if (dp <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-dp), '0') + digits;
  } else if (dp >= nd) {
    out += digits + std::string(static_cast<std::size_t>(dp - nd), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(dp)) + "." + digits.substr(static_cast<std::size_t>(dp));
  }
  return out;
}

// Go's encodeState.string with HTML escaping on (json.Marshal's default).
void go_string(std::string& out, const std::string& s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void go_json_into(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::null: out += "null"; break;
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case json::value_t::number_integer: out += std::to_string(v.get<std::int64_t>()); break;
    case json::value_t::number_unsigned: out += std::to_string(v.get<std::uint64_t>()); break;
    case json::value_t::number_float: {
      const double f = v.get<double>();
      const double a = std::fabs(f);
      std::string digits;
      int dp = 0;
      shortest_digits(f, digits, dp);
      if (a != 0 && (a < 1e-6 || a >= 1e21)) {
        std::string e = exp_form(f < 0, digits, dp);
        // Go trims one leading zero of a negative two-digit exponent: e-07 → e-7.
        const auto n = e.size();
        if (n >= 4 && e[n - 4] == 'e' && e[n - 3] == '-' && e[n - 2] == '0') e.erase(n - 2, 1);
        out += e;
      } else {
        out += fixed_form(f < 0 && a != 0, a == 0 ? "0" : digits, a == 0 ? 1 : dp);
      }
      break;
    }
    case json::value_t::string: go_string(out, v.get_ref<const std::string&>()); break;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& x : v) {
        if (!first) out += ',';
        first = false;
        go_json_into(out, x);
      }
      out += ']';
      break;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, x] : v.items()) {
        if (!first) out += ',';
        first = false;
        go_string(out, k);
        out += ':';
        go_json_into(out, x);
      }
      out += '}';
      break;
    }
    default: out += "null"; break;
  }
}

}  // namespace

std::string go_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string digits;
  int dp = 0;
  shortest_digits(v, digits, dp);
  const int exp = dp - 1;
  if (exp < -4 || exp >= 6) return exp_form(v < 0, digits, dp);
  return fixed_form(v < 0, digits, dp);
}

std::string go_json(const json& v) {
  std::string out;
  go_json_into(out, v);
  return out;
}

}  // namespace ktk::apiserver::http::table::detail
