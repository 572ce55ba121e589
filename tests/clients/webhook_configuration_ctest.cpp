// webhook_configuration_ctest.cpp — kubectl against `ktk serve` for
// admissionregistration.k8s.io/v1 webhook configurations: apply (validated against
// the OpenAPI schema), re-apply, `get` columns, `explain`, and kube's validation errors.
#include <regex>

#include "kubectl_fixture.hpp"

namespace {

using ktk::test::cells_of;
using ktk::test::contains;
using ktk::test::lines_of;

class kubectl_webhook_configuration : public ktk::test::kubectl_suite {
 protected:
  // A ValidatingWebhookConfiguration with one webhook per name in `hooks`.
  static std::string validating(const std::string& name, const std::vector<std::string>& hooks,
                                const std::string& side_effects = "None", const std::string& timeout = "5") {
    std::string y = "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
                    "metadata: {name: " + name + "}\nwebhooks:\n";
    for (const auto& h : hooks) {
      y += "- name: " + h + "\n"
           "  clientConfig:\n"
           "    service: {namespace: default, name: hooks, path: /validate}\n"
           "  rules:\n"
           "  - {operations: [CREATE, UPDATE], apiGroups: [\"\"], apiVersions: [v1], resources: [pods], scope: \"*\"}\n"
           "  sideEffects: " + side_effects + "\n"
           "  timeoutSeconds: " + timeout + "\n"
           "  admissionReviewVersions: [v1]\n";
    }
    return y;
  }
};

TEST_F(kubectl_webhook_configuration, apply_defaults_and_reapply) {
  auto r = kubectl_stdin({"apply", "--validate=true"}, validating("wh-apply", {"a.hooks.example.com"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "validatingwebhookconfiguration.admissionregistration.k8s.io/wh-apply created\n");
  auto obj = get_json({"validatingwebhookconfigurations", "wh-apply"});
  ASSERT_TRUE(obj.is_object());
  const auto& hook = obj["webhooks"][0];
  EXPECT_EQ(hook["failurePolicy"], "Fail");
  EXPECT_EQ(hook["matchPolicy"], "Equivalent");
  EXPECT_EQ(hook["timeoutSeconds"], 5);
  EXPECT_EQ(hook["rules"][0]["scope"], "*");
  EXPECT_EQ(hook["clientConfig"]["service"]["port"], 443);
  EXPECT_EQ(obj["metadata"]["generation"], 1);

  r = kubectl_stdin({"apply"}, validating("wh-apply", {"a.hooks.example.com"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // With every defaulted field of the atomic `rules` list spelled out, kubectl finds nothing
  // to send (kube-apiserver too reports "configured" when rules leave scope to its default).
  EXPECT_EQ(r.out, "validatingwebhookconfiguration.admissionregistration.k8s.io/wh-apply unchanged\n");
}

TEST_F(kubectl_webhook_configuration, reapply_merges_webhooks_by_name) {
  auto r = kubectl_stdin({"apply"}, validating("wh-reapply", {"a.hooks.example.com"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A changed field of one webhook: the strategic merge patch merges webhooks by name
  // ($setElementOrder/webhooks), the rest of the webhook stays.
  r = kubectl_stdin({"apply"}, validating("wh-reapply", {"a.hooks.example.com"}, "None", "7"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "validatingwebhookconfiguration.admissionregistration.k8s.io/wh-reapply configured\n");
  auto obj = get_json({"validatingwebhookconfigurations", "wh-reapply"});
  ASSERT_TRUE(obj.is_object());
  EXPECT_EQ(obj["webhooks"][0]["timeoutSeconds"], 7);
  EXPECT_EQ(obj["webhooks"][0]["clientConfig"]["service"]["path"], "/validate");
  EXPECT_EQ(obj["webhooks"][0]["admissionReviewVersions"], nlohmann::json::array({"v1"}));
  EXPECT_EQ(obj["metadata"]["generation"], 2);
}

TEST_F(kubectl_webhook_configuration, get_prints_name_webhooks_age) {
  auto r = kubectl_stdin({"apply"}, validating("wh-get", {"a.hooks.example.com", "b.hooks.example.com"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "validatingwebhookconfigurations", "wh-get"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(cells_of(lines[0]), (std::vector<std::string>{"NAME", "WEBHOOKS", "AGE"}));
  auto row = cells_of(lines[1]);
  ASSERT_EQ(row.size(), 3u) << r.out;
  EXPECT_EQ(row[0], "wh-get");
  EXPECT_EQ(row[1], "2");
  EXPECT_TRUE(std::regex_match(row[2], std::regex("[0-9]+s"))) << row[2];

  r = kubectl({"get", "mutatingwebhookconfigurations"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "No resources found\n");
}

TEST_F(kubectl_webhook_configuration, explain_client_config) {
  auto r = kubectl({"explain", "validatingwebhookconfiguration.webhooks.clientConfig"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("KIND: +ValidatingWebhookConfiguration\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("VERSION: +(admissionregistration\\.k8s\\.io/)?v1\n"))) << r.out;
  EXPECT_TRUE(contains(r.out, "clientConfig <")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +url\t<string>"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +service\t<"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +caBundle\t<string>"))) << r.out;

  r = kubectl({"explain", "mutatingwebhookconfiguration.webhooks.reinvocationPolicy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "reinvocationPolicy <string>")) << r.out;
}

TEST_F(kubectl_webhook_configuration, invalid_configuration_gets_kube_errors) {
  auto r = kubectl_stdin({"apply"}, validating("wh-bad", {"short.example"}, "Some"));
  EXPECT_EQ(r.exit_code, 1);
  // Several causes: kubectl prints one line each.
  EXPECT_EQ(r.err,
            "The ValidatingWebhookConfiguration \"wh-bad\" is invalid: \n"
            "* webhooks[0].name: Invalid value: \"short.example\": should be a domain with at least three segments "
            "separated by dots\n"
            "* webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"\n");

  r = kubectl_stdin({"create"}, validating("wh-timeout", {"t.hooks.example.com"}, "None", "60"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "The ValidatingWebhookConfiguration \"wh-timeout\" is invalid: webhooks[0].timeoutSeconds: Invalid value: "
            "60: the timeout value must be between 1 and 30 seconds\n");
  r = kubectl({"get", "validatingwebhookconfigurations", "wh-timeout"});
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
