// load_checks.hpp — the exactly-once check of the load-and-fault test: what one
// watcher's streams delivered for one object, against the writes that took effect.
//
// A watcher's life is a series of epochs, each begun by a list (the first, and one
// after each 410) and followed by watches that resume from the last resourceVersion
// seen. Within an epoch, the events for an object must be exactly the object's writes
// that came after the state the list showed, in order, without a gap or a repeat; the
// epoch may stop early (a 410 ended it), the last one may not (the watcher converged).
// Delete events carry a resourceVersion the writer never learns (the client's delete
// returns no object), so a delete matches by its place in the sequence alone.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "load_writer.hpp"

namespace ktk::load_test {

using expected_event = std::pair<char, std::int64_t>;  // ('A'|'M'|'D', rv; 0 for 'D')

inline expected_event as_event(const write_record& w) {
  return {w.op == 'C' ? 'A' : w.op == 'U' ? 'M' : 'D', w.op == 'D' ? 0 : w.rv};
}

// Where in m.history a list at list_rv leaves off: the index of the first write it does
// not reflect. `listed` is the object's resourceVersion in the list (nullopt: absent).
// nullopt with `why` set when the list shows a state that no write produced.
inline std::optional<std::size_t> after_list(const object_model& m, std::optional<std::int64_t> listed, std::int64_t list_rv,
                                             std::string& why) {
  const auto& h = m.history;
  std::optional<std::size_t> at;  // the last write the list reflects
  if (listed) {
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (h[i].op != 'D' && h[i].rv == *listed) at = i;
    }
    if (!at) {
      why = "listed at rv " + std::to_string(*listed) + ", which no write made";
      return std::nullopt;
    }
  } else {
    // Absent: after the last create/update at or before list_rv, a delete must follow.
    std::optional<std::size_t> last;
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (h[i].op != 'D' && h[i].rv <= list_rv) last = i;
    }
    if (!last) return 0;
    if (*last + 1 >= h.size() || h[*last + 1].op != 'D') {
      why = "absent from the list at rv " + std::to_string(list_rv) + " though written at rv " + std::to_string(h[*last].rv) +
            " and not deleted after";
      return std::nullopt;
    }
    at = *last + 1;
  }
  const std::size_t next = *at + 1;
  if (next < h.size() && h[next].op != 'D' && h[next].rv <= list_rv) {
    why = "the list at rv " + std::to_string(list_rv) + " misses the write at rv " + std::to_string(h[next].rv);
    return std::nullopt;
  }
  return next;
}

// Checks one epoch's events for one object; "" when they are right.
inline std::string check_epoch(const object_model& m, std::optional<std::int64_t> listed, std::int64_t list_rv,
                               const std::vector<expected_event>& seen, bool last_epoch) {
  std::string why;
  auto from = after_list(m, listed, list_rv, why);
  if (!from) return why;
  const auto& h = m.history;
  for (std::size_t k = 0; k < seen.size(); ++k) {
    if (*from + k >= h.size()) return "event " + std::to_string(k) + " (rv " + std::to_string(seen[k].second) + ") is past the last write";
    const auto want = as_event(h[*from + k]);
    if (seen[k] != want) {
      return "event " + std::to_string(k) + " after the list at rv " + std::to_string(list_rv) + " is " + seen[k].first + " rv " +
             std::to_string(seen[k].second) + ", the writes say " + want.first + " rv " + std::to_string(want.second);
    }
  }
  if (last_epoch && *from + seen.size() != h.size()) {
    return "the last epoch delivered " + std::to_string(seen.size()) + " events of the " + std::to_string(h.size() - *from) +
           " writes after its list at rv " + std::to_string(list_rv);
  }
  return "";
}

}  // namespace ktk::load_test
