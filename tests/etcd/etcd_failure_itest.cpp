// The etcd storage when etcd is not there: clean errors within the timeouts, never a
// hang, and failover to the next endpoint.
#include <gtest/gtest.h>

#include "etcd_fixture.hpp"
#include "tcp_proxy.hpp"

namespace ktk::test {
namespace {

using std::chrono::steady_clock;

// A port nothing listens on: a proxy's, once it refuses.
struct dead_endpoint {
  dead_endpoint() { proxy.set_mode(tcp_proxy::mode::refuse); }
  tcp_proxy proxy{"http://127.0.0.1:1"};
  std::string url() const { return proxy.url(); }
};

TEST(EtcdFailure, UnreachableAtMakeIsARuntimeErrorNamingTheEndpoint) {
  dead_endpoint dead;
  try {
    storage::make_etcd_storage({.endpoints = {dead.url()}, .connect_timeout = 300ms});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dead.url()), std::string::npos) << e.what();
  }
}

TEST(EtcdFailure, SilentAtMakeIsARuntimeErrorToo) {
  tcp_proxy silent(fresh_etcd_url());
  silent.set_mode(tcp_proxy::mode::blackhole);
  EXPECT_THROW(storage::make_etcd_storage({.endpoints = {silent.url()}, .request_timeout = 200ms, .connect_timeout = 300ms}),
               std::runtime_error);
}

TEST(EtcdFailure, FailsOverFromADeadFirstEndpoint) {
  dead_endpoint dead;
  auto o = options_for(fresh_etcd_url());
  o.endpoints.insert(o.endpoints.begin(), dead.url());
  auto s = storage::make_etcd_storage(o);
  auto w = s->watch("configmaps", {}).value();
  auto c = s->create("configmaps", {"default", "a"}, make_obj("default", "a"));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(s->get("configmaps", {"default", "a"}));
  EXPECT_EQ(read_events(*w, 1).size(), 1u);
}

TEST(EtcdFailure, FailsOverWhenTheEndpointInUseGoesAway) {
  auto url = fresh_etcd_url();
  tcp_proxy first(url);
  tcp_proxy second(url);
  auto o = options_for(first.url());
  o.endpoints.push_back(second.url());
  auto s = storage::make_etcd_storage(o);
  auto w = s->watch("configmaps", {}).value();
  ASSERT_TRUE(s->create("configmaps", {"default", "a"}, make_obj("default", "a")));
  first.set_mode(tcp_proxy::mode::refuse);
  first.cut();
  // A request that was in flight on a cut connection may fail; the next goes to `second`.
  (void)s->get("configmaps", {"default", "a"});
  auto b = s->create("configmaps", {"default", "b"}, make_obj("default", "b"));
  ASSERT_TRUE(b) << b.error().message();
  auto evs = read_events(*w, 2);  // the feed moved too, and lost nothing
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[1]->rev, rv(*b));
}

TEST(EtcdFailure, AnEtcdThatStopsAnsweringIsATimeout) {
  tcp_proxy proxy(fresh_etcd_url());
  auto o = options_for(proxy.url());
  o.request_timeout = 300ms;
  auto s = storage::make_etcd_storage(o);
  ASSERT_TRUE(s->create("configmaps", {"default", "a"}, make_obj("default", "a")));
  proxy.set_mode(tcp_proxy::mode::blackhole);
  proxy.cut();
  auto got = s->get("configmaps", {"default", "a"});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), 504);
  EXPECT_EQ(got.error().reason(), "Timeout");
  auto made = s->create("configmaps", {"default", "b"}, make_obj("default", "b"));
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code(), 504);
  proxy.set_mode(tcp_proxy::mode::forward);
  proxy.cut();
  EXPECT_TRUE(s->get("configmaps", {"default", "a"}));
  // (The storage is destroyed while its feed may be waiting on the proxy: that too ends.)
  proxy.set_mode(tcp_proxy::mode::blackhole);
  proxy.cut();
}

TEST(EtcdFailure, EtcdStoppedMidRunGivesCleanErrors) {
  envtest::etcd_server etcd;
  etcd.start();
  const auto url = etcd.client_url();
  auto s = storage::make_etcd_storage(options_for(url));
  auto w = s->watch("configmaps", {}).value();
  ASSERT_TRUE(s->create("configmaps", {"default", "a"}, make_obj("default", "a")));
  EXPECT_EQ(read_events(*w, 1).size(), 1u);
  etcd.stop();
  auto got = s->get("configmaps", {"default", "a"});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), 503);
  EXPECT_EQ(got.error().reason(), "ServiceUnavailable");
  EXPECT_NE(got.error().message().find(url), std::string::npos) << got.error().message();
  auto made = s->create("configmaps", {"default", "b"}, make_obj("default", "b"));
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code(), 503);
  EXPECT_EQ(s->list("configmaps", {}).error().code(), 503);
  EXPECT_EQ(s->count("configmaps"), 0u);
  auto r = w->wait_next(std::stop_token{}, steady_clock::now() + 50ms);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace ktk::test
