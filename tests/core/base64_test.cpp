#include "ktk/core/base64.hpp"

#include <gtest/gtest.h>

namespace {

using ktk::core::base64_decode;
using ktk::core::base64_encode;
using ktk::core::scan_go_base64;

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe", 2)), "//4=");
}

TEST(Base64, DecodesWhatItEncodes) {
  for (std::string s : {"", "a", "ab", "abc", "hello world", "\x00\x01\x02"}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d) << s;
    EXPECT_EQ(*d, s);
  }
}

TEST(Base64, RejectsWhatGoRejects) {
  EXPECT_FALSE(base64_decode("Zg="));    // not a multiple of 4
  EXPECT_FALSE(base64_decode("Z!=="));   // outside the alphabet
  EXPECT_FALSE(base64_decode("Zh=="));   // non-zero trailing bits
  EXPECT_FALSE(base64_decode("Zm-v"));   // URL alphabet is not the standard one
}

// Go's StdEncoding.Decode, whose offsets kube's messages quote ("illegal base64 data
// at input byte N"): sizes of what decodes, CR/LF skipped, where it stops otherwise.
TEST(Base64, ScansAsGoDecodes) {
  EXPECT_EQ(scan_go_base64("").size, 0u);
  EXPECT_EQ(scan_go_base64("Zm9vYmFy").size, 6u);
  EXPECT_EQ(scan_go_base64("Zm9vYg==").size, 4u);
  EXPECT_EQ(scan_go_base64("Zm9v\nYmE=\r\n").size, 5u);
  EXPECT_FALSE(scan_go_base64("Zm9vYmE=").corrupt_at);
  EXPECT_EQ(scan_go_base64("hello world").corrupt_at, 5u);  // the space
  EXPECT_EQ(scan_go_base64("YWJ").corrupt_at, 0u);          // a short last quantum
  EXPECT_EQ(scan_go_base64("Zg=").corrupt_at, 3u);          // one '=' where two belong
  EXPECT_EQ(scan_go_base64("Z===").corrupt_at, 1u);         // padding too early
  EXPECT_EQ(scan_go_base64("Zg==Zg==").corrupt_at, 4u);     // data after the padding
}

}  // namespace
