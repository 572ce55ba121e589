// random_json.hpp — random JSON documents for the reader and writer tests: scalars at
// their edges, strings with escapes, control characters and multi-byte UTF-8, and
// objects and arrays nested a few levels.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktk::testing {

inline nlohmann::json random_json(std::mt19937& rng, int depth = 0) {
  using nlohmann::json;
  std::uniform_int_distribution<int> pick(0, depth > 4 ? 5 : 7);
  switch (pick(rng)) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<std::int64_t>(rng()) - (1LL << 31);
    case 3: return static_cast<std::uint64_t>(rng()) << 32 | rng();
    case 4: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
    case 5: {
      static const std::vector<std::string> pieces = {"a", "b", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", " ",
                                                      "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
      std::string s;
      for (int i = 0, n = static_cast<int>(rng() % 12); i < n; ++i) s += pieces[rng() % pieces.size()];
      return s;
    }
    case 6: {
      json a = json::array();
      for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) a.push_back(random_json(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) o["k" + std::to_string(rng() % 7)] = random_json(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace ktk::testing
