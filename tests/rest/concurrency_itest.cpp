// concurrency_itest.cpp — one rest_client shared by many threads: gets, writes and
// watches at once (run under TSan), the pool bounded by the threads in flight.
#include "rest_fixture.hpp"

#include <atomic>
#include <thread>

namespace {

using namespace ktk::client::rest::testing;
using steady = std::chrono::steady_clock;

class concurrency_test : public rest_test {};

TEST_F(concurrency_test, eight_threads_get_through_one_client) {
  ASSERT_TRUE(c().create(cm("default", "shared", {{"k", "v"}})));
  constexpr int threads = 8;
  constexpr int per_thread = 200;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  {
    std::vector<std::jthread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int i = 0; i < per_thread; ++i) {
          auto r = c().get(configmap_kind, {"default", "shared"});
          if (r && (*r)->data()["data"]["k"] == "v") {
            ++ok;
          } else {
            ++failed;
          }
        }
      });
    }
  }
  EXPECT_EQ(ok, threads * per_thread);
  EXPECT_EQ(failed, 0);
  // Connections are reused: at most one per thread in flight.
  EXPECT_LE(c().connections_opened(), static_cast<std::uint64_t>(threads));
}

TEST_F(concurrency_test, writers_and_a_watcher_at_once) {
  auto start = c().list(configmap_kind, {.namespace_ = "default"});
  ASSERT_TRUE(start);
  auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = start->resource_version});
  ASSERT_TRUE(w);
  constexpr int threads = 4;
  constexpr int per_thread = 50;
  std::atomic<int> written{0};
  std::jthread watcher;
  std::atomic<int> seen{0};
  watcher = std::jthread([&](std::stop_token stop) {
    const auto until = steady::now() + std::chrono::seconds(30);
    while (!stop.stop_requested() && seen < threads * per_thread && steady::now() < until) {
      seen += static_cast<int>((*w)->next(stop, until).size());
    }
  });
  {
    std::vector<std::jthread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          if (c().create(cm("default", "w" + std::to_string(t) + "-" + std::to_string(i)))) ++written;
        }
      });
    }
  }
  watcher.join();
  EXPECT_EQ(written, threads * per_thread);
  EXPECT_EQ(seen, threads * per_thread);
}

TEST_F(concurrency_test, a_stop_from_another_thread_while_many_watch) {
  constexpr int n = 4;
  std::vector<std::unique_ptr<ktk::client::watch_stream>> ws;
  for (int i = 0; i < n; ++i) {
    auto w = c().watch(configmap_kind, {.namespace_ = "default", .resource_version = "0"});
    ASSERT_TRUE(w);
    ws.push_back(std::move(*w));
  }
  std::stop_source stop;
  std::atomic<int> returned{0};
  {
    std::vector<std::jthread> ts;
    for (auto& w : ws) {
      ts.emplace_back([&, wp = w.get()] {
        (void)wp->next(stop.get_token(), steady::now() + std::chrono::seconds(60));
        ++returned;
      });
    }
    stop.request_stop();
  }
  EXPECT_EQ(returned, n);
}

}  // namespace
