// load_stats.hpp — what `ktk load` measured: per-verb counts, error codes and
// latency histograms, and the reports made from them.
//
// Main types: latency_histogram (log-linear buckets, ~1.6% relative error, fixed
// 20 KiB whatever the run's length), verb_stats, load_stats.
//
//   ktk::cli::latency_histogram h;
//   h.record(std::chrono::microseconds(1500));
//   h.percentile(0.99);                                  // ≈ 1500 µs
//
// Thread-safety: none; `ktk load` guards one load_stats with a mutex.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ktk::cli {

class latency_histogram {
 public:
  void record(std::chrono::microseconds d);
  // The smallest recorded value v such that at least q of the samples are ≤ v (to the
  // bucket's precision; never above max()). 0 when empty.
  std::chrono::microseconds percentile(double q) const;
  std::chrono::microseconds max() const { return std::chrono::microseconds(max_); }
  std::uint64_t count() const { return count_; }
  void merge(const latency_histogram& o);

 private:
  static constexpr int linear = 128;  // values below are exact; above, 64 buckets per power of two
  static constexpr int buckets = linear + 48 * 64;
  static int index_of(std::uint64_t us);
  static std::uint64_t upper_of(int index);
  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

enum class load_verb { create, update, remove };
inline constexpr const char* verb_names[] = {"create", "update", "delete"};

struct verb_stats {
  std::uint64_t ops = 0;
  std::uint64_t ok = 0;
  std::map<int, std::uint64_t> errors;  // HTTP code → count; 0 = no answer
  latency_histogram latency;

  void record(std::chrono::microseconds d, int code);  // code 0 … (200..299 = ok)
  void merge(const verb_stats& o);
  std::uint64_t error_count() const { return ops - ok; }
};

struct load_stats {
  std::array<verb_stats, 3> verbs;
  verb_stats total() const;
};

// The final report; `elapsed` is the measured run time.
struct load_report_info {
  std::string resource;  // "configmaps" or "widgets.example.com/v1"
  std::string server;
  std::size_t workers = 0;
  double target_rate = 0;
  std::chrono::duration<double> elapsed{};
};

nlohmann::json report_json(const load_stats& s, const load_report_info& info);
std::string report_text(const load_stats& s, const load_report_info& info);
// "  3s  1234 ops/s  p99 2.10ms  errors 5" from one second's stats.
std::string progress_line(std::chrono::duration<double> since_start, const verb_stats& last_second,
                          std::uint64_t errors_so_far);

}  // namespace ktk::cli
