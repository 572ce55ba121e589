// Two registries on one store that says it is shared (as two `ktk serve` processes on
// one etcd are): they serve each other's CRDs — at construction, after a create, an
// update of the served versions, and a delete — and a namespace one of them deleted
// stops taking objects through the other, although the other remembers open ones.
#include <stdexcept>
#include <thread>

#include "../common/eventually.hpp"
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

// The memory store, claiming to be shared: what a registry on etcd sees, in-process.
class shared_memory final : public storage::interface {
 public:
  storage::revision current_revision() const override { return m_->current_revision(); }
  storage::revision shard_revision(std::string_view s) const override { return m_->shard_revision(s); }
  result<object_ptr> get(std::string_view s, const object_key& k) const override { return m_->get(s, k); }
  result<storage::list_result> list(std::string_view s, const storage::list_options& o) const override {
    return m_->list(s, o);
  }
  std::size_t count(std::string_view s, std::string_view ns) const override { return m_->count(s, ns); }
  result<object_ptr> create(std::string_view s, const object_key& k, object&& o) override {
    return m_->create(s, k, std::move(o));
  }
  result<object_ptr> update(std::string_view s, const object_key& k, object&& o, storage::revision e) override {
    return m_->update(s, k, std::move(o), e);
  }
  result<object_ptr> remove(std::string_view s, const object_key& k, storage::revision e) override {
    return m_->remove(s, k, e);
  }
  result<std::unique_ptr<storage::watcher>> watch(std::string_view s, const storage::watch_options& o) override {
    return m_->watch(s, o);
  }
  void drop_shard(std::string_view s) override { m_->drop_shard(s); }
  bool shared() const override { return true; }

 private:
  std::unique_ptr<storage::interface> m_ = storage::make_memory_storage();
};

bool serves(const registry& r, const gvr& res) { return r.mapper().by_resource(res) != nullptr; }

class RegistryCrdSync : public ::testing::Test {
 protected:
  std::shared_ptr<storage::interface> store = std::make_shared<shared_memory>();
  registry a{{.storage = store}};
};

TEST_F(RegistryCrdSync, ARegistryOnAStoreThatCannotBeCopiedRefusesToCopyItself) {
  EXPECT_THROW((void)a.copy(), std::logic_error);
}

TEST_F(RegistryCrdSync, ACrdStoredBeforeTheRegistryStartsIsServedWhenItReturns) {
  ASSERT_TRUE(a.create(crds, "", at_crd()));
  registry b({.storage = store});
  EXPECT_TRUE(serves(b, ats));
}

TEST_F(RegistryCrdSync, ACrdCreatedThroughOneRegistryIsServedByTheOther) {
  registry b({.storage = store});
  ASSERT_FALSE(serves(b, ats));
  ASSERT_TRUE(a.create(crds, "", at_crd()));
  ASSERT_TRUE(ktk_test::eventually([&] { return serves(b, ats); }));
  auto created = b.create(ats, "default", at("through-b"));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_TRUE(a.get(ats, {"default", "through-b"}));
}

TEST_F(RegistryCrdSync, AVersionNoLongerServedGoesAwayOnTheOtherRegistry) {
  registry b({.storage = store});
  ASSERT_TRUE(a.create(crds, "", at_crd()));
  ASSERT_TRUE(ktk_test::eventually([&] { return serves(b, ats); }));
  auto crd = a.get(crds, {"", "ats.cnat.programming-kubernetes.info"});
  ASSERT_TRUE(crd);
  object next = **crd;
  json v2 = next.data()["spec"]["versions"][0];
  v2["name"] = "v1";
  next.data()["spec"]["versions"][0]["storage"] = false;
  next.data()["spec"]["versions"].push_back(v2);
  next.data()["spec"]["versions"][0]["served"] = false;
  auto updated = a.update(crds, {"", "ats.cnat.programming-kubernetes.info"}, std::move(next));
  ASSERT_TRUE(updated) << updated.error().message();
  const gvr ats_v1{ats.group, "v1", ats.resource};
  ASSERT_TRUE(ktk_test::eventually([&] { return serves(b, ats_v1) && !serves(b, ats); }));
}

TEST_F(RegistryCrdSync, ADeletedCrdStopsBeingServedByTheOther) {
  registry b({.storage = store});
  ASSERT_TRUE(a.create(crds, "", at_crd()));
  ASSERT_TRUE(a.create(ats, "default", at("one")));
  ASSERT_TRUE(ktk_test::eventually([&] { return serves(b, ats); }));
  ASSERT_TRUE(a.remove(crds, {"", "ats.cnat.programming-kubernetes.info"}));
  ASSERT_TRUE(ktk_test::eventually([&] { return !serves(b, ats); }));
  EXPECT_FALSE(b.get(crds, {"", "ats.cnat.programming-kubernetes.info"}));
}

TEST_F(RegistryCrdSync, RecreatingACrdRightAfterDeletingItLeavesItServed) {
  registry b({.storage = store});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(a.create(crds, "", at_crd()));
    ASSERT_TRUE(a.remove(crds, {"", "ats.cnat.programming-kubernetes.info"}));
  }
  ASSERT_TRUE(a.create(crds, "", at_crd()));
  ASSERT_TRUE(ktk_test::eventually([&] { return serves(b, ats); }));
  EXPECT_TRUE(serves(a, ats));  // a's follower never undid a's own latest create
  auto made = a.create(ats, "default", at("kept"));
  EXPECT_TRUE(made) << made.error().message();
}

object namespace_named(const std::string& name) {
  object n("v1", "Namespace");
  n.set_name(name);
  return n;
}

TEST_F(RegistryCrdSync, ANamespaceDeletedThroughOneRegistryClosesOnTheOther) {
  registry b({.storage = store});
  ASSERT_TRUE(a.create(namespaces, "", namespace_named("team")));
  ASSERT_TRUE(b.create(configmaps, "team", configmap("first")));   // b now remembers "team" open
  ASSERT_TRUE(b.create(configmaps, "team", configmap("second")));  // answered from what b remembers
  ASSERT_TRUE(a.remove(namespaces, {"", "team"}));
  EXPECT_TRUE(ktk_test::eventually([&] {
    auto r = b.create(configmaps, "team", configmap("late"));
    return !r && (r.error().code() == 404 || r.error().code() == 403);
  })) << "b heard that the namespace went away";
}

TEST_F(RegistryCrdSync, ANamespaceThisRegistryDeletesClosesAtOnce) {
  ASSERT_TRUE(a.create(namespaces, "", namespace_named("solo")));
  ASSERT_TRUE(a.create(configmaps, "solo", configmap("c")));
  ASSERT_TRUE(a.remove(namespaces, {"", "solo"}));
  auto r = a.create(configmaps, "solo", configmap("after"));
  ASSERT_FALSE(r) << "no wait for the store's events: the delete itself forgot the namespace";
  EXPECT_TRUE(r.error().code() == 404 || r.error().code() == 403) << r.error().message();
}

TEST(RegistryCrdSyncMemory, TheMemoryStoreIsNotShared) {
  EXPECT_FALSE(storage::make_memory_storage()->shared());
}

}  // namespace
}  // namespace ktk::apiserver::testing
