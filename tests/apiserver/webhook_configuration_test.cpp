// admissionregistration.k8s.io/v1 webhook configurations: kube's v1 defaults, the
// validation of pkg/apis/admissionregistration/validation with its messages, the
// update ratcheting, and metadata.generation following `webhooks`.
#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_fixtures.hpp"
#include "ktk/apiserver/strategy.hpp"
#include "registry_fixtures.hpp"

namespace ktk::apiserver {
namespace {

using builtin_test::created;
using builtin_test::strs;
using builtin_test::updated;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using json = nlohmann::json;

const gvr validating{"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations"};
const gvr mutating{"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations"};

json hook(const std::string& name = "check.example.com") {
  return {{"name", name},
          {"clientConfig", {{"service", {{"namespace", "default"}, {"name", "hooks"}, {"path", "/validate"}}}}},
          {"rules",
           {{{"operations", {"CREATE", "UPDATE"}},
             {"apiGroups", {""}},
             {"apiVersions", {"v1"}},
             {"resources", {"pods"}}}}},
          {"sideEffects", "None"},
          {"admissionReviewVersions", {"v1"}}};
}

object configuration(bool is_mutating, json hooks, const std::string& name = "hooks") {
  return object(json{{"apiVersion", "admissionregistration.k8s.io/v1"},
                     {"kind", is_mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration"},
                     {"metadata", {{"name", name}}},
                     {"webhooks", std::move(hooks)}});
}

strategy_ptr strategy_of(bool is_mutating) {
  return builtin_strategy({"admissionregistration.k8s.io",
                           is_mutating ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations"});
}

// The errors of creating a validating configuration with one webhook changed by `edit`.
std::vector<std::string> create_errors(const std::function<void(json&)>& edit, bool is_mutating = false) {
  json h = hook();
  edit(h);
  auto s = strategy_of(is_mutating);
  return strs(s->validate_create(created(s, configuration(is_mutating, json::array({h})))));
}

TEST(WebhookConfiguration, DefaultsFollowV1) {
  auto s = strategy_of(true);
  json h = hook();
  h["clientConfig"]["service"].erase("path");
  object o = created(s, configuration(true, json::array({h})));
  const json& got = o.data()["webhooks"][0];
  EXPECT_EQ(got["failurePolicy"], "Fail");
  EXPECT_EQ(got["matchPolicy"], "Equivalent");
  EXPECT_EQ(got["namespaceSelector"], json::object());
  EXPECT_EQ(got["objectSelector"], json::object());
  EXPECT_EQ(got["timeoutSeconds"], 10);
  EXPECT_EQ(got["reinvocationPolicy"], "Never");
  EXPECT_EQ(got["rules"][0]["scope"], "*");
  EXPECT_EQ(got["clientConfig"]["service"]["port"], 443);
  // v1 defaults neither sideEffects nor admissionReviewVersions: they are required.
  EXPECT_EQ(got["sideEffects"], "None");
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());

  object v = created(strategy_of(false), configuration(false, json::array({hook()})));
  EXPECT_FALSE(v.data()["webhooks"][0].contains("reinvocationPolicy"));
  EXPECT_EQ(v.data()["webhooks"][0]["timeoutSeconds"], 10);
}

TEST(WebhookConfiguration, ExplicitValuesAreKept) {
  json h = hook();
  h["failurePolicy"] = "Ignore";
  h["timeoutSeconds"] = 5;
  h["rules"][0]["scope"] = "Namespaced";
  h["clientConfig"]["service"]["port"] = 8443;
  object o = created(strategy_of(false), configuration(false, json::array({h})));
  EXPECT_EQ(o.data()["webhooks"][0]["failurePolicy"], "Ignore");
  EXPECT_EQ(o.data()["webhooks"][0]["timeoutSeconds"], 5);
  EXPECT_EQ(o.data()["webhooks"][0]["rules"][0]["scope"], "Namespaced");
  EXPECT_EQ(o.data()["webhooks"][0]["clientConfig"]["service"]["port"], 8443);
}

TEST(WebhookConfiguration, NameIsFullyQualifiedAndUnique) {
  EXPECT_THAT(create_errors([](json& h) { h["name"] = "example.com"; }),
              ElementsAre("webhooks[0].name: Invalid value: \"example.com\": should be a domain with at least three "
                          "segments separated by dots"));
  EXPECT_THAT(create_errors([](json& h) { h.erase("name"); }), ElementsAre("webhooks[0].name: Required value"));
  EXPECT_THAT(create_errors([](json& h) { h["name"] = "Check.example.com"; }),
              ElementsAre("webhooks[0].name: Invalid value: \"Check.example.com\": a lowercase RFC 1123 subdomain "
                          "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
                          "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
  auto s = strategy_of(false);
  object two = created(s, configuration(false, json::array({hook(), hook()})));
  EXPECT_THAT(strs(s->validate_create(two)),
              ElementsAre("webhooks[1].name: Duplicate value: \"check.example.com\""));
}

TEST(WebhookConfiguration, AdmissionReviewVersions) {
  EXPECT_THAT(create_errors([](json& h) { h.erase("admissionReviewVersions"); }),
              ElementsAre("webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1"));
  EXPECT_THAT(create_errors([](json& h) { h["admissionReviewVersions"] = {"v2"}; }),
              ElementsAre("webhooks[0].admissionReviewVersions: Invalid value: []string{\"v2\"}: must include at "
                          "least one of v1, v1beta1"));
  EXPECT_THAT(create_errors([](json& h) { h["admissionReviewVersions"] = {"v1", "v1"}; }),
              ElementsAre("webhooks[0].admissionReviewVersions[1]: Invalid value: \"v1\": duplicate version"));
  auto bad = create_errors([](json& h) { h["admissionReviewVersions"] = {"v1", "V2"}; });
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_THAT(bad[0], ::testing::StartsWith("webhooks[0].admissionReviewVersions[1]: Invalid value: \"V2\": a DNS-1035 "
                                            "label must consist of lower case alphanumeric characters"));
}

TEST(WebhookConfiguration, SideEffectsRequiredAndNoneOnCreate) {
  EXPECT_THAT(create_errors([](json& h) { h.erase("sideEffects"); }),
              ElementsAre("webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun"));
  EXPECT_THAT(create_errors([](json& h) { h["sideEffects"] = "Some"; }),
              ElementsAre("webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", "
                          "\"NoneOnDryRun\""));
  EXPECT_THAT(create_errors([](json& h) { h["sideEffects"] = "NoneOnDryRun"; }), IsEmpty());
}

TEST(WebhookConfiguration, PoliciesAndTimeout) {
  EXPECT_THAT(create_errors([](json& h) { h["failurePolicy"] = "Retry"; }),
              ElementsAre("webhooks[0].failurePolicy: Unsupported value: \"Retry\": supported values: \"Fail\", "
                          "\"Ignore\""));
  EXPECT_THAT(create_errors([](json& h) { h["matchPolicy"] = "Loose"; }),
              ElementsAre("webhooks[0].matchPolicy: Unsupported value: \"Loose\": supported values: \"Equivalent\", "
                          "\"Exact\""));
  EXPECT_THAT(create_errors([](json& h) { h["reinvocationPolicy"] = "Always"; }, true),
              ElementsAre("webhooks[0].reinvocationPolicy: Unsupported value: \"Always\": supported values: "
                          "\"IfNeeded\", \"Never\""));
  EXPECT_THAT(create_errors([](json& h) { h["timeoutSeconds"] = 31; }),
              ElementsAre("webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 "
                          "seconds"));
  EXPECT_THAT(create_errors([](json& h) { h["timeoutSeconds"] = 0; }),
              ElementsAre("webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 "
                          "seconds"));
}

TEST(WebhookConfiguration, ClientConfigNeedsExactlyOneOfUrlAndService) {
  const std::string one = "webhooks[0].clientConfig: Required value: exactly one of url or service is required";
  EXPECT_THAT(create_errors([](json& h) { h["clientConfig"] = json::object(); }), ElementsAre(one));
  EXPECT_THAT(create_errors([](json& h) { h["clientConfig"]["url"] = "https://hooks.example.com/v"; }),
              ElementsAre(one));
  EXPECT_THAT(create_errors([](json& h) { h["clientConfig"] = {{"url", "https://hooks.example.com:8443/v"}}; }),
              IsEmpty());
}

TEST(WebhookConfiguration, UrlRules) {
  auto url = [](std::string u) { return [u](json& h) { h["clientConfig"] = {{"url", u}}; }; };
  const std::string p = "webhooks[0].clientConfig.url: ";
  const std::string form = "; desired format: https://host[/path]";
  EXPECT_THAT(create_errors(url("http://h.example.com/x")),
              ElementsAre(p + "Invalid value: \"http\": 'https' is the only allowed URL scheme" + form));
  EXPECT_THAT(create_errors(url("https:///x")), ElementsAre(p + "Invalid value: \"\": host must be provided" + form));
  EXPECT_THAT(create_errors(url("https://u:pw@h.example.com/")),
              ElementsAre(p + "Invalid value: \"u:pw\": user information is not permitted in the URL"));
  EXPECT_THAT(create_errors(url("https://h.example.com/x#frag")),
              ElementsAre(p + "Invalid value: \"frag\": fragments are not permitted in the URL"));
  EXPECT_THAT(create_errors(url("https://h.example.com/x?a=b")),
              ElementsAre(p + "Invalid value: \"a=b\": query parameters are not permitted in the URL"));
  EXPECT_THAT(create_errors(url("https://[::1/x")),
              ElementsAre(p + "Required value: url must be a valid URL: parse \"https://[::1/x\": missing ']' in "
                              "host" + form));
  EXPECT_THAT(create_errors(url("https://h.example.com:port/")),
              ElementsAre(p + "Required value: url must be a valid URL: parse \"https://h.example.com:port/\": "
                              "invalid port \":port\" after host" + form));
  EXPECT_THAT(create_errors(url("://x")),
              ElementsAre(p + "Required value: url must be a valid URL: parse \"://x\": missing protocol scheme" +
                          form));
}

TEST(WebhookConfiguration, ServiceRules) {
  const std::string p = "webhooks[0].clientConfig.service.";
  EXPECT_THAT(create_errors([](json& h) { h["clientConfig"]["service"] = {{"path", "/v"}}; }),
              ElementsAre(p + "name: Required value: service name is required",
                          p + "namespace: Required value: service namespace is required"));
  EXPECT_THAT(create_errors([](json& h) { h["clientConfig"]["service"]["path"] = "validate"; }),
              ElementsAre(p + "path: Invalid value: \"validate\": must start with a '/'"));
  EXPECT_THAT(create_errors([](json& h) { h["clientConfig"]["service"]["path"] = "/a//b"; }),
              ElementsAre(p + "path: Invalid value: \"/a//b\": segment[1] may not be empty"));
  EXPECT_THAT(create_errors([](json& h) { h["clientConfig"]["service"]["port"] = 70000; }),
              ElementsAre(p + "port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive"));
  auto upper = create_errors([](json& h) { h["clientConfig"]["service"]["path"] = "/Upper"; });
  ASSERT_EQ(upper.size(), 1u);
  EXPECT_THAT(upper[0], ::testing::StartsWith(p + "path: Invalid value: \"/Upper\": segment[0]: a lowercase RFC 1123"));
}

TEST(WebhookConfiguration, Rules) {
  const std::string p = "webhooks[0].rules[0].";
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["operations"] = {"PATCH"}; }),
              ElementsAre(p + "operations[0]: Unsupported value: \"PATCH\": supported values: \"*\", \"CONNECT\", "
                              "\"CREATE\", \"DELETE\", \"UPDATE\""));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["operations"] = {"*", "CREATE"}; }),
              ElementsAre(p + "operations: Invalid value: []admissionregistration.OperationType{\"*\", \"CREATE\"}: if "
                              "'*' is present, must not specify other operations"));
  EXPECT_THAT(create_errors([](json& h) {
                h["rules"][0] = {{"operations", json::array()}, {"scope", "Global"}};
              }),
              ElementsAre(p + "operations: Required value", p + "apiGroups: Required value",
                          p + "apiVersions: Required value", p + "resources: Required value",
                          p + "scope: Unsupported value: \"Global\": supported values: \"*\", \"Cluster\", "
                              "\"Namespaced\""));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["apiGroups"] = {"*", "apps"}; }),
              ElementsAre(p + "apiGroups: Invalid value: []string{\"*\", \"apps\"}: if '*' is present, must not "
                              "specify other API groups"));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["apiVersions"] = {""}; }),
              ElementsAre(p + "apiVersions[0]: Required value"));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["resources"] = {"*/*", "pods"}; }),
              ElementsAre(p + "resources: Invalid value: []string{\"*/*\", \"pods\"}: if '*/*' is present, must not "
                              "specify other resources"));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["resources"] = {"*", "pods"}; }),
              ElementsAre(p + "resources: Invalid value: []string{\"*\", \"pods\"}: if '*' is present, must not "
                              "specify other resources without subresources"));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["resources"] = {"pods/*", "pods/status"}; }),
              ElementsAre(p + "resources[1]: Invalid value: \"pods/status\": if 'pods/*' is present, must not "
                              "specify pods/status"));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["resources"] = {"*/status", "pods/status"}; }),
              ElementsAre(p + "resources[1]: Invalid value: \"pods/status\": if '*/status' is present, must not "
                              "specify pods/status"));
  EXPECT_THAT(create_errors([](json& h) { h["rules"][0]["resources"] = {"*", "pods/status", "*/scale"}; }), IsEmpty());
}

TEST(WebhookConfiguration, SelectorsAndMatchConditions) {
  EXPECT_THAT(create_errors([](json& h) {
                h["namespaceSelector"] = {{"matchExpressions", {{{"key", "team"}, {"operator", "In"}}}}};
              }),
              ElementsAre("webhooks[0].namespaceSelector.matchExpressions[0].values: Required value: must be "
                          "specified when `operator` is 'In' or 'NotIn'"));
  EXPECT_THAT(create_errors([](json& h) {
                h["matchConditions"] = {{{"name", "a"}, {"expression", "true"}}, {{"name", "a"}, {"expression", " "}}};
              }),
              ElementsAre("webhooks[0].matchConditions[1].expression: Required value",
                          "webhooks[0].matchConditions[1].name: Duplicate value: \"a\""));
}

TEST(WebhookConfiguration, UpdateKeepsWhatTheStoredObjectAlreadyBroke) {
  auto s = strategy_of(false);
  // Stored before v1 forbade it: sideEffects Unknown may stay, and duplicate names too.
  json legacy = hook();
  legacy["sideEffects"] = "Unknown";
  object old = created(s, configuration(false, json::array({legacy, legacy})));
  object same = updated(s, configuration(false, json::array({legacy, legacy})), old);
  EXPECT_THAT(strs(s->validate_update(same, old)), IsEmpty());
  // A valid stored object gets the create rules.
  object good = created(s, configuration(false, json::array({hook()})));
  object broken = updated(s, configuration(false, json::array({legacy})), good);
  EXPECT_THAT(strs(s->validate_update(broken, good)),
              ElementsAre("webhooks[0].sideEffects: Unsupported value: \"Unknown\": supported values: \"None\", "
                          "\"NoneOnDryRun\""));
}

class WebhookConfigurationRegistry : public testing::registry_test {};

TEST_F(WebhookConfigurationRegistry, CreateDefaultsAndValidates) {
  auto got = reg.create(validating, "", configuration(false, json::array({hook()})));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->generation(), 1);
  EXPECT_EQ((*got)->data()["webhooks"][0]["failurePolicy"], "Fail");
  EXPECT_EQ((*got)->data()["webhooks"][0]["clientConfig"]["service"]["port"], 443);

  json bad = hook("bad");
  bad.erase("sideEffects");
  auto rejected = reg.create(mutating, "", configuration(true, json::array({bad}), "bad"));
  EXPECT_TRUE(testing::fails_with(
      rejected, 422, "Invalid",
      "MutatingWebhookConfiguration.admissionregistration.k8s.io \"bad\" is invalid: [webhooks[0].name: Invalid "
      "value: \"bad\": should be a domain with at least three segments separated by dots, webhooks[0].sideEffects: "
      "Required value: must specify one of None, NoneOnDryRun]"));
}

TEST_F(WebhookConfigurationRegistry, GenerationFollowsWebhooks) {
  must_create(validating, "", configuration(false, json::array({hook()})));
  object labelled = *must_get(validating, "", "hooks");
  labelled.set_label("team", "a");
  auto l = reg.update(validating, {"", "hooks"}, std::move(labelled));
  ASSERT_TRUE(l) << l.error().message();
  EXPECT_EQ((*l)->generation(), 1);

  object changed = *must_get(validating, "", "hooks");
  changed.data()["webhooks"][0]["timeoutSeconds"] = 5;
  auto c = reg.update(validating, {"", "hooks"}, std::move(changed));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ((*c)->generation(), 2);

  // Re-sending the stored form without defaults is no change either: defaults fill it back.
  object bare = *must_get(validating, "", "hooks");
  bare.data()["webhooks"][0].erase("matchPolicy");
  auto b = reg.update(validating, {"", "hooks"}, std::move(bare));
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ((*b)->generation(), 2);
}

}  // namespace
}  // namespace ktk::apiserver
