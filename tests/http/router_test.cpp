// router_test.cpp — requests in, answers out, with no sockets: status codes, Status
// bodies, content negotiation, parameters, and the watch hand-off.
#include "http/router.hpp"
#include "http/route.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../apiserver/registry_fixtures.hpp"

namespace {

using namespace ktk::apiserver::http;
using nlohmann::json;

class router_test : public ::testing::Test {
 protected:
  router_test() : r(reg, {.server_address = "127.0.0.1:1"}) {}

  response call(std::string method, std::string target, std::string body = {},
                std::string content_type = "application/json", std::string accept = {}) {
    auto t = parse(target);
    request req{.method = std::move(method), .path = t.first, .query = t.second, .accept = std::move(accept),
                .content_type = std::move(content_type), .body = std::move(body)};
    auto out = r.handle(req);
    if (std::holds_alternative<watch_start>(out)) {
      ADD_FAILURE() << "unexpected watch";
      return {};
    }
    return std::get<response>(std::move(out));
  }
  static std::pair<std::string, std::vector<std::pair<std::string, std::string>>> parse(const std::string& target) {
    auto t = parse_target(target);
    return {t->path, t->query};
  }
  response create_cm(const std::string& name, const std::string& ns = "default", json labels = json::object()) {
    json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"labels", labels}}}};
    return call("POST", "/api/v1/namespaces/" + ns + "/configmaps", cm.dump());
  }

  ktk::apiserver::registry reg;
  router r;
};

json body(const response& res) { return json::parse(res.body); }

TEST_F(router_test, create_is_201_and_get_returns_the_object) {
  auto c = create_cm("a");
  ASSERT_EQ(c.status, 201u) << c.body;
  EXPECT_EQ(c.content_type, "application/json");
  auto g = call("GET", "/api/v1/namespaces/default/configmaps/a");
  ASSERT_EQ(g.status, 200u);
  EXPECT_EQ(body(g)["metadata"]["uid"], body(c)["metadata"]["uid"]);
}

TEST_F(router_test, yaml_bodies_are_accepted) {
  auto c = call("POST", "/api/v1/namespaces/default/configmaps",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  k: v\n", "application/yaml");
  ASSERT_EQ(c.status, 201u) << c.body;
  EXPECT_EQ(body(c)["data"]["k"], "v");
}

TEST_F(router_test, yaml_output_when_asked) {
  create_cm("a");
  auto g = call("GET", "/api/v1/namespaces/default/configmaps/a", {}, {}, "application/yaml");
  EXPECT_EQ(g.content_type, "application/yaml");
  EXPECT_NE(g.body.find("name: a"), std::string::npos) << g.body;
}

TEST_F(router_test, a_stale_update_is_409_with_kubes_message) {
  auto c = body(create_cm("a"));
  auto cur = c;
  cur["data"] = {{"x", "1"}};
  ASSERT_EQ(call("PUT", "/api/v1/namespaces/default/configmaps/a", cur.dump()).status, 200u);
  c["data"] = {{"x", "2"}};
  auto stale = call("PUT", "/api/v1/namespaces/default/configmaps/a", c.dump());
  EXPECT_EQ(stale.status, 409u);
  EXPECT_EQ(body(stale)["reason"], "Conflict");
  EXPECT_EQ(body(stale)["message"],
            "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your "
            "changes to the latest version and try again");
}

TEST_F(router_test, patches_by_content_type) {
  create_cm("a");
  auto m = call("PATCH", "/api/v1/namespaces/default/configmaps/a", R"({"data":{"m":"1"}})",
                "application/merge-patch+json");
  ASSERT_EQ(m.status, 200u) << m.body;
  auto j = call("PATCH", "/api/v1/namespaces/default/configmaps/a", R"([{"op":"add","path":"/data/j","value":"2"}])",
                "application/json-patch+json");
  ASSERT_EQ(j.status, 200u) << j.body;
  auto s = call("PATCH", "/api/v1/namespaces/default/configmaps/a", R"({"data":{"s":"3"}})",
                "application/strategic-merge-patch+json");
  ASSERT_EQ(s.status, 200u) << s.body;
  EXPECT_EQ(body(s)["data"], json({{"m", "1"}, {"j", "2"}, {"s", "3"}}));
  auto bad = call("PATCH", "/api/v1/namespaces/default/configmaps/a", "{}", "text/plain");
  EXPECT_EQ(bad.status, 415u);
  EXPECT_EQ(body(bad)["reason"], "UnsupportedMediaType");
}

TEST_F(router_test, server_side_apply_creates_with_201_then_updates_with_200) {
  const std::string cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n";
  auto first = call("PATCH", "/api/v1/namespaces/default/configmaps/ssa?fieldManager=me", cm, "application/apply-patch+yaml");
  ASSERT_EQ(first.status, 201u) << first.body;
  auto again = call("PATCH", "/api/v1/namespaces/default/configmaps/ssa?fieldManager=me", cm, "application/apply-patch+yaml");
  EXPECT_EQ(again.status, 200u) << again.body;
  auto forced = call("PATCH", "/api/v1/namespaces/default/configmaps/ssa?force=true", R"({"data":{}})",
                     "application/merge-patch+json");
  EXPECT_EQ(forced.status, 400u);
}

TEST_F(router_test, deleting_a_configmap_answers_a_success_status_a_pod_its_object) {
  auto c = body(create_cm("a"));
  auto d = call("DELETE", "/api/v1/namespaces/default/configmaps/a");
  ASSERT_EQ(d.status, 200u) << d.body;
  EXPECT_EQ(body(d)["kind"], "Status");
  EXPECT_EQ(body(d)["status"], "Success");
  EXPECT_EQ(body(d)["details"]["name"], "a");
  EXPECT_EQ(body(d)["details"]["kind"], "configmaps");
  EXPECT_EQ(body(d)["details"]["uid"], c["metadata"]["uid"]);
  auto gone = call("GET", "/api/v1/namespaces/default/configmaps/a");
  EXPECT_EQ(gone.status, 404u);
  EXPECT_EQ(body(gone)["message"], "configmaps \"a\" not found");
}

TEST_F(router_test, delete_options_come_from_the_body) {
  create_cm("a");
  auto d = call("DELETE", "/api/v1/namespaces/default/configmaps/a",
                R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"not-it"}})");
  EXPECT_EQ(d.status, 409u) << d.body;
  auto dry = call("DELETE", "/api/v1/namespaces/default/configmaps/a", R"({"dryRun":["All"]})");
  EXPECT_EQ(dry.status, 200u) << dry.body;
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps/a").status, 200u);
}

TEST_F(router_test, deletecollection_with_a_label_selector) {
  create_cm("a", "default", {{"x", "1"}});
  create_cm("b", "default", {{"x", "2"}});
  auto d = call("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=x%3D1");
  ASSERT_EQ(d.status, 200u) << d.body;
  EXPECT_EQ(body(d)["kind"], "ConfigMapList");
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps/a").status, 404u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps/b").status, 200u);
}

TEST_F(router_test, methods_and_paths_the_api_does_not_have) {
  EXPECT_EQ(call("POST", "/api/v1/configmaps", "{}").status, 405u);
  EXPECT_EQ(call("GET", "/api/v1/configmaps/a").status, 404u);
  EXPECT_EQ(call("PUT", "/api/v1/namespaces/default/configmaps", "{}").status, 405u);
  EXPECT_EQ(call("OPTIONS", "/api/v1/namespaces/default/configmaps").status, 405u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/nodes").status, 404u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/pods/p/log").status, 404u);
  auto nf = call("GET", "/apis/example.com/v1/things");
  EXPECT_EQ(nf.status, 404u);
  EXPECT_EQ(body(nf)["reason"], "NotFound");
  auto na = call("POST", "/version", "{}");
  EXPECT_EQ(na.status, 405u);
  EXPECT_EQ(body(na)["reason"], "MethodNotAllowed");
}

TEST_F(router_test, bad_parameters_are_400) {
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps?limit=abc").status, 400u);
  EXPECT_EQ(call("POST", "/api/v1/namespaces/default/configmaps?dryRun=Some", "{}").status, 400u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps?labelSelector=a%20in").status, 400u);
}

TEST_F(router_test, boolean_parameters_read_as_apimachinery_reads_them) {
  // "0" and "false" in any case are false; anything else ("True" from the Python client) true.
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps?watch=False").status, 200u);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps?watch=0").status, 200u);
  request req{.method = "GET", .path = "/api/v1/namespaces/default/configmaps", .query = {{"watch", "True"}}};
  EXPECT_TRUE(std::holds_alternative<watch_start>(r.handle(req)));
}

TEST_F(router_test, malformed_bodies_are_400_and_cbor_415) {
  auto bad = call("POST", "/api/v1/namespaces/default/configmaps", "{not json");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(body(bad)["reason"], "BadRequest");
  auto arr = call("POST", "/api/v1/namespaces/default/configmaps", "[1,2]");
  EXPECT_EQ(arr.status, 400u);
  auto pb = call("POST", "/api/v1/namespaces/default/configmaps", "k8s", "application/vnd.kubernetes.protobuf");
  EXPECT_EQ(pb.status, 400u) << "a protobuf body without the k8s\\0 prefix";
  auto cbor = call("POST", "/api/v1/namespaces/default/configmaps", "\xa0", "application/cbor");
  EXPECT_EQ(cbor.status, 415u);
}

TEST_F(router_test, dry_run_creates_nothing) {
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "d"}}}};
  auto c = call("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", cm.dump());
  EXPECT_EQ(c.status, 201u) << c.body;
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps/d").status, 404u);
}

TEST_F(router_test, lists_as_tables_and_partial_metadata) {
  create_cm("a");
  auto t = call("GET", "/api/v1/namespaces/default/configmaps", {}, {},
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  ASSERT_EQ(t.status, 200u);
  EXPECT_EQ(t.content_type, "application/json;as=Table;v=v1;g=meta.k8s.io");
  auto tj = body(t);
  EXPECT_EQ(tj["kind"], "Table");
  EXPECT_FALSE(tj["metadata"]["resourceVersion"].get<std::string>().empty());
  EXPECT_EQ(tj["rows"][0]["cells"][0], "a");
  EXPECT_EQ(tj["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  auto p = call("GET", "/api/v1/namespaces/default/configmaps", {}, {},
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
  auto pj = body(p);
  EXPECT_EQ(pj["kind"], "PartialObjectMetadataList");
  EXPECT_EQ(pj["items"][0]["metadata"]["name"], "a");
  EXPECT_FALSE(pj["items"][0].contains("data"));
}

TEST_F(router_test, custom_resources_print_their_printer_columns) {
  ASSERT_TRUE(reg.create({"apiextensions.k8s.io", "v1", "customresourcedefinitions"}, "",
                         ktk::apiserver::testing::at_crd()));
  auto at = ktk::apiserver::testing::at("x").data();
  ASSERT_EQ(call("POST", "/apis/cnat.programming-kubernetes.info/v1alpha1/namespaces/default/ats", at.dump()).status, 201u);
  auto t = body(call("GET", "/apis/cnat.programming-kubernetes.info/v1alpha1/namespaces/default/ats", {}, {},
                     "application/json;as=Table;v=v1;g=meta.k8s.io"));
  ASSERT_GE(t["columnDefinitions"].size(), 2u);
  EXPECT_EQ(t["columnDefinitions"][0]["name"], "Name");
  EXPECT_EQ(t["columnDefinitions"][1]["name"], "Phase");
  // Deleting a custom resource answers the object (kube-apiserver's ReturnDeletedObject).
  auto d = call("DELETE", "/apis/cnat.programming-kubernetes.info/v1alpha1/namespaces/default/ats/x");
  EXPECT_EQ(body(d)["kind"], "At");
}

TEST_F(router_test, watch_requests_hand_over_a_stream) {
  request req{.method = "GET", .path = "/api/v1/namespaces/default/configmaps",
              .query = {{"watch", "true"}, {"timeoutSeconds", "7"}}};
  auto out = r.handle(req);
  auto* w = std::get_if<watch_start>(&out);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->timeout, std::chrono::seconds(7));
  EXPECT_EQ(w->content_type, "application/json");
  create_cm("a");
  auto evs = w->stream->poll();
  ASSERT_EQ(evs.size(), 1u);
  auto line = w->encode(evs[0]);
  ASSERT_EQ(line.back(), '\n');
  auto j = json::parse(line);
  EXPECT_EQ(j["type"], "ADDED");
  EXPECT_EQ(j["object"]["metadata"]["name"], "a");
}

TEST_F(router_test, bindings_answer_a_success_status) {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "p"}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx"}}}}}}};
  ASSERT_EQ(call("POST", "/api/v1/namespaces/default/pods", pod.dump()).status, 201u);
  json binding = {{"apiVersion", "v1"}, {"kind", "Binding"}, {"metadata", {{"name", "p"}}},
                  {"target", {{"kind", "Node"}, {"name", "n1"}}}};
  auto b = call("POST", "/api/v1/namespaces/default/pods/p/binding", binding.dump());
  ASSERT_EQ(b.status, 201u) << b.body;
  EXPECT_EQ(body(b)["status"], "Success");
  EXPECT_EQ(body(call("GET", "/api/v1/namespaces/default/pods/p"))["spec"]["nodeName"], "n1");
}

TEST_F(router_test, discovery_and_version) {
  auto v = call("GET", "/version");
  EXPECT_EQ(body(v)["gitVersion"], "v1.31.0");
  auto agg = call("GET", "/apis", {}, {},
                  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
  EXPECT_EQ(agg.content_type, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  EXPECT_EQ(body(agg)["kind"], "APIGroupDiscoveryList");
  auto legacy = call("GET", "/apis", {}, {}, "application/json");
  EXPECT_EQ(body(legacy)["kind"], "APIGroupList");
  EXPECT_EQ(body(call("GET", "/api/v1"))["kind"], "APIResourceList");
  EXPECT_EQ(call("GET", "/apis/nope.io").status, 404u);
  EXPECT_EQ(call("GET", "/openapi/v2").status, 200u);
  EXPECT_EQ(call("GET", "/openapi/v3/apis/apps/v1").status, 200u);
  EXPECT_EQ(call("GET", "/openapi/v3/apis/apps/v9").status, 404u);
}

TEST_F(router_test, openapi_answers_follow_crd_changes) {
  const std::string gv = "apis/cnat.programming-kubernetes.info/v1alpha1";
  EXPECT_FALSE(body(call("GET", "/openapi/v3"))["paths"].contains(gv));
  EXPECT_EQ(call("GET", "/openapi/v3/" + gv).status, 404u);
  const ktk::core::gvr crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};
  ASSERT_TRUE(reg.create(crds, "", ktk::apiserver::testing::at_crd()));
  EXPECT_TRUE(body(call("GET", "/openapi/v3"))["paths"].contains(gv));
  EXPECT_EQ(call("GET", "/openapi/v3/" + gv).status, 200u);
  EXPECT_NE(call("GET", "/openapi/v2").body.find("info.programming-kubernetes.cnat.v1alpha1.At"), std::string::npos);
  ASSERT_TRUE(reg.remove(crds, {"", "ats.cnat.programming-kubernetes.info"}));
  EXPECT_FALSE(body(call("GET", "/openapi/v3"))["paths"].contains(gv));
}

}  // namespace
