// Writers and watchers of the memory storage running at once (run it under
// -DKTK_SANITIZE=thread too). Every watcher must see each event of its shard and
// namespace exactly once, in increasing revision order — or a 410, after which it
// relists and resumes like an informer — and its replayed state must equal the store.
#include "ktk/apiserver/storage/interface.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ktk::apiserver::storage {
namespace {

constexpr int writers = 4;
constexpr int writes_per_writer = 1500;

object pod(const object_key& k, int gen) {
  object o("v1", "Pod");
  o.set_namespace(k.namespace_);
  o.set_name(k.name);
  o.data()["spec"] = {{"gen", gen}};
  return o;
}

revision rv_of(const object_ptr& o) { return parse_revision(o->resource_version()).value(); }

// What one writer did: the revision and namespace of each successful write to "pods".
struct write_log {
  std::vector<std::pair<revision, std::string>> pods;
  int conflicts = 0;
  std::size_t node_writes = 0;
};

void run_writer(interface& s, int id, write_log& log) {
  auto record = [&](const core::result<object_ptr>& r, const object_key& k) {
    if (r.ok()) log.pods.emplace_back(rv_of(r.value()), k.namespace_);
  };
  for (int k = 0; k < writes_per_writer; ++k) {
    if (k % 2 == 0) {
      // Own keys: every operation must succeed.
      object_key key{"own", "w" + std::to_string(id) + "-" + std::to_string(k % 10)};
      auto cur = s.get("pods", key);
      if (!cur.ok()) {
        auto r = s.create("pods", key, pod(key, k));
        ASSERT_TRUE(r.ok());
        record(r, key);
      } else if (k % 3 == 0) {
        auto r = s.remove("pods", key, rv_of(cur.value()));
        ASSERT_TRUE(r.ok());
        record(r, key);
      } else {
        auto r = s.update("pods", key, pod(key, k), rv_of(cur.value()));
        ASSERT_TRUE(r.ok());
        record(r, key);
      }
    } else if (k % 5 == 1) {
      // Another shard: never seen by the pod watchers.
      object_key key{"own", "x" + std::to_string(id)};
      if (!s.create("nodes", key, pod(key, k)).ok()) {
        ASSERT_TRUE(s.update("nodes", key, pod(key, k), 0).ok());
      }
      ++log.node_writes;
    } else {
      // Shared keys: compare-and-swap, conflicts expected.
      object_key key{"shared", "s" + std::to_string(k % 4)};
      auto cur = s.get("pods", key);
      core::result<object_ptr> r = api_error::internal("unset");
      if (!cur.ok()) {
        r = s.create("pods", key, pod(key, k));
        if (!r.ok()) {
          ASSERT_TRUE(is_already_exists(r));
        }
      } else if (k % 7 == 0) {
        r = s.remove("pods", key, rv_of(cur.value()));
        if (!r.ok()) {
          ASSERT_TRUE(is_conflict(r) || is_not_found(r));
        }
      } else {
        r = s.update("pods", key, pod(key, k), rv_of(cur.value()));
        if (!r.ok()) {
          ASSERT_TRUE(is_conflict(r) || is_not_found(r));
        }
      }
      if (!r.ok()) ++log.conflicts;
      record(r, key);
    }
  }
}

// An informer-like consumer: a replayed key → revision state and what it saw.
struct consumer {
  std::string namespace_;
  bool use_notify = false;
  bool start_late = false;  // does not read until the writers are done

  std::map<object_key, revision> state;
  std::vector<revision> seen;          // revisions of the events since the last relist
  revision relisted_at = -1;           // -1: never relisted
  int expirations = 0;
  bool out_of_order = false;

  void apply(const std::vector<event_ptr>& evs) {
    for (const auto& e : evs) {
      if (!seen.empty() && e->rev <= seen.back()) out_of_order = true;
      if (relisted_at >= 0 && e->rev <= relisted_at) out_of_order = true;
      seen.push_back(e->rev);
      auto key = e->object->key();
      if (e->type == event_type::deleted) {
        state.erase(key);
      } else {
        state[key] = e->rev;
      }
    }
  }

  std::unique_ptr<watcher> relist(interface& s) {
    auto l = s.list("pods", {.namespace_ = namespace_});
    EXPECT_TRUE(l.ok());
    state.clear();
    for (const auto& o : l->items) state[o->key()] = rv_of(o);
    seen.clear();
    relisted_at = l->rev;
    return s.watch("pods", {.namespace_ = namespace_, .from_revision = l->rev}).value();
  }
};

TEST(storage_concurrency, writers_and_watchers) {
  auto s = make_memory_storage({.history = 512});
  std::vector<consumer> consumers(5);
  consumers[1].namespace_ = "shared";
  consumers[2].use_notify = true;
  consumers[3].namespace_ = "own";
  consumers[3].use_notify = true;
  consumers[4].start_late = true;  // 6000 writes with history 512: must fall off

  std::vector<std::unique_ptr<watcher>> watchers;
  for (auto& c : consumers) watchers.push_back(s->watch("pods", {.namespace_ = c.namespace_}).value());

  std::stop_source writers_done;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;  // guarded by m
  std::latch go(writers + static_cast<int>(consumers.size()) + 1);

  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < consumers.size(); ++i) {
    threads.emplace_back([&, i] {
      auto& c = consumers[i];
      auto w = std::move(watchers[i]);
      std::mutex nm;
      std::condition_variable ncv;
      bool notified = false;  // guarded by nm
      auto arm = [&](watcher& wt) {
        wt.set_notify([&] {
          { std::lock_guard lk(nm); notified = true; }
          ncv.notify_one();
        });
      };
      if (c.use_notify) arm(*w);
      go.arrive_and_wait();
      if (c.start_late) {
        std::unique_lock lk(m);
        cv.wait(lk, [&] { return done; });
      }
      for (;;) {
        bool finished = writers_done.stop_requested();  // read before draining
        core::result<std::vector<event_ptr>> r = std::vector<event_ptr>{};
        if (c.use_notify) {
          r = w->poll(64);
          if (r.ok() && r->empty() && !finished) {
            std::unique_lock lk(nm);
            ncv.wait_for(lk, std::chrono::milliseconds(100), [&] { return notified; });
            notified = false;
            continue;
          }
        } else {
          r = w->wait_next(writers_done.get_token(), std::nullopt, 64);
        }
        if (!r.ok()) {
          EXPECT_TRUE(is_resource_expired(r)) << r.error().message();
          ++c.expirations;
          w = c.relist(*s);
          if (c.use_notify) arm(*w);
          continue;
        }
        if (r->empty() && finished) break;
        c.apply(*r);
      }
    });
  }

  std::vector<write_log> logs(writers);
  for (int i = 0; i < writers; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      run_writer(*s, i, logs[static_cast<std::size_t>(i)]);
    });
  }
  go.arrive_and_wait();
  for (std::size_t i = consumers.size(); i < threads.size(); ++i) threads[i].join();
  {
    std::lock_guard lk(m);
    done = true;
  }
  cv.notify_all();
  writers_done.request_stop();
  for (std::size_t i = 0; i < consumers.size(); ++i) threads[i].join();

  std::map<revision, std::string> expected;  // every successful pod write
  std::size_t node_writes = 0;
  for (const auto& l : logs) {
    node_writes += l.node_writes;
    for (const auto& [rev, ns] : l.pods) EXPECT_TRUE(expected.emplace(rev, ns).second) << "revision reused";
  }
  EXPECT_GT(expected.size(), 3000u);
  // Each successful write took exactly one revision; failed ones took none.
  EXPECT_EQ(static_cast<std::size_t>(s->current_revision()), expected.size() + node_writes);

  for (std::size_t i = 0; i < consumers.size(); ++i) {
    const auto& c = consumers[i];
    SCOPED_TRACE("consumer " + std::to_string(i));
    EXPECT_FALSE(c.out_of_order);
    std::vector<revision> want;
    for (const auto& [rev, ns] : expected) {
      if ((c.namespace_.empty() || ns == c.namespace_) && rev > c.relisted_at) want.push_back(rev);
    }
    EXPECT_EQ(c.seen, want);
    std::map<object_key, revision> truth;
    auto now = s->list("pods", {.namespace_ = c.namespace_});
    for (const auto& o : now->items) truth[o->key()] = rv_of(o);
    EXPECT_EQ(c.state, truth);
  }
  EXPECT_GE(consumers[4].expirations, 1);
  EXPECT_EQ(s->count("pods"), s->list("pods", {})->items.size());
}

}  // namespace
}  // namespace ktk::apiserver::storage
