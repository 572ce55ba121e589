// load_options.cpp — parsing `ktk load`'s flags.
#include "load_options.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <cstdlib>

#include "args.hpp"

namespace ktk::cli {

const char* const load_usage =
    "usage: ktk load --count N | --duration D  [--resource R] [--rate OPS] [--size BYTES]\n"
    "                [--keys N] [--namespaces N] [--mix create=60,update=30,delete=10]\n"
    "                [--workers N] [--kubeconfig FILE [--context NAME]] [--crds PATH]...\n"
    "                [--json] [--keep] [--seed N] [--allow-remote]\n"
    "\n"
    "Creates, updates and deletes objects of one resource (configmaps, deployments.apps,\n"
    "widgets.example.com, group/version/resource) at a target rate; prints the achieved\n"
    "rate and latency percentiles each second (stderr) and at the end (stdout).\n"
    "Without --kubeconfig it starts an embedded server in this process. A server that is\n"
    "not on a loopback address is refused unless --allow-remote is given. A create of an\n"
    "existing key counts as 409, an update or delete of a missing one as 404. Objects the\n"
    "run made are deleted at the end unless --keep. SIGINT ends the run early.\n"
    "Exit: 0 done, 1 the server failed (unreachable, no answer, 5xx), 2 usage.\n";

namespace {

}  // namespace

op_mix parse_mix(std::string_view s) {
  op_mix m{0, 0, 0};
  bool seen[3] = {false, false, false};
  while (!s.empty()) {
    const auto comma = s.find(',');
    const std::string_view part = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) throw usage_error("--mix: \"" + std::string(part) + "\" is not VERB=WEIGHT");
    const std::string verb(part.substr(0, eq));
    const unsigned w = static_cast<unsigned>(parse_number("mix " + verb, std::string(part.substr(eq + 1)), 0, 1000000));
    int i = verb == "create" ? 0 : verb == "update" ? 1 : verb == "delete" ? 2 : -1;
    if (i < 0) throw usage_error("--mix: unknown verb \"" + verb + "\" (create, update, delete)");
    if (seen[i]) throw usage_error("--mix: " + verb + " given twice");
    seen[i] = true;
    (i == 0 ? m.create : i == 1 ? m.update : m.remove) = w;
  }
  if (m.create + m.update + m.remove == 0) throw usage_error("--mix: the weights add up to 0");
  return m;
}

std::chrono::milliseconds parse_go_duration(std::string_view flag, std::string_view value) {
  auto bad = [&](const char* why) {
    return usage_error("--" + std::string(flag) + ": \"" + std::string(value) + "\": " + why);
  };
  std::string_view s = value;
  if (s.empty()) throw bad("empty duration");
  bool bare = true;
  for (char c : s) bare = bare && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
  double total_ms = 0;
  while (!s.empty()) {
    std::size_t n = 0;
    while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
    const std::string number(s.substr(0, n));
    if (number.empty() || number == "." || number.find('.') != number.rfind('.')) throw bad("expected a number");
    const double v = std::strtod(number.c_str(), nullptr);
    s.remove_prefix(n);
    if (bare) {
      total_ms += v * 1000;
      break;
    }
    static constexpr std::pair<std::string_view, double> units[] = {
        {"ns", 1e-6}, {"us", 1e-3}, {"ms", 1.0}, {"s", 1e3}, {"m", 60e3}, {"h", 3600e3}};
    double unit = 0;
    for (const auto& [name, ms] : units) {
      if (s.substr(0, name.size()) == name) {
        unit = ms;
        s.remove_prefix(name.size());
        break;
      }
    }
    if (unit == 0) throw bad("missing or unknown unit (ns, us, ms, s, m, h)");
    total_ms += v * unit;
  }
  if (total_ms > 1e12) throw bad("duration out of range");
  return std::chrono::milliseconds(static_cast<std::int64_t>(total_ms));
}

bool is_loopback_url(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  std::string host;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(rest.substr(1, close - 1));
  } else {
    host = std::string(rest.substr(0, rest.find(':')));
  }
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

load_options parse_load_options(const std::vector<std::string>& argv) {
  args a(argv,
         {"resource", "kubeconfig", "context", "crds", "rate", "duration", "count", "size", "keys", "namespaces", "mix",
          "workers", "seed"},
         {"json", "allow-remote", "keep", "help"});
  load_options o;
  if (auto v = a.value("resource")) o.resource = *v;
  if (auto v = a.value("kubeconfig")) o.kubeconfig = *v;
  if (auto v = a.value("context")) o.context = *v;
  o.crds = a.values("crds");
  if (!o.crds.empty() && !o.kubeconfig.empty()) throw usage_error("--crds is for the embedded server only");
  if (!o.context.empty() && o.kubeconfig.empty()) throw usage_error("--context needs --kubeconfig");
  if (auto v = a.value("rate")) {
    char* end = nullptr;
    o.rate = std::strtod(v->c_str(), &end);
    if (v->empty() || end != v->c_str() + v->size() || !(o.rate >= 0) || o.rate > 1e7) {
      throw usage_error("--rate: \"" + *v + "\" is not a rate between 0 and 1e7 ops/s");
    }
  }
  if (auto v = a.value("duration")) {
    o.duration = parse_go_duration("duration", *v);
    if (o.duration->count() <= 0) throw usage_error("--duration must be positive");
  }
  if (auto v = a.value("count")) o.count = parse_number("count", *v, 1, 1'000'000'000'000ULL);
  if (!o.count && !o.duration) throw usage_error("an unbounded run: give --count N or --duration D (or both)");
  if (auto v = a.value("size")) o.size = parse_number("size", *v, 0, 1024 * 1024);
  if (auto v = a.value("keys")) o.keys = parse_number("keys", *v, 1, 10'000'000);
  if (auto v = a.value("namespaces")) o.namespaces = parse_number("namespaces", *v, 1, 10'000);
  if (auto v = a.value("mix")) o.mix = parse_mix(*v);
  if (auto v = a.value("workers")) o.workers = parse_number("workers", *v, 1, 1024);
  if (auto v = a.value("seed")) o.seed = parse_number("seed", *v, 0, UINT64_MAX);
  o.json = a.has("json");
  o.allow_remote = a.has("allow-remote");
  o.keep = a.has("keep");
  return o;
}

}  // namespace ktk::cli
