# Warnings, sanitizers and the helper every ktk target uses.

add_library(ktk_build_options INTERFACE)
# -Wextra includes -Wmissing-field-initializers: a designated initialiser (STYLE.md §6)
# that leaves out a field without a default member initialiser is a warning. Every
# field of a public struct has one (`{}` at least; the one exception is explained in
# sim/deployment_controller.hpp), so users' code built with -Wextra stays quiet; this
# build holds ktk's own code to the same rule.
target_compile_options(ktk_build_options INTERFACE -Wall -Wextra -Wpedantic)
if(KTK_WERROR)
  target_compile_options(ktk_build_options INTERFACE -Werror)
endif()
# libFuzzer builds (tests/fuzz, scripts/fuzz.sh): clang only. Every ktk target gets
# coverage instrumentation (-fsanitize=fuzzer-no-link) and, unless KTK_SANITIZE says
# otherwise, AddressSanitizer + UBSan; the fuzz targets link -fsanitize=fuzzer.
option(KTK_FUZZ "Build tests/fuzz as libFuzzer targets (clang only)" OFF)
if(KTK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KTK_FUZZ=ON needs clang with libFuzzer, but the C++ compiler is "
                        "${CMAKE_CXX_COMPILER_ID} (${CMAKE_CXX_COMPILER}). Configure a fresh build dir with "
                        "CC=clang CXX=clang++, or use scripts/fuzz.sh.")
  endif()
  if(NOT KTK_SANITIZE)
    set(KTK_SANITIZE "address,undefined")
  endif()
  target_compile_options(ktk_build_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(KTK_SANITIZE)
  string(REPLACE "," ";" _ktk_sans "${KTK_SANITIZE}")
  foreach(_s IN LISTS _ktk_sans)
    target_compile_options(ktk_build_options INTERFACE -fsanitize=${_s})
    target_link_options(ktk_build_options INTERFACE -fsanitize=${_s})
  endforeach()
  # Sanitizer instrumentation makes g++ 12 report -Wmaybe-uninitialized inside
  # libstdc++'s <regex> and <functional>: false positives that only these builds see.
  target_compile_options(ktk_build_options INTERFACE -fno-omit-frame-pointer -fno-sanitize-recover=all)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(ktk_build_options INTERFACE -Wno-maybe-uninitialized)  # clang has no such warning
  endif()
  if(KTK_SANITIZE MATCHES "thread")
    # g++ warns that TSan does not model std::atomic_thread_fence, which Asio's
    # handler dispatch uses; the warning is about the tool, not about ktk's code.
    target_compile_options(ktk_build_options INTERFACE -Wno-tsan)
  endif()
endif()

# Debug info. Full -g made every test executable ~140 MB (nlohmann and Beast templates
# in each) and the build tree 19 GB, more than a CI machine's disk may hold. Line
# tables (-g1) keep file:line in backtraces and sanitizer reports; KTK_FULL_DEBUG_INFO
# (or a Debug build) brings full -g back for gdb. The sections are compressed (-gz).
option(KTK_FULL_DEBUG_INFO "full debug info (-g) in RelWithDebInfo builds" OFF)
if(NOT KTK_FULL_DEBUG_INFO)
  set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O2 -g1 -DNDEBUG")
endif()
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag(-gz KTK_HAVE_GZ)
if(KTK_HAVE_GZ)
  add_compile_options(-gz)
  add_link_options(-gz)
endif()

# Test programs. Their own code is fixtures and assertions; what they test lives in the
# libraries, built with the build type's optimisation. At -O2 a test source takes
# about twice as long to compile as at -O0 (its gtest and nlohmann template code is
# most of the backend's work), and test sources are most of a fresh build, so tests
# link ktk_test_options and are compiled at -O0 unless KTK_OPTIMIZE_TESTS is ON.
option(KTK_OPTIMIZE_TESTS "compile test programs with the build type's optimisation instead of -O0" OFF)
add_library(ktk_test_options INTERFACE)
if(NOT KTK_OPTIMIZE_TESTS)
  target_compile_options(ktk_test_options INTERFACE -O0)
endif()
# Lets a test that exhausts the process's file descriptors step aside under UBSan, whose
# vptr check probes memory through a pipe and reports a false type mismatch without one.
if(KTK_SANITIZE MATCHES "undefined")
  target_compile_definitions(ktk_test_options INTERFACE KTK_SANITIZE_UNDEFINED=1)
endif()

# Unity builds. A library's sources are compiled in batches of 8, each batch one
# translation unit: the nlohmann, Beast and standard headers are parsed, and the
# templates they share instantiated and optimised, once per batch instead of once per
# file. A fresh build of the libraries takes about half the CPU. The cost is in
# incremental builds: editing one source recompiles its batch, so someone iterating
# on a library may want KTK_UNITY_BUILD=OFF. File-local names must not collide within
# a library (an anonymous namespace is per translation unit, and a batch is one); CI
# builds with the default, so a collision fails there. Tests are one source per
# program and are not affected.
option(KTK_UNITY_BUILD "compile library sources in batches (unity build)" ON)
function(ktk_unity_build target)
  if(KTK_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()

# Linking. A build links about 270 executables, most of them tests; lld links one in a
# third of the default ld.bfd's time (a registry test: 0.62 s against 1.83 s).
# scripts/setup.sh installs it; without it the default linker is used.
include(CheckLinkerFlag)
check_linker_flag(CXX "-fuse-ld=lld" KTK_HAVE_LLD)
if(KTK_HAVE_LLD)
  add_link_options(-fuse-ld=lld)
endif()

# ccache, when installed. The test programs share a precompiled header, and ccache
# caches a compilation that uses one only with this sloppiness: without it every test
# source counted as "uncacheable" and was compiled again on every fresh build.
find_program(KTK_CCACHE ccache)
if(KTK_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${KTK_CCACHE})
endif()

# ktk_add_component(NAME SOURCES... [DEPS ...]) — a library ktk_NAME with alias ktk::NAME,
# public headers in NAME/include, sources in NAME/src.
function(ktk_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(ktk_${name} ${ARG_SOURCES})
  add_library(ktk::${name} ALIAS ktk_${name})
  target_include_directories(ktk_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(ktk_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ktk_build_options ${ARG_PRIVATE_DEPS})
  # The public headers are C++20: a project linking a component (also through the
  # installed package) compiles as C++20 without saying so.
  target_compile_features(ktk_${name} PUBLIC cxx_std_20)
  ktk_unity_build(ktk_${name})
endfunction()


# The allocator of ktk's own programs (`ktk` and the benchmarks; not the libraries,
# whose users pick their program's malloc). Most of ktk's work is building and
# dropping nlohmann::json trees: many small blocks, freed on other threads than the
# ones that made them. gperftools' tcmalloc serves those from per-thread caches and
# size classes without a per-block header; on the simulated control plane at 10,000
# Pods it took the run from 4.3 to 3.7 s and the peak RSS from 661 to 515 MiB
# (bench/README.md). auto: tcmalloc when installed (scripts/setup.sh installs it);
# tcmalloc: required; system: glibc's malloc. Sanitizer and fuzzing builds always use
# the system malloc, which the sanitizers replace with their own.
set(KTK_MALLOC "auto" CACHE STRING "malloc of ktk's programs: auto | tcmalloc | system")
set_property(CACHE KTK_MALLOC PROPERTY STRINGS auto tcmalloc system)
add_library(ktk_malloc INTERFACE)
set(KTK_MALLOC_USED "glibc")
if(NOT KTK_MALLOC MATCHES "^(auto|tcmalloc|system)$")
  message(FATAL_ERROR "KTK_MALLOC=${KTK_MALLOC}: expected auto, tcmalloc or system")
endif()
if(KTK_MALLOC STREQUAL "tcmalloc" AND (KTK_SANITIZE OR KTK_FUZZ))
  message(FATAL_ERROR "KTK_MALLOC=tcmalloc cannot be used with sanitizers or fuzzing (KTK_SANITIZE, KTK_FUZZ)")
endif()
if(NOT KTK_MALLOC STREQUAL "system" AND NOT KTK_SANITIZE AND NOT KTK_FUZZ)
  find_library(KTK_TCMALLOC_LIBRARY NAMES tcmalloc_minimal)
  if(KTK_TCMALLOC_LIBRARY)
    # No symbol of the library is referenced, so a linker that drops unneeded
    # libraries (--as-needed) must be told to keep this one.
    target_link_libraries(ktk_malloc INTERFACE "-Wl,--push-state,--no-as-needed" ${KTK_TCMALLOC_LIBRARY}
                                               "-Wl,--pop-state")
    set(KTK_MALLOC_USED "tcmalloc")
  elseif(KTK_MALLOC STREQUAL "tcmalloc")
    message(FATAL_ERROR "KTK_MALLOC=tcmalloc, but libtcmalloc_minimal was not found "
                        "(Debian: apt-get install libgoogle-perftools-dev)")
  endif()
endif()
if(KTK_SANITIZE MATCHES "address|thread|memory")
  set(KTK_MALLOC_USED "sanitizer")  # the sanitizer's allocator replaces malloc
endif()
message(STATUS "ktk: programs use ${KTK_MALLOC_USED}'s malloc (KTK_MALLOC=${KTK_MALLOC})")
