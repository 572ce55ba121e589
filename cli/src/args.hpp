// args.hpp — a small command-line parser: `--flag VALUE`, `--flag=VALUE`, switches,
// repeatable flags, and a clear error for anything unknown.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ktk::cli {

class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class args {
 public:
  // `valued` flags take a value, `switches` do not. Throws usage_error on an unknown
  // flag, a missing value, or a positional argument when `positionals` is false.
  args(const std::vector<std::string>& argv, std::set<std::string> valued, std::set<std::string> switches,
       bool positionals = false);

  std::optional<std::string> value(const std::string& flag) const;  // the last one given
  std::vector<std::string> values(const std::string& flag) const;   // every one, in order
  bool has(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> switches_on_;
  std::vector<std::string> positional_;
};

// The decimal value of flag --`flag`, between `min` and `max`; usage_error otherwise
// ("--port: \"x\" is not a number between 0 and 65535").
std::uint64_t parse_number(const std::string& flag, const std::string& v, std::uint64_t min, std::uint64_t max);

}  // namespace ktk::cli
