// kube-openapi's strfmt registry (the formats CRD schemas may use) and Go's printing of
// numbers, so messages read as kube-apiserver's do.
#include "schema_node.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "../builtin/checks.hpp"

namespace ktk::apiserver::crd::detail {

std::string go_float(double v) {
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  std::array<char, 64> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific);
  std::string sci(buf.data(), res.ptr);  // "-1.2345e+06": shortest round-trip digits
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  auto e = sci.find('e');
  std::string digits;
  for (std::size_t i = 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string out = neg ? "-" : "";
  // strconv.FormatFloat(v, 'g', -1, 64): %e when exp < -4 || exp >= 6 (shortest precision).
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    int a = std::abs(exp);
    if (a < 10) out += "0";
    out += std::to_string(a);
    return out;
  }
  int point = exp + 1;  // digits before the decimal point
  if (point <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (static_cast<std::size_t>(point) >= digits.size()) {
    out += digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  }
  return out;
}

std::string go_value(const json& v) {
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return go_float(v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string json_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::null: return "null";
    default: return "";
  }
}

namespace {

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Compiled once per thread: validation runs on every write.
bool matches(const std::string& s, const std::string& re, bool icase = false) {
  thread_local std::map<std::string, std::regex> cache;
  auto key = (icase ? "i:" : "c:") + re;
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto flags = std::regex::ECMAScript;
    if (icase) flags |= std::regex::icase;
    it = cache.emplace(key, std::regex(re, flags)).first;
  }
  return std::regex_match(s, it->second);
}

// Go's net.ParseIP rules, leading zeros tolerated (ParseIPSloppy).
bool parse_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    int value = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) value = value * 10 + (s[i++] - '0');
    if (i == start || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool parse_ipv6(std::string_view s) {
  if (s.empty()) return false;
  int groups = 0;
  bool ellipsis = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    ellipsis = true;
    i = 2;
    if (i == s.size()) return true;
  }
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && is_hex(s[i]) && i - start < 4) ++i;
    if (i < s.size() && s[i] == '.') {  // embedded IPv4 tail
      if (!parse_ipv4(s.substr(start))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (i == start) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (ellipsis) return false;
      ellipsis = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;
    }
  }
  return ellipsis ? groups < 8 : groups == 8;
}

bool parse_cidr(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  auto ip = s.substr(0, slash), bits = s.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 || !all_of(bits, is_digit)) return false;
  int n = std::atoi(std::string(bits).c_str());
  if (parse_ipv4(ip)) return n <= 32;
  return parse_ipv6(ip) && n <= 128;
}

bool is_mac(const std::string& s) {
  return matches(s, "^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$") || matches(s, "^([0-9a-fA-F]{2}[:-]){7}[0-9a-fA-F]{2}$") ||
         matches(s, "^([0-9a-fA-F]{2}[:-]){19}[0-9a-fA-F]{2}$") || matches(s, "^([0-9a-fA-F]{4}\\.){2}[0-9a-fA-F]{4}$") ||
         matches(s, "^([0-9a-fA-F]{4}\\.){3}[0-9a-fA-F]{4}$") || matches(s, "^([0-9a-fA-F]{4}\\.){9}[0-9a-fA-F]{4}$");
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool is_date(const std::string& s) {
  if (!matches(s, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) return false;
  int y = std::atoi(s.substr(0, 4).c_str()), m = std::atoi(s.substr(5, 2).c_str()), d = std::atoi(s.substr(8, 2).c_str());
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= days[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

// go-openapi's IsDateTime: a full date, 't', then hh:mm:ss[.frac](z|±hh:mm), case-insensitive.
bool is_date_time(const std::string& s) {
  if (s.size() < 4) return false;
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto t = lower.find('t');
  if (t == std::string::npos || !is_date(lower.substr(0, t))) return false;
  std::smatch m;
  std::string rest = lower.substr(t + 1);
  auto next_t = rest.find('t');
  if (next_t != std::string::npos) rest = rest.substr(0, next_t);
  static const std::regex rx("^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$");
  if (!std::regex_match(rest, m, rx)) return false;
  return m[1].str() <= "23" && m[2].str() <= "59" && m[3].str() <= "59";
}

// Go's time.ParseDuration, or go-openapi's "<n> <unit>" forms.
bool is_duration(const std::string& s) {
  if (matches(s, "^[-+]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\xc2\xb5s|\xce\xbcs|ms|s|m|h))+$") || s == "0") return true;
  return matches(s,
                 "^([0-9]+\\s*(ns|nanoseconds?|us|\xc2\xb5s|microseconds?|ms|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hr|"
                 "hours?|d|days?|w|wk|weeks?)\\s*)+$");
}

bool is_isbn10(const std::string& raw) {
  std::string s;
  for (char c : raw)
    if (c != ' ' && c != '-') s += c;
  if (!matches(s, "^[0-9]{9}[0-9X]$")) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (i + 1) * (s[static_cast<std::size_t>(i)] - '0');
  sum += s[9] == 'X' ? 100 : 10 * (s[9] - '0');
  return sum % 11 == 0;
}

bool is_isbn13(const std::string& raw) {
  std::string s;
  for (char c : raw)
    if (c != ' ' && c != '-') s += c;
  if (!matches(s, "^[0-9]{13}$")) return false;
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (i % 2 ? 3 : 1) * (s[static_cast<std::size_t>(i)] - '0');
  return (10 - sum % 10) % 10 == s[12] - '0';
}

bool is_credit_card(const std::string& raw) {
  std::string s;
  for (char c : raw)
    if (is_digit(c)) s += c;
  if (!matches(s, "^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)"
                  "[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|"
                  "(?:2131|1800|35\\d{3})\\d{11}|6[27][0-9]{14})$"))
    return false;
  int sum = 0;
  bool dbl = false;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    int d = *it - '0';
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool is_email(const std::string& s) {
  return matches(s, "^[^@\\s<>]+@[^@\\s<>]+$") || matches(s, "^[^<>]*<[^@\\s<>]+@[^@\\s<>]+>$");
}

bool is_uri(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7f) return false;
  return s[0] == '/' || matches(s, "^[a-zA-Z][a-zA-Z0-9+.-]*:.+$");
}

std::string normalize(const std::string& format) {
  std::string out;
  for (char c : format)
    if (c != '-') out += c;
  return out;
}

}  // namespace

bool format_known(const std::string& format) {
  static const std::set<std::string> known = {
      "bsonobjectid", "uri",        "email",   "hostname", "ipv4",     "ipv6",     "cidr",         "mac",
      "uuid",         "uuid3",      "uuid4",   "uuid5",    "isbn",     "isbn10",   "isbn13",       "creditcard",
      "ssn",          "hexcolor",   "rgbcolor", "byte",    "password", "date",     "duration",     "datetime",
      "k8sshortname", "k8slongname"};
  return known.count(normalize(format)) > 0;
}

bool format_valid(const std::string& format, const std::string& s) {
  const std::string f = normalize(format);
  if (f == "password") return true;
  if (f == "byte")
    return matches(s, "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$");
  if (f == "date") return is_date(s);
  if (f == "datetime") return is_date_time(s);
  if (f == "duration") return is_duration(s);
  if (f == "uri") return is_uri(s);
  if (f == "email") return is_email(s);
  if (f == "hostname") {
    if (s.size() > 255) return false;
    static const std::regex rx(
        "^([a-zA-Z0-9]((-?[a-zA-Z0-9]{0,62})?)|([a-zA-Z0-9](([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.)){1,}([a-zA-Z]){2,63})$");
    if (!std::regex_match(s, rx)) return false;
    std::size_t start = 0;
    while (true) {
      auto dot = s.find('.', start);
      if ((dot == std::string::npos ? s.size() : dot) - start > 63) return false;
      if (dot == std::string::npos) return true;
      start = dot + 1;
    }
  }
  if (f == "ipv4") return parse_ipv4(s) || (s.find('.') != std::string::npos && parse_ipv6(s));
  if (f == "ipv6") return s.find(':') != std::string::npos && parse_ipv6(s);
  if (f == "cidr") return parse_cidr(s);
  if (f == "mac") return is_mac(s);
  if (f == "uuid") return matches(s, "^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", true);
  if (f == "uuid3") return matches(s, "^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$", true);
  if (f == "uuid4") return matches(s, "^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", true);
  if (f == "uuid5") return matches(s, "^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", true);
  if (f == "isbn") return is_isbn10(s) || is_isbn13(s);
  if (f == "isbn10") return is_isbn10(s);
  if (f == "isbn13") return is_isbn13(s);
  if (f == "creditcard") return is_credit_card(s);
  if (f == "ssn") return matches(s, "^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
  if (f == "hexcolor") return matches(s, "^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
  if (f == "rgbcolor") {
    const char* c = "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*";
    return matches(s, std::string("^rgb\\(") + c + "," + c + "," + c + "\\)$");
  }
  if (f == "bsonobjectid") return s.size() == 24 && all_of(s, is_hex);
  if (f == "k8sshortname") return ktk::apiserver::detail::is_dns1123_label_text(s) && s.size() <= 63;
  if (f == "k8slongname") return ktk::apiserver::detail::is_dns1123_subdomain_text(s) && s.size() <= 253;
  return true;
}

}  // namespace ktk::apiserver::crd::detail
