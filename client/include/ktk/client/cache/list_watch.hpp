// ktk/client/cache/list_watch.hpp — what a reflector lists and watches.
//
// A `list_watch` is a pair of functions (client-go's ListWatch): how to list and how
// to watch one type, in one namespace or all, through selectors. make_list_watch
// builds one over any ktk::client::client (the FakeClient, the REST client); tests
// may write their own to script what the server says.
//
//   auto lw = ktk::client::cache::make_list_watch(client, {"", "v1", "Pod"},
//                                                 {.namespace_ = "default", .label_selector = "app=web"});
//   auto page = lw.list({.limit = 500});
#pragma once

#include <compare>
#include <functional>
#include <memory>
#include <string>

#include "ktk/client/client.hpp"

namespace ktk::client::cache {

// Where an informer looks: a namespace ("" = all) and server-side selectors.
struct scope {
  std::string namespace_{};
  std::string label_selector{};
  std::string field_selector{};
  auto operator<=>(const scope&) const = default;
};

struct list_watch {
  std::function<result<object_list>(const list_options&)> list{};
  std::function<result<std::unique_ptr<watch_stream>>(const watch_options&)> watch{};
};

// Lists and watches `kind` through c within s (s's namespace and selectors replace
// the options'). c must outlive the list_watch.
list_watch make_list_watch(client& c, core::gvk kind, scope s = {});

}  // namespace ktk::client::cache
