// gtest.hpp: a global environment shared by the tests of a binary, and a fresh
// namespace per test that is gone afterwards.
#include "ktk/envtest/gtest.hpp"

#include <gmock/gmock.h>


namespace ktk::envtest {
namespace {

const core::gvk namespace_kind{"", "v1", "Namespace"};

class GtestHelpers : public namespaced_test {};

TEST_F(GtestHelpers, EachTestGetsAFreshNamespaceThatExists) {
  EXPECT_THAT(ns(), ::testing::StartsWith("test-"));
  EXPECT_LE(ns().size(), 63u);
  EXPECT_TRUE(client().get(namespace_kind, {"", ns()}));
  core::object cm(core::json{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                             {"metadata", {{"name", "c"}, {"namespace", ns()}}}});
  EXPECT_TRUE(client().create(std::move(cm)));
  EXPECT_EQ(global_environment::current(), &env());
}

// The fixture's own steps, driven by hand: two tests in a row get different
// namespaces, and each is gone after its TearDown.
class fixture_steps : public namespaced_test {
 public:
  void TestBody() override {}
  using namespaced_test::ns;
  using namespaced_test::SetUp;
  using namespaced_test::TearDown;
};

TEST(GtestHelpersSteps, NamespacesAreDistinctAndDeletedAfterEachTest) {
  auto& c = global_environment::current()->client();
  fixture_steps first;
  first.SetUp();
  fixture_steps second;
  second.SetUp();
  EXPECT_NE(first.ns(), second.ns());
  EXPECT_TRUE(c.get(namespace_kind, {"", first.ns()}));
  first.TearDown();
  second.TearDown();
  EXPECT_FALSE(c.get(namespace_kind, {"", first.ns()})) << "ktk's server removes an empty namespace at once";
  EXPECT_FALSE(c.get(namespace_kind, {"", second.ns()}));
}

}  // namespace
}  // namespace ktk::envtest

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ktk::envtest::global_environment());
  return RUN_ALL_TESTS();
}
