// Table printers of admissionregistration.k8s.io: webhook configurations print
// Name, Webhooks (the count) and Age, as kube's printers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "table_test_util.hpp"

namespace ktk::apiserver::http::table {
namespace {

using ::testing::ElementsAre;
using namespace testing;

json configuration(const std::string& kind, json webhooks) {
  json o = {{"apiVersion", "admissionregistration.k8s.io/v1"},
            {"kind", kind},
            {"metadata", {{"name", "hooks"}, {"creationTimestamp", "2024-01-01T11:58:00Z"}}}};
  if (!webhooks.is_null()) o["webhooks"] = std::move(webhooks);
  return o;
}

TEST(TableAdmission, ValidatingWebhookConfigurationsCountWebhooks) {
  json t = table_of("validatingwebhookconfigurations",
                    configuration("ValidatingWebhookConfiguration", json::array({{{"name", "a.x.io"}}, {{"name", "b.x.io"}}})));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Webhooks", "Age"));
  EXPECT_EQ(t["columnDefinitions"][1]["type"], "integer");
  EXPECT_EQ(t["columnDefinitions"][1]["description"],
            "Webhooks indicates the number of webhooks registered in this configuration");
  EXPECT_EQ(t["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(cells(t), json::array({"hooks", 2, "2m"}));
}

TEST(TableAdmission, MutatingWebhookConfigurationWithoutWebhooksCountsZero) {
  json t = table_of("mutatingwebhookconfigurations", configuration("MutatingWebhookConfiguration", nullptr));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Webhooks", "Age"));
  EXPECT_EQ(cells(t), json::array({"hooks", 0, "2m"}));
}

}  // namespace
}  // namespace ktk::apiserver::http::table
