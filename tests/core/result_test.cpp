// Tests for ktk::core::result<T> and result<void>: values, errors, the throwing
// value(), implicit construction, ignore_not_found and the is_* overloads.
#include "ktk/core/result.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace {

using ktk::core::api_error;
using ktk::core::result;

result<int> half(int x) {
  if (x % 2) return api_error::bad_request("odd");  // implicit from api_error
  return x / 2;                                     // implicit from T
}

result<std::string> greeting() { return "hello"; }  // implicit from a type T is constructible from

TEST(Result, Value) {
  auto r = half(4);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 2);
  EXPECT_EQ(*r, 2);
  r.value() = 5;
  EXPECT_EQ(*r, 5);
}

TEST(Result, Error) {
  auto r = half(3);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code(), 400);
  EXPECT_EQ(r.error().message(), "odd");
  EXPECT_TRUE(ktk::is_bad_request(r));
}

TEST(Result, ValueOnErrorThrowsTheApiError) {
  auto r = half(3);
  try {
    (void)r.value();
    FAIL() << "value() did not throw";
  } catch (const api_error& e) {
    EXPECT_EQ(e.code(), 400);
    EXPECT_EQ(e.reason(), "BadRequest");
    EXPECT_EQ(e.message(), "odd");
  }
  const auto& cr = r;
  EXPECT_THROW((void)cr.value(), api_error);
  EXPECT_THROW((void)*cr, api_error);
  EXPECT_THROW((void)std::move(r).value(), api_error);
}

TEST(Result, ImplicitConversions) {
  auto g = greeting();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->size(), 5u);
  result<std::string> from_error = api_error::not_found({"", "pods"}, "x");
  EXPECT_TRUE(ktk::is_not_found(from_error));
  const api_error e = api_error::conflict({"", "pods"}, "x", "d");
  result<std::string> from_const_error = e;
  EXPECT_TRUE(ktk::is_conflict(from_const_error));
}

TEST(Result, MoveOnlyValue) {
  result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(Result, ErrorRvalueMovesOut) {
  result<int> r = api_error::internal("boom");
  api_error e = std::move(r).error();
  EXPECT_EQ(e.message(), "Internal error occurred: boom");
}

TEST(Result, Void) {
  result<void> ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  EXPECT_NO_THROW(ok.value());
  result<void> bad = api_error::gone("too old");
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), 410);
  EXPECT_THROW(bad.value(), api_error);
  EXPECT_TRUE(ktk::is_gone(bad));
}

TEST(Result, IgnoreNotFound) {
  result<int> nf = api_error::not_found({"", "pods"}, "x");
  EXPECT_TRUE(ktk::ignore_not_found(nf).ok());
  result<int> ok = 1;
  EXPECT_TRUE(ktk::ignore_not_found(ok).ok());
  result<int> conflict = api_error::conflict({"", "pods"}, "x", "d");
  auto kept = ktk::ignore_not_found(conflict);
  ASSERT_FALSE(kept.ok());
  EXPECT_TRUE(ktk::is_conflict(kept.error()));
  result<void> v = api_error::not_found({"", "pods"}, "x");
  EXPECT_TRUE(ktk::ignore_not_found(v).ok());
}

TEST(Result, IsHelpersOnResults) {
  result<int> ok = 1;
  EXPECT_FALSE(ktk::is_not_found(ok));
  EXPECT_FALSE(ktk::is_conflict(ok));
  EXPECT_FALSE(ktk::is_invalid(ok));
  EXPECT_FALSE(ktk::is_gone(ok));

  EXPECT_TRUE(ktk::is_conflict(result<int>(api_error::conflict({"", "pods"}, "x", "d"))));
  EXPECT_TRUE(ktk::is_conflict(result<void>(api_error::stale_resource_version({"", "pods"}, "x"))));
  EXPECT_FALSE(ktk::is_conflict(result<int>(api_error::already_exists({"", "pods"}, "x"))));
  EXPECT_TRUE(ktk::is_already_exists(result<int>(api_error::already_exists({"", "pods"}, "x"))));
  EXPECT_TRUE(ktk::is_invalid(result<int>(api_error::invalid({"", "Pod"}, "x", {}))));
  EXPECT_TRUE(ktk::is_bad_request(result<int>(api_error::bad_request("b"))));
  EXPECT_TRUE(ktk::is_resource_expired(result<int>(api_error::resource_expired("e"))));
  EXPECT_TRUE(ktk::is_gone(result<int>(api_error::resource_expired("e"))));
  EXPECT_TRUE(ktk::is_forbidden(result<int>(api_error::forbidden({"", "pods"}, "x", "d"))));
  // The core:: names resolve too.
  EXPECT_TRUE(ktk::core::is_not_found(result<int>(api_error::not_found({"", "pods"}, "x"))));
}

}  // namespace
