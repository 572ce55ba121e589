#include "ktk/client/cache/indexer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "cache_test_util.hpp"

namespace {

using namespace cache_test;
namespace cache = ktk::client::cache;

object_ptr on_node(const std::string& ns, const std::string& name, const std::string& node, const std::string& rv = "1") {
  object o = *obj(ns, name, rv);
  if (!node.empty()) o.data()["spec"]["nodeName"] = node;
  return ktk::core::make_object_ptr(std::move(o));
}

cache::indexers by_node() {
  return {{"by-node", [](const object& o) {
             const auto* n = o.at_path("spec.nodeName");
             return n && n->is_string() ? std::vector<std::string>{n->get<std::string>()} : std::vector<std::string>{};
           }}};
}

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> names(const std::vector<object_ptr>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.emplace_back(o->name());
  return sorted(out);
}

TEST(Keys, MetaNamespaceKey) {
  EXPECT_EQ(cache::meta_namespace_key(*obj("default", "web", "1")), "default/web");
  EXPECT_EQ(cache::meta_namespace_key(*obj("", "node-1", "1")), "node-1");
  EXPECT_EQ(cache::split_meta_namespace_key("default/web"), (ktk::core::object_key{"default", "web"}));
  EXPECT_EQ(cache::split_meta_namespace_key("node-1"), (ktk::core::object_key{"", "node-1"}));
}

TEST(Indexer, AddGetListKeepsThePointer) {
  cache::indexer idx;
  auto a = obj("ns1", "a", "1");
  idx.add(a);
  idx.add(obj("ns2", "b", "2"));
  EXPECT_EQ(idx.get_by_key("ns1/a"), a);  // the same snapshot, not a copy
  EXPECT_EQ(idx.get(*a), a);
  EXPECT_EQ(idx.get_by_key("ns1/zz"), nullptr);
  EXPECT_EQ(idx.size(), 2u);
  EXPECT_EQ(names(idx.list()), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sorted(idx.list_keys()), (std::vector<std::string>{"ns1/a", "ns2/b"}));
}

TEST(Indexer, UpdateReplacesAndRemoveDrops) {
  cache::indexer idx;
  idx.add(obj("ns1", "a", "1"));
  auto a2 = obj("ns1", "a", "2");
  idx.update(a2);
  EXPECT_EQ(idx.get_by_key("ns1/a"), a2);
  EXPECT_EQ(idx.size(), 1u);
  idx.remove(obj("ns1", "a", "3"));
  EXPECT_EQ(idx.size(), 0u);
  EXPECT_TRUE(idx.by_index(cache::namespace_index, "ns1").empty());
  EXPECT_TRUE(idx.list_index_func_values(cache::namespace_index).empty());
}

TEST(Indexer, PutAndEraseReturnThePrevious) {
  cache::indexer idx;
  auto a1 = obj("ns1", "a", "1");
  EXPECT_EQ(idx.put("ns1/a", a1), nullptr);
  auto a2 = obj("ns1", "a", "2");
  EXPECT_EQ(idx.put("ns1/a", a2), a1);
  EXPECT_EQ(idx.erase("ns1/a"), a2);
  EXPECT_EQ(idx.erase("ns1/a"), nullptr);
}

TEST(Indexer, NamespaceIndexIsBuiltIn) {
  cache::indexer idx;
  idx.add(obj("ns1", "a", "1"));
  idx.add(obj("ns1", "b", "1"));
  idx.add(obj("ns2", "c", "1"));
  idx.add(obj("", "cluster", "1"));
  EXPECT_EQ(names(idx.by_index(cache::namespace_index, "ns1")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names(idx.by_index("namespace", "")), (std::vector<std::string>{"cluster"}));
  EXPECT_EQ(sorted(idx.index_keys("namespace", "ns1")), (std::vector<std::string>{"ns1/a", "ns1/b"}));
  EXPECT_TRUE(idx.index_keys("namespace", "nope").empty());
  EXPECT_EQ(sorted(idx.list_index_func_values("namespace")), (std::vector<std::string>{"", "ns1", "ns2"}));
  EXPECT_EQ(idx.index_names(), (std::vector<std::string>{"namespace"}));
  EXPECT_EQ(cache::meta_namespace_index_func(*obj("ns9", "x", "1")), (std::vector<std::string>{"ns9"}));
}

TEST(Indexer, CustomIndexFollowsUpdatesAndDeletes) {
  cache::indexer idx(by_node());
  idx.add(on_node("ns", "p1", "n1"));
  idx.add(on_node("ns", "p2", "n1"));
  idx.add(on_node("ns", "p3", ""));  // not in the index
  EXPECT_EQ(names(idx.by_index("by-node", "n1")), (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(sorted(idx.list_index_func_values("by-node")), (std::vector<std::string>{"n1"}));

  idx.update(on_node("ns", "p1", "n2", "2"));  // moves
  EXPECT_EQ(names(idx.by_index("by-node", "n1")), (std::vector<std::string>{"p2"}));
  EXPECT_EQ(names(idx.by_index("by-node", "n2")), (std::vector<std::string>{"p1"}));
  idx.update(on_node("ns", "p3", "n2", "2"));  // enters
  EXPECT_EQ(names(idx.by_index("by-node", "n2")), (std::vector<std::string>{"p1", "p3"}));
  idx.update(on_node("ns", "p1", "", "3"));  // leaves
  EXPECT_EQ(names(idx.by_index("by-node", "n2")), (std::vector<std::string>{"p3"}));

  idx.remove(on_node("ns", "p2", "n1"));
  EXPECT_TRUE(idx.by_index("by-node", "n1").empty());
  EXPECT_EQ(sorted(idx.list_index_func_values("by-node")), (std::vector<std::string>{"n2"}));
}

TEST(Indexer, MultiValuedIndexAndIndexOfAnObject) {
  cache::indexer idx({{"by-label-value", [](const object& o) {
                         std::vector<std::string> v;
                         for (auto& [k, val] : o.labels()) v.push_back(val);
                         return v;
                       }}});
  auto mk = [](const std::string& name, std::map<std::string, std::string> labels) {
    object o = *obj("ns", name, "1");
    o.set_labels(labels);
    return ktk::core::make_object_ptr(std::move(o));
  };
  idx.add(mk("a", {{"x", "red"}, {"y", "blue"}}));
  idx.add(mk("b", {{"x", "blue"}}));
  idx.add(mk("c", {{"x", "green"}}));
  EXPECT_EQ(names(idx.by_index("by-label-value", "blue")), (std::vector<std::string>{"a", "b"}));
  // Objects sharing any value with a probe (red or blue): a and b, a only once.
  EXPECT_EQ(names(idx.index("by-label-value", *mk("probe", {{"p", "red"}, {"q", "blue"}}))),
            (std::vector<std::string>{"a", "b"}));
}

TEST(Indexer, ReplaceSwapsEverythingAndRebuildsIndexes) {
  cache::indexer idx(by_node());
  idx.add(on_node("ns", "old", "n1"));
  idx.add(on_node("ns", "kept", "n1"));
  auto kept2 = on_node("ns", "kept", "n2", "5");
  idx.replace({kept2, on_node("other", "new", "n2", "6")}, "42");
  EXPECT_EQ(idx.resource_version(), "42");
  EXPECT_EQ(idx.size(), 2u);
  EXPECT_EQ(idx.get_by_key("ns/old"), nullptr);
  EXPECT_EQ(idx.get_by_key("ns/kept"), kept2);
  EXPECT_TRUE(idx.by_index("by-node", "n1").empty());
  EXPECT_EQ(names(idx.by_index("by-node", "n2")), (std::vector<std::string>{"kept", "new"}));
  EXPECT_EQ(names(idx.by_index("namespace", "other")), (std::vector<std::string>{"new"}));
  // The index still follows changes after a replace.
  idx.remove(kept2);
  EXPECT_EQ(names(idx.by_index("by-node", "n2")), (std::vector<std::string>{"new"}));
}

TEST(Indexer, ReplaceKeyedReturnsThePreviousContents) {
  cache::indexer idx;
  auto a = obj("ns", "a", "1");
  idx.add(a);
  idx.add(obj("ns", "b", "1"));
  auto old = idx.replace_keyed({{"ns/c", obj("ns", "c", "3")}}, "3");
  ASSERT_EQ(old.size(), 2u);
  EXPECT_EQ(old.at("ns/a"), a);
  EXPECT_EQ(idx.list_keys(), (std::vector<std::string>{"ns/c"}));
}

TEST(Indexer, AddIndexersIndexesWhatIsThere) {
  cache::indexer idx;
  idx.add(on_node("ns", "p1", "n1"));
  idx.add_indexers(by_node());
  EXPECT_EQ(names(idx.by_index("by-node", "n1")), (std::vector<std::string>{"p1"}));
  idx.add(on_node("ns", "p2", "n1"));
  EXPECT_EQ(names(idx.by_index("by-node", "n1")), (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(idx.index_names(), (std::vector<std::string>{"namespace", "by-node"}));
  EXPECT_THROW(idx.add_indexers(by_node()), std::invalid_argument);
  EXPECT_THROW(idx.add_indexers({{"namespace", cache::meta_namespace_index_func}}), std::invalid_argument);
  EXPECT_THROW(idx.add_indexers({{"empty", nullptr}}), std::invalid_argument);
  EXPECT_THROW(cache::indexer({{"namespace", cache::meta_namespace_index_func}}), std::invalid_argument);
}

TEST(Indexer, UnknownIndexIsAnError) {
  cache::indexer idx;
  EXPECT_THROW((void)idx.by_index("nope", "x"), std::invalid_argument);
  EXPECT_THROW((void)idx.index_keys("nope", "x"), std::invalid_argument);
  EXPECT_THROW((void)idx.list_index_func_values("nope"), std::invalid_argument);
}

TEST(Indexer, ForEachVisitsEverything) {
  cache::indexer idx;
  for (int i = 0; i < 50; ++i) idx.add(obj("ns", "o" + std::to_string(i), "1"));
  std::size_t n = 0;
  idx.for_each([&](const std::string& key, const object_ptr& o) {
    EXPECT_EQ(key, cache::meta_namespace_key(*o));
    ++n;
  });
  EXPECT_EQ(n, 50u);
}

}  // namespace
