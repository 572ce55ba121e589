// http_watch_test.cpp — decoding a watch body: lines split across reads, several per
// read, ERROR events, undecodable lines, the end of the stream, waiting.
#include "../../client/src/rest/detail/http_watch.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <deque>

namespace {

using namespace ktk::client::rest::detail;
using ktk::client::event_type;

// Hands out scripted reads; "waiting" once the script is over unless `end` is set.
class scripted_body final : public body_reader {
 public:
  std::deque<std::string> reads;
  bool end = false;
  bool fail = false;
  std::string current;

  chunk read(std::stop_token, std::optional<std::chrono::steady_clock::time_point>) override {
    if (!reads.empty()) {
      current = std::move(reads.front());
      reads.pop_front();
      return {.st = status::data, .data = current};
    }
    if (fail) return {.st = status::failed, .error = "unexpected EOF"};
    if (end) return {.st = status::end};
    return {.st = status::waiting};
  }
};

std::string line(const char* type, const std::string& name, const std::string& rv = "1") {
  return std::string(R"({"type":")") + type + R"(","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" +
         name + R"(","resourceVersion":")" + rv + "\"}}}\n";
}

std::pair<http_watch, scripted_body*> make() {
  auto b = std::make_unique<scripted_body>();
  auto* raw = b.get();
  return {http_watch(std::move(b)), raw};
}

TEST(http_watch, several_events_in_one_read) {
  auto [w, body] = make();
  body->reads.push_back(line("ADDED", "a") + line("MODIFIED", "a", "2") + line("DELETED", "a", "3"));
  auto evs = w.next({});
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].type, event_type::added);
  EXPECT_EQ(evs[1].type, event_type::modified);
  EXPECT_EQ(evs[1].object->resource_version(), "2");
  EXPECT_EQ(evs[2].type, event_type::deleted);
  EXPECT_EQ(evs[2].object->name(), "a");
  EXPECT_FALSE(w.done());
  EXPECT_TRUE(w.next({}).empty());  // waiting
  EXPECT_FALSE(w.done());
}

TEST(http_watch, a_line_split_across_reads) {
  auto [w, body] = make();
  auto l = line("ADDED", "split");
  body->reads.push_back(l.substr(0, 10));
  body->reads.push_back(l.substr(10, 20));
  body->reads.push_back(l.substr(30) + line("ADDED", "next").substr(0, 5));
  auto evs = w.next({});
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].object->name(), "split");
  body->reads.push_back(line("ADDED", "next").substr(5));
  evs = w.next({});
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].object->name(), "next");
}

TEST(http_watch, bookmarks) {
  auto [w, body] = make();
  body->reads.push_back(R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"42"}}})"
                        "\n");
  auto evs = w.next({});
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, event_type::bookmark);
  EXPECT_EQ(evs[0].object->resource_version(), "42");
}

TEST(http_watch, an_error_event_ends_the_stream) {
  auto [w, body] = make();
  auto st = ktk::api_error::resource_expired("too old resource version: 1 (5)").to_status().dump();
  body->reads.push_back(line("ADDED", "a") + R"({"type":"ERROR","object":)" + st + "}\n" + line("ADDED", "after"));
  auto evs = w.next({});
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[1].type, event_type::error);
  EXPECT_EQ(evs[1].object->data()["code"], 410);
  EXPECT_TRUE(w.done());
  EXPECT_TRUE(w.next({}).empty());
}

TEST(http_watch, an_undecodable_line_is_an_internal_error_event) {
  auto [w, body] = make();
  body->reads.push_back("{not json\n");
  auto evs = w.next({});
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, event_type::error);
  EXPECT_EQ(evs[0].object->data()["reason"], "InternalError");
  EXPECT_TRUE(w.done());
}

TEST(http_watch, an_unknown_type_is_an_error_too) {
  auto [w, body] = make();
  body->reads.push_back(R"({"type":"EXPLODED","object":{}})"
                        "\n");
  auto evs = w.next({});
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, event_type::error);
}

TEST(http_watch, the_end_of_the_body_is_done_and_a_last_line_without_newline_counts) {
  auto [w, body] = make();
  auto l = line("ADDED", "last");
  l.pop_back();
  body->reads.push_back("\n\r\n" + l);
  body->end = true;
  auto evs = w.next({});
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].object->name(), "last");
  EXPECT_TRUE(w.done());
}

TEST(http_watch, a_broken_connection_ends_the_stream_without_an_event) {
  auto [w, body] = make();
  body->reads.push_back(line("ADDED", "a"));
  body->fail = true;
  EXPECT_EQ(w.next({}).size(), 1u);
  EXPECT_FALSE(w.done());
  EXPECT_TRUE(w.next({}).empty());
  EXPECT_TRUE(w.done());
}

}  // namespace
