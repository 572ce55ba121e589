// rest/detail/transport.hpp — HTTP(S) requests to the server of a rest_config.
//
// The transport owns what every request shares: the parsed server URL, the TLS
// context, credentials (a bearer token file is re-read when it changes), the
// client-side rate limiter, and a pool of idle keep-alive connections. It retries as
// client-go's rest.Request does (see round_trip). Beast stays in its .cpp files.
//
//   transport t(cfg);
//   auto r = t.round_trip({.method = "GET", .target = "/api/v1/namespaces/default/pods/web"});
//   if (r && r->status == 200) use(r->body);
//
// Thread-safe: any number of threads may send requests at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/client/rest/rest_config.hpp"
#include "ktk/core/result.hpp"

namespace ktk::client::rest::detail {

struct http_request {
  std::string_view method{};  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string target{};     // path and query, without the server URL's path prefix
  std::string body{};
  std::string_view content_type{};  // of the body
  std::string_view accept = "application/json";
};

struct http_response {
  unsigned status = 0;
  std::string content_type{};
  std::string body{};
  std::vector<std::string> warnings{};  // the texts of 299 Warning headers
  std::optional<int> retry_after{};   // seconds
};

// The body of a streaming answer, read as it arrives (not thread-safe; one reader).
class body_reader {
 public:
  virtual ~body_reader() = default;
  enum class status { data, end, waiting, failed };
  struct chunk {
    status st = status::waiting;
    std::string_view data{};  // for data: valid until the next read
    std::string error{};    // for failed
  };
  // The next bytes of the body: data; end once the body is complete; waiting when stop
  // or the deadline came first (the read stays in flight for the next call); failed
  // when the connection broke.
  virtual chunk read(std::stop_token stop, std::optional<std::chrono::steady_clock::time_point> deadline) = 0;
};

struct stream_answer {
  http_response head{};               // status and headers; the whole body when not 2xx
  std::unique_ptr<body_reader> body{};  // the body as it arrives, for a 2xx answer
};

class transport {
 public:
  // Throws std::invalid_argument for a server URL it cannot use or PEM it cannot load.
  explicit transport(const rest_config& cfg);
  ~transport();
  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  // Sends a request and reads the whole answer (any status; the caller maps non-2xx).
  //  - takes a rate-limiter token first, and again before each counted retry;
  //  - a 429 or 5xx with Retry-After is retried after that many seconds on the
  //    config's clock, at most 10 times (then the last answer is returned);
  //  - a GET whose connection reset or hit EOF is retried after 1 s, as client-go;
  //  - a pooled connection the server had closed is replaced at once, for any method;
  //  - a connection failure is an api_error with code 0 (see response_errors.hpp), the
  //    config's timeout (per attempt) a 504 Timeout.
  core::result<http_response> round_trip(http_request req);

  // Sends a request on a connection of its own and returns once the answer's header
  // (and, when not 2xx, its body) arrived; the config's timeout covers only that. The
  // connection is never pooled. Retries as round_trip does, except the GET retry.
  core::result<stream_answer> open_stream(http_request req);

  // The full URL of a target, for messages.
  std::string url(std::string_view target) const;
  const rest_config& config() const;
  // TCP connections opened so far.
  std::uint64_t connections_opened() const;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace ktk::client::rest::detail
