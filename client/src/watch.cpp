#include "ktk/client/watch.hpp"

namespace ktk::client {

std::string_view to_string(event_type t) {
  switch (t) {
    case event_type::added: return "ADDED";
    case event_type::modified: return "MODIFIED";
    case event_type::deleted: return "DELETED";
    case event_type::bookmark: return "BOOKMARK";
    case event_type::error: return "ERROR";
  }
  return "ERROR";
}

std::optional<event_type> event_type_from_string(std::string_view s) {
  if (s == "ADDED") return event_type::added;
  if (s == "MODIFIED") return event_type::modified;
  if (s == "DELETED") return event_type::deleted;
  if (s == "BOOKMARK") return event_type::bookmark;
  if (s == "ERROR") return event_type::error;
  return std::nullopt;
}

}  // namespace ktk::client
