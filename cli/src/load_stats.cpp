// load_stats.cpp — histograms and reports for `ktk load`.
#include "load_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace ktk::cli {

int latency_histogram::index_of(std::uint64_t us) {
  if (us < linear) return static_cast<int>(us);
  const int shift = static_cast<int>(std::bit_width(us)) - 7;  // us >> shift is in [64, 128)
  const int i = linear + (shift - 1) * 64 + static_cast<int>((us >> shift) - 64);
  return std::min(i, buckets - 1);
}

std::uint64_t latency_histogram::upper_of(int index) {
  if (index < linear) return static_cast<std::uint64_t>(index);
  const int k = index - linear;
  const int shift = k / 64 + 1;
  const std::uint64_t m = static_cast<std::uint64_t>(k % 64 + 64);
  return ((m + 1) << shift) - 1;
}

void latency_histogram::record(std::chrono::microseconds d) {
  const std::uint64_t us = d.count() < 0 ? 0 : static_cast<std::uint64_t>(d.count());
  ++counts_[static_cast<std::size_t>(index_of(us))];
  ++count_;
  max_ = std::max(max_, us);
}

std::chrono::microseconds latency_histogram::percentile(double q) const {
  if (count_ == 0) return std::chrono::microseconds(0);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (int i = 0; i < buckets; ++i) {
    seen += counts_[static_cast<std::size_t>(i)];
    if (seen >= rank) return std::chrono::microseconds(static_cast<std::int64_t>(std::min(upper_of(i), max_)));
  }
  return max();
}

void latency_histogram::merge(const latency_histogram& o) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  count_ += o.count_;
  max_ = std::max(max_, o.max_);
}

void verb_stats::record(std::chrono::microseconds d, int code) {
  ++ops;
  if (code >= 200 && code < 300) {
    ++ok;
  } else {
    ++errors[code];
  }
  latency.record(d);
}

void verb_stats::merge(const verb_stats& o) {
  ops += o.ops;
  ok += o.ok;
  for (const auto& [code, n] : o.errors) errors[code] += n;
  latency.merge(o.latency);
}

verb_stats load_stats::total() const {
  verb_stats t;
  for (const auto& v : verbs) t.merge(v);
  return t;
}

namespace {

double ms(std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; }

nlohmann::json verb_json(const verb_stats& v, double seconds) {
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [code, n] : v.errors) errors[code == 0 ? std::string("noAnswer") : std::to_string(code)] = n;
  return {{"ops", v.ops},
          {"ok", v.ok},
          {"errors", v.error_count()},
          {"errorsByCode", errors},
          {"rate", seconds > 0 ? static_cast<double>(v.ops) / seconds : 0.0},
          {"latencyMs",
           {{"p50", ms(v.latency.percentile(0.50))},
            {"p90", ms(v.latency.percentile(0.90))},
            {"p99", ms(v.latency.percentile(0.99))},
            {"max", ms(v.latency.max())}}}};
}

std::string fmt(const char* f, auto... a) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

std::string text_row(const char* name, const verb_stats& v, double seconds) {
  std::string codes;
  for (const auto& [code, n] : v.errors) {
    codes += (codes.empty() ? "" : " ") + (code == 0 ? std::string("no-answer") : std::to_string(code)) + ":" +
             std::to_string(n);
  }
  return fmt("%-7s %9llu %9llu %7llu %10.1f %9.2f %9.2f %9.2f %9.2f  %s\n", name,
             static_cast<unsigned long long>(v.ops), static_cast<unsigned long long>(v.ok),
             static_cast<unsigned long long>(v.error_count()), seconds > 0 ? static_cast<double>(v.ops) / seconds : 0.0,
             ms(v.latency.percentile(0.50)), ms(v.latency.percentile(0.90)), ms(v.latency.percentile(0.99)),
             ms(v.latency.max()), codes.c_str());
}

}  // namespace

nlohmann::json report_json(const load_stats& s, const load_report_info& info) {
  const double secs = info.elapsed.count();
  nlohmann::json verbs = nlohmann::json::object();
  for (int i = 0; i < 3; ++i) verbs[verb_names[i]] = verb_json(s.verbs[static_cast<std::size_t>(i)], secs);
  return {{"resource", info.resource},  {"server", info.server},      {"workers", info.workers},
          {"targetRate", info.target_rate}, {"elapsedSeconds", secs}, {"verbs", verbs},
          {"total", verb_json(s.total(), secs)}};
}

std::string report_text(const load_stats& s, const load_report_info& info) {
  const double secs = info.elapsed.count();
  std::string out = fmt("ktk load: %s on %s, %zu workers, target ", info.resource.c_str(), info.server.c_str(),
                        info.workers);
  out += info.target_rate > 0 ? fmt("%.1f ops/s", info.target_rate) : std::string("unlimited");
  out += fmt(", %.2fs\n", secs);
  out += fmt("%-7s %9s %9s %7s %10s %9s %9s %9s %9s  %s\n", "verb", "ops", "ok", "errors", "ops/s", "p50(ms)",
             "p90(ms)", "p99(ms)", "max(ms)", "errors by code");
  for (int i = 0; i < 3; ++i) out += text_row(verb_names[i], s.verbs[static_cast<std::size_t>(i)], secs);
  out += text_row("total", s.total(), secs);
  return out;
}

std::string progress_line(std::chrono::duration<double> since_start, const verb_stats& last_second,
                          std::uint64_t errors_so_far) {
  return fmt("ktk load: %6.1fs %8llu ops/s  p99 %8.2fms  errors %llu", since_start.count(),
             static_cast<unsigned long long>(last_second.ops), ms(last_second.latency.percentile(0.99)),
             static_cast<unsigned long long>(errors_so_far));
}

}  // namespace ktk::cli
