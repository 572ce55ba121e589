// quantity.hpp — resource.Quantity strings ("500m", "2", "128Mi", "1e3") as integers.
//
// The scheduler compares requests with allocatable in two units: millis (cpu) and
// whole units rounded up (memory bytes, pod counts), as Quantity.MilliValue() and
// Quantity.Value() do. Exact decimal arithmetic on the digits, no floating point, so
// "0.1" is 100 millis and not 101; values past int64 saturate.
//
//   auto q = ktk::sim::detail::parse_quantity("1.5Gi");
//   q->value();        // 1610612736
//   parse_quantity("250m")->milli_value();   // 250
//
// Plain values and functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ktk::sim::detail {

// A parsed quantity: sign * mantissa * 10^exp10 * 1024^exp1024.
class quantity {
 public:
  quantity() = default;
  quantity(bool negative, std::int64_t mantissa, int exp10, int exp1024)
      : negative_(negative), mantissa_(mantissa), exp10_(exp10), exp1024_(exp1024) {}

  // In thousandths, rounded up (away from zero for negatives, as kube does).
  std::int64_t milli_value() const { return scaled(3); }
  // In whole units, rounded up.
  std::int64_t value() const { return scaled(0); }
  bool is_zero() const { return mantissa_ == 0; }

 private:
  std::int64_t scaled(int extra_exp10) const;

  bool negative_ = false;
  std::int64_t mantissa_ = 0;
  int exp10_ = 0;
  int exp1024_ = 0;
};

// Parses the Quantity grammar: an optional sign, digits with an optional fraction,
// then a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal one (n u m "" k M G T P E), or a
// decimal exponent (e3, E-2). nullopt for anything else.
std::optional<quantity> parse_quantity(std::string_view s);

// Shorthands for a JSON-less caller: 0 when s does not parse.
std::int64_t parse_milli(std::string_view s);
std::int64_t parse_value(std::string_view s);

}  // namespace ktk::sim::detail
