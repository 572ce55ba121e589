// replay_main.cpp — the `main` of a fuzz target in builds without libFuzzer: runs every
// file named on the command line, or found (recursively) under a folder named there,
// through LLVMFuzzerTestOneInput once, in sorted order, and prints how many it ran.
//
//   ktk_fuzz_yaml tests/fuzz/corpus/yaml tests/fuzz/regressions/yaml
//
// Files named *.pending are known crashes not fixed yet: listed, not run. A path that
// does not exist, or no input at all, fails: a replay that runs nothing proves nothing.
// A crash, a sanitizer report or an uncaught exception ends the program abnormally.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional in a target, as in libFuzzer.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool pending(const fs::path& p) { return p.extension() == ".pending"; }

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  std::size_t ran = 0, skipped = 0;
  for (const auto& f : files) {
    if (pending(f)) {
      std::printf("skip (pending) %s\n", f.c_str());
      ++skipped;
      continue;
    }
    std::ifstream in(f, std::ios::binary);
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.eof() && in.fail()) {
      std::fprintf(stderr, "replay: cannot read %s\n", f.c_str());
      return 2;
    }
    std::printf("run %s (%zu bytes)\n", f.c_str(), bytes.size());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++ran;
  }
  std::printf("replayed %zu input(s), %zu pending skipped\n", ran, skipped);
  if (ran == 0) {
    std::fprintf(stderr, "replay: no inputs\n");
    return 2;
  }
  return 0;
}
