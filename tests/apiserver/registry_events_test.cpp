// Events expire after the event TTL (kube-apiserver's --event-ttl, default 1 h),
// counted from their last write.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/registry.hpp"

namespace {

using ktk::core::json;
using ktk::core::object;

const ktk::core::gvr events{"", "v1", "events"};

object event(const std::string& name) {
  return object(json{{"apiVersion", "v1"},
                     {"kind", "Event"},
                     {"metadata", {{"name", name}, {"namespace", "default"}}},
                     {"involvedObject", {{"kind", "Pod"}, {"name", "web"}, {"namespace", "default"}}},
                     {"reason", "Scheduled"},
                     {"message", "assigned"},
                     {"type", "Normal"}});
}

TEST(RegistryEvents, ExpireAfterTheTtlFromTheLastWrite) {
  ktk::core::fake_clock clk;
  ktk::apiserver::registry reg({.clock = &clk, .event_ttl = std::chrono::minutes(10)});
  ASSERT_TRUE(reg.create(events, "default", event("old")));
  clk.advance(std::chrono::minutes(6));
  ASSERT_TRUE(reg.create(events, "default", event("young")));
  // Rewriting "old" restarts its TTL, as an etcd lease refresh does.
  clk.advance(std::chrono::minutes(3));
  auto old = *reg.get(events, {"default", "old"}).value();
  old.data()["count"] = 2;
  ASSERT_TRUE(reg.update(events, old.key(), std::move(old)));

  clk.advance(std::chrono::minutes(8));  // young: 11 min, old: 8 min since last write
  auto list = reg.list(events, "default");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0]->name(), "old");
  EXPECT_TRUE(ktk::is_not_found(reg.get(events, {"default", "young"})));

  clk.advance(std::chrono::minutes(3));
  EXPECT_TRUE(ktk::is_not_found(reg.get(events, {"default", "old"})));
}

TEST(RegistryEvents, ExpiryIsAWatchableDelete) {
  ktk::core::fake_clock clk;
  ktk::apiserver::registry reg({.clock = &clk});
  auto created = reg.create(events, "default", event("e"));
  ASSERT_TRUE(created);
  auto w = reg.watch(events, "default", {.resource_version = std::string((*created)->resource_version())});
  ASSERT_TRUE(w);
  clk.advance(std::chrono::hours(1));
  ASSERT_TRUE(reg.list(events, "default"));  // any read of events sweeps expired ones
  auto evs = (*w)->poll();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, ktk::apiserver::watch_event_type::deleted);
  EXPECT_EQ(evs[0].object->name(), "e");
}

}  // namespace
