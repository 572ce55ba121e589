// ktk/core/heap.hpp — how much heap the process holds, whichever malloc it runs on.
//
// ktk's own programs (`ktk`, the benchmarks) link tcmalloc when it is installed
// (cmake/ktk_options.cmake, KTK_MALLOC); a test or operator built on ktk's libraries
// runs on whatever malloc its program has. These functions ask the allocator that is
// actually in use, so a memory figure means the same thing in both.
//
//   ktk::core::release_free_heap();
//   auto before = ktk::core::heap_usage().in_use;
//   ...  // build a cache
//   auto per_object = (ktk::core::heap_usage().in_use - before) / n;
#pragma once

#include <cstddef>
#include <string_view>

namespace ktk::core {

struct heap_stats {
  // "tcmalloc" when gperftools' tcmalloc is the process's malloc, "sanitizer" under
  // AddressSanitizer or ThreadSanitizer (their allocator replaces malloc), else "glibc".
  std::string_view allocator{};
  // Bytes handed out by malloc and not yet freed, with the allocator's own per-block
  // rounding and headers (what the objects cost), without free memory it keeps.
  std::size_t in_use = 0;
};

// The allocator's figures now. Thread-safe; costs a lock of the allocator's.
heap_stats heap_usage();

// Gives free memory the allocator keeps back to the system (glibc's malloc_trim,
// tcmalloc's ReleaseFreeMemory), so that a following heap or RSS reading starts
// clean. Thread-safe; may take milliseconds on a large heap.
void release_free_heap();

}  // namespace ktk::core
