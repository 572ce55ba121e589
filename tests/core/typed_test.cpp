// Tests for ktk::core typed objects: a user struct with static api_version/kind and
// nlohmann conversions becomes an object and back.
#include "ktk/core/typed.hpp"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using ktk::core::json;

struct at_spec {
  std::string schedule;
  std::string command;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(at_spec, schedule, command)
};

struct at_status {
  std::string phase;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(at_status, phase)
};

struct at {
  static constexpr std::string_view api_version = "cnat.programming-kubernetes.info/v1alpha1";
  static constexpr std::string_view kind = "At";
  json metadata = json::object();
  at_spec spec;
  at_status status;
  NLOHMANN_DEFINE_TYPE_INTRUSIVE(at, metadata, spec, status)
};

struct untyped {
  int x = 0;
};

static_assert(ktk::core::kind_typed<at>);
static_assert(!ktk::core::kind_typed<untyped>);

at sample() {
  at a;
  a.metadata = {{"name", "example-at"}, {"namespace", "default"}};
  a.spec = {"2024-01-01T10:00:00Z", "echo hi"};
  a.status = {"PENDING"};
  return a;
}

TEST(Typed, KindOf) {
  EXPECT_EQ(ktk::core::kind_of<at>(), (ktk::core::gvk{"cnat.programming-kubernetes.info", "v1alpha1", "At"}));
}

TEST(Typed, ToObjectSetsApiVersionAndKind) {
  auto o = ktk::core::to_object(sample());
  EXPECT_EQ(o.api_version(), "cnat.programming-kubernetes.info/v1alpha1");
  EXPECT_EQ(o.kind(), "At");
  EXPECT_EQ(o.name(), "example-at");
  EXPECT_EQ(o.namespace_(), "default");
  ASSERT_NE(o.at_path("spec.schedule"), nullptr);
  EXPECT_EQ(*o.at_path("spec.schedule"), "2024-01-01T10:00:00Z");
  EXPECT_EQ(*o.at_path("status.phase"), "PENDING");
}

TEST(Typed, FromObjectRoundTrip) {
  auto o = ktk::core::to_object(sample());
  o.set_resource_version("7");  // edits made through the object survive the trip
  at back = ktk::core::from_object<at>(o);
  EXPECT_EQ(back.spec.schedule, "2024-01-01T10:00:00Z");
  EXPECT_EQ(back.spec.command, "echo hi");
  EXPECT_EQ(back.status.phase, "PENDING");
  EXPECT_EQ(back.metadata["resourceVersion"], "7");
  EXPECT_EQ(ktk::core::to_object(back), o);
}

TEST(Typed, FromObjectOfTheWrongShapeThrows) {
  ktk::core::object o(json{{"apiVersion", "v1"}, {"kind", "At"}, {"spec", "not an object"}});
  EXPECT_THROW((void)ktk::core::from_object<at>(o), json::exception);
}

}  // namespace
