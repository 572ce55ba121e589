// json_depth_test.cpp — the bracket-depth scan that refuses hostile JSON before parsing.
#include "ktk/core/json_depth.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using ktk::core::json_nests_deeper_than;

TEST(JsonDepth, CountsOpenArraysAndObjects) {
  EXPECT_FALSE(json_nests_deeper_than(R"({"a":[1,{"b":2}]})", 3));
  EXPECT_TRUE(json_nests_deeper_than(R"({"a":[1,{"b":[]}]})", 3));
  EXPECT_FALSE(json_nests_deeper_than("[][][][]", 1)) << "siblings do not add up";
  EXPECT_FALSE(json_nests_deeper_than("", 0));
}

TEST(JsonDepth, BracketsInStringsDoNotCount) {
  EXPECT_FALSE(json_nests_deeper_than(R"({"a":"[[[[{{{{"})", 1));
  EXPECT_FALSE(json_nests_deeper_than(R"(["\"[[[["])", 1)) << "an escaped quote does not end the string";
  EXPECT_TRUE(json_nests_deeper_than(R"(["\\",[[]]])", 2)) << "an escaped backslash does";
}

TEST(JsonDepth, HostileTextIsScannedLinearly) {
  const std::string deep(100000, '[');
  EXPECT_TRUE(json_nests_deeper_than(deep, 1000));
  EXPECT_FALSE(json_nests_deeper_than(std::string(100000, ']') + "[[", 2)) << "stray closers do not go negative";
}

}  // namespace
