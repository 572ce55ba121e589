// ktk/envtest/etcd_server.hpp — a real etcd as a child process, on loopback ports.
//
// Starts Debian's etcd (or whatever find_binary("etcd") finds) with a temporary data
// dir, free client and peer ports on 127.0.0.1, and --unsafe-no-fsync when the binary
// supports it; retries with other ports when the child lost one to another process;
// returns once etcd answers GET /health. A child that exits during start is reported
// with its output, not waited on.
//
//   ktk::envtest::etcd_server etcd;
//   etcd.start();                          // throws with etcd's output on failure
//   auto url = etcd.client_url();          // "http://127.0.0.1:40123"
//   etcd.stop();                           // idempotent; the destructor calls it
//
// The child is SIGKILLed when the thread that called start() exits (see process.hpp):
// start it from a thread that outlives its use, e.g. a test's main thread.
// Thread-safety: one owner; the methods are not safe to call concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ktk::envtest {

class process;

struct etcd_options {
  std::filesystem::path binary{};  // "" = find_binary("etcd")
  // "" = a temporary dir, removed at stop. A given one is kept; etcd's output then
  // goes to "<data_dir>.output" beside it (removed at stop) instead of a temp dir.
  std::filesystem::path data_dir{};
  std::vector<std::string> extra_args{};
  std::chrono::milliseconds start_timeout{60000};
  std::chrono::milliseconds stop_timeout{20000};
  bool attach_output = false;
  // Tries with new ports after a bind failure, at most this many times in all.
  // (Needs the output in files: with attach_output a bind failure is a plain failure.)
  int start_attempts = 5;
  // The client port of the first attempt (0 = a free one); later attempts pick free
  // ports. Lets a test force a taken port and watch the retry.
  std::uint16_t client_port = 0;
};

// Thrown when a child could not be started or made ready; what() says which child and
// why, and ends with the tail of its output.
class start_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class etcd_server {
 public:
  explicit etcd_server(etcd_options opts = {});
  ~etcd_server();  // stop()
  etcd_server(const etcd_server&) = delete;
  etcd_server& operator=(const etcd_server&) = delete;

  // Throws start_error (binary missing, child exited, not healthy within start_timeout,
  // which bounds all attempts together). Does nothing when already running.
  void start();
  // Stops the child and removes a temporary data dir. Idempotent.
  void stop();
  bool running() const;

  std::string client_url() const;  // "http://127.0.0.1:PORT"; "" before start and after stop
  // The data dir of the last start (a temporary one is gone after stop); "" before.
  const std::filesystem::path& data_dir() const;
  // The child from a successful start until stop (null otherwise), for its pid and output.
  process* child();

 private:
  struct state;
  std::unique_ptr<state> s_;
};

}  // namespace ktk::envtest
