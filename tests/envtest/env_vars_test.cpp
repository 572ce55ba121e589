// env_vars_test.cpp — Go durations and booleans read from the environment.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "ktk/envtest/process.hpp"

namespace {

using namespace std::chrono_literals;
using ktk::envtest::duration_from_env;
using ktk::envtest::flag_from_env;

constexpr const char* var = "KTK_ENV_VARS_TEST";

// Sets the variable for one scope and restores what was there.
class scoped_env {
 public:
  explicit scoped_env(const char* value) {
    if (const char* old = std::getenv(var)) old_ = old;
    if (value) {
      ::setenv(var, value, 1);
    } else {
      ::unsetenv(var);
    }
  }
  ~scoped_env() {
    if (old_) {
      ::setenv(var, old_->c_str(), 1);
    } else {
      ::unsetenv(var);
    }
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  std::optional<std::string> old_;
};

std::chrono::milliseconds duration_of(const char* value) {
  scoped_env env(value);
  return duration_from_env(var, 7s);
}

TEST(DurationFromEnv, UnsetOrEmptyIsTheFallback) {
  EXPECT_EQ(duration_of(nullptr), 7s);
  EXPECT_EQ(duration_of(""), 7s);
}

TEST(DurationFromEnv, GoDurations) {
  EXPECT_EQ(duration_of("20s"), 20s);
  EXPECT_EQ(duration_of("1m30s"), 90s);
  EXPECT_EQ(duration_of("500ms"), 500ms);
  EXPECT_EQ(duration_of("1h"), 1h);
  EXPECT_EQ(duration_of("1.5s"), 1500ms);
  EXPECT_EQ(duration_of(".5m"), 30s);
  EXPECT_EQ(duration_of("2h45m10s"), 2h + 45min + 10s);
  EXPECT_EQ(duration_of("1500us"), 1ms);  // below a millisecond rounds down
  EXPECT_EQ(duration_of("3000000ns"), 3ms);
  EXPECT_EQ(duration_of("0"), 0ms);
  EXPECT_EQ(duration_of("+5s"), 5s);
}

TEST(DurationFromEnv, BareNumberIsSeconds) {
  EXPECT_EQ(duration_of("45"), 45s);
  EXPECT_EQ(duration_of("0.25"), 250ms);
}

TEST(DurationFromEnv, MalformedNamesTheVariable) {
  for (const char* bad : {"abc", "10x", "s", "1m30", "-5s", "5 s", "1..5s", "."}) {
    scoped_env env(bad);
    try {
      duration_from_env(var, 1s);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(var), std::string::npos) << e.what();
    }
  }
}

TEST(FlagFromEnv, Values) {
  for (const char* yes : {"true", "TRUE", "True", "1", "yes", "YES", "on", "t"}) {
    scoped_env env(yes);
    EXPECT_TRUE(flag_from_env(var, false)) << yes;
  }
  for (const char* no : {"false", "False", "0", "no", "off", "f"}) {
    scoped_env env(no);
    EXPECT_FALSE(flag_from_env(var, true)) << no;
  }
}

TEST(FlagFromEnv, UnsetOrEmptyIsTheFallback) {
  {
    scoped_env env(nullptr);
    EXPECT_TRUE(flag_from_env(var, true));
    EXPECT_FALSE(flag_from_env(var, false));
  }
  scoped_env env("");
  EXPECT_TRUE(flag_from_env(var, true));
}

TEST(FlagFromEnv, MalformedNamesTheVariable) {
  scoped_env env("maybe");
  try {
    flag_from_env(var, false);
    FAIL() << "accepted maybe";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(var), std::string::npos) << e.what();
  }
}

}  // namespace
