#include "detail/http_watch.hpp"

#include <cstring>

#include <nlohmann/json.hpp>

#include "ktk/core/json_reader.hpp"

namespace ktk::client::rest::detail {

namespace {

watch_event error_event(const std::string& message) {
  return {event_type::error, core::make_object_ptr(core::object(core::api_error::internal(message).to_status()))};
}

}  // namespace

http_watch::http_watch(std::unique_ptr<body_reader> body) : body_(std::move(body)) {}

std::vector<watch_event> http_watch::next(std::stop_token stop,
                                          std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::vector<watch_event> out;
  while (!done_) {
    auto c = body_->read(stop, deadline);
    switch (c.st) {
      case body_reader::status::data:
        consume(c.data, out);
        if (!out.empty()) return out;
        break;
      case body_reader::status::end:
        if (!carry_.empty()) {
          decode(carry_, out);
          carry_.clear();
        }
        done_ = true;
        break;
      case body_reader::status::waiting:
        return out;
      case body_reader::status::failed:
        // As client-go's StreamWatcher: a broken stream just ends; the consumer re-watches.
        done_ = true;
        break;
    }
  }
  return out;
}

void http_watch::consume(std::string_view data, std::vector<watch_event>& out) {
  if (!carry_.empty()) {
    const void* nl = std::memchr(data.data(), '\n', data.size());
    if (!nl) {
      carry_.append(data);
      return;
    }
    auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
    carry_.append(data.substr(0, len));
    data.remove_prefix(len + 1);
    decode(carry_, out);
    carry_.clear();
  }
  while (!done_ && !data.empty()) {
    const void* nl = std::memchr(data.data(), '\n', data.size());
    if (!nl) {
      carry_.assign(data);
      return;
    }
    auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
    decode(data.substr(0, len), out);
    data.remove_prefix(len + 1);
  }
}

void http_watch::decode(std::string_view line, std::vector<watch_event>& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty() || done_) return;
  auto j = core::read_json_or_discarded(line);
  std::optional<event_type> type;
  core::json* obj = nullptr;
  if (j.is_object()) {
    if (auto t = j.find("type"); t != j.end() && t->is_string()) type = event_type_from_string(t->get_ref<const std::string&>());
    if (auto o = j.find("object"); o != j.end() && o->is_object()) obj = &*o;
  }
  if (!type || !obj) {
    out.push_back(error_event("unable to decode an event from the watch stream: " +
                              std::string(line.substr(0, 256))));
    done_ = true;
    return;
  }
  out.push_back({*type, core::make_object_ptr(core::object(std::move(*obj)))});
  if (*type == event_type::error) done_ = true;
}

}  // namespace ktk::client::rest::detail
