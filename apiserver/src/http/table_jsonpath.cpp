// table_jsonpath.cpp — parsing and evaluating printer-column JSONPaths.
#include "http/table_jsonpath.hpp"

#include <cctype>
#include <charconv>

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;

// client-go jsonpath's isTerminator.
bool terminator(char c) {
  switch (c) {
    case ' ': case '\t': case '\r': case '\n':
    case '.': case ',': case '[': case ']': case '$': case '@': case '{': case '}':
      return true;
    default:
      return false;
  }
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// The inside of `[...]`; false on a syntax error.
bool parse_bracket(std::string_view in, jsonpath& out) {
  using k = jsonpath_step::kind;
  while (!in.empty() && in.front() == ' ') in.remove_prefix(1);
  if (!in.empty() && (in.front() == '\'' || in.front() == '"')) {
    auto close = in.find(in.front(), 1);
    if (close == std::string_view::npos) return false;
    auto rest = in.substr(close + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (!rest.empty()) {
      out.steps.push_back({k::unsupported, {}, {}, {}});  // a union of keys
      return true;
    }
    out.steps.push_back({k::field, std::string(in.substr(1, close - 1)), {}, {}});
    return true;
  }
  if (in == "*") {
    out.steps.push_back({k::wildcard, {}, {}, {}});
    return true;
  }
  if (!in.empty() && in.front() == '?') {
    out.steps.push_back({k::unsupported, {}, {}, {}});  // a filter
    return true;
  }
  if (in.find(',') != std::string_view::npos) {
    out.steps.push_back({k::unsupported, {}, {}, {}});  // a union
    return true;
  }
  // [n], [a:b], [a:b:step]
  std::string_view parts[3];
  int n = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= in.size(); ++i) {
    if (i == in.size() || in[i] == ':') {
      if (n == 3) return false;
      parts[n++] = in.substr(start, i - start);
      start = i + 1;
    }
  }
  jsonpath_step step{k::slice, {}, {}, {}};
  const auto blank = [](std::string_view s) { return s.find_first_not_of(' ') == std::string_view::npos; };
  if (!blank(parts[0])) {
    step.from = parse_int(parts[0]);
    if (!step.from) return false;
  }
  if (n == 1) {
    if (!step.from) return false;  // "[]"
    // [n] is [n:n+1]; [-1] is [-1:], since an end of 0 derived from an index means "to the end".
    if (*step.from != -1) step.to = *step.from + 1;
  } else if (!blank(parts[1])) {
    step.to = parse_int(parts[1]);
    if (!step.to) return false;
  }
  if (n == 3 && !blank(parts[2])) {
    auto s = parse_int(parts[2]);
    if (!s) return false;
    if (*s != 1) step.k = k::unsupported;
  }
  out.steps.push_back(step);
  return true;
}

}  // namespace

std::optional<jsonpath> parse_jsonpath(std::string_view p) {
  using k = jsonpath_step::kind;
  jsonpath out;
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (c == ' ' || c == '$' || c == '@') {
      ++i;
    } else if (c == '.') {
      ++i;
      if (i < p.size() && p[i] == '.') {
        out.steps.push_back({k::unsupported, {}, {}, {}});  // recursive descent
        continue;
      }
      std::string name;
      while (i < p.size() && !terminator(p[i])) {
        if (p[i] == '\\' && i + 1 < p.size()) ++i;
        name += p[i++];
      }
      if (name == "*") {
        out.steps.push_back({k::wildcard, {}, {}, {}});
      } else if (!name.empty()) {
        out.steps.push_back({k::field, name, {}, {}});
      }
    } else if (c == '[') {
      // The matching ']' outside quotes and parentheses.
      std::size_t j = i + 1;
      char quote = 0;
      int parens = 0;
      for (; j < p.size(); ++j) {
        if (quote != 0) {
          if (p[j] == quote) quote = 0;
        } else if (p[j] == '\'' || p[j] == '"') {
          quote = p[j];
        } else if (p[j] == '(') {
          ++parens;
        } else if (p[j] == ')') {
          --parens;
        } else if (p[j] == ']' && parens <= 0) {
          break;
        }
      }
      if (j >= p.size()) return std::nullopt;
      if (!parse_bracket(p.substr(i + 1, j - i - 1), out)) return std::nullopt;
      i = j + 1;
    } else if (c == '\'' || c == '"') {
      auto close = p.find(c, i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      out.steps.push_back({k::unsupported, {}, {}, {}});  // a text literal
      i = close + 1;
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '+' || c == '-') {
      while (i < p.size() && !terminator(p[i])) ++i;
      out.steps.push_back({k::unsupported, {}, {}, {}});  // an identifier or a number
    } else {
      return std::nullopt;  // "unrecognized character in action", or a stray ']'
    }
  }
  return out;
}

const json* first_result(const jsonpath& p, const json& root) {
  using k = jsonpath_step::kind;
  std::vector<const json*> cur{&root};
  for (const auto& step : p.steps) {
    std::vector<const json*> next;
    for (const json* v : cur) {
      switch (step.k) {
        case k::unsupported:
          return nullptr;
        case k::field:
          if (v->is_object()) {
            if (auto it = v->find(step.name); it != v->end()) next.push_back(&*it);
          }
          break;
        case k::wildcard:
          if (v->is_object() || v->is_array()) {
            for (const auto& x : *v) next.push_back(&x);
          }
          break;
        case k::slice: {
          if (v->is_null()) break;
          if (!v->is_array()) return nullptr;  // "is not array or slice"
          const auto len = static_cast<std::int64_t>(v->size());
          std::int64_t from = step.from.value_or(0);
          std::int64_t to = step.to.value_or(len);
          if (from < 0) from += len;
          if (to < 0) to += len;
          if (from != to && (from >= len || from < 0)) return nullptr;  // index out of bounds
          if (to > len) to = len;
          for (std::int64_t n = from; n < to; ++n) next.push_back(&(*v)[static_cast<std::size_t>(n)]);
          break;
        }
      }
    }
    cur = std::move(next);
    if (cur.empty()) return nullptr;
  }
  return cur.empty() ? nullptr : cur.front();
}

}  // namespace ktk::apiserver::http::table::detail
