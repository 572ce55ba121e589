// load_fault_itest.cpp — issue 9's load-and-fault test: writers and watchers against a
// `ktk serve` child, in memory mode and on a real etcd, with faults injected.
//
// 4 writers each make a fixed number of compare-and-swap writes to their own 6
// ConfigMaps (load_writer.hpp); 7 watchers (all of the namespace, by writer label, by a
// label the writes flip, two slow while the writes last, some closing their connection
// at random) and one ktk reflector follow them (load_watcher.hpp); a canary GETs another object every
// 20 ms. In etcd mode the main thread also restarts `ktk serve` (SIGTERM, later
// SIGKILL) on the same etcd and port, and SIGKILLs and restarts etcd on its data dir,
// each when the writers have reached a share of their writes.
//
// At the end: every object is as its writer's last effective write left it; each
// watcher converges to the server's state for its selection; between two lists, a
// watcher whose selection writes cannot change saw, per object, exactly the writes that
// took effect after its list, in order (load_checks.hpp); every event of every stream is
// one of those writes; the canary got every answer within 2 s outside the restart
// windows; the server's peak RSS stayed under the bound. A report line goes to stdout
// and to load_fault_<mode>.json in the build dir.
//
// Bounded by counts (KTK_LOAD_OPS writes per writer: 1000 in memory mode, 150 on etcd);
// every wait has a deadline. KTK_LOAD_SEED replaces the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "ktk/client/cache/list_watch.hpp"
#include "ktk/client/cache/reflector.hpp"
#include "ktk/envtest/binaries.hpp"
#include "load_checks.hpp"
#include "load_processes.hpp"
#include "load_watcher.hpp"
#include "load_writer.hpp"

namespace ktk::load_test {
namespace {

constexpr int writer_count = 4;
constexpr int objects_per_writer = 6;
constexpr auto canary_bound = 2s;
constexpr std::uint64_t rss_bound_mib = 128;
const std::string ns = "load";

std::uint64_t env_number(const char* var, std::uint64_t fallback) {
  const char* v = std::getenv(var);
  return v && *v ? std::stoull(v) : fallback;
}

double seconds(steady::duration d) { return std::chrono::duration<double>(d).count(); }

struct window {
  steady::time_point begin, end;
};

// GETs default/canary every 20 ms and samples the server's RSS; keeps what went wrong
// (an error, or an answer slower than canary_bound) for classification at the end.
class canary {
 public:
  canary(const client::rest::rest_config& cfg, const serve_child& serve) : client_(cfg), serve_(serve) {}

  void run(std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      const auto t0 = steady::now();
      auto g = client_.get(configmap_kind, {"default", "canary"});
      const auto t1 = steady::now();
      answers_.push_back({t0, t1, !g ? g.error().message() : t1 - t0 > canary_bound ? "slow" : ""});
      peak_rss_kib_ = std::max(peak_rss_kib_, rss_kib(serve_.pid()));
      std::unique_lock lk(m);
      cv.wait_for(lk, stop, 20ms, [] { return false; });
    }
  }

  struct answer {
    steady::time_point t0, t1;
    std::string failure;  // "" when it answered within canary_bound
  };
  // After run() returned.
  std::vector<answer> answers_;
  std::uint64_t peak_rss_kib_ = 0;

 private:
  client::rest::rest_client client_;
  const serve_child& serve_;
};

std::vector<watcher_spec> watcher_specs() {
  auto writer_is = [](std::set<std::string> ws) {
    return [ws](const json& l) { return l.contains("writer") && ws.contains(l["writer"].get<std::string>()); };
  };
  auto all = [](const json&) { return true; };
  return {
      {.name = "all", .selects = all},
      {.name = "all-disconnecting", .selects = all, .disconnects = true},
      {.name = "w0-w1-disconnecting", .label_selector = "writer in (w0,w1)", .selects = writer_is({"w0", "w1"}), .disconnects = true},
      {.name = "w2", .label_selector = "writer=w2", .selects = writer_is({"w2"})},
      {.name = "slow", .selects = all, .slow = true},
      {.name = "slow-resuming", .selects = all, .slow = true, .disconnects = true},
      {.name = "red",
       .label_selector = "color=red",
       .selects = [](const json& l) { return l.contains("color") && l["color"] == "red"; },
       .constant_selection = false},
  };
}

std::string describe(const watcher_state& s) {
  std::ostringstream o;
  for (const auto& [n, v] : s) o << n << "@" << v.first << " ";
  return o.str();
}

struct mode {
  std::string name;
  bool etcd;
  std::uint64_t ops;  // writes per writer
};

// Names the parameter in test names and ctest's ("GetParam() = etcd").
void PrintTo(const mode& m, std::ostream* os) { *os << m.name; }

class LoadFault : public ::testing::TestWithParam<mode> {};

TEST_P(LoadFault, AcknowledgedWritesSurviveAndWatchersConverge) {
  const mode md = GetParam();
  if (md.etcd && !envtest::find_binary("etcd")) GTEST_SKIP() << "no etcd binary (PATH, TEST_ASSET_ETCD, KUBEBUILDER_ASSETS): etcd mode not run";
  const std::uint64_t seed = env_number("KTK_LOAD_SEED", 9001);
  const int ops = static_cast<int>(env_number("KTK_LOAD_OPS", md.ops));
  std::cout << "load-fault[" << md.name << "] seed=" << seed << " (KTK_LOAD_SEED overrides)" << std::endl;
  const auto began = steady::now();
  const fs::path dir = fs::temp_directory_path() / ("ktk-load-fault-" + std::to_string(::getpid()) + "-" + md.name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct cleanup {
    fs::path d;
    ~cleanup() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup_dir{dir};

  std::optional<etcd_child> etcd;
  std::vector<std::string> serve_args{"--watch-history", "100"};
  if (md.etcd) {
    etcd.emplace(dir / "etcd-data");
    etcd->start();
    serve_args.insert(serve_args.end(), {"--etcd", etcd->url()});
  }
  serve_child serve(serve_args);
  serve.start();
  const client::rest::rest_config cfg{.server = serve.url(), .qps = 0, .timeout = 15s};
  client::rest::rest_client admin(cfg);
  {
    core::object n("v1", "Namespace");
    n.set_name(ns);
    auto made = admin.create(std::move(n));
    ASSERT_TRUE(made) << made.error().message();
    core::object c("v1", "ConfigMap");
    c.set_namespace("default");
    c.set_name("canary");
    auto canary_made = admin.create(std::move(c));
    ASSERT_TRUE(canary_made) << canary_made.error().message();
  }

  // Watchers first, each with its first watch open before any write.
  std::vector<std::unique_ptr<load_watcher>> watchers;
  std::vector<std::jthread> watcher_threads;
  std::uint64_t k = 0;
  for (auto& spec : watcher_specs()) watchers.push_back(std::make_unique<load_watcher>(std::move(spec), cfg, ns, seed + 100 + k++));
  for (auto& w : watchers) watcher_threads.emplace_back([&w = *w](std::stop_token st) { w.run(st); });
  checking_store reflected;
  std::atomic<std::uint64_t> reflector_errors{0};
  client::rest::rest_client reflector_client(cfg);
  client::cache::reflector refl(client::cache::make_list_watch(reflector_client, configmap_kind, {.namespace_ = ns}), reflected,
                                {.seed = seed + 200, .name = "load", .on_error = [&](const core::api_error&) { ++reflector_errors; }});
  std::jthread reflector_thread([&](std::stop_token st) { refl.run(st); });
  {
    const auto deadline = steady::now() + 20s;
    auto ready = [&] {
      return refl.list_count() > 0 && std::ranges::all_of(watchers, [](auto& w) { return w->watching(); });
    };
    while (!ready() && steady::now() < deadline) std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(ready()) << "the watchers did not start within 20 s";
  }
  canary can(cfg, serve);
  std::jthread canary_thread([&](std::stop_token st) { can.run(st); });

  // The writers, and the faults on this thread (the children die with the thread that
  // started them).
  std::atomic<std::uint64_t> acked{0};
  std::atomic<int> writers_done{0};
  std::vector<std::unique_ptr<load_writer>> writers;
  for (int i = 0; i < writer_count; ++i) writers.push_back(std::make_unique<load_writer>(i, cfg, ns, objects_per_writer, ops, seed + static_cast<std::uint64_t>(i), acked));
  const auto writes_began = steady::now();
  std::vector<std::jthread> writer_threads;
  for (auto& w : writers) {
    writer_threads.emplace_back([&w = *w, &writers_done](std::stop_token st) {
      w.run(st);
      ++writers_done;
    });
  }
  std::vector<window> windows;
  std::vector<std::string> fault_log;
  int server_restarts = 0, etcd_restarts = 0;
  auto reach = [&](double share) {
    const auto target = static_cast<std::uint64_t>(share * writer_count * ops);
    const auto deadline = steady::now() + 120s;
    while (acked.load() < target && writers_done.load() < writer_count && steady::now() < deadline) std::this_thread::sleep_for(5ms);
    return writers_done.load() < writer_count;
  };
  // Until the server answers a GET again (the end of a fault's window).
  auto await_answers = [&] {
    const auto deadline = steady::now() + 30s;
    while (steady::now() < deadline) {
      if (admin.get(configmap_kind, {"default", "canary"})) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  if (md.etcd) {
    if (reach(0.2)) {
      window w{steady::now(), {}};
      const auto st = serve.terminate();
      EXPECT_EQ(st.code, 0) << "ktk serve after SIGTERM: " << st.describe() << "\n" << serve.last_output();
      EXPECT_EQ(st.signal, 0) << "ktk serve did not stop within 10 s of SIGTERM; output:\n" << serve.last_output();
      const auto stopped = steady::now();
      serve.start();
      EXPECT_TRUE(await_answers());
      w.end = steady::now();
      windows.push_back(w);
      ++server_restarts;
      fault_log.push_back("serve SIGTERM (stopped in " + std::to_string(seconds(stopped - w.begin)) + " s), answering again after " +
                          std::to_string(seconds(w.end - w.begin)) + " s");
    }
    if (reach(0.45)) {
      window w{steady::now(), {}};
      etcd->restart();
      EXPECT_TRUE(await_answers()) << serve.output_tail();
      w.end = steady::now();
      windows.push_back(w);
      ++etcd_restarts;
      fault_log.push_back("etcd SIGKILL, answering again after " + std::to_string(seconds(w.end - w.begin)) + " s");
    }
    if (reach(0.7)) {
      window w{steady::now(), {}};
      serve.kill_hard();
      serve.start();
      EXPECT_TRUE(await_answers());
      w.end = steady::now();
      windows.push_back(w);
      ++server_restarts;
      fault_log.push_back("serve SIGKILL, answering again after " + std::to_string(seconds(w.end - w.begin)) + " s");
    }
  }
  for (auto& t : writer_threads) t.join();
  const auto writes_ended = steady::now();
  if (md.etcd) {
    // Each fault came while the writers were still writing.
    EXPECT_EQ(server_restarts, 2);
    EXPECT_EQ(etcd_restarts, 1);
  }
  for (auto& w : watchers) w->hurry();

  // 1. Every effective write is what the server holds, by list and by get.
  std::uint64_t acked_writes = 0, unanswered = 0, unanswered_applied = 0, refused_applied = 0;
  std::map<std::string, const object_model*> models;
  for (auto& w : writers) {
    const auto& s = w->stats();
    acked_writes += s.acked;
    unanswered += s.unanswered;
    unanswered_applied += s.unanswered_applied;
    refused_applied += s.refused_applied;
    EXPECT_EQ(s.ops, static_cast<std::uint64_t>(ops));
    for (const auto& a : s.anomalies) ADD_FAILURE() << "writer anomaly: " << a;
    for (const auto& [name, m] : w->models()) models[name] = &m;
  }
  auto truth = admin.list(configmap_kind, {.namespace_ = ns});
  ASSERT_TRUE(truth) << truth.error().message();
  watcher_state server_state;
  for (const auto& o : truth->items) server_state[std::string(o->name())] = {std::stoll(std::string(o->resource_version())), content_of(*o)};
  for (const auto& [name, m] : models) {
    auto it = server_state.find(name);
    if (!m->exists) {
      EXPECT_EQ(it, server_state.end()) << name << " was deleted but is listed";
      EXPECT_TRUE(is_not_found(admin.get(configmap_kind, {ns, name}))) << name;
      continue;
    }
    if (it == server_state.end()) {
      ADD_FAILURE() << name << " (rv " << m->rv << ") was acknowledged but is not listed";
      continue;
    }
    EXPECT_EQ(it->second.first, m->rv) << name;
    EXPECT_EQ(it->second.second, m->content) << name;
    auto g = admin.get(configmap_kind, {ns, name});
    ASSERT_TRUE(g) << name << ": " << g.error().message();
    EXPECT_EQ(content_of(**g), m->content) << name;
  }
  EXPECT_EQ(server_state.size(), static_cast<std::size_t>(std::ranges::count_if(models, [](auto& p) { return p.second->exists; })));

  // 2. Each watcher converges to the server's state for its selection.
  auto selection = [&](const std::function<bool(const json&)>& selects) {
    watcher_state s;
    for (const auto& [n, v] : server_state) {
      if (selects(v.second["labels"])) s[n] = v;
    }
    return s;
  };
  {
    const auto deadline = steady::now() + 30s;
    auto converged = [&] {
      if (reflected.state() != server_state) return false;
      return std::ranges::all_of(watchers, [&](auto& w) { return w->state() == selection(w->spec().selects); });
    };
    while (!converged() && steady::now() < deadline) std::this_thread::sleep_for(10ms);
    for (auto& w : watchers) {
      EXPECT_EQ(w->state(), selection(w->spec().selects))
          << "watcher " << w->spec().name << " holds " << describe(w->state()) << "\nserver: " << describe(selection(w->spec().selects));
    }
    EXPECT_EQ(reflected.state(), server_state) << "reflector holds " << describe(reflected.state()) << "\nserver: " << describe(server_state);
  }
  for (auto& t : watcher_threads) t.request_stop();
  reflector_thread.request_stop();
  canary_thread.request_stop();
  for (auto& t : watcher_threads) t.join();
  reflector_thread.join();
  canary_thread.join();

  // 3. Per stream: ordered, no duplicates, nothing that did not happen; per epoch,
  // exactly the writes that took effect after its list.
  std::uint64_t events_checked = reflected.events(), gone = 0, relists = reflected.replaces() - 1, disconnects = 0, broken = 0,
                exact_watchers = 0;
  for (const auto& v : reflected.violations()) ADD_FAILURE() << "reflector: " << v;
  json per_watcher = json::object();
  per_watcher["reflector"] = {{"events", reflected.events()}, {"lists", reflected.replaces()}, {"errors", reflector_errors.load()}};
  for (auto& w : watchers) {
    const auto s = w->stats();
    per_watcher[w->spec().name] = {{"events", s.events}, {"disconnects", s.disconnects}, {"gone410", s.gone},
                                   {"gone410MidStream", s.gone_mid_stream}, {"relists", s.relists},
                                   {"brokenStreams", s.broken}, {"errors", s.errors}};
    events_checked += s.events;
    gone += s.gone;
    relists += s.relists;
    disconnects += s.disconnects;
    broken += s.broken;
    for (const auto& v : s.violations) ADD_FAILURE() << "watcher " << w->spec().name << ": " << v;
    // epoch → object → events
    std::map<std::uint64_t, std::map<std::string, std::vector<expected_event>>> seen;
    for (const auto& e : w->log()) {
      auto m = models.find(e.name);
      if (m == models.end()) {
        ADD_FAILURE() << "watcher " << w->spec().name << ": an event for " << e.name << ", which nobody wrote";
        continue;
      }
      if (e.type != 'D') {
        const bool happened = std::ranges::any_of(m->second->history, [&](const write_record& r) { return r.op != 'D' && r.rv == e.rv; });
        EXPECT_TRUE(happened) << "watcher " << w->spec().name << ": " << e.name << " at rv " << e.rv << " is no write of its writer";
      }
      seen[e.epoch][e.name].emplace_back(e.type, e.type == 'D' ? 0 : e.rv);
    }
    if (!w->spec().constant_selection) continue;
    const auto& lists = w->listings();
    bool exact = true;
    for (std::size_t epoch = 1; epoch <= lists.size(); ++epoch) {
      const auto& l = lists[epoch - 1];
      for (const auto& [name, m] : models) {
        if (!w->spec().selects(json{{"writer", name.substr(0, name.find('-'))}})) continue;
        std::optional<std::int64_t> listed;
        if (auto it = l.items.find(name); it != l.items.end()) listed = it->second;
        const auto bad = check_epoch(*m, listed, l.rv, seen[epoch][name], epoch == lists.size());
        if (!bad.empty()) {
          exact = false;
          ADD_FAILURE() << "watcher " << w->spec().name << ", epoch " << epoch << " of " << lists.size() << ", " << name << ": " << bad;
        }
      }
    }
    if (exact) ++exact_watchers;
  }

  // 4. The server answered other clients throughout, within bounded memory.
  std::uint64_t canary_in_windows = 0;
  steady::duration canary_max{}, canary_max_outside{};
  for (const auto& a : can.answers_) {
    const bool in_window = std::ranges::any_of(windows, [&](const window& w) { return a.t1 >= w.begin && a.t0 <= w.end + 500ms; });
    canary_max = std::max(canary_max, a.t1 - a.t0);
    if (!in_window) canary_max_outside = std::max(canary_max_outside, a.t1 - a.t0);
    if (a.failure.empty()) continue;
    if (in_window) {
      ++canary_in_windows;
    } else {
      ADD_FAILURE() << "canary GET outside any restart window: " << a.failure << " after " << seconds(a.t1 - a.t0) << " s";
    }
  }
  EXPECT_GT(can.answers_.size(), 0u);
  EXPECT_LT(can.peak_rss_kib_ / 1024, rss_bound_mib) << "ktk serve's peak RSS";

  // The server stops cleanly on SIGTERM with watchers gone.
  const auto st = serve.terminate();
  EXPECT_EQ(st.code, 0) << st.describe() << "\n" << serve.last_output();
  if (etcd) etcd->stop();

  const double write_secs = seconds(writes_ended - writes_began);
  const double rate = static_cast<double>(acked_writes) / write_secs;
  const json report = {
      {"mode", md.name},
      {"seed", seed},
      {"writers", writer_count},
      {"opsPerWriter", ops},
      {"watchers", watchers.size() + 1},
      {"writesPerSecond", std::round(rate)},
      {"writePhaseSeconds", write_secs},
      {"acknowledgedWrites", acked_writes},
      {"unansweredWrites", unanswered},
      {"unansweredWritesApplied", unanswered_applied},
      {"refusedWritesFoundApplied", refused_applied},
      {"eventsChecked", events_checked},
      {"exactlyOnceWatchers", exact_watchers},
      {"gone410", gone},
      {"relists", relists},
      {"brokenStreams", broken},
      {"reflectorErrors", reflector_errors.load()},
      {"faults", {{"watchDisconnects", disconnects}, {"serverRestarts", server_restarts}, {"etcdRestarts", etcd_restarts}, {"log", fault_log}}},
      {"canary",
       {{"gets", can.answers_.size()},
        {"maxLatencyMs", std::chrono::duration_cast<std::chrono::milliseconds>(canary_max).count()},
        {"maxLatencyOutsideRestartWindowsMs", std::chrono::duration_cast<std::chrono::milliseconds>(canary_max_outside).count()},
        {"failedInRestartWindows", canary_in_windows},
        {"failedOutside", std::ranges::count_if(can.answers_, [](auto& a) { return !a.failure.empty(); }) - static_cast<std::ptrdiff_t>(canary_in_windows)}}},
      {"perWatcher", per_watcher},
      {"peakRssMiB", static_cast<double>(can.peak_rss_kib_) / 1024.0},
      {"rssBoundMiB", rss_bound_mib},
      {"totalSeconds", seconds(steady::now() - began)},
  };
  std::cout << "load-fault[" << md.name << "] " << report.dump() << std::endl;
  std::ofstream(fs::path(KTK_LOAD_REPORT_DIR) / ("load_fault_" + md.name + ".json")) << report.dump(2) << "\n";
}

INSTANTIATE_TEST_SUITE_P(Modes, LoadFault, ::testing::Values(mode{"memory", false, 1000}, mode{"etcd", true, 150}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ktk::load_test
