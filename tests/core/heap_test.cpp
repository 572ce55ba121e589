// Tests for ktk::core::heap_usage / release_free_heap. This program links the malloc
// cmake chose for ktk's programs (KTK_MALLOC), so the figures are read from tcmalloc
// where it is installed and from glibc in sanitizer builds and without it.
#include "ktk/core/heap.hpp"

#include <memory>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace {

using ktk::core::heap_usage;

TEST(Heap, NamesTheMallocTheProgramRunsOn) { EXPECT_EQ(heap_usage().allocator, std::string_view(KTK_MALLOC_USED)); }

TEST(Heap, InUseFollowsAllocationsAndFrees) {
  ktk::core::release_free_heap();
  const std::size_t before = heap_usage().in_use;
  // 16 MiB in blocks of the size a JSON node takes, and one large block.
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 16 * 1024; ++i) blocks.push_back(std::make_unique<char[]>(1000));
  auto big = std::make_unique<char[]>(8 << 20);
  big[0] = blocks.back()[0] = 1;  // used, so that nothing is optimised away
  const std::size_t during = heap_usage().in_use;
  EXPECT_GE(during, before + (16u * 1024 * 1000) + (8u << 20));
  EXPECT_LE(during, before + (16u * 1024 * 1200) + (9u << 20));  // headers and rounding, not more
  blocks.clear();
  big.reset();
  ktk::core::release_free_heap();
  EXPECT_LE(heap_usage().in_use, before + (1u << 20));
}

}  // namespace
