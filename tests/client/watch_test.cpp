#include "ktk/client/watch.hpp"

#include <gtest/gtest.h>

namespace {

using ktk::client::event_type;

TEST(ClientWatch, EventTypesRoundTripTheirWireNames) {
  for (auto t : {event_type::added, event_type::modified, event_type::deleted, event_type::bookmark, event_type::error}) {
    auto back = ktk::client::event_type_from_string(ktk::client::to_string(t));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(ktk::client::to_string(event_type::bookmark), "BOOKMARK");
  EXPECT_FALSE(ktk::client::event_type_from_string("added"));  // the wire names are upper case
  EXPECT_FALSE(ktk::client::event_type_from_string(""));
}

}  // namespace
