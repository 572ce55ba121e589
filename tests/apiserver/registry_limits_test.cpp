// Hostile documents and names reach the registry whole: they get a 400, not a crash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

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

// A name that cannot be a key's path segment is refused on every verb that takes one,
// with the generic store's words, before the object is looked for.
TEST(RegistryLimits, NamesThatCannotBePathSegmentsAreBadRequests) {
  ktk::apiserver::registry reg;
  const ktk::core::gvr pods{"", "v1", "pods"};
  for (const auto& [name, why] : std::vector<std::pair<std::string, std::string>>{
           {"..", "may not be '..'"}, {".", "may not be '.'"}, {"a%b", "may not contain '%'"},
           {"a/b", "may not contain '/'"}, {"a/%", "may not contain '/';may not contain '%'"}}) {
    SCOPED_TRACE(name);
    const std::string want = "Name parameter invalid: \"" + name + "\": " + why;
    const ktk::core::object_key key{"default", name};
    auto got = reg.get(configmaps, key);
    ASSERT_TRUE(ktk::is_bad_request(got));
    EXPECT_EQ(got.error().message(), want);
    object cm("v1", "ConfigMap");
    cm.set_name(name);
    cm.set_namespace("default");
    auto upd = reg.update(configmaps, key, std::move(cm));
    ASSERT_TRUE(ktk::is_bad_request(upd));
    EXPECT_EQ(upd.error().message(), want);
    auto patched = reg.patch(configmaps, key, ktk::core::patch_type::merge_patch, json::object());
    ASSERT_TRUE(ktk::is_bad_request(patched));
    EXPECT_EQ(patched.error().message(), want);
    auto removed = reg.remove(configmaps, key);
    ASSERT_TRUE(ktk::is_bad_request(removed));
    EXPECT_EQ(removed.error().message(), want);
    object binding("v1", "Binding");
    binding.set_name(name);
    binding.data()["target"] = {{"kind", "Node"}, {"name", "n"}};
    auto bound = reg.bind(key, std::move(binding));
    ASSERT_TRUE(ktk::is_bad_request(bound));
    EXPECT_EQ(bound.error().message(), want);
    auto status = reg.get(pods, key, {}, "status");
    ASSERT_TRUE(ktk::is_bad_request(status));
  }
  // Names with other odd characters are names nobody has.
  EXPECT_TRUE(ktk::is_not_found(reg.get(configmaps, {"default", "a:b"})));
  EXPECT_TRUE(ktk::is_not_found(reg.get(configmaps, {"default", "a..b"})));
}

}  // namespace
