#include "ktk/core/base64.hpp"

#include <gtest/gtest.h>

namespace {

using ktk::core::base64_decode;
using ktk::core::base64_encode;

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

}  // namespace
