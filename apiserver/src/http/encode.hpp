// http/encode.hpp — objects, lists and watch events in the form the client negotiated.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "http/message.hpp"
#include "http/negotiate.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/watch.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::http {

// How to render answers about one resource.
struct encoder {
  output out;
  bool pretty = false;
  core::resource_info_ptr info;
  core::json printer_columns;  // the CRD version's additionalPrinterColumns, or null
  std::chrono::system_clock::time_point now;

  response object(const core::object_ptr& o, unsigned status = 200) const;
  response list(const object_list& l) const;
  // One watch event as one line ("{"type":...,"object":...}\n").
  std::function<std::string(const watch_event&)> watch_lines() const;
  std::string watch_content_type() const;
};

// The JSON text of a whole document.
std::string dump(const core::json& j, bool pretty);

// A list as compact JSON, the same bytes as dump(l.to_json(), false), from the items'
// cached json_text().
std::string list_json(const object_list& l);

// `{"type":"ADDED","object":` + the object's JSON + `}\n`: the wire form of one event.
std::string watch_line(std::string_view type, std::string_view object_json);

}  // namespace ktk::apiserver::http
