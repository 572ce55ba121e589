// list_watch.cpp — a list_watch over a client.
#include "ktk/client/cache/list_watch.hpp"

#include <utility>

namespace ktk::client::cache {

list_watch make_list_watch(client& c, core::gvk kind, scope s) {
  auto shared = std::make_shared<const std::pair<core::gvk, scope>>(std::move(kind), std::move(s));
  list_watch lw;
  lw.list = [&c, shared](const list_options& opts) {
    auto o = opts;
    o.namespace_ = shared->second.namespace_;
    o.label_selector = shared->second.label_selector;
    o.field_selector = shared->second.field_selector;
    return c.list(shared->first, o);
  };
  lw.watch = [&c, shared](const watch_options& opts) {
    auto o = opts;
    o.namespace_ = shared->second.namespace_;
    o.label_selector = shared->second.label_selector;
    o.field_selector = shared->second.field_selector;
    return c.watch(shared->first, o);
  };
  return lw;
}

}  // namespace ktk::client::cache
