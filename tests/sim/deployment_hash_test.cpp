// pod_template_hash: kube's FNV-1a 32 and safe alphabet, stable, sensitive to the
// template and the collision count.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/sim/deployment_controller.hpp"

namespace {

using ktk::core::json;

json web_template(const std::string& image = "nginx:1.25") {
  return json{{"metadata", {{"labels", {{"app", "web"}}}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}};
}

TEST(PodTemplateHash, KnownValues) {
  // FNV-1a 32 of the canonical JSON, its decimal digits mapped to "bcdfghjklmnpqrstvwxz2456789".
  EXPECT_EQ(ktk::sim::pod_template_hash(web_template()), "5bdcdff586");
  EXPECT_EQ(ktk::sim::pod_template_hash(web_template(), 0), "7b4cfdcd58");
  EXPECT_EQ(ktk::sim::pod_template_hash(web_template(), 1), "b9d4fc96c");
  EXPECT_EQ(ktk::sim::pod_template_hash(json::object()), "5859f96865");
}

TEST(PodTemplateHash, StableAndIndependentOfKeyOrder) {
  json a = web_template();
  json b = json::parse(R"({"spec":{"containers":[{"image":"nginx:1.25","name":"c"}]},"metadata":{"labels":{"app":"web"}}})");
  EXPECT_EQ(ktk::sim::pod_template_hash(a), ktk::sim::pod_template_hash(a));
  EXPECT_EQ(ktk::sim::pod_template_hash(a), ktk::sim::pod_template_hash(b));
}

TEST(PodTemplateHash, ChangesWithTheTemplateAndTheCollisionCount) {
  auto base = ktk::sim::pod_template_hash(web_template());
  EXPECT_NE(base, ktk::sim::pod_template_hash(web_template("nginx:1.26")));
  json labelled = web_template();
  labelled["metadata"]["labels"]["tier"] = "fe";
  EXPECT_NE(base, ktk::sim::pod_template_hash(labelled));
  EXPECT_NE(base, ktk::sim::pod_template_hash(web_template(), 0));  // a count of 0 still hashes its bytes
  EXPECT_NE(ktk::sim::pod_template_hash(web_template(), 1), ktk::sim::pod_template_hash(web_template(), 2));
}

TEST(PodTemplateHash, UsesOnlyTheSafeAlphabet) {
  const std::string safe = "bcdfghjklmnpqrstvwxz2456789";
  for (int i = 0; i < 200; ++i) {
    auto h = ktk::sim::pod_template_hash(web_template("nginx:" + std::to_string(i)), i % 3 ? std::optional<int>(i) : std::nullopt);
    ASSERT_FALSE(h.empty());
    ASSERT_LE(h.size(), 10u);  // the digits of a 32-bit number
    for (char c : h) ASSERT_NE(safe.find(c), std::string::npos) << h;
  }
}

}  // namespace
