// runner.cpp — the steps of a scenario, in order, each timed and reported.
#include "ktk/sim/runner.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/checks.hpp"
#include "runner/context.hpp"

namespace ktk::sim {
namespace {

using detail::run_context;

std::int64_t peak_rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

std::string seconds(duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%8.3fs", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// What a step did: empty when it worked, else why not.
using step_error = std::optional<std::string>;

step_error apply(run_context& ctx, const step& s) {
  for (const auto& o : s.objects) {
    core::object obj = o;
    auto info = ctx.client().mapper().by_kind(obj.group_version_kind());
    if (!info) return "apply: no resource of kind " + obj.group_version_kind().api_version() + " " + std::string(obj.kind());
    if (info->namespaced && obj.namespace_().empty()) obj.set_namespace("default");
    const std::string what = std::string(obj.kind()) + " " + std::string(obj.namespace_()) +
                             (obj.namespace_().empty() ? "" : "/") + std::string(obj.name());
    auto r = ctx.client().apply(std::move(obj), {.field_manager = "ktk-sim", .force = true});
    if (!r) return "apply " + what + ": " + r.error().message();
  }
  return std::nullopt;
}

step_error patch(run_context& ctx, const step& s) {
  auto info = detail::resolve_kind(ctx.client(), s.target);
  if (!info) return info.error().message();
  core::patch_type t = s.patch_type == "json"        ? core::patch_type::json_patch
                       : s.patch_type == "strategic" ? core::patch_type::strategic_merge
                                                     : core::patch_type::merge_patch;
  auto r = ctx.client().patch((*info)->group_version_kind(), {detail::namespace_of(**info, s.target), s.target.name}, t,
                              s.patch, {.field_manager = "ktk-sim"});
  if (!r) return "patch " + describe(s.target) + ": " + r.error().message();
  return std::nullopt;
}

step_error scale(run_context& ctx, const step& s) {
  auto info = detail::resolve_kind(ctx.client(), s.target);
  if (!info) return info.error().message();
  auto r = ctx.client().update_scale((*info)->group_version_kind(),
                                     {detail::namespace_of(**info, s.target), s.target.name}, s.replicas);
  if (!r) return "scale " + describe(s.target) + ": " + r.error().message();
  return std::nullopt;
}

step_error remove(run_context& ctx, const step& s) {
  auto info = detail::resolve_kind(ctx.client(), s.target);
  if (!info) return info.error().message();
  auto objs = detail::select(ctx.client(), s.target);
  if (!objs) return objs.error().message();
  if (objs->empty()) return "delete: nothing matches " + describe(s.target);
  std::size_t n = s.count ? std::min<std::size_t>(objs->size(), static_cast<std::size_t>(*s.count)) : objs->size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& o = (*objs)[i];
    auto r = ctx.client().remove((*info)->group_version_kind(), o->key(),
                                 {.grace_period_seconds = s.grace_period_seconds,
                                  .propagation_policy = s.propagation_policy});
    if (!r && !core::is_not_found(r)) return "delete " + std::string(o->name()) + ": " + r.error().message();
  }
  return std::nullopt;
}

void expect(run_context& ctx, const step& s) {
  ctx.settle();
  for (const auto& c : s.checks) {
    auto began = std::chrono::steady_clock::now();
    auto out = detail::evaluate(ctx.client(), c);
    ctx.report().expectations.push_back(
        {.name = c.name, .step = s.name, .where = c.where, .at = ctx.elapsed(), .ok = out.ok,
         .message = out.ok ? std::string() : out.message,
         .wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count()});
  }
}

// Waits until every check holds; the invariant is checked at every point on the way.
step_error wait_for(run_context& ctx, const step& s) {
  const auto began = std::chrono::steady_clock::now();
  const auto deadline = ctx.clock().now() + s.timeout;
  std::optional<std::string> broken;  // the invariant's first failure
  std::string last;
  bool held = false;
  for (;;) {
    ctx.settle();
    if (s.invariant && !broken) {
      auto inv = detail::evaluate(ctx.client(), *s.invariant);
      if (!inv.ok) broken = inv.message + " (at " + seconds(ctx.elapsed()) + ")";
    }
    held = true;
    for (const auto& c : s.checks) {
      auto out = detail::evaluate(ctx.client(), c);
      if (!out.ok) {
        held = false;
        last = out.message;
        break;
      }
    }
    if (held || !ctx.step_towards(deadline)) break;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  ctx.report().expectations.push_back({.name = s.name, .step = s.name, .where = s.where, .at = ctx.elapsed(),
                                       .ok = held, .message = held ? std::string() : "timed out after " +
                                       format_duration(s.timeout) + ": " + last, .wall_seconds = wall});
  if (s.invariant) {
    ctx.report().expectations.push_back({.name = s.invariant->name, .step = s.name, .where = s.invariant->where,
                                         .at = ctx.elapsed(), .ok = !broken, .message = broken.value_or(""),
                                         .wall_seconds = wall});
  }
  if (!held) return "timed out after " + format_duration(s.timeout) + ": " + last;
  return std::nullopt;
}

step_error run_step(run_context& ctx, const step& s) {
  switch (s.what) {
    case step::form::apply: return apply(ctx, s);
    case step::form::patch: return patch(ctx, s);
    case step::form::scale: return scale(ctx, s);
    case step::form::remove: return remove(ctx, s);
    case step::form::wait_for: return wait_for(ctx, s);
    case step::form::expect: expect(ctx, s); return std::nullopt;
    case step::form::sleep: ctx.advance_to(ctx.clock().now() + s.length); return std::nullopt;
    case step::form::fault:
      try {
        ctx.inject(s.injected);
      } catch (const std::exception& e) {
        return std::string(e.what());
      }
      return std::nullopt;
  }
  return "unknown step";
}

}  // namespace

run_report run_scenario(const scenario& sc, const run_options& opts) {
  const auto wall_began = std::chrono::steady_clock::now();
  run_context ctx(sc, opts);
  ctx.start();
  ctx.log("ktk sim: " + sc.name + " (seed " + std::to_string(ctx.report().seed) + ", " + ctx.report().server +
          (ctx.virtual_time() ? ", virtual time" : ", real time") + ")");
  std::size_t failed = 0;  // expectations failed so far
  for (const auto& s : sc.steps) {
    const auto began = std::chrono::steady_clock::now();
    const auto at = ctx.elapsed();
    const std::size_t failed_before = failed;
    step_error err;
    try {
      err = run_step(ctx, s);
      if (s.what != step::form::wait_for && s.what != step::form::expect) ctx.settle();
    } catch (const std::exception& e) {
      err = std::string(e.what());
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    // A step fails when it errs or when an expectation failed during it (an expect
    // step's checks, or an invariant it broke): the line and the report say so.
    failed = 0;
    std::string why = err.value_or("");
    for (const auto& e : ctx.report().expectations) {
      if (e.ok) continue;
      if (++failed > failed_before && !err) why += (why.empty() ? "" : "\n            ") + e.name + ": " + e.message;
    }
    const bool ok = !err && failed == failed_before;
    ctx.report().steps.push_back({.name = s.name, .where = s.where, .started_at = at, .took = ctx.elapsed() - at,
                                  .wall_seconds = wall, .ok = ok, .message = why});
    char wall_ms[32];
    std::snprintf(wall_ms, sizeof wall_ms, "%.1f ms", wall * 1000);
    ctx.log("[" + seconds(at) + "] " + (ok ? "ok   " : "FAIL ") + s.name + "  (" + format_duration(ctx.elapsed() - at) +
            " virtual, " + wall_ms + " wall" + (failed ? ", " + std::to_string(failed) + " failed so far" : "") + ")" +
            (ok ? "" : "\n            " + why));
  }
  ctx.settle();
  ctx.report().virtual_elapsed = ctx.elapsed();
  ctx.stop();
  run_report out = std::move(ctx.report());
  ctx.timeline().drain_into(out);
  out.controller_errors = ctx.controller_errors();
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_began).count();
  out.peak_rss_bytes = peak_rss_bytes();
  if (opts.progress) {
    *opts.progress << "ktk sim: " << (out.ok() ? "PASS" : "FAIL") << " — " << out.expectations.size()
                   << " expectations, " << out.failures() << " failed; " << out.events << " events, "
                   << out.controller_errors << " retried controller errors; virtual "
                   << format_duration(out.virtual_elapsed) << ", wall " << out.wall_seconds << " s" << std::endl;
  }
  return out;
}

}  // namespace ktk::sim
