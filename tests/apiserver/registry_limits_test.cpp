// Hostile documents reach the registry whole: they get a 400, not a crash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/registry.hpp"

namespace {

using ktk::core::json;
using ktk::core::object;

const ktk::core::gvr configmaps{"", "v1", "configmaps"};

json nested(int depth) {
  json leaf = "bottom";
  for (int i = 0; i < depth; ++i) leaf = json{{"a", std::move(leaf)}};
  return leaf;
}

TEST(RegistryLimits, DeeplyNestedBodiesAreBadRequests) {
  ktk::apiserver::registry reg;
  object cm("v1", "ConfigMap");
  cm.set_name("deep");
  cm.data()["extra"] = nested(100000);
  auto r = reg.create(configmaps, "default", std::move(cm));
  ASSERT_TRUE(ktk::is_bad_request(r));
  EXPECT_EQ(r.error().message(), "the request body nests deeper than 1000 levels");

  object ok("v1", "ConfigMap");
  ok.set_name("deep");
  ASSERT_TRUE(reg.create(configmaps, "default", std::move(ok)));
  EXPECT_TRUE(ktk::is_bad_request(
      reg.patch(configmaps, {"default", "deep"}, ktk::core::patch_type::merge_patch, {{"extra", nested(5000)}})));
  object upd = *reg.get(configmaps, {"default", "deep"}).value();
  upd.data()["extra"] = nested(2000);
  EXPECT_TRUE(ktk::is_bad_request(reg.update(configmaps, upd.key(), std::move(upd))));
}

TEST(RegistryLimits, ReasonablyNestedBodiesAreFine) {
  ktk::apiserver::registry reg;
  object cm("v1", "ConfigMap");
  cm.set_name("nested");
  cm.data()["extra"] = nested(200);
  EXPECT_TRUE(reg.create(configmaps, "default", std::move(cm)));
}

}  // namespace
