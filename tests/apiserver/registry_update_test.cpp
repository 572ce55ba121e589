// registry update: optimistic concurrency, generation, the status subresource,
// no-op writes, finalizers on terminating objects, create-on-update kinds.
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RegistryUpdate : public registry_test {
 protected:
  // A copy of the stored object to edit and write back.
  object edit(const gvr& r, const std::string& ns, const std::string& name) { return *must_get(r, ns, name); }
};

TEST_F(RegistryUpdate, StaleResourceVersionIsConflictWithKubeMessage) {
  auto first = must_create(configmaps, "default", configmap("x", {{"k", "1"}}));
  object a = *first;
  a.data()["data"]["k"] = "2";
  auto second = reg.update(configmaps, {"default", "x"}, std::move(a));
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_GT(rv(*second), rv(first));
  object stale = *first;
  stale.data()["data"]["k"] = "3";
  auto got = reg.update(configmaps, {"default", "x"}, std::move(stale));
  EXPECT_TRUE(fails_with(got, 409, "Conflict",
                         R"(Operation cannot be fulfilled on configmaps "x": the object has been modified; )"
                         "please apply your changes to the latest version and try again"));
  EXPECT_EQ(must_get(configmaps, "default", "x")->data()["data"]["k"], "2");
}

TEST_F(RegistryUpdate, EmptyResourceVersionIsUnconditional) {
  must_create(configmaps, "default", configmap("x", {{"k", "1"}}));
  auto got = reg.update(configmaps, {"default", "x"}, configmap("x", {{"k", "2"}}));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["data"]["k"], "2");
}

TEST_F(RegistryUpdate, UpdatePreservesSystemFields) {
  auto created = must_create(configmaps, "default", configmap("x"));
  clk.advance(std::chrono::minutes(5));
  object o = configmap("x", {{"k", "v"}});
  o.set_creation_timestamp("1999-01-01T00:00:00Z");
  auto got = reg.update(configmaps, {"default", "x"}, std::move(o));
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)->uid(), created->uid());
  EXPECT_EQ((*got)->creation_timestamp(), created->creation_timestamp());
  EXPECT_EQ((*got)->namespace_(), "default");
}

TEST_F(RegistryUpdate, MissingObjectIsNotFound) {
  EXPECT_TRUE(fails_with(reg.update(configmaps, {"default", "x"}, configmap("x")), 404, "NotFound",
                         R"(configmaps "x" not found)"));
}

TEST_F(RegistryUpdate, DeploymentGenerationMovesOnlyOnSpecChange) {
  must_create(deployments, "default", deployment("web"));
  object labelled = edit(deployments, "default", "web");
  labelled.set_label("team", "a");
  labelled.set_annotation("note", "x");
  auto l = reg.update(deployments, {"default", "web"}, std::move(labelled));
  ASSERT_TRUE(l) << l.error().message();
  EXPECT_EQ((*l)->generation(), 1);
  object scaled = edit(deployments, "default", "web");
  scaled.data()["spec"]["replicas"] = 3;
  auto s = reg.update(deployments, {"default", "web"}, std::move(scaled));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ((*s)->generation(), 2);
  // A client cannot set generation itself.
  object forged = edit(deployments, "default", "web");
  forged.set_generation(40);
  auto f = reg.update(deployments, {"default", "web"}, std::move(forged));
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)->generation(), 2);
}

TEST_F(RegistryUpdate, AStatusWriteIsValidatedAsAStatus) {
  must_create(deployments, "default", deployment("web"));
  object st = edit(deployments, "default", "web");
  st.data()["status"] = {{"replicas", 1}, {"readyReplicas", 2}};
  EXPECT_TRUE(fails_with(reg.update(deployments, {"default", "web"}, std::move(st), {.subresource = "status"}), 422,
                         "Invalid",
                         "Deployment.apps \"web\" is invalid: status.readyReplicas: Invalid value: 2: cannot be "
                         "greater than status.replicas"));
  // A spec the body breaks is not looked at: a status write keeps the stored one.
  object broken = edit(deployments, "default", "web");
  broken.data()["spec"]["replicas"] = -5;
  broken.data()["status"] = {{"replicas", 1}};
  ASSERT_TRUE(reg.update(deployments, {"default", "web"}, std::move(broken), {.subresource = "status"}));
}

TEST_F(RegistryUpdate, StatusSubresourceWritesOnlyStatus) {
  must_create(deployments, "default", deployment("web"));
  object st = edit(deployments, "default", "web");
  st.data()["status"] = {{"replicas", 3}, {"readyReplicas", 2}};
  st.data()["spec"]["replicas"] = 9;  // ignored on /status
  st.set_label("ignored", "yes");     // ignored on /status
  auto s = reg.update(deployments, {"default", "web"}, std::move(st), {.subresource = "status"});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ((*s)->data()["status"]["replicas"], 3);
  EXPECT_EQ((*s)->data()["spec"]["replicas"], 1);
  EXPECT_EQ((*s)->generation(), 1);
  EXPECT_FALSE((*s)->label("ignored"));

  // The main resource keeps the stored status whatever the body says.
  object main = edit(deployments, "default", "web");
  main.data()["status"] = {{"replicas", 99}};
  main.data()["spec"]["replicas"] = 4;
  auto m = reg.update(deployments, {"default", "web"}, std::move(main));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ((*m)->data()["status"]["replicas"], 3);
  EXPECT_EQ((*m)->data()["spec"]["replicas"], 4);
  EXPECT_EQ((*m)->generation(), 2);
}

// ValidatePodStatusUpdate: terminated containers of a Pod that does not restart stay
// terminated, the QoS class is fixed at create (a status without it keeps it), custom
// condition types are qualified names, nominatedNodeName is a node name.
TEST_F(RegistryUpdate, APodStatusWriteIsValidatedAsKubeValidatesIt) {
  object p = pod("job");
  p.data()["spec"]["restartPolicy"] = "Never";
  must_create(pods, "default", std::move(p));
  const json done = {{"name", "c"}, {"state", {{"terminated", {{"exitCode", 0}}}}}};
  const json running = {{"name", "c"}, {"state", {{"running", json::object()}}}};
  object st = edit(pods, "default", "job");
  st.data()["status"] = {{"phase", "Succeeded"}, {"containerStatuses", json::array({done})}};
  auto written = reg.update(pods, {"default", "job"}, std::move(st), {.subresource = "status"});
  ASSERT_TRUE(written) << written.error().message();
  EXPECT_EQ((*written)->data()["status"]["qosClass"], "BestEffort") << "kept from create";

  object back = edit(pods, "default", "job");
  back.data()["status"]["containerStatuses"] = json::array({running});
  EXPECT_TRUE(fails_with(reg.update(pods, {"default", "job"}, std::move(back), {.subresource = "status"}), 422,
                         "Invalid",
                         "Pod \"job\" is invalid: status.containerStatuses[0].state: Forbidden: may not be "
                         "transitioned to non-terminated state"));

  object bad = edit(pods, "default", "job");
  bad.data()["status"]["qosClass"] = "Guaranteed";
  bad.data()["status"]["nominatedNodeName"] = "Node_1";
  bad.data()["status"]["conditions"] = json::array({{{"type", "Ready"}, {"status", "True"}},
                                                    {{"type", "example.com/ok"}, {"status", "True"}},
                                                    {{"type", "not ok"}, {"status", "True"}}});
  auto refused = reg.update(pods, {"default", "job"}, std::move(bad), {.subresource = "status"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), 422);
  const std::string& m = refused.error().message();
  EXPECT_NE(m.find("metadata.conditions[2].Type: Invalid value: \"not ok\": name part must consist of alphanumeric "
                   "characters"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("status.nominatedNodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("status.qosClass: Invalid value: \"Guaranteed\": field is immutable"), std::string::npos) << m;
  EXPECT_EQ(m.find("conditions[0]"), std::string::npos) << "Ready is a system condition: " << m;
  EXPECT_EQ(m.find("conditions[1]"), std::string::npos) << m;

  // With restartPolicy OnFailure a failed container may run again; a succeeded one may not.
  object q = pod("retry");
  q.data()["spec"]["restartPolicy"] = "OnFailure";
  must_create(pods, "default", std::move(q));
  object failed = edit(pods, "default", "retry");
  failed.data()["status"] = {{"containerStatuses", json::array({{{"name", "c"}, {"state", {{"terminated", {{"exitCode", 1}}}}}}})}};
  ASSERT_TRUE(reg.update(pods, {"default", "retry"}, std::move(failed), {.subresource = "status"}));
  object again = edit(pods, "default", "retry");
  again.data()["status"]["containerStatuses"] = json::array({running});
  EXPECT_TRUE(reg.update(pods, {"default", "retry"}, std::move(again), {.subresource = "status"}));
}

// validatePodIPs / validateHostIPs: valid addresses, one per family, no duplicates, and
// hostIPs[0] is hostIP; and the v1 conversion that makes podIP / hostIP authoritative.
TEST_F(RegistryUpdate, APodStatusWriteChecksItsPodAndHostIPs) {
  must_create(pods, "default", pod("net"));
  auto write_status = [&](json status) {
    object st = edit(pods, "default", "net");
    st.data()["status"] = std::move(status);
    return reg.update(pods, {"default", "net"}, std::move(st), {.subresource = "status"});
  };
  auto ips = [](std::initializer_list<const char*> list) {
    json a = json::array();
    for (const char* ip : list) a.push_back({{"ip", ip}});
    return a;
  };
  auto ok = write_status({{"podIP", "10.0.0.1"}, {"podIPs", ips({"10.0.0.1", "fd00::1"})}, {"hostIP", "192.168.1.2"},
                          {"hostIPs", ips({"192.168.1.2", "2001:db8::2"})}});
  ASSERT_TRUE(ok) << ok.error().message();
  ok = write_status({{"podIPs", ips({"010.000.0.1"})}, {"hostIP", "::ffff:10.1.1.1"}, {"hostIPs", ips({"::ffff:10.1.1.1"})}});
  ASSERT_TRUE(ok) << "IPv4 octets with leading zeros and an IPv4-mapped IPv6 address are IPs: " << ok.error().message();
  EXPECT_EQ((*ok)->data()["status"]["podIP"], "010.000.0.1") << "podIP is written back as podIPs[0]";

  // As the v1 conversion does: a podIP / hostIP that is set wins over a list that
  // starts elsewhere, and an empty list gets it.
  ok = write_status({{"podIP", "10.0.0.9"}, {"podIPs", ips({"10.0.0.1", "fd00::1"})}, {"hostIP", "10.1.1.1"}});
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ((*ok)->data()["status"]["podIPs"], ips({"10.0.0.9"}));
  EXPECT_EQ((*ok)->data()["status"]["hostIPs"], ips({"10.1.1.1"}));

  auto refused = write_status({{"podIPs", ips({"10.0.0.1", "10.0.0.2", "10.0.0.1", "not-an-ip"})},
                               {"hostIPs", ips({"10.1.1.2", "fd00::2", "fd00::2"})}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), 422);
  const std::string& m = refused.error().message();
  for (const char* want :
       {"status.podIPs[3]: Invalid value: \"not-an-ip\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        "status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:\"10.0.0.1\"}, core.PodIP{IP:\"10.0.0.2\"}, "
        "core.PodIP{IP:\"10.0.0.1\"}, core.PodIP{IP:\"not-an-ip\"}}: may specify no more than one IP for each IP family",
        "status.podIPs[2]: Duplicate value: core.PodIP{IP:\"10.0.0.1\"}",
        "status.hostIPs[0].ip: Invalid value: \"10.1.1.2\": must be equal to `hostIP`",
        "status.hostIPs[2]: Duplicate value: core.HostIP{IP:\"fd00::2\"}",
        "status.hostIPs: Invalid value: []core.HostIP{"}) {
    EXPECT_NE(m.find(want), std::string::npos) << want << "\n in: " << m;
  }
  // Go's order: podIPs (addresses, families, duplicates), then hostIPs (hostIP,
  // addresses, duplicates, families).
  EXPECT_LT(m.find("status.podIPs[3]"), m.find("status.podIPs: "));
  EXPECT_LT(m.find("status.podIPs: "), m.find("status.podIPs[2]"));
  EXPECT_LT(m.find("status.podIPs[2]"), m.find("status.hostIPs[0].ip"));
  EXPECT_LT(m.find("status.hostIPs[2]"), m.find("status.hostIPs: "));
}

TEST_F(RegistryUpdate, StatusOfAKindWithoutItIsNotFound) {
  must_create(configmaps, "default", configmap("x"));
  EXPECT_TRUE(fails_with(reg.update(configmaps, {"default", "x"}, configmap("x"), {.subresource = "status"}), 404,
                         "NotFound"));
  EXPECT_TRUE(fails_with(reg.get(configmaps, {"default", "x"}, {}, "status"), 404, "NotFound"));
}

TEST_F(RegistryUpdate, NoOpUpdateKeepsResourceVersionAndEmitsNoEvent) {
  auto created = must_create(configmaps, "default", configmap("x", {{"k", "v"}}));
  auto w = reg.watch(configmaps, "default", {.resource_version = std::string(created->resource_version())});
  ASSERT_TRUE(w);
  auto same = reg.update(configmaps, {"default", "x"}, object(*created), {.field_manager = "other"});
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ((*same)->resource_version(), created->resource_version());
  EXPECT_EQ(reg.current_revision(), rv(created));
  EXPECT_THAT(drain(**w), IsEmpty());
  auto changed = reg.update(configmaps, {"default", "x"}, configmap("x", {{"k", "w"}}));
  ASSERT_TRUE(changed);
  EXPECT_THAT(describe(drain(**w)), ElementsAre("MODIFIED x"));
}

TEST_F(RegistryUpdate, NameMismatchIsBadRequest) {
  must_create(configmaps, "default", configmap("x"));
  EXPECT_TRUE(fails_with(reg.update(configmaps, {"default", "x"}, configmap("y")), 400, "BadRequest",
                         "the name of the object (y) does not match the name on the URL (x)"));
}

TEST_F(RegistryUpdate, BodyOfAnotherKindIsBadRequest) {
  must_create(configmaps, "default", configmap("x"));
  object o = configmap("x");
  o.set_kind("Secret");
  EXPECT_TRUE(fails_with(reg.update(configmaps, {"default", "x"}, std::move(o)), 400, "BadRequest"));
}

// kube-apiserver turns the body's uid into a storage precondition (defaultUpdatedObjectInfo
// .Preconditions), so a different uid fails as a 409 Conflict, not 422.
TEST_F(RegistryUpdate, DifferentUidIsAPreconditionConflict) {
  auto created = must_create(configmaps, "default", configmap("x"));
  object o = configmap("x", {{"k", "v"}});
  o.set_uid("6f1c5a8e-0000-4000-8000-000000000000");
  auto got = reg.update(configmaps, {"default", "x"}, std::move(o));
  ASSERT_TRUE(fails_with(got, 409, "Conflict"));
  EXPECT_THAT(got.error().message(), HasSubstr(R"(Operation cannot be fulfilled on configmaps "x": )"));
  EXPECT_THAT(got.error().message(),
              HasSubstr("Precondition failed: UID in precondition: 6f1c5a8e-0000-4000-8000-000000000000, UID in "
                        "object meta: " + std::string(created->uid())));
}

TEST_F(RegistryUpdate, RemovingTheLastFinalizerOfATerminatingObjectDeletesIt) {
  object o = configmap("x");
  o.set_finalizers({"example.com/a", "example.com/b"});
  auto created = must_create(configmaps, "default", std::move(o));
  auto d = reg.remove(configmaps, {"default", "x"});
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->deleted);
  auto w = reg.watch(configmaps, "default", {.resource_version = std::string(d->object->resource_version())});
  ASSERT_TRUE(w);

  object one = edit(configmaps, "default", "x");
  one.remove_finalizer("example.com/a");
  ASSERT_TRUE(reg.update(configmaps, {"default", "x"}, std::move(one)));
  EXPECT_TRUE(reg.get(configmaps, {"default", "x"}));

  object none = edit(configmaps, "default", "x");
  none.set_finalizers({});
  ASSERT_TRUE(reg.update(configmaps, {"default", "x"}, std::move(none)));
  EXPECT_TRUE(is_not_found(reg.get(configmaps, {"default", "x"})));
  EXPECT_THAT(describe(drain(**w)), ElementsAre("MODIFIED x", "DELETED x"));
}

TEST_F(RegistryUpdate, NoNewFinalizersOnATerminatingObject) {
  object o = configmap("x");
  o.set_finalizers({"example.com/a"});
  must_create(configmaps, "default", std::move(o));
  ASSERT_TRUE(reg.remove(configmaps, {"default", "x"}));
  object more = edit(configmaps, "default", "x");
  more.add_finalizer("example.com/b");
  auto got = reg.update(configmaps, {"default", "x"}, std::move(more));
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(),
              HasSubstr(R"(metadata.finalizers: Forbidden: no new finalizers can be added if the object is being )"
                        R"(deleted, found new finalizers []string{"example.com/b"})"));
}

TEST_F(RegistryUpdate, DeletionTimestampCannotBeClearedByAnUpdate) {
  object o = configmap("x");
  o.set_finalizers({"example.com/a"});
  must_create(configmaps, "default", std::move(o));
  ASSERT_TRUE(reg.remove(configmaps, {"default", "x"}));
  object back = edit(configmaps, "default", "x");
  std::string ts(back.deletion_timestamp());
  back.set_deletion_timestamp("");
  back.set_label("touched", "yes");
  auto got = reg.update(configmaps, {"default", "x"}, std::move(back));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->deletion_timestamp(), ts);
}

TEST_F(RegistryUpdate, LeasesAndEventsAreCreatedOnUpdate) {
  object lease("coordination.k8s.io/v1", "Lease");
  lease.set_name("leader");
  lease.data()["spec"] = {{"holderIdentity", "me"}};
  auto l = reg.update(leases, {"kube-system", "leader"}, std::move(lease));
  ASSERT_TRUE(l) << l.error().message();
  EXPECT_FALSE((*l)->uid().empty());
  EXPECT_EQ((*l)->namespace_(), "kube-system");

  object ev("v1", "Event");
  ev.set_name("e1");
  ev.data()["involvedObject"] = {{"kind", "Pod"}, {"name", "p"}, {"namespace", "default"}};
  ev.data()["reason"] = "Started";
  auto e = reg.update(events, {"default", "e1"}, std::move(ev));
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_TRUE(reg.get(events, {"default", "e1"}));
}

TEST_F(RegistryUpdate, DryRunUpdateStoresNothing) {
  auto created = must_create(configmaps, "default", configmap("x", {{"k", "1"}}));
  auto got = reg.update(configmaps, {"default", "x"}, configmap("x", {{"k", "2"}}), {.dry_run = true});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["data"]["k"], "2");
  EXPECT_EQ(must_get(configmaps, "default", "x")->data()["data"]["k"], "1");
  EXPECT_EQ(reg.current_revision(), rv(created));
}

TEST_F(RegistryUpdate, EventsExpireAfterTheirTtl) {
  object ev("v1", "Event");
  ev.set_name("e1");
  ev.data()["involvedObject"] = {{"kind", "Pod"}, {"name", "p"}, {"namespace", "default"}};
  ev.data()["reason"] = "Started";
  must_create(events, "default", std::move(ev));
  clk.advance(std::chrono::minutes(59));
  EXPECT_TRUE(reg.get(events, {"default", "e1"}));
  clk.advance(std::chrono::minutes(2));
  EXPECT_TRUE(is_not_found(reg.get(events, {"default", "e1"})));
  EXPECT_TRUE(reg.list(events, "default").value().items.empty());
}

}  // namespace
}  // namespace ktk::apiserver::testing
