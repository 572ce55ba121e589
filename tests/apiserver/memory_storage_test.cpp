// CRUD, compare-and-swap, resourceVersion stamping, listing (order, namespaces,
// limit/continue, past revisions, expiry), count, drop_shard and parse_revision.
#include "ktk/apiserver/storage/interface.hpp"
#include "storage_fixtures.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ktk::apiserver::storage {
namespace {

using ::testing::ElementsAre;

using testing::pod;

std::vector<std::string> names(const list_result& r) {
  std::vector<std::string> out;
  for (const auto& o : r.items) out.push_back(std::string(o->namespace_()) + "/" + std::string(o->name()));
  return out;
}

class memory_storage_test : public ::testing::Test {
 protected:
  std::unique_ptr<interface> s = make_memory_storage({.history = 100});

  revision create(std::string_view ns, std::string_view name, int gen = 0, std::string_view shard = "pods") {
    auto r = s->create(shard, {std::string(ns), std::string(name)}, pod(ns, name, gen));
    EXPECT_TRUE(r.ok());
    return s->current_revision();
  }
};

TEST_F(memory_storage_test, create_stamps_resource_version_and_bumps_global_revision) {
  EXPECT_EQ(s->current_revision(), 0);
  auto a = s->create("pods", {"default", "a"}, pod("default", "a"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value()->resource_version(), "1");
  auto b = s->create("apps/deployments", {"default", "b"}, pod("default", "b"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value()->resource_version(), "2");
  EXPECT_EQ(s->current_revision(), 2);
  EXPECT_EQ(b.value()->data()["spec"]["gen"], 0);
}

TEST_F(memory_storage_test, get_returns_the_stored_snapshot) {
  auto created = s->create("pods", {"default", "a"}, pod("default", "a", 7));
  ASSERT_TRUE(created.ok());
  auto got = s->get("pods", {"default", "a"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value().get(), created.value().get());
}

TEST_F(memory_storage_test, get_missing_is_not_found_in_known_and_unknown_shards) {
  create("default", "a");
  auto r = s->get("pods", {"default", "b"});
  ASSERT_TRUE(is_not_found(r));
  EXPECT_EQ(r.error().code(), 404);
  EXPECT_EQ(r.error().message(), "pods \"b\" not found");
  EXPECT_TRUE(is_not_found(s->get("pods", {"other", "a"})));
  auto g = s->get("apps/deployments", {"default", "a"});
  ASSERT_TRUE(is_not_found(g));
  EXPECT_EQ(g.error().message(), "deployments.apps \"a\" not found");
}

TEST_F(memory_storage_test, create_existing_is_already_exists_and_changes_nothing) {
  create("default", "a", 1);
  auto r = s->create("pods", {"default", "a"}, pod("default", "a", 2));
  ASSERT_TRUE(is_already_exists(r));
  EXPECT_EQ(r.error().code(), 409);
  EXPECT_EQ(r.error().message(), "pods \"a\" already exists");
  EXPECT_EQ(s->current_revision(), 1);
  EXPECT_EQ(s->get("pods", {"default", "a"}).value()->data()["spec"]["gen"], 1);
}

TEST_F(memory_storage_test, a_refused_create_leaves_the_object_to_the_caller) {
  // The registry retries a generateName clash with the same object under a new name.
  create("default", "a", 1);
  object o = pod("default", "a", 2);
  const core::json before = o.data();
  ASSERT_TRUE(is_already_exists(s->create("pods", {"default", "a"}, std::move(o))));
  EXPECT_EQ(o.data(), before);  // NOLINT(bugprone-use-after-move): the interface promises it
  o.set_name("b");
  ASSERT_TRUE(s->create("pods", {"default", "b"}, std::move(o)));
  EXPECT_EQ(s->get("pods", {"default", "b"}).value()->data()["spec"]["gen"], 2);
}

TEST_F(memory_storage_test, same_name_in_other_namespace_or_shard_is_distinct) {
  create("a", "x");
  create("b", "x");
  create("", "x", 0, "nodes");
  EXPECT_EQ(s->count("pods"), 2u);
  EXPECT_EQ(s->count("nodes"), 1u);
}

TEST_F(memory_storage_test, update_replaces_with_new_revision) {
  create("default", "a", 1);
  auto u = s->update("pods", {"default", "a"}, pod("default", "a", 2), 1);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.value()->resource_version(), "2");
  EXPECT_EQ(s->get("pods", {"default", "a"}).value()->data()["spec"]["gen"], 2);
  auto any = s->update("pods", {"default", "a"}, pod("default", "a", 3), 0);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any.value()->resource_version(), "3");
}

TEST_F(memory_storage_test, update_with_stale_revision_is_conflict) {
  create("default", "a", 1);
  ASSERT_TRUE(s->update("pods", {"default", "a"}, pod("default", "a", 2), 1).ok());
  auto r = s->update("pods", {"default", "a"}, pod("default", "a", 3), 1);
  ASSERT_TRUE(is_conflict(r));
  EXPECT_EQ(r.error().code(), 409);
  EXPECT_EQ(r.error().message(),
            "Operation cannot be fulfilled on pods \"a\": the object has been modified; please apply your "
            "changes to the latest version and try again");
  EXPECT_EQ(s->current_revision(), 2);
  EXPECT_EQ(s->get("pods", {"default", "a"}).value()->data()["spec"]["gen"], 2);
}

TEST_F(memory_storage_test, update_missing_is_not_found) {
  EXPECT_TRUE(is_not_found(s->update("pods", {"default", "a"}, pod("default", "a"), 0)));
  create("default", "b");
  EXPECT_TRUE(is_not_found(s->update("pods", {"default", "a"}, pod("default", "a"), 0)));
  EXPECT_EQ(s->current_revision(), 1);
}

TEST_F(memory_storage_test, remove_returns_last_state_at_deletion_revision) {
  create("default", "a", 5);
  auto r = s->remove("pods", {"default", "a"}, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->resource_version(), "2");
  EXPECT_EQ(r.value()->data()["spec"]["gen"], 5);
  EXPECT_TRUE(is_not_found(s->get("pods", {"default", "a"})));
  EXPECT_EQ(s->count("pods"), 0u);
  EXPECT_TRUE(is_not_found(s->remove("pods", {"default", "a"}, 0)));
  EXPECT_TRUE(is_not_found(s->remove("nothing", {"default", "a"}, 0)));
}

TEST_F(memory_storage_test, remove_with_stale_revision_is_conflict) {
  create("default", "a");
  ASSERT_TRUE(s->update("pods", {"default", "a"}, pod("default", "a"), 0).ok());
  EXPECT_TRUE(is_conflict(s->remove("pods", {"default", "a"}, 1)));
  EXPECT_TRUE(s->get("pods", {"default", "a"}).ok());
  EXPECT_TRUE(s->remove("pods", {"default", "a"}, 2).ok());
}

TEST_F(memory_storage_test, stored_objects_are_immutable_snapshots) {
  create("default", "a", 1);
  auto before = s->get("pods", {"default", "a"}).value();
  ASSERT_TRUE(s->update("pods", {"default", "a"}, pod("default", "a", 2), 0).ok());
  EXPECT_EQ(before->data()["spec"]["gen"], 1);
  EXPECT_EQ(before->resource_version(), "1");
}

TEST_F(memory_storage_test, list_is_sorted_by_namespace_then_name) {
  create("b", "z");
  create("a", "y");
  create("b", "a");
  create("a", "z");
  auto r = s->list("pods", {});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(names(*r), ElementsAre("a/y", "a/z", "b/a", "b/z"));
  EXPECT_EQ(r->rev, 4);
  EXPECT_FALSE(r->continue_after);
  EXPECT_EQ(r->remaining, 0);
}

TEST_F(memory_storage_test, list_filters_by_namespace_and_predicate) {
  create("a", "1");
  create("b", "1", 1);
  create("b", "2", 2);
  create("c", "1");
  EXPECT_THAT(names(*s->list("pods", {.namespace_ = "b"})), ElementsAre("b/1", "b/2"));
  EXPECT_TRUE(s->list("pods", {.namespace_ = "bb"})->items.empty());
  auto odd = s->list("pods", {.predicate = [](const object& o) { return o.data()["spec"]["gen"] == 1; }});
  EXPECT_THAT(names(*odd), ElementsAre("b/1"));
}

TEST_F(memory_storage_test, list_of_unknown_shard_is_empty_at_current_revision) {
  create("a", "1");
  auto r = s->list("nothing", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->items.empty());
  EXPECT_EQ(r->rev, 1);
}

TEST_F(memory_storage_test, limit_and_continue_page_through_everything) {
  for (auto n : {"a", "b", "c", "d", "e"}) create("ns", n);
  auto p1 = s->list("pods", {.limit = 2});
  EXPECT_THAT(names(*p1), ElementsAre("ns/a", "ns/b"));
  ASSERT_TRUE(p1->continue_after);
  EXPECT_EQ(p1->continue_after->name, "b");
  EXPECT_EQ(p1->remaining, 3);
  auto p2 = s->list("pods", {.at = p1->rev, .limit = 2, .start_after = p1->continue_after});
  EXPECT_THAT(names(*p2), ElementsAre("ns/c", "ns/d"));
  EXPECT_EQ(p2->remaining, 1);
  auto p3 = s->list("pods", {.at = p1->rev, .limit = 2, .start_after = p2->continue_after});
  EXPECT_THAT(names(*p3), ElementsAre("ns/e"));
  EXPECT_FALSE(p3->continue_after);
  EXPECT_EQ(p3->remaining, 0);
}

TEST_F(memory_storage_test, limit_exactly_matching_the_rest_has_no_continue) {
  create("ns", "a");
  create("ns", "b");
  auto r = s->list("pods", {.limit = 2});
  EXPECT_EQ(r->items.size(), 2u);
  EXPECT_FALSE(r->continue_after);
}

TEST_F(memory_storage_test, limit_counts_only_matching_items) {
  for (int i = 0; i < 6; ++i) create("ns", "p" + std::to_string(i), i % 2);
  auto pred = [](const object& o) { return o.data()["spec"]["gen"] == 1; };
  auto p1 = s->list("pods", {.limit = 2, .predicate = pred});
  EXPECT_THAT(names(*p1), ElementsAre("ns/p1", "ns/p3"));
  EXPECT_EQ(p1->remaining, -1);  // not counted with a predicate (kube leaves it unset)
  ASSERT_TRUE(p1->continue_after);
  auto p2 = s->list("pods", {.limit = 2, .start_after = p1->continue_after, .predicate = pred});
  EXPECT_THAT(names(*p2), ElementsAre("ns/p5"));
  EXPECT_FALSE(p2->continue_after);
}

TEST_F(memory_storage_test, a_known_remaining_count_is_carried_not_recounted) {
  for (int i = 0; i < 7; ++i) create("ns", "p" + std::to_string(i));
  auto p1 = s->list("pods", {.limit = 2});
  EXPECT_EQ(p1->remaining, 5);
  // The next page trusts the count it is given: 5 after p1, 2 on this page, 3 left.
  auto p2 = s->list("pods", {.at = p1->rev, .limit = 2, .start_after = p1->continue_after, .remaining_after_start = 5});
  EXPECT_THAT(names(*p2), ElementsAre("ns/p2", "ns/p3"));
  EXPECT_EQ(p2->remaining, 3);
  // Without it, the page counts.
  auto p2b = s->list("pods", {.at = p1->rev, .limit = 2, .start_after = p1->continue_after});
  EXPECT_EQ(p2b->remaining, 3);
  auto last = s->list("pods", {.at = p1->rev, .limit = 3, .start_after = p2->continue_after, .remaining_after_start = 3});
  EXPECT_THAT(names(*last), ElementsAre("ns/p4", "ns/p5", "ns/p6"));
  EXPECT_FALSE(last->continue_after);
}

TEST_F(memory_storage_test, start_after_combines_with_namespace) {
  create("a", "1");
  create("b", "1");
  create("b", "2");
  create("c", "1");
  EXPECT_THAT(names(*s->list("pods", {.namespace_ = "b", .start_after = object_key{"a", "9"}})),
              ElementsAre("b/1", "b/2"));
  EXPECT_THAT(names(*s->list("pods", {.namespace_ = "b", .start_after = object_key{"b", "1"}})),
              ElementsAre("b/2"));
  EXPECT_TRUE(s->list("pods", {.namespace_ = "b", .start_after = object_key{"c", "0"}})->items.empty());
}

TEST_F(memory_storage_test, continue_reads_a_consistent_snapshot_across_writes) {
  for (auto n : {"a", "b", "c", "d"}) create("ns", n, 1);
  auto p1 = s->list("pods", {.limit = 2});
  ASSERT_TRUE(p1.ok());
  // Between pages: delete one not yet listed, add one, modify one not yet listed.
  ASSERT_TRUE(s->remove("pods", {"ns", "c"}, 0).ok());
  create("ns", "bb");
  create("ns", "e");
  ASSERT_TRUE(s->update("pods", {"ns", "d"}, pod("ns", "d", 2), 0).ok());
  auto p2 = s->list("pods", {.at = p1->rev, .limit = 10, .start_after = p1->continue_after});
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->rev, p1->rev);
  EXPECT_THAT(names(*p2), ElementsAre("ns/c", "ns/d"));
  EXPECT_EQ(p2->items[1]->data()["spec"]["gen"], 1);
  EXPECT_EQ(p2->items[1]->resource_version(), "4");
  // The current state is different.
  EXPECT_THAT(names(*s->list("pods", {.start_after = p1->continue_after})), ElementsAre("ns/bb", "ns/d", "ns/e"));
}

TEST_F(memory_storage_test, list_at_a_past_revision_reconstructs_that_state) {
  auto r1 = create("ns", "a", 1);      // 1
  create("ns", "b", 1);                // 2
  ASSERT_TRUE(s->update("pods", {"ns", "a"}, pod("ns", "a", 2), 0).ok());  // 3
  ASSERT_TRUE(s->remove("pods", {"ns", "b"}, 0).ok());                     // 4
  create("ns", "c");                   // 5
  create("other", "x", 0, "nodes");    // 6, another shard

  auto at1 = s->list("pods", {.at = r1});
  EXPECT_THAT(names(*at1), ElementsAre("ns/a"));
  EXPECT_EQ(at1->rev, 1);
  auto at3 = s->list("pods", {.at = 3});
  EXPECT_THAT(names(*at3), ElementsAre("ns/a", "ns/b"));
  EXPECT_EQ(at3->items[0]->data()["spec"]["gen"], 2);
  EXPECT_THAT(names(*s->list("pods", {.at = 4})), ElementsAre("ns/a"));
  EXPECT_THAT(names(*s->list("pods", {.at = 6})), ElementsAre("ns/a", "ns/c"));
  EXPECT_THAT(names(*s->list("pods", {.namespace_ = "ns", .at = 2, .limit = 1})), ElementsAre("ns/a"));
}

TEST_F(memory_storage_test, list_older_than_history_is_expired) {
  auto small = make_memory_storage({.history = 2});
  for (auto n : {"a", "b", "c", "d"}) ASSERT_TRUE(small->create("pods", {"ns", n}, pod("ns", n)).ok());
  // Ring holds revisions 3 and 4: states at 2, 3, 4 are reachable; 1 is not.
  EXPECT_THAT(names(*small->list("pods", {.at = 2})), ElementsAre("ns/a", "ns/b"));
  auto r = small->list("pods", {.at = 1});
  ASSERT_TRUE(is_resource_expired(r));
  EXPECT_EQ(r.error().code(), 410);
  EXPECT_EQ(r.error().message(), "The resourceVersion for the provided list is too old.");
  auto c = small->list("pods", {.at = 1, .limit = 1, .start_after = object_key{"ns", "a"}});
  ASSERT_TRUE(is_resource_expired(c));
  EXPECT_EQ(c.error().message(),
            "The provided continue parameter is too old to display a consistent list result. You can start a "
            "new list without the continue parameter.");
}

TEST_F(memory_storage_test, list_at_a_future_revision_is_a_timeout) {
  create("ns", "a");
  auto r = s->list("pods", {.at = 5});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), 504);
  EXPECT_EQ(r.error().reason(), "Timeout");
  EXPECT_EQ(r.error().message(), "Timeout: Too large resource version: 5, current: 1");
  EXPECT_EQ(r.error().details().retry_after_seconds, 1);
  ASSERT_EQ(r.error().details().causes.size(), 1u);
  EXPECT_EQ(r.error().details().causes[0].reason, "ResourceVersionTooLarge");
}

TEST_F(memory_storage_test, count_per_namespace) {
  create("a", "1");
  create("a", "2");
  create("b", "1");
  EXPECT_EQ(s->count("pods"), 3u);
  EXPECT_EQ(s->count("pods", "a"), 2u);
  EXPECT_EQ(s->count("pods", "c"), 0u);
  EXPECT_EQ(s->count("nothing"), 0u);
  ASSERT_TRUE(s->remove("pods", {"a", "1"}, 0).ok());
  ASSERT_TRUE(s->remove("pods", {"a", "2"}, 0).ok());
  EXPECT_EQ(s->count("pods", "a"), 0u);
  EXPECT_EQ(s->count("pods"), 1u);
}

TEST_F(memory_storage_test, drop_shard_removes_objects_and_history) {
  create("ns", "a", 0, "widgets");
  create("ns", "b", 0, "widgets");
  create("ns", "a");
  s->drop_shard("widgets");
  s->drop_shard("never-existed");
  EXPECT_EQ(s->count("widgets"), 0u);
  EXPECT_TRUE(is_not_found(s->get("widgets", {"ns", "a"})));
  EXPECT_TRUE(s->list("widgets", {})->items.empty());
  EXPECT_TRUE(is_resource_expired(s->list("widgets", {.at = 2})));
  EXPECT_EQ(s->count("pods"), 1u);
  EXPECT_EQ(s->current_revision(), 3);
  // Recreated: a fresh shard whose history starts at the drop.
  auto again = s->create("widgets", {"ns", "a"}, pod("ns", "a"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value()->resource_version(), "4");
  EXPECT_TRUE(is_resource_expired(s->list("widgets", {.at = 2})));
  EXPECT_TRUE(s->list("widgets", {.at = 3})->items.empty());
  EXPECT_TRUE(is_resource_expired(s->watch("widgets", {.from_revision = 2})));
}

TEST(parse_revision, accepts_empty_and_decimal) {
  EXPECT_EQ(parse_revision("").value(), 0);
  EXPECT_EQ(parse_revision("0").value(), 0);
  EXPECT_EQ(parse_revision("12345").value(), 12345);
  EXPECT_EQ(parse_revision("9223372036854775807").value(), 9223372036854775807);
}

TEST(parse_revision, rejects_anything_else_as_bad_request) {
  auto r = parse_revision("abc");
  ASSERT_TRUE(is_bad_request(r));
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().message(),
            "resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax");
  for (auto bad : {"-1", "+1", "1a", " 1", "1.0", "0x10"}) EXPECT_TRUE(is_bad_request(parse_revision(bad))) << bad;
  auto big = parse_revision("99999999999999999999");
  ASSERT_TRUE(is_bad_request(big));
  EXPECT_THAT(big.error().message(), ::testing::EndsWith(": value out of range"));
}

}  // namespace
}  // namespace ktk::apiserver::storage
