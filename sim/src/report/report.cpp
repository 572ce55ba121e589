#include "ktk/sim/report.hpp"

#include <set>

#include "report/text.hpp"

namespace ktk::sim {

namespace detail {

std::vector<const step_result*> failed_steps_alone(const run_report& r) {
  std::set<std::string_view> accounted;
  for (const auto& e : r.expectations)
    if (!e.ok) accounted.insert(e.step);
  std::vector<const step_result*> out;
  for (const auto& s : r.steps)
    if (!s.ok && !accounted.contains(s.name)) out.push_back(&s);
  return out;
}

}  // namespace detail

bool run_report::ok() const { return failures() == 0; }

std::size_t run_report::failures() const {
  std::size_t n = detail::failed_steps_alone(*this).size();
  for (const auto& e : expectations) n += e.ok ? 0 : 1;
  return n;
}

}  // namespace ktk::sim
