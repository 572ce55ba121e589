// go_json_test.cpp — reading JSON strings as Go does: invalid UTF-8 and lone surrogate
// escapes become U+FFFD instead of failing the document.
#include "ktk/core/go_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

namespace {

using ktk::core::go_json_replace_invalid_utf8;
using ktk::core::json;

const std::string fffd = "\xef\xbf\xbd";

// The string value of {"k": ...} after replacement and parsing.
std::string read_value(const std::string& quoted) {
  const std::string text = R"({"k":)" + quoted + "}";
  auto fixed = go_json_replace_invalid_utf8(text);
  return json::parse(fixed ? *fixed : text).at("k").get<std::string>();
}

TEST(GoJsonUtf8, WellFormedTextIsLeftAloneWithoutACopy) {
  EXPECT_FALSE(go_json_replace_invalid_utf8(R"({"a":"plain","b":[1,2]})"));
  EXPECT_FALSE(go_json_replace_invalid_utf8("{\"a\":\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac\"}"));
  EXPECT_FALSE(go_json_replace_invalid_utf8(R"({"a":"\n\t\"\\ \u00e9 \ud83d\ude00"})")) << "escapes, a surrogate pair";
  EXPECT_FALSE(go_json_replace_invalid_utf8(""));
}

TEST(GoJsonUtf8, EachByteThatStartsNoWellFormedSequenceIsOneReplacementCharacter) {
  EXPECT_EQ(read_value("\"\xff\xfe\""), fffd + fffd);
  EXPECT_EQ(read_value("\"a\xc3\""), "a" + fffd) << "a sequence cut short by the closing quote";
  EXPECT_EQ(read_value("\"\xed\xa0\x80\""), fffd + fffd + fffd) << "an encoded surrogate";
  EXPECT_EQ(read_value("\"\xc0\xaf\""), fffd + fffd) << "overlong";
  EXPECT_EQ(read_value("\"\xe0\x80\xaf\""), fffd + fffd + fffd) << "overlong";
  EXPECT_EQ(read_value("\"\xf4\x90\x80\x80\""), fffd + fffd + fffd + fffd) << "above U+10FFFF";
  EXPECT_EQ(read_value("\"x\x80y\xc3\xa9z\""), "x" + fffd + "y\xc3\xa9z") << "good sequences around a bad byte stay";
}

TEST(GoJsonUtf8, ABadByteIsFoundWhereverItIs) {
  // The first look reads eight bytes at a time: every offset, in whole words and in the tail.
  for (std::size_t len = 1; len <= 20; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      std::string value(len, 'v');
      value[at] = '\xff';
      std::string want(len, 'v');
      want.replace(at, 1, fffd);
      EXPECT_EQ(read_value("\"" + value + "\""), want) << "length " << len << ", at " << at;
    }
  }
}

TEST(GoJsonUtf8, LoneSurrogateEscapesAreReplacementCharacters) {
  EXPECT_EQ(read_value(R"("\ud800")"), fffd);
  EXPECT_EQ(read_value(R"("\udc00")"), fffd);
  EXPECT_EQ(read_value(R"("\ud800\u0041")"), fffd + "A") << "a high surrogate before a non-surrogate";
  EXPECT_EQ(read_value(R"("\udc00\ud800")"), fffd + fffd) << "a pair in the wrong order";
  EXPECT_EQ(read_value(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(read_value(R"("\\ud800")"), "\\ud800") << "an escaped backslash, not an escape";
}

TEST(GoJsonUtf8, KeysAreReadTheSameWay) {
  auto fixed = go_json_replace_invalid_utf8("{\"k\xff\":1}");
  ASSERT_TRUE(fixed);
  EXPECT_TRUE(json::parse(*fixed).contains("k" + fffd));
}

TEST(GoJsonUtf8, BytesOutsideStringsAreLeftForTheParserToRefuse) {
  const std::string text = "{\"a\":1}\xff";
  EXPECT_FALSE(go_json_replace_invalid_utf8(text));
  EXPECT_FALSE(json::accept(text));
  // A quote escaped inside a string does not end it.
  EXPECT_EQ(read_value("\"\\\"\xff\""), "\"" + fffd);
}

}  // namespace
