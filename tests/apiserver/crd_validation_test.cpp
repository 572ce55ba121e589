// Validation and defaulting of CustomResourceDefinitions, and conversion of v1beta1 CRDs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/crd_schema.hpp"

namespace {

namespace crd = ktk::apiserver::crd;
using json = nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

json valid_crd() {
  return json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "crontabs.stable.example.com"},
    "spec": {
      "group": "stable.example.com", "scope": "Namespaced",
      "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
      "versions": [{
        "name": "v1", "served": true, "storage": true,
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
          "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}}}},
        "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}},
        "additionalPrinterColumns": [{"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"}]
      }]
    }})");
}

std::vector<std::string> errors(const json& crd) {
  std::vector<std::string> out;
  for (const auto& e : crd::validate_crd(crd)) out.push_back(e.str());
  return out;
}

TEST(ValidateCrd, AcceptsAWellFormedCrdWithoutListKind) {
  EXPECT_THAT(errors(valid_crd()), IsEmpty());
  json c = valid_crd();
  c["spec"]["names"].erase("singular");  // both are defaulted by the server
  EXPECT_THAT(errors(c), IsEmpty());
}

TEST(ValidateCrd, NameMustBePluralDotGroup) {
  json c = valid_crd();
  c["metadata"]["name"] = "crontab.stable.example.com";
  EXPECT_THAT(errors(c), ElementsAre(R"(metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group)"));
  c["metadata"].erase("name");
  EXPECT_THAT(errors(c), ElementsAre("metadata.name: Required value: name or generateName is required"));
}

TEST(ValidateCrd, GroupAndScope) {
  json c = valid_crd();
  c["spec"]["group"] = "example";
  c["metadata"]["name"] = "crontabs.example";
  c["spec"]["scope"] = "Global";
  EXPECT_THAT(errors(c), ElementsAre(R"(spec.group: Invalid value: "example": should be a domain with at least one dot)",
                                     R"(spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced")"));
  c["spec"].erase("scope");
  c["spec"].erase("group");
  c["metadata"]["name"] = "crontabs.";
  EXPECT_THAT(errors(c), Contains("spec.group: Required value"));
  EXPECT_THAT(errors(c), Contains("spec.scope: Required value"));
}

TEST(ValidateCrd, Names) {
  json c = valid_crd();
  c["spec"]["names"] = {{"plural", "CronTabs"}, {"kind", "Cron_Tab"}, {"listKind", "Cron_Tab"}};
  c["metadata"]["name"] = "CronTabs.stable.example.com";
  auto errs = errors(c);
  EXPECT_THAT(errs, Contains(StartsWith(R"(spec.names.plural: Invalid value: "CronTabs": a DNS-1035 label must consist of lower case alphanumeric characters)")));
  EXPECT_THAT(errs, Contains(StartsWith(R"(spec.names.kind: Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label)")));
  EXPECT_THAT(errs, Contains(R"(spec.names.listKind: Invalid value: "Cron_Tab": kind and listKind may not be the same)"));
  c["spec"]["names"] = json::object();
  c["metadata"]["name"] = ".stable.example.com";
  errs = errors(c);
  EXPECT_THAT(errs, Contains("spec.names.plural: Required value"));
  EXPECT_THAT(errs, Contains("spec.names.kind: Required value"));
  EXPECT_THAT(errs, Contains("spec.names.listKind: Required value"));
}

TEST(ValidateCrd, Versions) {
  json c = valid_crd();
  c["spec"]["versions"][0]["storage"] = false;
  auto errs = crd::validate_crd(c);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "spec.versions");
  EXPECT_EQ(errs[0].detail, "must have exactly one version marked as storage version");

  c = valid_crd();
  c["spec"]["versions"].push_back(c["spec"]["versions"][0]);
  errs = crd::validate_crd(c);
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].detail, "must contain unique version names");
  EXPECT_EQ(errs[1].detail, "must have exactly one version marked as storage version");

  c = valid_crd();
  c["spec"]["versions"] = json::array();
  EXPECT_THAT(errors(c), ElementsAre("spec.versions: Invalid value: []: must have exactly one version marked as storage version"));

  c = valid_crd();
  c["spec"]["versions"][0].erase("schema");
  c["spec"]["versions"][0]["name"] = "V1";
  EXPECT_THAT(errors(c), ElementsAre(StartsWith(R"(spec.versions[0].name: Invalid value: "V1": a DNS-1035 label)"),
                                     "spec.versions[0].schema.openAPIV3Schema: Required value"));
}

TEST(ValidateCrd, SchemaErrorsCarryTheVersionPath) {
  json c = valid_crd();
  c["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["x"] = json::object();
  c["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["u"] =
      json::parse(R"({"type":"array","uniqueItems":true,"items":{"type":"string"}})");
  EXPECT_THAT(errors(c), ElementsAre("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[x].type: Required value: must not be empty for specified object fields",
                                     "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[u].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
}

TEST(ValidateCrd, StatusSubresourceRestrictsTheRootSchema) {
  json c = valid_crd();
  c["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["x-kubernetes-preserve-unknown-fields"] = true;
  EXPECT_THAT(errors(c), IsEmpty());
  c["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["anyOf"] = json::parse(R"([{"required":["spec"]}])");
  auto errs = crd::validate_crd(c);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "spec.versions[0].schema.openAPIV3Schema");
  EXPECT_THAT(errs[0].detail, StartsWith("only [Description Type Format Title"));
  EXPECT_THAT(errs[0].detail, ::testing::EndsWith("fields are allowed at the root of the schema if the status subresource is enabled"));
}

TEST(ValidateCrd, ScaleSubresourcePaths) {
  json c = valid_crd();
  c["spec"]["versions"][0]["subresources"]["scale"] =
      json::parse(R"({"specReplicasPath":".status.replicas","statusReplicasPath":"status.replicas","labelSelectorPath":".metadata.labels"})");
  EXPECT_THAT(errors(c), ElementsAre(
      R"(spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec)",
      R"(spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .)",
      R"(spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status)"));
  c["spec"]["versions"][0]["subresources"]["scale"] = json::object();
  EXPECT_THAT(errors(c), ElementsAre("spec.versions[0].subresources.scale.specReplicasPath: Required value",
                                     "spec.versions[0].subresources.scale.statusReplicasPath: Required value"));
}

TEST(ValidateCrd, PrinterColumns) {
  json c = valid_crd();
  c["spec"]["versions"][0]["additionalPrinterColumns"] =
      json::parse(R"([{"type":"int","format":"hex","jsonPath":"spec"},{"name":"Age"}])");
  EXPECT_THAT(errors(c), ElementsAre(
      "spec.versions[0].additionalPrinterColumns[0].name: Required value",
      R"(spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "int": must be one of boolean,date,integer,number,string)",
      R"(spec.versions[0].additionalPrinterColumns[0].format: Invalid value: "hex": must be one of byte,date,date-time,double,float,int32,int64,password)",
      R"(spec.versions[0].additionalPrinterColumns[0].JSONPath: Invalid value: "spec": must be a simple json path starting with .)",
      "spec.versions[0].additionalPrinterColumns[1].type: Required value: must be one of boolean,date,integer,number,string",
      "spec.versions[0].additionalPrinterColumns[1].JSONPath: Required value"));
}

TEST(ValidateCrd, ConversionAndPreserveUnknownFields) {
  json c = valid_crd();
  c["spec"]["conversion"] = {{"strategy", "Magic"}};
  c["spec"]["preserveUnknownFields"] = true;
  EXPECT_THAT(errors(c), ElementsAre(
      R"(spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook")",
      "spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
  c["spec"].erase("preserveUnknownFields");
  c["spec"]["conversion"] = {{"strategy", "Webhook"}};
  EXPECT_THAT(errors(c), ElementsAre("spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
                                     "spec.conversion.conversionReviewVersions: Required value"));
}

TEST(DefaultCrd, FillsSingularListKindAndConversion) {
  json c = valid_crd();
  c["spec"]["names"].erase("singular");
  crd::default_crd(c);
  EXPECT_EQ(c["spec"]["names"]["singular"], "crontab");
  EXPECT_EQ(c["spec"]["names"]["listKind"], "CronTabList");
  EXPECT_EQ(c["spec"]["conversion"], json({{"strategy", "None"}}));
  json empty = json::object();
  crd::default_crd(empty);
  EXPECT_EQ(empty, json::object());
}

// The Network CRD of the "深入解析声明式API" tutorial (seeds/003), apiextensions v1beta1.
json network_v1beta1() {
  return json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1beta1","kind":"CustomResourceDefinition",
    "metadata":{"name":"networks.samplecrd.k8s.io"},
    "spec":{"group":"samplecrd.k8s.io","version":"v1","names":{"kind":"Network","plural":"networks"},"scope":"Namespaced"}})");
}

TEST(ConvertV1beta1, TutorialCrdWithoutSchemaBecomesAValidV1Crd) {
  json v1 = crd::convert_v1beta1_crd(network_v1beta1());
  EXPECT_EQ(v1["apiVersion"], "apiextensions.k8s.io/v1");
  EXPECT_FALSE(v1["spec"].contains("version"));
  EXPECT_EQ(v1["spec"]["versions"], json::parse(R"([{"name":"v1","served":true,"storage":true,
      "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}])"));
  EXPECT_THAT(errors(v1), IsEmpty());
  // Everything is kept, as v1beta1's preserveUnknownFields did.
  auto s = crd::structural_schema::compile(v1["spec"]["versions"][0]["schema"]["openAPIV3Schema"]);
  ASSERT_TRUE(s.ok());
  json network = json::parse(R"({"apiVersion":"samplecrd.k8s.io/v1","kind":"Network","metadata":{"name":"example-network"},
                                 "spec":{"cidr":"192.168.0.0/16","gateway":"192.168.0.1"}})");
  EXPECT_THAT(s->prune(network), IsEmpty());
  EXPECT_THAT(s->validate(network), IsEmpty());
}

// The CronTab CRD of the Kubernetes docs for 1.15 (seeds/000 quotes its head): a
// non-structural v1beta1 schema with top-level validation.
TEST(ConvertV1beta1, TopLevelValidationSubresourcesAndColumnsMoveIntoVersions) {
  json beta = json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1beta1","kind":"CustomResourceDefinition",
    "metadata":{"name":"crontabs.stable.example.com"},
    "spec":{"group":"stable.example.com",
      "versions":[{"name":"v1","served":true,"storage":true},{"name":"v1beta1","served":true,"storage":false}],
      "scope":"Namespaced","preserveUnknownFields":false,
      "names":{"plural":"crontabs","singular":"crontab","kind":"CronTab","shortNames":["ct"]},
      "validation":{"openAPIV3Schema":{"properties":{"spec":{"properties":{
          "cronSpec":{"type":"string","pattern":"^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$"},
          "replicas":{"type":"integer","minimum":1,"maximum":10},
          "misc":{"description":"anything"}}}}}},
      "subresources":{"status":{}},
      "additionalPrinterColumns":[{"name":"Spec","type":"string","JSONPath":".spec.cronSpec"}]}})");
  json v1 = crd::convert_v1beta1_crd(beta);
  for (const char* k : {"validation", "subresources", "additionalPrinterColumns", "preserveUnknownFields"})
    EXPECT_FALSE(v1["spec"].contains(k)) << k;
  ASSERT_EQ(v1["spec"]["versions"].size(), 2u);
  for (const auto& v : v1["spec"]["versions"]) {
    EXPECT_EQ(v["subresources"], json::parse(R"({"status":{}})"));
    EXPECT_EQ(v["additionalPrinterColumns"], json::parse(R"([{"name":"Spec","type":"string","jsonPath":".spec.cronSpec"}])"));
    const json& schema = v["schema"]["openAPIV3Schema"];
    EXPECT_EQ(schema["type"], "object");
    EXPECT_EQ(schema["properties"]["spec"]["type"], "object");
    EXPECT_EQ(schema["properties"]["spec"]["properties"]["misc"]["x-kubernetes-preserve-unknown-fields"], true);
  }
  EXPECT_THAT(errors(v1), IsEmpty());

  auto s = crd::structural_schema::compile(v1["spec"]["versions"][0]["schema"]["openAPIV3Schema"]);
  ASSERT_TRUE(s.ok());
  json tab = json::parse(R"({"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"t"},
                             "spec":{"cronSpec":"* * * * */5","replicas":11,"image":"x"}})");
  EXPECT_THAT(s->prune(tab), ElementsAre("spec.image"));  // preserveUnknownFields: false prunes
  std::vector<std::string> errs;
  for (const auto& e : s->validate(tab)) errs.push_back(e.str());
  EXPECT_THAT(errs, ElementsAre("spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"));
  tab["spec"]["cronSpec"] = "every minute";
  errs.clear();
  for (const auto& e : s->validate(tab)) errs.push_back(e.str());
  EXPECT_THAT(errs, Contains(StartsWith(R"(spec.cronSpec: Invalid value: "every minute": spec.cronSpec in body should match '^(\d+|\*))")));
}

TEST(ConvertV1beta1, DefaultPreserveUnknownFieldsKeepsEverything) {
  json beta = network_v1beta1();
  beta["spec"]["validation"] = json::parse(R"({"openAPIV3Schema":{"properties":{"spec":{"properties":{"cidr":{"type":"string"}}}}}})");
  json v1 = crd::convert_v1beta1_crd(beta);
  auto s = crd::structural_schema::compile(v1["spec"]["versions"][0]["schema"]["openAPIV3Schema"]);
  ASSERT_TRUE(s.ok());
  json n = json::parse(R"({"spec":{"cidr":"x","gateway":"y"},"extra":1})");
  EXPECT_THAT(s->prune(n), IsEmpty());
  EXPECT_EQ(n["spec"]["gateway"], "y");
}

TEST(ConvertV1beta1, WebhookConversionMovesUnderWebhook) {
  json beta = network_v1beta1();
  beta["spec"]["conversion"] = json::parse(R"({"strategy":"Webhook","webhookClientConfig":{"url":"https://x"}})");
  json v1 = crd::convert_v1beta1_crd(beta);
  EXPECT_EQ(v1["spec"]["conversion"], json::parse(R"({"strategy":"Webhook","webhook":{"clientConfig":{"url":"https://x"},"conversionReviewVersions":["v1beta1"]}})"));
}

TEST(ConvertV1beta1, V1DocumentsAreUnchanged) {
  EXPECT_EQ(crd::convert_v1beta1_crd(valid_crd()), valid_crd());
}

// Found by tests/fuzz (crd_schema): members of the wrong type ("type": {...},
// "preserveUnknownFields": "yes", "version": 1) threw json::type_error out of the
// conversion; it now converts what it can and leaves the errors to validate_crd.
TEST(ConvertV1beta1, MembersOfTheWrongTypeDoNotThrow) {
  json beta = {{"apiVersion", "apiextensions.k8s.io/v1beta1"},
               {"kind", "CustomResourceDefinition"},
               {"metadata", {{"name", "widgets.example.com"}}},
               {"spec",
                {{"group", "example.com"},
                 {"version", 1},
                 {"preserveUnknownFields", "yes"},
                 {"names", {{"plural", "widgets"}, {"kind", "Widget"}}},
                 {"scope", "Namespaced"},
                 {"conversion", {{"strategy", 7}}},
                 {"validation",
                  {{"openAPIV3Schema",
                    {{"type", "object"},
                     {"properties",
                      {{"a", {{"type", {{"type", "integer"}}}}},
                       {"b", {{"x-kubernetes-int-or-string", "true"}, {"properties", {{"c", json::object()}}}}}}}}}}}}}};
  json v1;
  ASSERT_NO_THROW(v1 = crd::convert_v1beta1_crd(beta));
  EXPECT_EQ(v1["apiVersion"], "apiextensions.k8s.io/v1");
  EXPECT_THAT(crd::validate_crd(v1), ::testing::Not(IsEmpty()));
  json odd = {{"apiVersion", 3}, {"kind", "CustomResourceDefinition"}};
  EXPECT_EQ(crd::convert_v1beta1_crd(odd), odd);
}

}  // namespace
