// Tests for ktk::core::api_error: each factory's Status matches what kube-apiserver
// sends (apimachinery's errors.NewXxx), from_status round trips, and the is_* helpers.
#include "ktk/core/api_error.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using ktk::core::api_error;
using ktk::core::field_error;
using ktk::core::json;

json status(const std::string& rest) {
  json s = json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure"})");
  s.update(json::parse(rest));
  return s;
}

TEST(ApiError, NotFoundCore) {
  auto e = api_error::not_found({"", "pods"}, "x");
  EXPECT_EQ(e.code(), 404);
  EXPECT_EQ(e.reason(), "NotFound");
  EXPECT_EQ(e.message(), R"(pods "x" not found)");
  EXPECT_STREQ(e.what(), R"(pods "x" not found)");
  EXPECT_EQ(e.to_status(), status(R"({"message":"pods \"x\" not found","reason":"NotFound",
                                      "details":{"name":"x","kind":"pods"},"code":404})"));
}

TEST(ApiError, NotFoundGroupedResource) {
  auto e = api_error::not_found({"apps", "deployments"}, "web");
  EXPECT_EQ(e.to_status(), status(R"({"message":"deployments.apps \"web\" not found","reason":"NotFound",
      "details":{"name":"web","group":"apps","kind":"deployments"},"code":404})"));
}

TEST(ApiError, NotFoundQuotesLikeGo) {
  EXPECT_EQ(api_error::not_found({"", "pods"}, "").message(), R"(pods "" not found)");
  EXPECT_EQ(api_error::not_found({"", "pods"}, "a\"b").message(), R"(pods "a\"b" not found)");
}

TEST(ApiError, AlreadyExists) {
  auto e = api_error::already_exists({"", "configmaps"}, "cfg");
  EXPECT_EQ(e.to_status(), status(R"({"message":"configmaps \"cfg\" already exists","reason":"AlreadyExists",
      "details":{"name":"cfg","kind":"configmaps"},"code":409})"));
}

TEST(ApiError, Conflict) {
  auto e = api_error::conflict({"apps", "deployments"}, "web", "precondition failed");
  EXPECT_EQ(e.to_status(), status(R"({"message":"Operation cannot be fulfilled on deployments.apps \"web\": precondition failed",
      "reason":"Conflict","details":{"name":"web","group":"apps","kind":"deployments"},"code":409})"));
}

TEST(ApiError, StaleResourceVersion) {
  auto e = api_error::stale_resource_version({"", "pods"}, "x");
  EXPECT_EQ(e.code(), 409);
  EXPECT_EQ(e.reason(), "Conflict");
  EXPECT_EQ(e.message(),
            "Operation cannot be fulfilled on pods \"x\": the object has been modified; please apply your "
            "changes to the latest version and try again");
}

TEST(ApiError, InvalidOneError) {
  auto e = api_error::invalid({"", "Pod"}, "x", {field_error::required("spec.containers")});
  EXPECT_EQ(e.to_status(), status(R"({"message":"Pod \"x\" is invalid: spec.containers: Required value",
      "reason":"Invalid","code":422,
      "details":{"name":"x","kind":"Pod","causes":[
          {"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]}})"));
}

TEST(ApiError, InvalidSeveralErrors) {
  auto e = api_error::invalid({"", "Pod"}, "x",
                              {field_error::required("spec.containers"),
                               field_error::invalid("metadata.name", R"("X")", "must be lowercase")});
  EXPECT_EQ(e.message(),
            R"(Pod "x" is invalid: [spec.containers: Required value, metadata.name: Invalid value: "X": must be lowercase])");
  ASSERT_EQ(e.details().causes.size(), 2u);
  EXPECT_EQ(e.details().causes[1].reason, "FieldValueInvalid");
  EXPECT_EQ(e.details().causes[1].message, R"(Invalid value: "X": must be lowercase)");
  EXPECT_EQ(e.details().causes[1].field, "metadata.name");
}

TEST(ApiError, InvalidGroupKind) {
  auto e = api_error::invalid({"apps", "Deployment"}, "web", {field_error::required("spec.selector")});
  EXPECT_EQ(e.message(), R"(Deployment.apps "web" is invalid: spec.selector: Required value)");
  EXPECT_EQ(e.to_status()["details"]["group"], "apps");
  EXPECT_EQ(e.to_status()["details"]["kind"], "Deployment");
}

TEST(ApiError, InvalidAggregateDropsRepeatedMessagesButKeepsCauses) {
  auto r = field_error::required("spec.x");
  auto e = api_error::invalid({"", "Pod"}, "x", {r, r, field_error::required("spec.y")});
  EXPECT_EQ(e.message(), R"(Pod "x" is invalid: [spec.x: Required value, spec.y: Required value])");
  EXPECT_EQ(e.details().causes.size(), 3u);
  auto one = api_error::invalid({"", "Pod"}, "x", {r, r});
  EXPECT_EQ(one.message(), R"(Pod "x" is invalid: spec.x: Required value)");
}

TEST(ApiError, InvalidWithoutErrors) {
  auto e = api_error::invalid({"", "Pod"}, "x", {});
  EXPECT_EQ(e.message(), R"(Pod "x" is invalid)");
  EXPECT_EQ(e.to_status()["details"], (json{{"name", "x"}, {"kind", "Pod"}}));
}

TEST(ApiError, BadRequest) {
  auto e = api_error::bad_request("the body is not JSON");
  EXPECT_EQ(e.to_status(), status(R"({"message":"the body is not JSON","reason":"BadRequest","code":400})"));
}

TEST(ApiError, Forbidden) {
  EXPECT_EQ(api_error::forbidden({"", "pods"}, "x", "no").to_status(),
            status(R"({"message":"pods \"x\" is forbidden: no","reason":"Forbidden",
                       "details":{"name":"x","kind":"pods"},"code":403})"));
  EXPECT_EQ(api_error::forbidden({"", "pods"}, "", "no").message(), "pods is forbidden: no");
  EXPECT_EQ(api_error::forbidden({}, "", "no").message(), "forbidden: no");
}

TEST(ApiError, MethodNotSupported) {
  auto e = api_error::method_not_supported({"apps", "deployments"}, "create");
  EXPECT_EQ(e.to_status(), status(R"({"message":"create is not supported on resources of kind \"deployments.apps\"",
      "reason":"MethodNotAllowed","details":{"group":"apps","kind":"deployments"},"code":405})"));
}

TEST(ApiError, GoneAndExpired) {
  EXPECT_EQ(api_error::gone("too old resource version: 1 (5)").to_status(),
            status(R"j({"message":"too old resource version: 1 (5)","reason":"Gone","code":410})j"));
  EXPECT_EQ(api_error::resource_expired("The provided continue parameter is too old").to_status(),
            status(R"({"message":"The provided continue parameter is too old","reason":"Expired","code":410})"));
}

TEST(ApiError, Internal) {
  auto e = api_error::internal("boom");
  EXPECT_EQ(e.to_status(), status(R"({"message":"Internal error occurred: boom","reason":"InternalError",
      "details":{"causes":[{"message":"boom"}]},"code":500})"));
}

TEST(ApiError, TooManyRequests) {
  EXPECT_EQ(api_error::too_many_requests("slow down", 5).to_status(),
            status(R"({"message":"slow down","reason":"TooManyRequests",
                       "details":{"retryAfterSeconds":5},"code":429})"));
  // Go's omitempty drops a zero retryAfterSeconds but the details object stays.
  EXPECT_EQ(api_error::too_many_requests("slow down", 0).to_status(),
            status(R"({"message":"slow down","reason":"TooManyRequests","details":{},"code":429})"));
}

TEST(ApiError, TimeoutAndOthers) {
  EXPECT_EQ(api_error::timeout("Too large resource version: 5, current: 1", 1).to_status(),
            status(R"({"message":"Timeout: Too large resource version: 5, current: 1","reason":"Timeout",
                       "details":{"retryAfterSeconds":1},"code":504})"));
  EXPECT_EQ(api_error::service_unavailable("down").to_status(),
            status(R"({"message":"down","reason":"ServiceUnavailable","code":503})"));
  EXPECT_EQ(api_error::request_entity_too_large("limit is 3145728").to_status(),
            status(R"({"message":"Request entity too large: limit is 3145728","reason":"RequestEntityTooLarge",
                       "code":413})"));
  auto u = api_error::unsupported_media_type("the body of the request was in an unknown format");
  EXPECT_EQ(u.code(), 415);
  EXPECT_EQ(u.reason(), "UnsupportedMediaType");
  auto n = api_error::not_acceptable("only application/json is served");
  EXPECT_EQ(n.code(), 406);
  EXPECT_EQ(n.reason(), "NotAcceptable");
}

TEST(ApiError, FromStatusRoundTrip) {
  std::vector<api_error> all = {
      api_error::not_found({"apps", "deployments"}, "web"),
      api_error::conflict({"", "pods"}, "x", "d"),
      api_error::invalid({"apps", "Deployment"}, "web",
                         {field_error::required("a"), field_error::invalid("b", "3", "too big")}),
      api_error::too_many_requests("m", 7),
      api_error::internal("boom"),
      api_error::bad_request("bad"),
  };
  for (const auto& e : all) {
    auto back = api_error::from_status(e.to_status());
    EXPECT_EQ(back.code(), e.code());
    EXPECT_EQ(back.reason(), e.reason());
    EXPECT_EQ(back.message(), e.message());
    EXPECT_EQ(back.details().name, e.details().name);
    EXPECT_EQ(back.details().group, e.details().group);
    EXPECT_EQ(back.details().kind, e.details().kind);
    EXPECT_EQ(back.details().causes, e.details().causes);
    EXPECT_EQ(back.details().retry_after_seconds, e.details().retry_after_seconds);
    EXPECT_EQ(back.to_status(), e.to_status()) << e.message();
  }
}

TEST(ApiError, FromStatusReadsUidAndIgnoresMalformedParts) {
  auto e = api_error::from_status(status(R"({"code":404,"reason":"NotFound","message":"m",
      "details":{"uid":"u1","causes":["junk",{"field":"f"}],"retryAfterSeconds":"x"}})"));
  EXPECT_EQ(e.details().uid, "u1");
  ASSERT_EQ(e.details().causes.size(), 1u);
  EXPECT_EQ(e.details().causes[0].field, "f");
  EXPECT_EQ(e.details().retry_after_seconds, std::nullopt);
}

TEST(ApiError, FromStatusOfANonStatusIsInternalError) {
  for (const json& j : {json::parse(R"({"kind":"Pod","apiVersion":"v1"})"), json::array(), json("text"),
                        json::object()}) {
    auto e = api_error::from_status(j);
    EXPECT_EQ(e.code(), 500) << j;
    EXPECT_EQ(e.reason(), "InternalError");
    EXPECT_TRUE(ktk::is_internal_error(e));
  }
}

TEST(ApiError, FromStatusWithoutCodeIs500) {
  auto e = api_error::from_status(json::parse(R"({"kind":"Status","message":"m"})"));
  EXPECT_EQ(e.code(), 500);
  EXPECT_EQ(e.reason(), "");
  EXPECT_EQ(e.message(), "m");
}

TEST(ApiError, IsHelpers) {
  auto nf = api_error::not_found({"", "pods"}, "x");
  EXPECT_TRUE(ktk::is_not_found(nf));
  EXPECT_FALSE(ktk::is_conflict(nf));
  EXPECT_TRUE(ktk::is_already_exists(api_error::already_exists({"", "pods"}, "x")));
  EXPECT_FALSE(ktk::is_conflict(api_error::already_exists({"", "pods"}, "x")));  // 409, other reason
  EXPECT_TRUE(ktk::is_conflict(api_error::conflict({"", "pods"}, "x", "d")));
  EXPECT_TRUE(ktk::is_invalid(api_error::invalid({"", "Pod"}, "x", {field_error::required("a")})));
  EXPECT_TRUE(ktk::is_bad_request(api_error::bad_request("b")));
  EXPECT_TRUE(ktk::is_gone(api_error::gone("g")));
  EXPECT_TRUE(ktk::is_gone(api_error::resource_expired("e")));
  EXPECT_FALSE(ktk::is_resource_expired(api_error::gone("g")));
  EXPECT_TRUE(ktk::is_resource_expired(api_error::resource_expired("e")));
  EXPECT_TRUE(ktk::is_forbidden(api_error::forbidden({"", "pods"}, "x", "d")));
  EXPECT_TRUE(ktk::is_method_not_supported(api_error::method_not_supported({"", "pods"}, "create")));
  EXPECT_TRUE(ktk::is_too_many_requests(api_error::too_many_requests("m", 1)));
  EXPECT_TRUE(ktk::is_internal_error(api_error::internal("x")));
  EXPECT_FALSE(ktk::is_internal_error(api_error::service_unavailable("x")));
}

TEST(ApiError, IsHelpersFallBackToCodeForUnknownReasons) {
  // apimachinery: an unknown (or empty) reason is classified by its HTTP code.
  EXPECT_TRUE(ktk::is_not_found(api_error(404, "", "m")));
  EXPECT_TRUE(ktk::is_not_found(api_error(404, "SomethingNew", "m")));
  EXPECT_FALSE(ktk::is_not_found(api_error(404, "Forbidden", "m")));  // known reason decides
  EXPECT_TRUE(ktk::is_conflict(api_error(409, "", "m")));
  EXPECT_TRUE(ktk::is_invalid(api_error(422, "", "m")));
  EXPECT_TRUE(ktk::is_bad_request(api_error(400, "", "m")));
  EXPECT_TRUE(ktk::is_forbidden(api_error(403, "", "m")));
  EXPECT_TRUE(ktk::is_method_not_supported(api_error(405, "", "m")));
  EXPECT_TRUE(ktk::is_internal_error(api_error(500, "", "m")));
  EXPECT_TRUE(ktk::is_too_many_requests(api_error(429, "Whatever", "m")));
  EXPECT_FALSE(ktk::is_already_exists(api_error(409, "", "m")));  // reason only
}

TEST(ApiError, IsAnException) {
  try {
    throw api_error::not_found({"", "pods"}, "x");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), R"(pods "x" not found)");
  }
}

}  // namespace

namespace {

TEST(ApiErrorContinue, ExpiredListsCarryAContinueTokenInStatusMetadata) {
  auto e = ktk::core::api_error::resource_expired("too old");
  EXPECT_EQ(e.to_status()["metadata"], ktk::core::json::object());
  e.set_continue_token("abc");
  auto s = e.to_status();
  EXPECT_EQ(s["metadata"]["continue"], "abc");
  EXPECT_EQ(ktk::core::api_error::from_status(s).continue_token(), "abc");
}

}  // namespace
