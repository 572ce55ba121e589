// load_options.hpp — the flags of `ktk load`, parsed and checked.
//
// Main types: load_options (what to do, how fast, for how long), op_mix (the share of
// each verb). parse_load_options throws usage_error for anything wrong, so that main
// exits 2 with the message.
//
//   auto o = ktk::cli::parse_load_options({"--resource", "configmaps", "--count", "100"});
//   o.mix.create;                                     // 60 (of create+update+delete)
//   ktk::cli::is_loopback_url("https://10.0.0.1:6443");   // false
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktk::cli {

// Relative weights of the verbs; their sum is > 0.
struct op_mix {
  unsigned create = 60;
  unsigned update = 30;
  unsigned remove = 10;
};

struct load_options {
  std::string resource = "configmaps";
  std::string kubeconfig;  // "" = an embedded server started in this process
  std::string context;
  std::vector<std::string> crds;  // embedded mode only
  double rate = 0;                // ops/s for all workers together; 0 = as fast as possible
  std::optional<std::chrono::milliseconds> duration;
  std::optional<std::uint64_t> count;
  std::size_t size = 256;  // payload bytes per object
  std::size_t keys = 100;
  std::size_t namespaces = 1;
  op_mix mix;
  std::size_t workers = 4;
  bool json = false;
  bool allow_remote = false;
  bool keep = false;
  std::uint64_t seed = 1;
};

// Throws usage_error (args.hpp) naming the flag. At least one of --count, --duration.
load_options parse_load_options(const std::vector<std::string>& argv);

// "create=60,update=30,delete=10"; verbs left out weigh 0. Throws usage_error.
op_mix parse_mix(std::string_view s);

// Go's time.ParseDuration subset: "1.5s", "2m30s", "500ms"; a bare number is seconds.
// Throws usage_error naming `flag`.
std::chrono::milliseconds parse_go_duration(std::string_view flag, std::string_view s);

// Whether the host of `url` (scheme://host[:port][/path]) is 127.0.0.0/8, ::1 or
// localhost.
bool is_loopback_url(std::string_view url);

extern const char* const load_usage;

}  // namespace ktk::cli
