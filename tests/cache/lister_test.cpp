#include "ktk/client/cache/lister.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cache_test_util.hpp"

namespace {

using namespace cache_test;
namespace cache = ktk::client::cache;

object_ptr labelled(const std::string& ns, const std::string& name, std::map<std::string, std::string> labels) {
  object o = *obj(ns, name, "1");
  o.set_labels(labels);
  return ktk::core::make_object_ptr(std::move(o));
}

std::vector<std::string> names(const std::vector<object_ptr>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.emplace_back(o->name());
  std::sort(out.begin(), out.end());
  return out;
}

ktk::core::label_selector sel(const std::string& s) { return ktk::core::label_selector::parse(s).value(); }

class Lister : public ::testing::Test {
 protected:
  void SetUp() override {
    idx.add(labelled("ns1", "web-1", {{"app", "web"}}));
    idx.add(labelled("ns1", "db-1", {{"app", "db"}}));
    idx.add(labelled("ns2", "web-2", {{"app", "web"}, {"canary", "true"}}));
    idx.add(labelled("", "cluster-1", {}));
  }
  cache::indexer idx;
  cache::lister l{idx, {"", "configmaps"}};
};

TEST_F(Lister, ListsEverythingOrBySelector) {
  EXPECT_EQ(names(l.list()), (std::vector<std::string>{"cluster-1", "db-1", "web-1", "web-2"}));
  EXPECT_EQ(names(l.list(sel("app=web"))), (std::vector<std::string>{"web-1", "web-2"}));
  EXPECT_EQ(names(l.list(sel("app=web,!canary"))), (std::vector<std::string>{"web-1"}));
  EXPECT_EQ(names(l.list(sel("app in (db,web),canary"))), (std::vector<std::string>{"web-2"}));
  EXPECT_TRUE(l.list(sel("app=none")).empty());
}

TEST_F(Lister, ListsANamespace) {
  EXPECT_EQ(names(l.list("ns1")), (std::vector<std::string>{"db-1", "web-1"}));
  EXPECT_EQ(names(l.list("ns1", sel("app=web"))), (std::vector<std::string>{"web-1"}));
  EXPECT_TRUE(l.list("ns3").empty());
  // "" is every namespace, as client-go's NamespaceAll.
  EXPECT_EQ(names(l.list("", sel("app=web"))), (std::vector<std::string>{"web-1", "web-2"}));
}

TEST_F(Lister, GetsOneOrNotFound) {
  auto got = l.get("ns1", "web-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, idx.get_by_key("ns1/web-1"));
  EXPECT_TRUE(l.get({"", "cluster-1"}));
  auto missing = l.get("ns1", "web-2");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(ktk::is_not_found(missing));
  EXPECT_EQ(missing.error().message(), "configmaps \"web-2\" not found");
}

TEST_F(Lister, ListsByIndex) {
  EXPECT_EQ(names(l.by_index(cache::namespace_index, "ns2")), (std::vector<std::string>{"web-2"}));
  EXPECT_THROW((void)l.by_index("nope", "x"), std::invalid_argument);
  EXPECT_EQ(&l.store(), &idx);
}

TEST_F(Lister, SeesLaterChanges) {
  idx.remove(labelled("ns1", "web-1", {}));
  idx.add(labelled("ns1", "web-3", {{"app", "web"}}));
  EXPECT_EQ(names(l.list("ns1", sel("app=web"))), (std::vector<std::string>{"web-3"}));
}

}  // namespace
