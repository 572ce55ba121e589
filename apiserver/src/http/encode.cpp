// encode.cpp — JSON / YAML / Table / PartialObjectMetadata rendering.
#include "http/encode.hpp"

#include <nlohmann/json.hpp>

#include "ktk/core/yaml.hpp"

namespace ktk::apiserver::http {

using core::json;

std::string dump(const json& j, bool pretty) {
  return pretty ? j.dump(2, ' ', false, json::error_handler_t::replace)
                : j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string watch_line(std::string_view type, std::string_view object_json) {
  std::string line;
  line.reserve(object_json.size() + type.size() + 24);
  line += R"({"type":")";
  line += type;
  line += R"(","object":)";
  line += object_json;
  line += "}\n";
  return line;
}

// The bytes dump(l.to_json(), false) gives (keys sorted: apiVersion, items, kind,
// metadata), built from each item's cached text: no copy of the items' documents, and
// each stored object is serialised once whatever the number of lists and watches.
std::string list_json(const object_list& l) {
  json meta = {{"resourceVersion", l.resource_version}};
  if (!l.continue_token.empty()) meta["continue"] = l.continue_token;
  if (l.remaining_item_count) meta["remainingItemCount"] = *l.remaining_item_count;
  const std::string api_version = dump(json(l.api_version), false);
  const std::string kind = dump(json(l.kind), false);
  const std::string metadata = dump(meta, false);
  std::size_t size = api_version.size() + kind.size() + metadata.size() + 48 + l.items.size();
  for (const auto& i : l.items) size += i->json_text().size();
  std::string out;
  out.reserve(size);
  out += R"({"apiVersion":)";
  out += api_version;
  out += R"(,"items":[)";
  for (std::size_t i = 0; i < l.items.size(); ++i) {
    if (i != 0) out += ',';
    out += l.items[i]->json_text();
  }
  out += R"(],"kind":)";
  out += kind;
  out += R"(,"metadata":)";
  out += metadata;
  out += '}';
  return out;
}

namespace {

json table_of(const encoder& e, const std::vector<core::object_ptr>& items) {
  auto t = table::make(*e.info, items, e.printer_columns, e.out.include, e.now);
  if (e.out.table_version != "v1") t["apiVersion"] = "meta.k8s.io/" + e.out.table_version;
  return t;
}

}  // namespace

response encoder::object(const core::object_ptr& p, unsigned status) const {
  const core::object& o = *p;
  response r{.status = status, .content_type = content_type_of(out, false)};
  switch (out.form) {
    case output_form::json:
      // The cached text: a write's answer serialises the stored object once for the
      // answer and every watcher of it.
      r.body = pretty ? dump(o.data(), true) : o.json_text();
      break;
    case output_form::yaml:
      r.body = core::json_to_yaml(o.data());
      break;
    case output_form::table: {
      auto t = table_of(*this, {p});
      r.body = dump(t, pretty);
      break;
    }
    case output_form::partial_metadata: {
      auto p = table::partial_metadata(o);
      if (out.table_version != "v1") p["apiVersion"] = "meta.k8s.io/" + out.table_version;
      r.body = dump(p, pretty);
      break;
    }
  }
  return r;
}

response encoder::list(const object_list& l) const {
  response r{.content_type = content_type_of(out, true)};
  json meta = json::object();
  if (!l.resource_version.empty()) meta["resourceVersion"] = l.resource_version;
  if (!l.continue_token.empty()) meta["continue"] = l.continue_token;
  if (l.remaining_item_count) meta["remainingItemCount"] = *l.remaining_item_count;
  switch (out.form) {
    case output_form::json:
      r.body = pretty ? dump(l.to_json(), true) : list_json(l);
      break;
    case output_form::yaml:
      r.body = core::json_to_yaml(l.to_json());
      break;
    case output_form::table: {
      auto t = table_of(*this, l.items);
      t["metadata"] = meta;
      r.body = dump(t, pretty);
      break;
    }
    case output_form::partial_metadata: {
      auto p = table::partial_metadata_list(l.items);
      if (out.table_version != "v1") p["apiVersion"] = "meta.k8s.io/" + out.table_version;
      p["metadata"] = meta;
      r.body = dump(p, pretty);
      break;
    }
  }
  return r;
}

std::string encoder::watch_content_type() const {
  // Watches stream JSON whatever else was asked, as kube-apiserver's JSON framer does.
  output o = out;
  if (o.form == output_form::yaml) o.form = output_form::json;
  return content_type_of(o, false);
}

std::function<std::string(const watch_event&)> encoder::watch_lines() const {
  encoder self = *this;
  // kube-apiserver sends a Table watch's column definitions with the first event only.
  return [self, first_table = true](const watch_event& ev) mutable {
    auto type = to_string(ev.type);
    if (ev.type == watch_event_type::error || ev.type == watch_event_type::bookmark) {
      return watch_line(type, dump(ev.object->data(), false));
    }
    switch (self.out.form) {
      case output_form::table: {
        auto t = table_of(self, {ev.object});
        if (!first_table) t["columnDefinitions"] = nullptr;
        first_table = false;
        return watch_line(type, dump(t, false));
      }
      case output_form::partial_metadata:
        return watch_line(type, dump(table::partial_metadata(*ev.object), false));
      default:
        // Serialised once per stored object, whatever the number of watchers.
        return watch_line(type, ev.object->json_text());
    }
  };
}

}  // namespace ktk::apiserver::http
