// mapper_cache_test.cpp — discovery on first use, refresh on a missing kind, and the
// interval that keeps an unknown kind from storming the server.
#include "../../client/src/rest/detail/mapper_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using ktk::client::rest::detail::mapper_cache;
using ktk::core::resource_info;

resource_info pods() { return {.resource = {"", "v1", "pods"}, .kind = "Pod", .list_kind = "PodList"}; }
resource_info widgets() { return {.resource = {"x.io", "v1", "widgets"}, .kind = "Widget"}; }

class mapper_cache_test : public ::testing::Test {
 protected:
  mapper_cache make() {
    return mapper_cache(
        [this]() -> ktk::result<std::vector<resource_info>> {
          ++fetches;
          std::lock_guard lock(mu);
          if (fail) return ktk::api_error(0, "", "Get \"x\": connection refused");
          return served;
        },
        clk, std::chrono::milliseconds(1000));
  }

  ktk::core::fake_clock clk;
  std::mutex mu;
  std::vector<resource_info> served{pods()};
  bool fail = false;
  std::atomic<int> fetches{0};
};

TEST_F(mapper_cache_test, discovers_on_first_use_only) {
  auto m = make();
  EXPECT_EQ(fetches, 0);
  auto p = m.resource_of({"", "v1", "Pod"});
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)->resource.resource, "pods");
  EXPECT_TRUE(m.resource_of({"", "v1", "Pod"}));
  EXPECT_EQ(fetches, 1);
}

TEST_F(mapper_cache_test, list_kinds_name_their_items) {
  auto m = make();
  auto p = m.resource_of({"", "v1", "PodList"});
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)->kind, "Pod");
}

TEST_F(mapper_cache_test, a_missing_kind_refreshes_and_finds_a_new_resource) {
  auto m = make();
  ASSERT_TRUE(m.resource_of({"", "v1", "Pod"}));
  {
    std::lock_guard lock(mu);
    served.push_back(widgets());
  }
  auto w = m.resource_of({"x.io", "v1", "Widget"});
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_EQ(fetches, 2);
  EXPECT_TRUE(m.mapper().by_kind({"x.io", "v1", "Widget"}));
}

TEST_F(mapper_cache_test, an_unknown_kind_is_the_fake_clients_error_and_waits_for_the_interval) {
  auto m = make();
  auto r = m.resource_of({"x.io", "v1", "Widget"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().message(), "no matches for kind \"Widget\" in version \"x.io/v1\"");
  EXPECT_EQ(fetches, 1);
  // Served now, but the same kind does not refresh again within the interval...
  {
    std::lock_guard lock(mu);
    served.push_back(widgets());
  }
  EXPECT_FALSE(m.resource_of({"x.io", "v1", "Widget"}));
  EXPECT_EQ(fetches, 1);
  // ...while another missing kind does.
  EXPECT_FALSE(m.resource_of({"y.io", "v1", "Gadget"}));
  EXPECT_EQ(fetches, 2);
  EXPECT_TRUE(m.resource_of({"x.io", "v1", "Widget"}));  // found by that refresh
  EXPECT_EQ(fetches, 2);
  clk.advance(std::chrono::milliseconds(999));
  EXPECT_FALSE(m.resource_of({"y.io", "v1", "Gadget"}));
  EXPECT_EQ(fetches, 2);
  clk.advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(m.resource_of({"y.io", "v1", "Gadget"}));
  EXPECT_EQ(fetches, 3);
}

TEST_F(mapper_cache_test, refresh_removes_what_is_gone) {
  auto m = make();
  {
    std::lock_guard lock(mu);
    served.push_back(widgets());
  }
  ASSERT_TRUE(m.resource_of({"x.io", "v1", "Widget"}));
  {
    std::lock_guard lock(mu);
    served = {pods()};
  }
  ASSERT_TRUE(m.refresh());
  EXPECT_FALSE(m.mapper().by_kind({"x.io", "v1", "Widget"}));
  EXPECT_TRUE(m.mapper().by_kind({"", "v1", "Pod"}));
}

TEST_F(mapper_cache_test, a_failed_discovery_is_the_error_and_is_tried_again) {
  fail = true;
  auto m = make();
  auto r = m.resource_of({"", "v1", "Pod"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), 0);
  EXPECT_TRUE(m.mapper().all().empty());
  fail = false;
  EXPECT_TRUE(m.resource_of({"", "v1", "Pod"}));
}

TEST_F(mapper_cache_test, concurrent_misses_share_a_refresh) {
  auto m = make();
  ASSERT_TRUE(m.resource_of({"", "v1", "Pod"}));
  {
    std::lock_guard lock(mu);
    served.push_back(widgets());
  }
  std::vector<std::jthread> threads;
  std::atomic<int> found{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (m.resource_of({"x.io", "v1", "Widget"})) ++found;
    });
  }
  threads.clear();
  EXPECT_EQ(found, 8);
  EXPECT_EQ(fetches, 2);
}

}  // namespace
