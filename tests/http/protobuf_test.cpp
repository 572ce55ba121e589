// protobuf_test.cpp — request bodies in Kubernetes' protobuf encoding decoded into the
// JSON a JSON client would have sent: the envelope, Go's zero-value rules, the special
// messages (Time, MicroTime, Quantity, IntOrString, bytes), and malformed input.
#include "http/protobuf.hpp"
#include "http/protobuf_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/negotiate.hpp"
#include "http/router.hpp"

#include "../apiserver/registry_fixtures.hpp"

namespace {

using namespace ktk::apiserver::http;
using nlohmann::json;
using namespace std::string_literals;

// A few lines of protobuf writing, the way Go's gogo-generated marshalers write k8s
// messages: every non-pointer string and number, even when empty or zero.
std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}
std::string key(int n, int wt) { return varint(static_cast<std::uint64_t>(n) << 3 | wt); }
std::string bytes(int n, const std::string& b) { return key(n, 2) + varint(b.size()) + b; }
std::string num(int n, std::int64_t v) { return key(n, 0) + varint(static_cast<std::uint64_t>(v)); }
std::string entry(int n, const std::string& k, const std::string& v) { return bytes(n, bytes(1, k) + bytes(2, v)); }

std::string envelope(const std::string& api_version, const std::string& kind, const std::string& raw) {
  return "k8s\0"s + bytes(1, bytes(1, api_version) + bytes(2, kind)) + bytes(2, raw) + bytes(3, "") + bytes(4, "");
}

// ObjectMeta as client-go sends it for a new object: name, namespace, every other string
// empty, generation 0, an empty creationTimestamp.
std::string object_meta(const std::string& name, const std::string& ns, const std::string& extra = "") {
  return bytes(1, name) + bytes(2, "") + bytes(3, ns) + bytes(4, "") + bytes(5, "") + bytes(6, "") + num(7, 0) +
         bytes(8, "") + extra;
}

json decoded(const std::string& body) {
  auto j = decode_protobuf_body(body);
  EXPECT_TRUE(j) << (j ? "" : j.error().message());
  return j ? *j : json();
}

TEST(protobuf_body, a_config_map_comes_out_as_a_json_client_would_send_it) {
  auto raw = bytes(1, object_meta("cm", "default", entry(11, "app", "web"))) + entry(2, "k", "v");
  EXPECT_EQ(decoded(envelope("v1", "ConfigMap", raw)),
            json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
                            "metadata":{"name":"cm","namespace":"default","labels":{"app":"web"}},
                            "data":{"k":"v"}})"));
}

TEST(protobuf_body, pointers_keep_their_zero_and_omitempty_fields_drop_theirs) {
  // DeploymentSpec: replicas (*int32) = 0 stays, minReadySeconds (int32) = 0 and paused =
  // false go; strategy is a struct, which Go's JSON always writes.
  auto container = bytes(1, "web") + bytes(2, "nginx") + bytes(8, "") +
                   bytes(6, bytes(1, "") + num(2, 0) + num(3, 80) + bytes(4, "TCP") + bytes(5, ""));
  auto pod_spec = bytes(2, container) + bytes(3, "") + bytes(7, "");
  auto tmpl = bytes(1, object_meta("", "", entry(11, "app", "web"))) + bytes(2, pod_spec);
  auto spec = num(1, 0) + bytes(2, entry(1, "app", "web")) + bytes(3, tmpl) + bytes(4, "") + num(5, 0) + num(7, 0);
  auto raw = bytes(1, object_meta("web", "default")) + bytes(2, spec) + bytes(3, "");
  auto j = decoded(envelope("apps/v1", "Deployment", raw));
  EXPECT_EQ(j["spec"]["replicas"], 0);
  EXPECT_FALSE(j["spec"].contains("minReadySeconds"));
  EXPECT_FALSE(j["spec"].contains("paused"));
  EXPECT_EQ(j["spec"]["strategy"], json::object());
  EXPECT_EQ(j["spec"]["selector"], json::parse(R"({"matchLabels":{"app":"web"}})"));
  EXPECT_EQ(j["status"], json::object());
  const json& c = j["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["name"], "web");
  EXPECT_EQ(c["image"], "nginx");
  EXPECT_EQ(c["ports"], json::parse(R"([{"containerPort":80,"protocol":"TCP"}])"));
  EXPECT_EQ(c["resources"], json::object());
  EXPECT_EQ(j["spec"]["template"]["metadata"], json::parse(R"({"labels":{"app":"web"}})"));
  EXPECT_FALSE(j["spec"]["template"]["spec"].contains("restartPolicy")) << "empty strings are left out";
}

TEST(protobuf_body, bytes_are_base64_and_a_false_pointer_stays) {
  auto raw = bytes(1, object_meta("s", "default")) + entry(2, "password", "s3cr\xff") + bytes(3, "Opaque") +
             num(5, 0);
  auto j = decoded(envelope("v1", "Secret", raw));
  EXPECT_EQ(j["data"]["password"], "czNjcv8=");
  EXPECT_EQ(j["type"], "Opaque");
  EXPECT_EQ(j["immutable"], false);
}

TEST(protobuf_body, int_or_string_quantity_and_times) {
  // ServicePort.targetPort: IntOrString {type, intVal, strVal}.
  auto port_int = bytes(1, "http") + bytes(2, "TCP") + num(3, 80) + bytes(4, num(1, 0) + num(2, 8080) + bytes(3, ""));
  auto port_str = bytes(1, "web") + bytes(2, "TCP") + num(3, 81) + bytes(4, num(1, 1) + num(2, 0) + bytes(3, "web"));
  auto svc = decoded(envelope("v1", "Service", bytes(1, object_meta("svc", "default")) +
                                                   bytes(2, bytes(1, port_int) + bytes(1, port_str) + bytes(4, "ClusterIP"))));
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], 8080);
  EXPECT_EQ(svc["spec"]["ports"][1]["targetPort"], "web");
  EXPECT_EQ(svc["spec"]["type"], "ClusterIP");

  // ResourceQuota.spec.hard: map<string, Quantity>.
  auto quota = decoded(envelope("v1", "ResourceQuota",
                                bytes(1, object_meta("q", "default")) + bytes(2, bytes(1, bytes(1, "pods") + bytes(2, bytes(1, "10"))))));
  EXPECT_EQ(quota["spec"]["hard"]["pods"], "10");

  // meta/v1 Time in seconds; Lease.renewTime is a MicroTime.
  auto meta = bytes(1, "l") + bytes(3, "default") + bytes(8, num(1, 1704164645));
  auto lease = decoded(envelope("coordination.k8s.io/v1", "Lease",
                                bytes(1, meta) + bytes(2, bytes(1, "me") + bytes(4, num(1, 1704164645) + num(2, 123456789)))));
  EXPECT_EQ(lease["metadata"]["creationTimestamp"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(lease["spec"]["holderIdentity"], "me");
  EXPECT_EQ(lease["spec"]["renewTime"], "2024-01-02T03:04:05.123456Z");
}

TEST(protobuf_body, embedded_structs_are_inlined) {
  // Probe embeds ProbeHandler, Volume embeds VolumeSource, and ConfigMapVolumeSource
  // embeds LocalObjectReference: Go's JSON writes their fields in the parent.
  auto http_get = bytes(1, "/healthz") + bytes(2, num(1, 0) + num(2, 8080) + bytes(3, "")) + bytes(3, "") + bytes(4, "HTTP");
  auto probe = bytes(1, bytes(2, http_get)) + num(2, 0) + num(4, 5);
  auto container = bytes(1, "web") + bytes(2, "nginx") + bytes(10, probe);
  auto volume = bytes(1, "cfg") + bytes(2, bytes(19, bytes(1, bytes(1, "app-config")) + num(3, 420)));
  auto pod = decoded(envelope("v1", "Pod", bytes(1, object_meta("p", "default")) +
                                               bytes(2, bytes(1, volume) + bytes(2, container))));
  EXPECT_EQ(pod["spec"]["containers"][0]["livenessProbe"],
            json::parse(R"({"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"periodSeconds":5})"));
  EXPECT_EQ(pod["spec"]["volumes"][0],
            json::parse(R"({"name":"cfg","configMap":{"name":"app-config","defaultMode":420}})"));
}

TEST(protobuf_body, rbac_keeps_fields_without_omitempty) {
  auto rule = bytes(1, "get") + bytes(1, "list") + bytes(2, "") + bytes(3, "configmaps");
  auto role = decoded(envelope("rbac.authorization.k8s.io/v1", "Role", bytes(1, object_meta("r", "ns")) + bytes(2, rule)));
  EXPECT_EQ(role["rules"], json::parse(R"([{"verbs":["get","list"],"apiGroups":[""],"resources":["configmaps"]}])"));
  auto binding = decoded(envelope("rbac.authorization.k8s.io/v1", "RoleBinding",
                                  bytes(1, object_meta("b", "ns")) +
                                      bytes(2, bytes(1, "User") + bytes(2, "rbac.authorization.k8s.io") +
                                                   bytes(3, "alice") + bytes(4, "")) +
                                      bytes(3, bytes(1, "rbac.authorization.k8s.io") + bytes(2, "Role") + bytes(3, "r"))));
  EXPECT_EQ(binding["subjects"], json::parse(R"([{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"}])"));
  EXPECT_EQ(binding["roleRef"], json::parse(R"({"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"})"));
}

TEST(protobuf_body, delete_options_under_any_version) {
  // gracePeriodSeconds (*int64) = 0, preconditions.uid, propagationPolicy.
  auto raw = num(1, 0) + bytes(2, bytes(1, "u-1")) + bytes(4, "Foreground");
  auto j = decoded(envelope("apps/v1", "DeleteOptions", raw));
  EXPECT_EQ(j["gracePeriodSeconds"], 0);
  EXPECT_EQ(j["preconditions"]["uid"], "u-1");
  EXPECT_EQ(j["propagationPolicy"], "Foreground");
}

TEST(protobuf_body, unknown_fields_are_skipped_and_invalid_utf8_is_replaced) {
  auto raw = bytes(1, object_meta("cm", "default") + bytes(99, "future") + num(98, 7)) + entry(2, "k", "a\xc3(b") +
             key(77, 5) + "\x01\x02\x03\x04";
  auto j = decoded(envelope("v1", "ConfigMap", raw));
  EXPECT_EQ(j["metadata"]["name"], "cm");
  EXPECT_EQ(j["data"]["k"], "a\xef\xbf\xbd(b");
  EXPECT_NO_THROW((void)j.dump());
}

TEST(protobuf_body, malformed_bodies_are_400_and_custom_kinds_415) {
  auto no_prefix = decode_protobuf_body("{\"kind\":\"ConfigMap\"}");
  ASSERT_FALSE(no_prefix);
  EXPECT_EQ(no_prefix.error().code(), 400);
  EXPECT_EQ(no_prefix.error().message(),
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");

  const auto good = envelope("v1", "ConfigMap", bytes(1, object_meta("cm", "default")) + entry(2, "k", "v"));
  for (std::size_t cut = 5; cut < good.size(); ++cut) {
    auto truncated = decode_protobuf_body(good.substr(0, cut));
    if (!truncated) {
      EXPECT_EQ(truncated.error().code(), 400) << cut;
    }
  }
  auto wrong_wire = decode_protobuf_body(envelope("v1", "ConfigMap", num(1, 5)));
  ASSERT_FALSE(wrong_wire);
  EXPECT_EQ(wrong_wire.error().code(), 400);
  EXPECT_NE(wrong_wire.error().message().find("metadata"), std::string::npos) << wrong_wire.error().message();
  auto long_varint = decode_protobuf_body("k8s\0"s + key(1, 0) + std::string(11, '\xff') + "\x01");
  ASSERT_FALSE(long_varint);
  EXPECT_EQ(long_varint.error().code(), 400);
  auto no_kind = decode_protobuf_body("k8s\0"s);
  ASSERT_FALSE(no_kind);
  EXPECT_EQ(no_kind.error().code(), 400);
  auto group_wire = decode_protobuf_body(envelope("v1", "ConfigMap", key(5, 3)));
  ASSERT_FALSE(group_wire);
  EXPECT_EQ(group_wire.error().code(), 400);
  auto huge_time = decode_protobuf_body(
      envelope("v1", "ConfigMap", bytes(1, bytes(1, "cm") + bytes(8, num(1, std::int64_t{1} << 60)))));
  ASSERT_FALSE(huge_time);
  EXPECT_EQ(huge_time.error().code(), 400);

  auto custom = decode_protobuf_body(envelope("example.com/v1", "Widget", bytes(1, object_meta("w", "default"))));
  ASSERT_FALSE(custom);
  EXPECT_EQ(custom.error().code(), 415);
  EXPECT_EQ(custom.error().reason(), "UnsupportedMediaType");
}

TEST(protobuf_body, decode_body_takes_the_protobuf_media_type) {
  auto j = decode_body("application/vnd.kubernetes.protobuf",
                       envelope("v1", "Namespace", bytes(1, object_meta("team-a", "")) + bytes(2, "") + bytes(3, "")));
  ASSERT_TRUE(j) << j.error().message();
  EXPECT_EQ((*j)["metadata"]["name"], "team-a");
  EXPECT_EQ((*j)["spec"], json::object());
}

TEST(protobuf_text, go_durations) {
  using ktk::apiserver::http::protobuf::go_duration;
  EXPECT_EQ(go_duration(0), "0s");
  EXPECT_EQ(go_duration(999), "999ns");
  EXPECT_EQ(go_duration(1'500), "1.5\xc2\xb5s");
  EXPECT_EQ(go_duration(1'500'000), "1.5ms");
  EXPECT_EQ(go_duration(90'000'000'000), "1m30s");
  EXPECT_EQ(go_duration(3'600'000'000'000), "1h0m0s");
  EXPECT_EQ(go_duration(3'723'500'000'000), "1h2m3.5s");
  EXPECT_EQ(go_duration(-2'000'000'000), "-2s");
  EXPECT_EQ(go_duration(INT64_MIN), "-2562047h47m16.854775808s");
}

TEST(protobuf_text, rfc3339_and_utf8) {
  using namespace ktk::apiserver::http::protobuf;
  EXPECT_EQ(rfc3339(0, 0, false), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339(-1, 0, false), "1969-12-31T23:59:59Z");
  EXPECT_EQ(rfc3339(951782400, 5'000, true), "2000-02-29T00:00:00.000005Z");
  EXPECT_EQ(rfc3339(253402300799, 0, false), "9999-12-31T23:59:59Z");
  EXPECT_EQ(rfc3339(253402300800, 0, false), std::nullopt);
  EXPECT_EQ(valid_utf8("h\xc3\xa9llo"), "h\xc3\xa9llo");
  EXPECT_EQ(valid_utf8("\xc0\x80"), "\xef\xbf\xbd\xef\xbf\xbd") << "an overlong NUL";
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") << "a surrogate";
  EXPECT_EQ(valid_utf8("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

class protobuf_router : public ::testing::Test {
 protected:
  protobuf_router() : r(reg, {.server_address = "127.0.0.1:1"}) {}

  response call(std::string method, std::string path, std::string body) {
    request req{.method = std::move(method), .path = std::move(path), .content_type = std::string(protobuf_media_type),
                .body = std::move(body)};
    auto out = r.handle(req);
    return std::get<response>(std::move(out));
  }

  ktk::apiserver::registry reg;
  router r;
};

TEST_F(protobuf_router, create_update_and_delete_with_protobuf_bodies) {
  auto created = call("POST", "/api/v1/namespaces/default/configmaps",
                      envelope("v1", "ConfigMap", bytes(1, object_meta("cm", "default")) + entry(2, "k", "v1")));
  ASSERT_EQ(created.status, 201u) << created.body;
  auto c = json::parse(created.body);
  EXPECT_EQ(c["data"]["k"], "v1");
  const std::string rv = c["metadata"]["resourceVersion"];
  const std::string uid = c["metadata"]["uid"];

  auto meta = bytes(1, "cm") + bytes(3, "default") + bytes(5, uid) + bytes(6, rv);
  auto updated = call("PUT", "/api/v1/namespaces/default/configmaps/cm",
                      envelope("v1", "ConfigMap", bytes(1, meta) + entry(2, "k", "v2")));
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["data"]["k"], "v2");

  // A uid precondition that does not hold: 409, and nothing deleted.
  auto refused = call("DELETE", "/api/v1/namespaces/default/configmaps/cm",
                      envelope("v1", "DeleteOptions", bytes(2, bytes(1, "not-the-uid"))));
  EXPECT_EQ(refused.status, 409u) << refused.body;
  auto deleted = call("DELETE", "/api/v1/namespaces/default/configmaps/cm",
                      envelope("v1", "DeleteOptions", bytes(2, bytes(1, uid)) + bytes(4, "Background")));
  EXPECT_EQ(deleted.status, 200u) << deleted.body;
}

TEST_F(protobuf_router, a_kind_that_does_not_match_the_resource_is_refused) {
  auto wrong = call("POST", "/api/v1/namespaces/default/configmaps",
                    envelope("v1", "Secret", bytes(1, object_meta("s", "default"))));
  EXPECT_EQ(wrong.status, 400u) << wrong.body;
}

}  // namespace
