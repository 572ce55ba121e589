#include "checks.hpp"

#include <cctype>

namespace ktk::apiserver::detail {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

constexpr std::string_view dns1123_label_fmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view dns1123_subdomain_fmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view label_key_fmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view label_key_msg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_label_key_name(std::string_view s) {
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// Config keys and env var names may not be "." or "..", nor start with "..".
void check_dot_segments(std::string_view s, messages& errs) {
  if (s == ".") {
    errs.emplace_back("must not be '.'");
  } else if (s == "..") {
    errs.emplace_back("must not be '..'");
  } else if (s.starts_with("..")) {
    errs.emplace_back("must not start with '..'");
  }
}

}  // namespace

std::string max_len_error(int n) { return "must be no more than " + std::to_string(n) + " characters"; }

std::string inclusive_range_error(long long lo, long long hi) {
  return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", inclusive";
}

std::string regex_error(std::string_view msg, std::string_view re, const std::vector<std::string>& examples) {
  std::string out(msg);
  if (examples.empty()) return out + " (regex used for validation is '" + std::string(re) + "')";
  out += " (e.g. ";
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (i > 0) out += " or ";
    out += "'" + examples[i] + "', ";
  }
  return out + "regex used for validation is '" + std::string(re) + "')";
}

bool is_dns1123_label_text(std::string_view s) {
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  for (char c : s)
    if (!lower_alnum(c) && c != '-') return false;
  return true;
}

bool is_dns1123_subdomain_text(std::string_view s) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    if (!is_dns1123_label_text(s.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

messages dns1123_label(std::string_view s) {
  messages errs;
  if (s.size() > 63) errs.push_back(max_len_error(63));
  if (!is_dns1123_label_text(s)) {
    if (is_dns1123_subdomain_text(s)) {
      errs.emplace_back("must not contain dots");
    } else {
      errs.push_back(regex_error(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
          "start and end with an alphanumeric character",
          dns1123_label_fmt, {"my-name", "123-abc"}));
    }
  }
  return errs;
}

messages dns1123_subdomain(std::string_view s) {
  messages errs;
  if (s.size() > 253) errs.push_back(max_len_error(253));
  if (!is_dns1123_subdomain_text(s)) {
    errs.push_back(regex_error(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
        "must start and end with an alphanumeric character",
        dns1123_subdomain_fmt, {"example.com"}));
  }
  return errs;
}

messages dns1035_label(std::string_view s) {
  messages errs;
  if (s.size() > 63) errs.push_back(max_len_error(63));
  bool ok = is_dns1123_label_text(s) && s.front() >= 'a' && s.front() <= 'z';
  if (!ok) {
    errs.push_back(regex_error(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
        "alphabetic character, and end with an alphanumeric character",
        "[a-z]([-a-z0-9]*[a-z0-9])?", {"my-name", "abc-123"}));
  }
  return errs;
}

messages qualified_name(std::string_view s) {
  messages errs;
  std::string_view name = s;
  auto slash = s.find('/');
  if (slash != std::string_view::npos) {
    if (s.find('/', slash + 1) != std::string_view::npos) {
      errs.push_back("a valid label key " +
                     regex_error(label_key_msg, label_key_fmt,
                                 {"MyName", "my.name", "123-abc"}) +
                     " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errs;
    }
    auto prefix = s.substr(0, slash);
    name = s.substr(slash + 1);
    if (prefix.empty()) {
      errs.emplace_back("prefix part must be non-empty");
    } else {
      for (auto& m : dns1123_subdomain(prefix)) errs.push_back("prefix part " + m);
    }
  }
  if (name.empty()) {
    errs.emplace_back("name part must be non-empty");
  } else if (name.size() > 63) {
    errs.push_back("name part " + max_len_error(63));
  }
  if (!is_label_key_name(name)) {
    errs.push_back("name part " + regex_error(label_key_msg, label_key_fmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

messages label_value(std::string_view s) {
  messages errs;
  if (s.size() > 63) errs.push_back(max_len_error(63));
  if (!s.empty() && !is_label_key_name(s)) {
    errs.push_back(regex_error(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
        "must start and end with an alphanumeric character",
        "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

messages config_map_key(std::string_view s) {
  messages errs;
  if (s.size() > 253) errs.push_back(max_len_error(253));
  bool ok = !s.empty();
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') ok = false;
  if (!ok) {
    errs.push_back(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                               "[-._a-zA-Z0-9]+", {"key.name", "KEY_NAME", "key-name"}));
  }
  check_dot_segments(s, errs);
  return errs;
}

messages port_name(std::string_view s) {
  messages errs;
  if (s.size() > 15) errs.push_back(max_len_error(15));
  bool charset = !s.empty(), letter = false;
  for (char c : s) {
    if (!lower_alnum(c) && c != '-') charset = false;
    if (c >= 'a' && c <= 'z') letter = true;
  }
  if (!charset) errs.emplace_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!letter) errs.emplace_back("must contain at least one letter (a-z)");
  if (s.find("--") != std::string_view::npos) errs.emplace_back("must not contain consecutive hyphens");
  if (!s.empty() && (s.front() == '-' || s.back() == '-')) errs.emplace_back("must not begin or end with a hyphen");
  return errs;
}

messages env_var_name(std::string_view s) {
  messages errs;
  bool ok = !s.empty() && !std::isdigit(static_cast<unsigned char>(s.front()));
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') ok = false;
  if (!ok) {
    errs.push_back(regex_error(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
        "and must not start with a digit",
        "[-._a-zA-Z][-._a-zA-Z0-9]*", {"my.env-name", "MY_ENV.NAME", "MyEnvName1"}));
  }
  check_dot_segments(s, errs);
  return errs;
}

messages port_number(long long p) {
  if (p >= 1 && p <= 65535) return {};
  return {inclusive_range_error(1, 65535)};
}

messages path_segment_name(std::string_view s) {
  if (s.empty()) return {"must be non-empty"};
  if (s == "." || s == "..") return {"may not be '" + std::string(s) + "'"};
  messages errs;
  if (s.find('/') != std::string_view::npos) errs.emplace_back("may not contain '/'");
  if (s.find('%') != std::string_view::npos) errs.emplace_back("may not contain '%'");
  return errs;
}

}  // namespace ktk::apiserver::detail
