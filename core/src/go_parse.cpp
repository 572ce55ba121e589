// go_parse.cpp — Go's time.Parse (for kube's two layouts), time.ParseDuration and
// apimachinery's resource.ParseQuantity, as far as accepting or refusing a value and
// the wording of the refusal go. Each follows its Go original step by step, so that
// the edge cases fall the same way ("+" is a quantity; "24:00" is not an hour).
#include "ktk/core/go_parse.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace ktk::core {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool digit_at(std::string_view s, std::size_t i) { return i < s.size() && digit(s[i]); }

// Go's time.quote: bytes outside printable ASCII as \xNN, '"' and '\' escaped.
std::string go_time_quote(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < 0x20) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// ---- time.Parse ----

enum class elem { long_year, zero_month, zero_day, hour, zero_minute, zero_second, frac_micro, iso_colon_tz };

struct chunk {
  std::string_view prefix;  // literal text before the element
  elem e;
  std::string_view text;  // the element as the layout spells it
};

// The layouts cut the way Go's nextStdChunk cuts them.
const std::vector<chunk>& chunks(go_time_layout l) {
  static const std::vector<chunk> rfc3339{{"", elem::long_year, "2006"},   {"-", elem::zero_month, "01"},
                                          {"-", elem::zero_day, "02"},     {"T", elem::hour, "15"},
                                          {":", elem::zero_minute, "04"},  {":", elem::zero_second, "05"},
                                          {"", elem::iso_colon_tz, "Z07:00"}};
  static const std::vector<chunk> micro{{"", elem::long_year, "2006"},     {"-", elem::zero_month, "01"},
                                        {"-", elem::zero_day, "02"},       {"T", elem::hour, "15"},
                                        {":", elem::zero_minute, "04"},    {":", elem::zero_second, "05"},
                                        {"", elem::frac_micro, ".000000"}, {"", elem::iso_colon_tz, "Z07:00"}};
  return l == go_time_layout::rfc3339 ? rfc3339 : micro;
}

std::string_view layout_text(go_time_layout l) {
  return l == go_time_layout::rfc3339 ? "2006-01-02T15:04:05Z07:00" : "2006-01-02T15:04:05.000000Z07:00";
}

// Go's getnum: one or two digits (two when fixed).
bool getnum(std::string_view& s, bool fixed, int& out) {
  if (!digit_at(s, 0)) return false;
  if (!digit_at(s, 1)) {
    if (fixed) return false;
    out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

// Go's leadingInt: the leading digits, false on overflow past 1<<63.
bool leading_int(std::string_view& s, std::uint64_t& x) {
  constexpr std::uint64_t limit = std::uint64_t{1} << 63;
  x = 0;
  std::size_t i = 0;
  for (; i < s.size() && digit(s[i]); ++i) {
    if (x > limit / 10) return false;
    x = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (x > limit) return false;
  }
  s.remove_prefix(i);
  return true;
}

// Go's time.atoi: an optional sign, then digits to the end.
bool go_atoi(std::string_view s, long long& out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  std::uint64_t q = 0;
  if (!leading_int(s, q) || !s.empty()) return false;
  out = neg ? -static_cast<long long>(q) : static_cast<long long>(q);
  return true;
}

// Go's parseNanoseconds: value[0] is '.' or ',', then n-1 more bytes read by atoi.
// false: not a number; range set when negative.
bool parse_nanoseconds(std::string_view value, std::size_t n, std::string& range) {
  if (value[0] != '.' && value[0] != ',') return false;
  if (n > 10) n = 10;
  long long ns = 0;
  if (!go_atoi(value.substr(1, n - 1), ns)) return false;
  if (ns < 0) range = "fractional second";
  return true;
}

int days_in(int month, int year) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) return 29;
  return days[month - 1];
}

// ---- resource.ParseQuantity ----

const char* const format_wrong =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

struct scanned {
  bool positive = true;
  std::string_view value, num, denom, suffix;
};

// apimachinery's parseQuantityString; false: the text does not have a quantity's form.
bool scan_quantity(std::string_view str, scanned& out) {
  std::size_t pos = 0;
  const std::size_t end = str.size();
  if (pos < end && (str[0] == '-' || str[0] == '+')) {
    out.positive = str[0] != '-';
    ++pos;
  }
  for (std::size_t i = pos;; ++i) {  // leading zeros
    if (i >= end) {
      out.num = out.value = "0";
      return true;
    }
    if (str[i] != '0') break;
    ++pos;
  }
  for (std::size_t i = pos;; ++i) {  // the numerator
    if (i >= end) {
      out.num = str.substr(pos);
      out.value = str;
      return true;
    }
    if (!digit(str[i])) {
      out.num = str.substr(pos, i - pos);
      pos = i;
      break;
    }
  }
  if (out.num.empty()) out.num = "0";
  if (pos < end && str[pos] == '.') {  // the denominator
    ++pos;
    for (std::size_t i = pos;; ++i) {
      if (i >= end) {
        out.denom = str.substr(pos);
        out.value = str;
        return true;
      }
      if (!digit(str[i])) {
        out.denom = str.substr(pos, i - pos);
        pos = i;
        break;
      }
    }
  }
  out.value = str.substr(0, pos);
  const std::size_t suffix_start = pos;
  for (std::size_t i = pos;; ++i) {
    if (i >= end) {
      out.suffix = str.substr(suffix_start);
      return true;
    }
    if (std::string_view("eEinumkKMGTP").find(str[i]) == std::string_view::npos) {
      pos = i;
      break;
    }
  }
  if (pos < end && (str[pos] == '-' || str[pos] == '+')) ++pos;
  for (std::size_t i = pos;; ++i) {
    if (i >= end) {
      out.suffix = str.substr(suffix_start);
      return true;
    }
    if (!digit(str[i])) return false;  // a non-digit after the exponent
  }
}

enum class qformat { decimal_si, binary_si, decimal_exponent };

// The suffix's base and exponent (suffixHandler.interpret); false: not a suffix.
bool interpret_suffix(std::string_view s, int& base, long long& exponent, qformat& format) {
  static constexpr std::pair<std::string_view, int> dec[] = {{"", 0},  {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3},
                                                             {"M", 6}, {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18}};
  static constexpr std::pair<std::string_view, int> bin[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30},
                                                             {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (const auto& [name, e] : dec) {
    if (s == name) {
      base = 10, exponent = e, format = qformat::decimal_si;
      return true;
    }
  }
  for (const auto& [name, e] : bin) {
    if (s == name) {
      base = 2, exponent = e, format = qformat::binary_si;
      return true;
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    // strconv.ParseInt(s[1:], 10, 64): a sign, then at least one digit, in range.
    std::string_view n = s.substr(1);
    bool neg = false;
    if (!n.empty() && (n[0] == '+' || n[0] == '-')) {
      neg = n[0] == '-';
      n.remove_prefix(1);
    }
    if (n.empty()) return false;
    std::uint64_t x = 0;
    for (char c : n) {
      if (!digit(c)) return false;
      if (x > (std::uint64_t{1} << 63) / 10) return false;
      x = x * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (x > (std::uint64_t{1} << 63) - (neg ? 0 : 1)) return false;
    // Go keeps int32(parsed): the exponent wraps, it is not refused.
    exponent = static_cast<std::int32_t>(static_cast<std::uint32_t>(neg ? (~x + 1) : x));
    base = 10, format = qformat::decimal_exponent;
    return true;
  }
  return false;
}

struct quantity_parse {
  const char* error = nullptr;
  double value = 0;
};

// Go's strings.TrimSpace: ASCII white space and Unicode's (U+0085, U+00A0, U+1680,
// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
std::string_view trim_space(std::string_view s) {
  auto space_at_start = [](std::string_view t) -> std::size_t {
    if (t.empty()) return 0;
    unsigned char c = static_cast<unsigned char>(t[0]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (t.size() >= 2 && c == 0xC2 && (static_cast<unsigned char>(t[1]) == 0x85 || static_cast<unsigned char>(t[1]) == 0xA0)) return 2;
    if (t.size() >= 3) {
      unsigned cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(t[1]) & 0x3Fu) << 6) |
                    (static_cast<unsigned char>(t[2]) & 0x3Fu);
      const bool continued = (static_cast<unsigned char>(t[1]) & 0xC0) == 0x80 && (static_cast<unsigned char>(t[2]) & 0xC0) == 0x80;
      if ((c & 0xF0) == 0xE0 && continued && (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
                                 cp == 0x202F || cp == 0x205F || cp == 0x3000)) {
        return 3;
      }
    }
    return 0;
  };
  auto space_at_end = [&](std::string_view t) -> std::size_t {
    for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      if (t.size() >= n && space_at_start(t.substr(t.size() - n)) == n) return n;
    }
    return 0;
  };
  while (std::size_t n = space_at_start(s)) s.remove_prefix(n);
  while (std::size_t n = space_at_end(s)) s.remove_suffix(n);
  return s;
}

quantity_parse parse_quantity(std::string_view text) {
  const std::string_view str = trim_space(text);
  if (str.empty()) return {.error = format_wrong};
  if (str == "0") return {};
  scanned q;
  if (!scan_quantity(str, q)) return {.error = format_wrong};
  int base = 10;
  long long exponent = 0;
  qformat format = qformat::decimal_si;
  if (!interpret_suffix(q.suffix, base, exponent, format)) return {.error = "unable to parse quantity's suffix"};
  // ParseQuantity's fast path takes every value it has precision for; the rest go
  // through inf.Dec.SetString(value), which needs a digit.
  const long long digits = static_cast<long long>(q.num.size() + q.denom.size());
  bool fast = false;
  if (format == qformat::binary_si) {
    fast = exponent >= 0 && q.denom.empty() &&
           15 - static_cast<long long>(q.num.size()) - static_cast<long long>(static_cast<float>(exponent) * 3 / 10) - 1 >= 0;
  } else {
    fast = 18 - digits >= 0 && exponent - static_cast<long long>(q.denom.size()) >= -9;
  }
  if (!fast && q.value.find_first_of("0123456789") == std::string_view::npos) {
    return {.error = "unable to parse numeric part of quantity"};
  }
  std::string number(q.num);
  if (!q.denom.empty()) number += "." + std::string(q.denom);
  double v = std::strtod(number.c_str(), nullptr) * std::pow(static_cast<double>(base), static_cast<double>(exponent));
  // ParseQuantity rounds a non-zero amount up to 1n, and caps binary ones at 2^63-1.
  if (v > 0 && v < 1e-9) v = 1e-9;
  if (format == qformat::binary_si && v > 9223372036854775807.0) v = 9223372036854775807.0;
  if (v == 0) return {};
  return {.value = q.positive ? v : -v};
}

}  // namespace

std::optional<std::string> go_time_error(std::string_view value, go_time_layout layout) {
  const std::string_view orig = value;
  auto parse_error = [&](std::string_view layout_elem, std::string_view value_elem) {
    return "parsing time " + go_time_quote(orig) + " as " + go_time_quote(layout_text(layout)) + ": cannot parse " +
           go_time_quote(value_elem) + " as " + go_time_quote(layout_elem);
  };
  auto message_error = [&](std::string_view message) { return "parsing time " + go_time_quote(orig) + std::string(message); };
  int year = 0, month = 1, day = 1;
  const auto& cs = chunks(layout);
  for (std::size_t ci = 0; ci < cs.size(); ++ci) {
    const chunk& c = cs[ci];
    for (char p : c.prefix) {
      if (value.empty() || value[0] != p) return parse_error(c.prefix, value);
      value.remove_prefix(1);
    }
    const std::string_view hold = value;
    bool ok = true;
    std::string range;
    int n = 0;
    switch (c.e) {
      case elem::long_year: {
        if (value.size() < 4 || !digit(value[0])) {
          ok = false;
          break;
        }
        long long y = 0;
        ok = go_atoi(value.substr(0, 4), y);
        year = static_cast<int>(y);
        value.remove_prefix(4);
        break;
      }
      case elem::zero_month:
        ok = getnum(value, true, month);
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case elem::zero_day:
        ok = getnum(value, true, day);
        break;
      case elem::hour:
        ok = getnum(value, false, n);
        if (ok && n >= 24) range = "hour";
        break;
      case elem::zero_minute:
        ok = getnum(value, true, n);
        if (ok && n >= 60) range = "minute";
        break;
      case elem::zero_second: {
        ok = getnum(value, true, n);
        if (!ok) break;
        if (n >= 60) {
          range = "second";
          break;
        }
        // A fraction the layout does not spell is read anyway, unless the layout's
        // next element is the fraction.
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && digit(value[1])) {
          if (ci + 1 < cs.size() && cs[ci + 1].e == elem::frac_micro && cs[ci + 1].prefix.empty()) break;
          std::size_t k = 2;
          while (k < value.size() && digit(value[k])) ++k;
          ok = parse_nanoseconds(value, k, range);
          value.remove_prefix(k);
        }
        break;
      }
      case elem::frac_micro:
        if (value.size() < 7) {
          ok = false;
          break;
        }
        ok = parse_nanoseconds(value, 7, range);
        value.remove_prefix(7);
        break;
      case elem::iso_colon_tz: {
        if (!value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          break;
        }
        if (value.size() < 6 || value[3] != ':') {
          ok = false;
          break;
        }
        std::string_view hh = value.substr(1, 2), mm = value.substr(4, 2);
        const char sign = value[0];
        value.remove_prefix(6);
        int hr = 0, mi = 0;
        ok = getnum(hh, true, hr);
        if (ok) ok = getnum(mm, true, mi);
        // (what failed to read counts as 0, as in Go)
        if (hr > 24) range = "time zone offset hour";
        if (mi > 60) range = "time zone offset minute";
        if (ok && sign != '+' && sign != '-') ok = false;
        break;
      }
    }
    if (!range.empty()) return message_error(": " + range + " out of range");
    if (!ok) return parse_error(c.text, hold);
  }
  if (!value.empty()) return message_error(": extra text: " + go_time_quote(value));
  if (day < 1 || day > days_in(month, year)) return message_error(": day out of range");
  return std::nullopt;
}

std::optional<std::string> go_duration_error(std::string_view s) {
  const std::string invalid = "time: invalid duration " + go_time_quote(s);
  const std::string_view orig = s;
  constexpr std::uint64_t limit = std::uint64_t{1} << 63;
  std::uint64_t d = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::nullopt;
  if (s.empty()) return invalid;
  while (!s.empty()) {
    if (!(s[0] == '.' || digit(s[0]))) return invalid;
    const std::size_t before = s.size();
    std::uint64_t v = 0;
    if (!leading_int(s, v)) return invalid;
    const bool pre = before != s.size();
    bool post = false;
    std::uint64_t f = 0;
    double scale = 1;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      std::size_t i = 0;
      bool overflow = false;
      for (; i < s.size() && digit(s[i]); ++i) {
        if (overflow) continue;
        if (f > (limit - 1) / 10) {
          overflow = true;
          continue;
        }
        std::uint64_t y = f * 10 + static_cast<std::uint64_t>(s[i] - '0');
        if (y > limit) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i > 0;
      s.remove_prefix(i);
    }
    if (!pre && !post) return invalid;
    std::size_t i = 0;
    while (i < s.size() && s[i] != '.' && !digit(s[i])) ++i;
    if (i == 0) return "time: missing unit in duration " + go_time_quote(orig);
    const std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    std::uint64_t unit = 0;
    if (u == "ns") unit = 1;
    else if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") unit = 1000;
    else if (u == "ms") unit = 1000000;
    else if (u == "s") unit = 1000000000ULL;
    else if (u == "m") unit = 60ULL * 1000000000ULL;
    else if (u == "h") unit = 3600ULL * 1000000000ULL;
    else return "time: unknown unit " + go_time_quote(u) + " in duration " + go_time_quote(orig);
    if (v > limit / unit) return invalid;
    v *= unit;
    if (f > 0) {
      v += static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > limit) return invalid;
    }
    d += v;
    if (d > limit) return invalid;
  }
  if (!neg && d > limit - 1) return invalid;
  return std::nullopt;
}

std::optional<std::string> go_quantity_error(std::string_view text) {
  auto q = parse_quantity(text);
  if (q.error) return std::string(q.error);
  return std::nullopt;
}

std::optional<double> go_quantity_value(std::string_view text) {
  auto q = parse_quantity(text);
  if (q.error) return std::nullopt;
  return q.value;
}

}  // namespace ktk::core
