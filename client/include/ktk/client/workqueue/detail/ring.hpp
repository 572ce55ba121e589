// ktk/client/workqueue/detail/ring.hpp — a growable FIFO ring of small values.
//
// The work queue's per-priority order. Unlike std::deque it allocates only when it
// grows past its high-water mark, so a steady queue never touches the allocator.
//
//   detail::ring<int> r(16);
//   r.push_back(1);
//   int x = r.pop_front();
//
// Not thread-safe: the queue holds its mutex around every call.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace ktk::client::workqueue::detail {

template <class V>
class ring {
  static_assert(std::is_trivially_copyable_v<V>, "ring holds small trivially copyable values");

 public:
  explicit ring(std::size_t capacity = 0) { buf_.resize(round_up(capacity)); }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push_back(V v) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = v;
    ++size_;
  }

  // Requires !empty().
  V pop_front() {
    V v = buf_[head_];
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
    return v;
  }

 private:
  // A power of two, at least 8, so positions wrap with a mask.
  static std::size_t round_up(std::size_t n) {
    std::size_t c = 8;
    while (c < n) c *= 2;
    return c;
  }

  void grow() {
    std::vector<V> bigger(buf_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = buf_[(head_ + i) & (buf_.size() - 1)];
    buf_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<V> buf_;  // size is a power of two
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace ktk::client::workqueue::detail
