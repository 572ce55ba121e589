// auth_bench — what authentication and RBAC add to a request, measured at the router
// (no sockets): a GET of one ConfigMap with authorization off, with RBAC for a member
// of system:masters (the envtest admin), and with RBAC for a user a RoleBinding grants
// (the rules walked on every request).
//
//   build/bench/auth_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "auth/bootstrap_policy.hpp"
#include "auth/rbac_authorizer.hpp"
#include "http/route.hpp"
#include "http/router.hpp"
#include "ktk/apiserver/registry.hpp"

namespace {

using namespace ktk::apiserver;
using ktk::core::json;

enum class who { nobody_checks, master, bound_user };

void BM_RouterGet(benchmark::State& state, who w) {
  registry reg;
  auth::rbac_authorizer rbac(reg);
  auth::ensure_bootstrap_policy(reg);
  http::router r(reg, {.server_address = "127.0.0.1:1", .rbac = w == who::nobody_checks ? nullptr : &rbac});
  (void)reg.create({"", "v1", "configmaps"}, "default",
                   ktk::core::object(json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}}}}));
  // Ten unrelated bindings before the one that applies, as a cluster with a few
  // operators installed has.
  for (int i = 0; i < 10; ++i) {
    (void)reg.create({"rbac.authorization.k8s.io", "v1", "rolebindings"}, "default",
                     ktk::core::object(json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                            {"kind", "RoleBinding"},
                                            {"metadata", {{"name", "other-" + std::to_string(i)}}},
                                            {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
                                            {"subjects", {{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "User"}, {"name", "u" + std::to_string(i)}}}}}));
  }
  (void)reg.create({"rbac.authorization.k8s.io", "v1", "rolebindings"}, "default",
                   ktk::core::object(json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                          {"kind", "RoleBinding"},
                                          {"metadata", {{"name", "alice-view"}}},
                                          {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "view"}}},
                                          {"subjects", {{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "User"}, {"name", "alice"}}}}}));
  auto user = std::make_shared<const user_info>(
      w == who::bound_user ? user_info{.name = "alice", .groups = {"system:authenticated"}}
                           : user_info{.name = "admin", .groups = {"system:masters", "system:authenticated"}});
  auto t = http::parse_target("/api/v1/namespaces/default/configmaps/cm");
  http::request req{.method = "GET", .path = t->path, .query = t->query, .user = user};
  for (auto _ : state) {
    auto out = r.handle(req);
    auto& res = std::get<http::response>(out);
    if (res.status != 200) state.SkipWithError(("status " + std::to_string(res.status)).c_str());
    benchmark::DoNotOptimize(res.body.data());
  }
  state.counters["requests/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_RouterGet, authorization_off, who::nobody_checks);
BENCHMARK_CAPTURE(BM_RouterGet, rbac_system_masters, who::master);
BENCHMARK_CAPTURE(BM_RouterGet, rbac_user_with_binding, who::bound_user);

}  // namespace

BENCHMARK_MAIN();
