#include "scheduler/quantity.hpp"

#include <cctype>
#include <limits>

namespace ktk::sim::detail {
namespace {

constexpr std::int64_t max_i64 = std::numeric_limits<std::int64_t>::max();
constexpr int max_digits = 18;  // a mantissa of 18 digits always fits in int64

std::int64_t mul_sat(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return 0;
  if (a > max_i64 / b) return max_i64;
  return a * b;
}

struct suffix {
  std::string_view text;
  int exp10;
  int exp1024;
};

constexpr suffix suffixes[] = {
    {"Ki", 0, 1}, {"Mi", 0, 2}, {"Gi", 0, 3}, {"Ti", 0, 4}, {"Pi", 0, 5}, {"Ei", 0, 6},
    {"n", -9, 0}, {"u", -6, 0}, {"m", -3, 0}, {"", 0, 0},   {"k", 3, 0},  {"M", 6, 0},
    {"G", 9, 0},  {"T", 12, 0}, {"P", 15, 0}, {"E", 18, 0},
};

// "e3", "E-2", "e+4": a decimal exponent.
std::optional<int> parse_exponent(std::string_view s) {
  if (s.size() < 2 || (s[0] != 'e' && s[0] != 'E')) return std::nullopt;
  std::size_t i = 1;
  bool neg = false;
  if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  int v = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    if (v > 1000) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return neg ? -v : v;
}

}  // namespace

std::int64_t quantity::scaled(int extra_exp10) const {
  std::int64_t v = mantissa_;
  for (int i = 0; i < exp1024_; ++i) v = mul_sat(v, 1024);
  int t = exp10_ + extra_exp10;
  if (t >= 0) {
    for (int i = 0; i < t && v != max_i64; ++i) v = mul_sat(v, 10);
  } else if (v != max_i64) {
    if (-t > max_digits) {
      v = v > 0 ? 1 : 0;
    } else {
      std::int64_t d = 1;
      for (int i = 0; i < -t; ++i) d *= 10;
      v = v / d + (v % d != 0 ? 1 : 0);
    }
  }
  return negative_ ? -v : v;
}

std::optional<quantity> parse_quantity(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::int64_t mantissa = 0;
  int digits = 0, exp10 = 0;
  bool any = false, seen_nonzero = false;
  auto take = [&](char c, bool fraction) {
    any = true;
    if (c != '0') seen_nonzero = true;
    if (!seen_nonzero) {  // leading zeros carry no precision
      if (fraction) --exp10;
      return;
    }
    if (digits < max_digits) {
      mantissa = mantissa * 10 + (c - '0');
      ++digits;
      if (fraction) --exp10;
    } else if (!fraction) {
      ++exp10;  // past 18 digits: keep the magnitude, drop the precision
    }
  };
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) take(s[i], false);
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) take(s[i], true);
  }
  if (!any) return std::nullopt;
  std::string_view rest = s.substr(i);
  if (auto e = parse_exponent(rest)) return quantity(negative, mantissa, exp10 + *e, 0);
  for (const auto& sf : suffixes) {
    if (rest == sf.text) return quantity(negative, mantissa, exp10 + sf.exp10, sf.exp1024);
  }
  return std::nullopt;
}

std::int64_t parse_milli(std::string_view s) {
  auto q = parse_quantity(s);
  return q ? q->milli_value() : 0;
}

std::int64_t parse_value(std::string_view s) {
  auto q = parse_quantity(s);
  return q ? q->value() : 0;
}

}  // namespace ktk::sim::detail
