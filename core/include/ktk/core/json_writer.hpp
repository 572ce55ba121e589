// ktk/core/json_writer.hpp — core::json to compact JSON text quickly.
//
// Every object the server hands out over HTTP is serialised once (its text is then
// cached on the stored snapshot and shared by every response and watcher), and every
// request body a REST client sends is serialised too. nlohmann's serializer writes
// through a virtual output adapter and runs each string byte through a UTF-8 decoder.
// `write_json` appends the same text as nlohmann's compact dump(), about twice as
// fast: the same escapes (\" \\ \b \f \n \r \t, other control characters as \u00xx,
// everything else as it is), keys in the object's (sorted) order, numbers as nlohmann
// prints them. It answers false for what it leaves to nlohmann — strings that are not
// well-formed UTF-8 (nlohmann either throws or replaces them, as the caller asks),
// binary values, discarded values — and then leaves `out` as it found it.
//
//   std::string text = core::dump_json(doc);   // write_json, else nlohmann's dump()
#pragma once

#include <string>

#include "ktk/core/json.hpp"

namespace ktk::core {

// Appends j's compact text to `out`; false (and `out` unchanged) when j holds
// something this writer leaves to nlohmann's dump().
bool write_json(const json& j, std::string& out);

// j's compact text: write_json, else nlohmann's dump(), which throws
// nlohmann::json::type_error (316) for a string that is not UTF-8.
std::string dump_json(const json& j);

// j's compact text: write_json, else nlohmann's dump() with invalid UTF-8 replaced by
// U+FFFD (what the server sends for such strings).
std::string json_text_replacing_invalid_utf8(const json& j);

}  // namespace ktk::core
