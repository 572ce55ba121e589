// args.cpp — command-line parsing.
#include "args.hpp"

namespace ktk::cli {

args::args(const std::vector<std::string>& argv, std::set<std::string> valued, std::set<std::string> switches,
           bool positionals) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (!a.starts_with("--")) {
      if (!positionals) throw usage_error("unexpected argument \"" + a + "\"");
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches.contains(name)) {
      if (inline_value && *inline_value != "true") {
        if (*inline_value == "false") continue;
        throw usage_error("--" + name + " takes no value");
      }
      switches_on_.insert(name);
    } else if (valued.contains(name)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) throw usage_error("--" + name + " needs a value");
        inline_value = argv[++i];
      }
      values_[name].push_back(*inline_value);
    } else {
      throw usage_error("unknown flag --" + name);
    }
  }
}

std::optional<std::string> args::value(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> args::values(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool args::has(const std::string& flag) const { return switches_on_.contains(flag) || values_.contains(flag); }

std::uint64_t parse_number(const std::string& flag, const std::string& v, std::uint64_t min, std::uint64_t max) {
  std::size_t pos = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(v, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (v.empty() || v[0] == '-' || pos != v.size() || n < min || n > max) {
    throw usage_error("--" + flag + ": \"" + v + "\" is not a number between " + std::to_string(min) + " and " +
                      std::to_string(max));
  }
  return n;
}

}  // namespace ktk::cli
