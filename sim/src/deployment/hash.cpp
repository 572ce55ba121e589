// pod_template_hash: kube's ComputeHash (FNV-1a 32 over the template, then the
// collisionCount as 4 little-endian bytes) written with rand.SafeEncodeString: the
// decimal digits of the hash, each mapped into an alphabet with no vowels and no
// look-alike characters, so that the suffix never spells a word.
#include "ktk/sim/deployment_controller.hpp"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ktk::sim {
namespace {

constexpr std::uint32_t fnv_offset = 2166136261u;
constexpr std::uint32_t fnv_prime = 16777619u;

void fnv1a(std::uint32_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= fnv_prime;
  }
}

// rand.SafeEncodeString's alphabet.
constexpr std::string_view safe_alphabet = "bcdfghjklmnpqrstvwxz2456789";

}  // namespace

std::string pod_template_hash(const core::json& pod_template, std::optional<std::int32_t> collision_count) {
  std::uint32_t h = fnv_offset;
  // nlohmann keeps object keys sorted, so dump() is canonical.
  fnv1a(h, pod_template.dump());
  if (collision_count) {
    auto c = static_cast<std::uint32_t>(*collision_count);
    std::array<char, 4> le{static_cast<char>(c & 0xff), static_cast<char>((c >> 8) & 0xff),
                           static_cast<char>((c >> 16) & 0xff), static_cast<char>((c >> 24) & 0xff)};
    fnv1a(h, std::string_view(le.data(), le.size()));
  }
  std::string out = std::to_string(h);
  for (auto& ch : out) ch = safe_alphabet[static_cast<unsigned char>(ch) % safe_alphabet.size()];
  return out;
}

}  // namespace ktk::sim
