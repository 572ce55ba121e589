// AdmissionReview (admission.k8s.io/v1) encoding and decoding, and the answer helpers.
#include "ktk/client/webhook/admission.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ktk/core/base64.hpp"
#include "ktk/core/patch.hpp"

namespace {

using namespace ktk::client::webhook;
using ktk::core::json;

json pod() { return json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns"},"spec":{}})"); }

admission_request full_request() {
  admission_request r;
  r.uid = "705ab4f5-6393-11e8-b7cc-42010a800002";
  r.kind = {"", "v1", "Pod"};
  r.resource = {"", "v1", "pods"};
  r.sub_resource = "status";
  r.request_kind = ktk::core::gvk{"autoscaling", "v1", "Scale"};
  r.request_resource = ktk::core::gvr{"apps", "v1", "deployments"};
  r.name = "p";
  r.namespace_ = "ns";
  r.operation = "UPDATE";
  r.user_info = json::parse(R"({"username":"admin","groups":["system:masters"]})");
  r.object = pod();
  r.old_object = pod();
  r.old_object["spec"]["x"] = 1;
  r.dry_run = true;
  r.options = json::parse(R"({"apiVersion":"meta.k8s.io/v1","kind":"UpdateOptions"})");
  return r;
}

TEST(admission_request, round_trips_through_a_review) {
  admission_request in = full_request();
  json review = in.to_review();
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  EXPECT_EQ(review["request"]["kind"], json::parse(R"({"group":"","version":"v1","kind":"Pod"})"));
  EXPECT_EQ(review["request"]["requestResource"],
            json::parse(R"({"group":"apps","version":"v1","resource":"deployments"})"));
  EXPECT_EQ(review["request"]["subResource"], "status");
  EXPECT_EQ(review["request"]["dryRun"], true);

  auto out = admission_request::from_review(json::parse(review.dump()));
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(out->uid, in.uid);
  EXPECT_EQ(out->kind, in.kind);
  EXPECT_EQ(out->resource, in.resource);
  EXPECT_EQ(out->sub_resource, in.sub_resource);
  EXPECT_EQ(out->request_kind, in.request_kind);
  EXPECT_EQ(out->request_resource, in.request_resource);
  EXPECT_EQ(out->name, in.name);
  EXPECT_EQ(out->namespace_, in.namespace_);
  EXPECT_EQ(out->operation, in.operation);
  EXPECT_EQ(out->user_info, in.user_info);
  EXPECT_EQ(out->object, in.object);
  EXPECT_EQ(out->old_object, in.old_object);
  EXPECT_EQ(out->dry_run, in.dry_run);
  EXPECT_EQ(out->options, in.options);
}

TEST(admission_request, omits_empty_members_like_go) {
  admission_request r;
  r.uid = "u";
  r.kind = {"", "v1", "Pod"};
  r.resource = {"", "v1", "pods"};
  r.operation = "CREATE";
  r.object = pod();
  json req = r.to_review()["request"];
  for (const char* absent : {"subResource", "requestKind", "requestResource", "name", "namespace", "oldObject",
                             "dryRun", "options"}) {
    EXPECT_FALSE(req.contains(absent)) << absent;
  }
  EXPECT_EQ(req["userInfo"], json::object());
  auto back = admission_request::from_review(r.to_review());
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->request_kind.has_value());
  EXPECT_TRUE(back->old_object.is_null());
  EXPECT_FALSE(back->dry_run);
}

TEST(admission_request, rejects_what_is_not_a_v1_review) {
  json good = full_request().to_review();
  auto expect_bad = [](const json& review, const char* what) {
    auto r = admission_request::from_review(review);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.error().code(), 400) << what;
    EXPECT_TRUE(ktk::is_bad_request(r)) << what;
  };
  expect_bad(json::array(), "an array");
  expect_bad(json("x"), "a string");
  json v = good;
  v["apiVersion"] = "admission.k8s.io/v1beta1";
  expect_bad(v, "v1beta1");
  v = good;
  v["kind"] = "Pod";
  expect_bad(v, "another kind");
  v = good;
  v.erase("request");
  expect_bad(v, "no request");
  v = good;
  v["request"].erase("uid");
  expect_bad(v, "no uid");
  v = good;
  v["request"]["uid"] = 5;
  expect_bad(v, "uid is a number");
  v = good;
  v["request"]["kind"] = "Pod";
  expect_bad(v, "kind is a string");
  v = good;
  v["request"]["dryRun"] = "yes";
  expect_bad(v, "dryRun is a string");
  v = good;
  v["request"]["userInfo"] = json::array();
  expect_bad(v, "userInfo is an array");
}

TEST(admission_response, allowed_denied_and_their_status) {
  admission_request req = full_request();
  json a = allowed(req).to_review();
  EXPECT_EQ(a["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(a["kind"], "AdmissionReview");
  EXPECT_EQ(a["response"]["uid"], req.uid);
  EXPECT_EQ(a["response"]["allowed"], true);
  EXPECT_EQ(a["response"]["status"], json::parse(R"({"code":200,"metadata":{}})"));
  EXPECT_FALSE(a["response"].contains("patch"));
  EXPECT_FALSE(a["response"].contains("patchType"));

  json d = denied(req, "spec.cpu must be at least 1").to_review();
  EXPECT_EQ(d["response"]["allowed"], false);
  EXPECT_EQ(d["response"]["status"],
            json::parse(R"({"code":403,"message":"spec.cpu must be at least 1","reason":"Forbidden","metadata":{}})"));
  json d2 = denied(req, "bad", 422, "Invalid").to_review();
  EXPECT_EQ(d2["response"]["status"]["code"], 422);
  EXPECT_EQ(d2["response"]["status"]["reason"], "Invalid");

  admission_response bare{.uid = "u"};
  EXPECT_FALSE(bare.to_review()["response"].contains("status"));
}

TEST(admission_response, patch_is_base64_json_patch) {
  admission_request req = full_request();
  json modified = req.object;
  modified["metadata"]["labels"]["a/b"] = "x";
  admission_response res = patched(req, modified);
  EXPECT_TRUE(res.allowed);
  EXPECT_EQ(res.patch, ktk::core::create_json_patch(req.object, modified));
  json review = res.to_review();
  EXPECT_EQ(review["response"]["patchType"], "JSONPatch");
  auto raw = ktk::core::base64_decode(review["response"]["patch"].get<std::string>());
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(json::parse(*raw), json::parse(R"([{"op":"add","path":"/metadata/labels","value":{"a/b":"x"}}])"));
  auto applied = ktk::core::apply_json_patch(req.object, json::parse(*raw));
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(*applied, modified);
}

TEST(admission_response, no_change_and_delete_give_no_patch) {
  admission_request req = full_request();
  json unchanged = patched(req, req.object).to_review();
  EXPECT_FALSE(unchanged["response"].contains("patch"));
  EXPECT_FALSE(unchanged["response"].contains("patchType"));
  EXPECT_EQ(unchanged["response"]["allowed"], true);

  req.operation = "DELETE";
  req.object = nullptr;
  admission_response del = patched(req, pod());
  EXPECT_TRUE(del.allowed);
  EXPECT_TRUE(del.patch.is_null() || del.patch.empty());
  EXPECT_FALSE(del.to_review()["response"].contains("patch"));
}

TEST(admission_response, round_trips_through_a_review) {
  admission_response in{.uid = "u1",
                        .allowed = false,
                        .code = 422,
                        .message = "nope",
                        .reason = "Invalid",
                        .patch = json::parse(R"([{"op":"remove","path":"/a~1b"}])"),
                        .warnings = {"deprecated field", "another"},
                        .audit_annotations = {{"k", "v"}}};
  auto out = admission_response::from_review(json::parse(in.to_review().dump()));
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(out->uid, in.uid);
  EXPECT_EQ(out->allowed, in.allowed);
  EXPECT_EQ(out->code, in.code);
  EXPECT_EQ(out->message, in.message);
  EXPECT_EQ(out->reason, in.reason);
  EXPECT_EQ(out->patch, in.patch);
  EXPECT_EQ(out->warnings, in.warnings);
  EXPECT_EQ(out->audit_annotations, in.audit_annotations);
}

TEST(admission_response, rejects_bad_reviews) {
  json good = admission_response{.uid = "u", .patch = json::parse(R"([{"op":"add","path":"/x","value":1}])")}
                  .to_review();
  ASSERT_TRUE(admission_response::from_review(good).ok());
  auto expect_bad = [](const json& review, const char* what) {
    auto r = admission_response::from_review(review);
    EXPECT_FALSE(r.ok()) << what;
  };
  json v = good;
  v.erase("response");
  expect_bad(v, "no response");
  v = good;
  v["apiVersion"] = "v1";
  expect_bad(v, "wrong apiVersion");
  v = good;
  v["response"]["patch"] = "!!not base64!!";
  expect_bad(v, "patch not base64");
  v = good;
  v["response"]["patch"] = ktk::core::base64_encode(R"({"op":"add"})");
  expect_bad(v, "patch not an array");
  v = good;
  v["response"]["patch"] = ktk::core::base64_encode("[not json");
  expect_bad(v, "patch not JSON");
  v = good;
  v["response"]["patchType"] = "MergePatch";
  expect_bad(v, "unknown patchType");
  v = good;
  v["response"].erase("patchType");
  expect_bad(v, "patch without patchType");
  v = good;
  v["response"]["allowed"] = "true";
  expect_bad(v, "allowed is a string");
  v = good;
  v["response"]["warnings"] = "w";
  expect_bad(v, "warnings not an array");
  v = good;
  v["response"]["status"] = json::parse(R"({"code":"403"})");
  expect_bad(v, "status.code a string");
}

TEST(admission_response, a_patch_that_is_not_an_array_is_misuse) {
  admission_response bad{.uid = "u", .patch = json::parse(R"({"op":"add"})")};
  EXPECT_THROW((void)bad.to_review(), std::invalid_argument);
}

}  // namespace
