// Writers, an informer and two handlers at once: a test for ThreadSanitizer. After
// the writers stop, both handlers and the cache must agree with the server.
#include <gtest/gtest.h>

#include <random>

#include "cache_test_util.hpp"
#include "ktk/client/cache/shared_informer.hpp"

namespace {

using namespace cache_test;
namespace cache = ktk::client::cache;

std::map<std::string, std::string> server_state(ktk::fakeclient::fake_client& fc) {
  std::map<std::string, std::string> out;
  auto all = fc.list(cm_kind);
  for (const auto& o : all.value().items) {
    out[std::string(o->namespace_()) + "/" + std::string(o->name())] = std::string(o->resource_version());
  }
  return out;
}

std::map<std::string, std::string> cache_state(const cache::shared_informer& inf) {
  std::map<std::string, std::string> out;
  for (const auto& o : inf.get_lister().list()) {
    out[std::string(o->namespace_()) + "/" + std::string(o->name())] = std::string(o->resource_version());
  }
  return out;
}

TEST(InformerStress, WritersInformerAndHandlersAgree) {
  auto fc = ktk::fakeclient::builder().with_object(config_map("a", "seed")).with_object(config_map("b", "seed")).build();
  cache::shared_informer inf(*fc, cm_kind, {.indexes = {{"by-value", [](const object& o) {
                                               const auto* v = o.at_path("data.k");
                                               return v ? std::vector<std::string>{v->get<std::string>()}
                                                        : std::vector<std::string>{};
                                             }}}});
  auto first = std::make_shared<recorder>();
  inf.add_event_handler(first);
  inf.start();
  std::atomic<bool> writing{true};
  std::vector<std::jthread> threads;
  // A reader of the cache and a late handler, while everything moves.
  std::shared_ptr<recorder> second = std::make_shared<recorder>();
  threads.emplace_back([&] {
    while (writing.load()) {
      for (const auto& o : inf.get_lister().by_index("by-value", "v1")) EXPECT_EQ(o->at_path("data.k")->get<std::string>(), "v1");
      (void)inf.get_lister().list("a");
      std::this_thread::yield();
    }
  });
  std::vector<std::jthread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      const std::string ns = w % 2 ? "a" : "b";
      for (int i = 0; i < 300; ++i) {
        auto name = "w" + std::to_string(w) + "-" + std::to_string(rng() % 15);
        switch (rng() % 3) {
          case 0: (void)fc->create(config_map(ns, name, {}, "v" + std::to_string(rng() % 3))); break;
          case 1: (void)fc->update(config_map(ns, name, {}, "v" + std::to_string(rng() % 3))); break;
          default: (void)fc->remove(cm_kind, {ns, name}); break;
        }
        if (w == 0 && i == 150) inf.add_event_handler(second);
      }
    });
  }
  writers.clear();  // joins
  writing = false;
  threads.clear();
  auto want = server_state(*fc);
  EXPECT_TRUE(eventually([&] { return cache_state(inf) == want; }));
  EXPECT_TRUE(eventually([&] { return first->state() == want; }));
  EXPECT_TRUE(eventually([&] { return second->state() == want; }));
  inf.shutdown();
}

TEST(InformerStress, IndexerReadersAndAWriter) {
  cache::indexer idx({{"by-node", [](const object& o) {
                        const auto* n = o.at_path("spec.nodeName");
                        return n ? std::vector<std::string>{n->get<std::string>()} : std::vector<std::string>{};
                      }}});
  std::atomic<bool> done{false};
  auto read = [&] {
    while (!done.load()) {
      for (const auto& o : idx.by_index("by-node", "n1")) EXPECT_EQ(o->at_path("spec.nodeName")->get<std::string>(), "n1");
      (void)idx.list();
      (void)idx.index_keys("namespace", "ns");
    }
  };
  std::jthread r1(read), r2(read);
  for (int i = 0; i < 3000; ++i) {
    object o = *obj("ns", "p" + std::to_string(i % 100), std::to_string(i));
    o.data()["spec"]["nodeName"] = i % 2 ? "n1" : "n2";
    idx.update(ktk::core::make_object_ptr(std::move(o)));
    if (i % 7 == 0) idx.erase("ns/p" + std::to_string(i % 100));
    if (i % 500 == 0) idx.replace(idx.list(), std::to_string(i));
  }
  done = true;
}

}  // namespace
