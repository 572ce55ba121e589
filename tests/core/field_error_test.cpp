// Tests for ktk::core::field_error: reason(), message() (apimachinery's
// field.Error.ErrorBody), str() (Error()) for every type, and quote() (Go's %q).
#include "ktk/core/field_error.hpp"

#include <gtest/gtest.h>

namespace {

using ktk::core::field_error;
using ktk::core::quote;

TEST(FieldError, Required) {
  auto e = field_error::required("spec.containers");
  EXPECT_EQ(e.reason(), "FieldValueRequired");
  EXPECT_EQ(e.message(), "Required value");
  EXPECT_EQ(e.str(), "spec.containers: Required value");
  EXPECT_EQ(field_error::required("spec.x", "must be set").str(), "spec.x: Required value: must be set");
}

TEST(FieldError, Forbidden) {
  auto e = field_error::forbidden("spec.nodeName", "may not be changed");
  EXPECT_EQ(e.reason(), "FieldValueForbidden");
  EXPECT_EQ(e.str(), "spec.nodeName: Forbidden: may not be changed");
}

TEST(FieldError, Duplicate) {
  auto e = field_error::duplicate("spec.containers[1].name", quote("c"));
  EXPECT_EQ(e.reason(), "FieldValueDuplicate");
  EXPECT_EQ(e.str(), R"(spec.containers[1].name: Duplicate value: "c")");
}

TEST(FieldError, NotFound) {
  auto e = field_error::not_found("spec.volumes", quote("data"));
  EXPECT_EQ(e.reason(), "FieldValueNotFound");
  EXPECT_EQ(e.message(), R"(Not found: "data")");
  // An empty Go string still shows as "".
  EXPECT_EQ(field_error::not_found("f", quote("")).message(), R"(Not found: "")");
}

TEST(FieldError, Invalid) {
  auto e = field_error::invalid("metadata.name", R"("Foo")", "a lowercase RFC 1123 subdomain");
  EXPECT_EQ(e.reason(), "FieldValueInvalid");
  EXPECT_EQ(e.message(), R"(Invalid value: "Foo": a lowercase RFC 1123 subdomain)");
  EXPECT_EQ(e.str(), R"(metadata.name: Invalid value: "Foo": a lowercase RFC 1123 subdomain)");
  EXPECT_EQ(field_error::invalid("spec.replicas", "-1", "must be greater than or equal to 0").str(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
  EXPECT_EQ(field_error::invalid("spec.x", R"({"a":1})", "").message(), R"(Invalid value: {"a":1})");
}

TEST(FieldError, TypeInvalid) {
  auto e = field_error::type_invalid("spec.replicas", R"("three")", "must be of type integer");
  EXPECT_EQ(e.reason(), "FieldValueTypeInvalid");
  EXPECT_EQ(e.str(), R"(spec.replicas: Invalid value: "three": must be of type integer)");
}

TEST(FieldError, NotSupported) {
  auto e = field_error::not_supported("spec.restartPolicy", R"("Sometimes")", {"Always", "OnFailure", "Never"});
  EXPECT_EQ(e.reason(), "FieldValueNotSupported");
  EXPECT_EQ(e.str(),
            R"(spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never")");
  EXPECT_EQ(field_error::not_supported("f", R"("x")", {}).message(), R"(Unsupported value: "x")");
}

TEST(FieldError, TooLongUsesCurrentApimachineryWording) {
  // apimachinery >= v0.32: "may not be more than %d bytes" (singular for 1), and the
  // value itself is never shown.
  auto e = field_error::too_long("metadata.annotations", R"("xxxx")", 262144);
  EXPECT_EQ(e.reason(), "FieldValueTooLong");
  EXPECT_EQ(e.str(), "metadata.annotations: Too long: may not be more than 262144 bytes");
  EXPECT_EQ(field_error::too_long("f", "", 1).message(), "Too long: may not be more than 1 byte");
  EXPECT_EQ(field_error::too_long("f", "", -1).message(), "Too long: value is too long");
}

TEST(FieldError, TooMany) {
  auto e = field_error::too_many("spec.items", 5, 3);
  EXPECT_EQ(e.reason(), "FieldValueTooMany");
  EXPECT_EQ(e.str(), "spec.items: Too many: 5: must have at most 3 items");
  EXPECT_EQ(field_error::too_many("f", 2, 1).message(), "Too many: 2: must have at most 1 item");
  EXPECT_EQ(field_error::too_many("f", -1, 3).message(), "Too many: must have at most 3 items");
  EXPECT_EQ(field_error::too_many("f", 4, -1).message(), "Too many: 4: has too many items");
}

TEST(FieldError, Internal) {
  auto e = field_error::internal("spec", "converting failed");
  EXPECT_EQ(e.reason(), "InternalError");
  EXPECT_EQ(e.str(), "spec: Internal error: converting failed");
}

TEST(FieldError, StrWithoutField) {
  EXPECT_EQ(field_error::required("").str(), "Required value");
}

TEST(FieldError, DefaultIsInvalid) {
  field_error e;
  EXPECT_EQ(e.reason(), "FieldValueInvalid");
  EXPECT_EQ(e.message(), "Invalid value");
}

TEST(Quote, PlainAndEscapes) {
  EXPECT_EQ(quote(""), R"("")");
  EXPECT_EQ(quote("web"), R"("web")");
  EXPECT_EQ(quote("a\"b"), R"("a\"b")");
  EXPECT_EQ(quote("a\\b"), R"("a\\b")");
  EXPECT_EQ(quote("\n\t\r"), R"("\n\t\r")");
  EXPECT_EQ(quote("\a\b\f\v"), R"("\a\b\f\v")");
  EXPECT_EQ(quote(std::string("\0\x01\x1f\x7f", 4)), R"("\x00\x01\x1f\x7f")");
  EXPECT_EQ(quote("it's"), R"("it's")");
}

TEST(Quote, Utf8) {
  // Printable UTF-8 is kept as is.
  EXPECT_EQ(quote("h\xc3\xa9llo \xe4\xb8\x96\xf0\x9f\x98\x80"), "\"h\xc3\xa9llo \xe4\xb8\x96\xf0\x9f\x98\x80\"");
  // Invalid bytes become \x escapes, one per byte.
  EXPECT_EQ(quote("a\xff"), R"("a\xff")");
  EXPECT_EQ(quote("\xc3"), R"("\xc3")");            // truncated sequence
  EXPECT_EQ(quote("\xc0\x80"), R"("\xc0\x80")");    // overlong NUL
  EXPECT_EQ(quote("\xed\xa0\x80"), R"("\xed\xa0\x80")");  // a surrogate
  // Non-printable code points use \u, as strconv.Quote.
  EXPECT_EQ(quote("\xc2\xa0"), R"("\u00a0")");       // no-break space
  EXPECT_EQ(quote("\xc2\x85"), R"("\u0085")");       // C1 control
  EXPECT_EQ(quote("\xe2\x80\xa8"), R"("\u2028")");   // line separator
  EXPECT_EQ(quote("\xef\xbb\xbf"), R"("\ufeff")");   // BOM
}

}  // namespace
