// rest/detail/http_watch.hpp — a watch_stream over the body of a watch answer.
//
// The body is a sequence of JSON lines {"type":"ADDED","object":{...}}. Lines are cut
// from each read in place (only a line split across reads is copied) and each is
// parsed once into the event's object.
//
//   http_watch w(std::move(answer.body));
//   while (!w.done()) for (auto& ev : w.next(stop)) handle(ev);
//
// Not thread-safe (one consumer), as watch_stream; stop may be requested from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/client/watch.hpp"
#include "transport.hpp"

namespace ktk::client::rest::detail {

class http_watch final : public watch_stream {
 public:
  explicit http_watch(std::unique_ptr<body_reader> body);

  // The events of the next read that completes lines; empty on stop or the deadline.
  std::vector<watch_event> next(std::stop_token stop,
                                std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) override;
  // The server ended the body, the connection broke, or an ERROR (or an undecodable
  // line, reported as an ERROR with an InternalError Status) was delivered.
  bool done() const override { return done_; }

 private:
  void consume(std::string_view data, std::vector<watch_event>& out);
  void decode(std::string_view line, std::vector<watch_event>& out);

  std::unique_ptr<body_reader> body_;
  std::string carry_;  // an incomplete line from the previous read (capacity kept)
  bool done_ = false;
};

}  // namespace ktk::client::rest::detail
