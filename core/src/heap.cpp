// heap.cpp — the allocator is found at run time: tcmalloc's C entry points are looked
// up with dlsym, so the same library answers for a program that links tcmalloc, one
// that preloads it, and one on glibc's malloc.
#include "ktk/core/heap.hpp"

#include <dlfcn.h>
#include <malloc.h>

namespace ktk::core {
namespace {

struct tcmalloc_api {
  int (*get_numeric_property)(const char*, std::size_t*) = nullptr;
  void (*release_free_memory)() = nullptr;
};

const tcmalloc_api& tcmalloc() {
  static const tcmalloc_api api = [] {
    tcmalloc_api a;
    // gperftools' malloc_extension_c.h.
    a.get_numeric_property =
        reinterpret_cast<int (*)(const char*, std::size_t*)>(dlsym(RTLD_DEFAULT, "MallocExtension_GetNumericProperty"));
    a.release_free_memory = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseFreeMemory"));
    return a;
  }();
  return api;
}

// The sanitizers' allocator (ASan, TSan): it replaces malloc, and glibc's mallinfo2
// knows nothing of its blocks.
using allocated_bytes_fn = std::size_t (*)();
allocated_bytes_fn sanitizer_allocated_bytes() {
  static const auto fn = reinterpret_cast<allocated_bytes_fn>(dlsym(RTLD_DEFAULT, "__sanitizer_get_current_allocated_bytes"));
  return fn;
}

}  // namespace

heap_stats heap_usage() {
  if (auto* s = sanitizer_allocated_bytes()) return {.allocator = "sanitizer", .in_use = s()};
  if (const auto& t = tcmalloc(); t.get_numeric_property) {
    std::size_t bytes = 0;
    t.get_numeric_property("generic.current_allocated_bytes", &bytes);
    return {.allocator = "tcmalloc", .in_use = bytes};
  }
  // uordblks: chunks in use in the arenas; hblkhd: the large blocks malloc mmapped.
  const auto m = mallinfo2();
  return {.allocator = "glibc", .in_use = m.uordblks + m.hblkhd};
}

void release_free_heap() {
  if (sanitizer_allocated_bytes()) return;  // nothing to give back that a reading would see
  if (const auto& t = tcmalloc(); t.release_free_memory) {
    t.release_free_memory();
    return;
  }
  malloc_trim(0);
}

}  // namespace ktk::core
