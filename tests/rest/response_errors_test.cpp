// response_errors_test.cpp — failed answers as api_errors, and Warning headers.
#include "../../client/src/rest/detail/response_errors.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace ktk::client::rest::detail;
using ktk::core::api_error;

TEST(response_errors, a_status_body_is_the_error) {
  auto st = api_error::not_found({"apps", "deployments"}, "web").to_status().dump();
  auto e = error_of_response({.status = 404, .content_type = "application/json", .body = st},
                             {.method = "GET", .gr = {"apps", "deployments"}, .name = "web"});
  EXPECT_EQ(e.code(), 404);
  EXPECT_EQ(e.reason(), "NotFound");
  EXPECT_EQ(e.message(), "deployments.apps \"web\" not found");
  EXPECT_EQ(e.details().name, "web");
  EXPECT_EQ(e.details().group, "apps");
}

TEST(response_errors, a_status_without_code_takes_the_http_status) {
  auto e = error_of_response(
      {.status = 409, .content_type = "application/json",
       .body = R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","message":"m"})"},
      {.method = "PUT"});
  EXPECT_EQ(e.code(), 409);
  EXPECT_EQ(e.reason(), "Conflict");
  EXPECT_EQ(e.message(), "m");
}

TEST(response_errors, keeps_causes_and_continue_token) {
  auto st = api_error::resource_expired("too old").set_continue_token("tok").to_status();
  st["metadata"]["continue"] = "tok";
  auto e = error_of_response({.status = 410, .body = st.dump()}, {.method = "GET"});
  EXPECT_EQ(e.reason(), "Expired");
  EXPECT_EQ(e.continue_token(), "tok");
}

TEST(response_errors, without_a_status_404_is_client_gos_not_found) {
  auto e = error_of_response({.status = 404, .content_type = "text/plain", .body = "404 page not found\n"},
                             {.method = "GET", .gr = {"", "pods"}, .name = "web"});
  EXPECT_EQ(e.code(), 404);
  EXPECT_EQ(e.reason(), "NotFound");
  EXPECT_EQ(e.message(), "the server could not find the requested resource (get pods web)");
  ASSERT_EQ(e.details().causes.size(), 1u);
  EXPECT_EQ(e.details().causes[0].reason, "UnexpectedServerResponse");
  EXPECT_EQ(e.details().causes[0].message, "404 page not found");
}

TEST(response_errors, generic_reasons_by_code) {
  struct c {
    unsigned code;
    const char* method;
    const char* reason;
    const char* message;
  } cases[] = {
      {400, "GET", "BadRequest", "the server rejected our request for an unknown reason"},
      {401, "GET", "Unauthorized", "the server has asked for the client to provide credentials"},
      {403, "GET", "Forbidden", "nope"},
      {405, "GET", "MethodNotAllowed", "the server does not allow this method on the requested resource"},
      {409, "POST", "AlreadyExists", "the server reported a conflict"},
      {409, "PUT", "Conflict", "the server reported a conflict"},
      {422, "PUT", "Invalid", "the server rejected our request due to an error in our request"},
      {429, "GET", "TooManyRequests", "the server has received too many requests and has asked us to try again later"},
      {500, "GET", "InternalError", "an error on the server (\"nope\") has prevented the request from succeeding"},
      {503, "GET", "InternalError", "an error on the server (\"nope\") has prevented the request from succeeding"},
      {504, "GET", "Timeout",
       "the server was unable to return a response in the time allotted, but may still be processing the request"},
      {418, "GET", "", "the server responded with the status code 418 but did not return more information"},
  };
  for (const auto& t : cases) {
    auto e = error_of_response({.status = t.code, .content_type = "text/plain", .body = "nope"}, {.method = t.method});
    EXPECT_EQ(e.code(), static_cast<int>(t.code));
    EXPECT_EQ(e.reason(), t.reason) << t.code;
    EXPECT_EQ(e.message(), t.message) << t.code;
  }
}

TEST(response_errors, a_binary_body_is_unknown_and_retry_after_is_kept) {
  auto e = error_of_response({.status = 500, .content_type = "application/octet-stream", .body = "\x01\x02",
                              .retry_after = 3},
                             {.method = "DELETE", .gr = {"apps", "deployments"}});
  EXPECT_EQ(e.message(),
            "an error on the server (\"unknown\") has prevented the request from succeeding (delete deployments.apps)");
  EXPECT_EQ(e.details().retry_after_seconds, 3);
}

TEST(response_errors, a_success_status_or_other_json_is_not_the_error) {
  auto e = error_of_response({.status = 500, .content_type = "application/json", .body = R"({"kind":"Pod"})"},
                             {.method = "GET"});
  EXPECT_EQ(e.reason(), "InternalError");
  EXPECT_EQ(e.details().causes.at(0).message, "unknown");
}

TEST(response_errors, transport_errors_name_the_url) {
  auto e = transport_error("GET", "https://h:1/api/v1/pods", "dial tcp h:1: connect: Connection refused");
  EXPECT_EQ(e.code(), 0);
  EXPECT_EQ(e.reason(), "");
  EXPECT_EQ(e.message(), "Get \"https://h:1/api/v1/pods\": dial tcp h:1: connect: Connection refused");
  EXPECT_FALSE(ktk::is_not_found(e));
  auto t = timeout_error("PATCH", "http://h:1/x", "2s");
  EXPECT_EQ(t.code(), 504);
  EXPECT_EQ(t.reason(), "Timeout");
  EXPECT_EQ(t.message(), "Timeout: Patch \"http://h:1/x\": the request did not complete within 2s");
}

TEST(response_errors, warnings_299_with_escapes_dates_and_lists) {
  std::vector<std::string> out;
  append_warnings(R"(299 - "unknown field \"spec.x\"")", out);
  append_warnings(R"(299 kube-apiserver "a, b" "Wed, 21 Oct 2015 07:28:00 GMT", 299 - "second")", out);
  append_warnings(R"(199 - "not kept", 299 - "")", out);
  append_warnings(R"(garbage)", out);
  append_warnings(R"(299 - "unterminated)", out);
  EXPECT_EQ(out, (std::vector<std::string>{"unknown field \"spec.x\"", "a, b", "second"}));
}

}  // namespace
