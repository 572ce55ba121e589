// pod_template_hash: kube's FNV-1a 32 and safe alphabet, stable, sensitive to the
// template and the collision count. equal_ignore_hash: templates equal but for that label.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "deployment/util.hpp"
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

// kube's EqualIgnoreHash on copies: drop the hash label, then labels that are null or
// empty, then metadata that is empty; compare what is left.
bool equal_on_stripped_copies(json t1, json t2) {
  auto strip = [](json& t) {
    if (!t.is_object()) return;
    auto md = t.find("metadata");
    if (md == t.end() || !md->is_object()) return;
    auto labels = md->find("labels");
    if (labels != md->end()) {
      if (labels->is_object()) labels->erase("pod-template-hash");
      if (labels->is_null() || (labels->is_object() && labels->empty())) md->erase(labels);
    }
    if (md->empty()) t.erase(md);
  };
  strip(t1);
  strip(t2);
  return t1 == t2;
}

TEST(EqualIgnoreHash, AgreesWithComparingStrippedCopies) {
  const json spec = {{"containers", {{{"name", "c"}, {"image", "nginx"}}}}};
  std::vector<json> templates = {
      json::object(),
      {{"spec", spec}},
      {{"metadata", json::object()}, {"spec", spec}},
      {{"metadata", {{"labels", nullptr}}}, {"spec", spec}},
      {{"metadata", {{"labels", json::object()}}}, {"spec", spec}},
      {{"metadata", {{"labels", {{"pod-template-hash", "abc"}}}}}, {"spec", spec}},
      {{"metadata", {{"labels", {{"pod-template-hash", "xyz"}}}}}, {"spec", spec}},
      {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", spec}},
      {{"metadata", {{"labels", {{"app", "web"}, {"pod-template-hash", "abc"}}}}}, {"spec", spec}},
      {{"metadata", {{"labels", {{"app", "db"}, {"pod-template-hash", "abc"}}}}}, {"spec", spec}},
      {{"metadata", {{"labels", {{"app", "web"}, {"tier", "a"}}}}}, {"spec", spec}},
      {{"metadata", {{"labels", {{"pod-template-hash", "abc"}}}, {"annotations", {{"a", "b"}}}}}, {"spec", spec}},
      {{"metadata", {{"annotations", {{"a", "b"}}}}}, {"spec", spec}},
      {{"metadata", {{"labels", "not a map"}}}, {"spec", spec}},
      {{"metadata", "not a map"}, {"spec", spec}},
      {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", json::array()}}}},
      {{"metadata", {{"labels", {{"app", "web"}}}}}},
      {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", spec}, {"extra", 1}},
      json::array(),
      nullptr,
  };
  for (std::size_t i = 0; i < templates.size(); ++i) {
    for (std::size_t j = 0; j < templates.size(); ++j) {
      EXPECT_EQ(ktk::sim::deployment_detail::equal_ignore_hash(templates[i], templates[j]),
                equal_on_stripped_copies(templates[i], templates[j]))
          << templates[i].dump() << " vs " << templates[j].dump();
    }
  }
  EXPECT_TRUE(ktk::sim::deployment_detail::equal_ignore_hash(templates[8], templates[7])) << "the hash label alone differs";
  EXPECT_FALSE(ktk::sim::deployment_detail::equal_ignore_hash(templates[8], templates[9]));
}

}  // namespace
