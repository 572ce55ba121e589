// rest_client.cpp — each verb: map the kind, build the request, send it, decode the answer.
#include "ktk/client/rest/rest_client.hpp"

#include <nlohmann/json.hpp>

#include "detail/http_watch.hpp"
#include "detail/mapper_cache.hpp"
#include "detail/requests.hpp"
#include "detail/response_errors.hpp"
#include "detail/transport.hpp"
#include "ktk/core/json_reader.hpp"
#include "ktk/core/json_writer.hpp"

namespace ktk::client::rest {

using core::api_error;
using core::json;

namespace {

constexpr std::string_view json_type = "application/json";

// One request about a resource.
struct call {
  std::string_view method{};
  const core::resource_info& info;
  std::string_view name{};  // for errors the server does not explain
  std::string target{};
  std::string body{};
  std::string_view content_type = json_type;
  std::vector<std::string>* warnings = nullptr;
};

result<json> parse_body(const std::string& body) {
  auto j = core::read_json_or_discarded(body);
  if (!j.is_object()) return api_error::internal("the server sent an answer that is not a JSON object");
  return j;
}

result<object_ptr> to_object(const std::string& body) {
  auto j = parse_body(body);
  if (!j) return j.error();
  return core::make_object_ptr(object(std::move(*j)));
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

class rest_client::impl final : public status_writer {
 public:
  impl(const rest_config& cfg, rest_client_options opts)
      : t_(std::make_shared<detail::transport>(cfg)),
        discovery_(t_, {.aggregated = opts.aggregated_discovery}),
        mapper_([this] { return discovery_.server_groups_and_resources(); },
                cfg.clock ? *cfg.clock : core::real_clock::instance(), opts.discovery_refresh_interval) {}

  result<detail::http_response> send(call&& c) {
    auto r = t_->round_trip({.method = c.method,
                             .target = std::move(c.target),
                             .body = std::move(c.body),
                             .content_type = c.content_type});
    if (!r) return r.error();
    if (c.warnings) {
      for (auto& w : r->warnings) c.warnings->push_back(std::move(w));
    }
    if (r->status < 200 || r->status > 299) {
      return detail::error_of_response({r->status, r->content_type, r->body, r->retry_after},
                                       {.method = c.method, .gr = c.info.gr(), .name = c.name});
    }
    return r;
  }

  result<object_ptr> send_for_object(call&& c) {
    auto r = send(std::move(c));
    if (!r) return r.error();
    return to_object(r->body);
  }

  result<void> send_for_nothing(call&& c) {
    auto r = send(std::move(c));
    if (!r) return r.error();
    return {};
  }

  // PUT of obj at its own path (+ subresource).
  result<object_ptr> update(object&& obj, const write_options& opts, std::string_view sub) {
    auto info = mapper_.resource_of(obj.group_version_kind());
    if (!info) return info.error();
    std::string name(obj.name());
    return send_for_object({.method = "PUT",
                            .info = **info,
                            .name = name,
                            .target = detail::resource_path(**info, obj.namespace_(), name, sub) +
                                      detail::write_query(opts.dry_run, opts.field_manager, opts.field_validation).str(),
                            .body = core::dump_json(obj.data()),
                            .warnings = opts.warnings});
  }

  result<object_ptr> patch(const gvk& kind, const object_key& key, core::patch_type type, const json& body,
                           const patch_options& opts, std::string_view sub) {
    auto info = mapper_.resource_of(kind);
    if (!info) return info.error();
    return send_for_object(
        {.method = "PATCH",
         .info = **info,
         .name = key.name,
         .target = detail::resource_path(**info, key.namespace_, key.name, sub) +
                   detail::write_query(opts.dry_run, opts.field_manager, opts.field_validation, opts.force).str(),
         // JSON is YAML: an apply patch goes as it is.
         .body = core::dump_json(body),
         .content_type = core::content_type_of(type),
         .warnings = opts.warnings});
  }

  // status_writer
  result<object_ptr> update(object&& obj, const write_options& opts) override {
    return update(std::move(obj), opts, "status");
  }
  result<object_ptr> patch(const gvk& kind, const object_key& key, core::patch_type type, const json& p,
                           const patch_options& opts) override {
    return patch(kind, key, type, p, opts, "status");
  }

  std::shared_ptr<detail::transport> t_;
  discovery_client discovery_;
  detail::mapper_cache mapper_;
};

rest_client::rest_client(const rest_config& cfg, rest_client_options opts)
    : impl_(std::make_unique<impl>(cfg, opts)) {}

rest_client::~rest_client() = default;

result<object_ptr> rest_client::get(const gvk& kind, const object_key& key, const get_options& opts) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  return impl_->send_for_object({.method = "GET",
                                 .info = **info,
                                 .name = key.name,
                                 .target = detail::resource_path(**info, key.namespace_, key.name) +
                                           detail::get_query(opts).str()});
}

result<object_list> rest_client::list(const gvk& kind, const list_options& opts) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  auto r = impl_->send({.method = "GET",
                        .info = **info,
                        .target = detail::resource_path(**info, opts.namespace_) + detail::list_query(opts).str()});
  if (!r) return r.error();
  auto j = parse_body(r->body);
  if (!j) return j.error();
  object_list out;
  if (auto m = j->find("metadata"); m != j->end() && m->is_object()) {
    out.resource_version = str(*m, "resourceVersion");
    out.continue_token = str(*m, "continue");
    if (auto n = m->find("remainingItemCount"); n != m->end() && n->is_number_integer()) {
      out.remaining_item_count = n->get<std::int64_t>();
    }
  }
  if (auto items = j->find("items"); items != j->end() && items->is_array()) {
    // Items of a typed list carry no apiVersion/kind; set them as client-go's
    // UnstructuredList does.
    std::string api_version = str(*j, "apiVersion");
    if (api_version.empty()) api_version = (*info)->group_version_kind().api_version();
    const std::string& item_kind = (*info)->kind;
    out.items.reserve(items->size());
    for (auto& item : *items) {
      if (!item.is_object()) continue;
      if (!item.contains("apiVersion")) item["apiVersion"] = api_version;
      if (!item.contains("kind")) item["kind"] = item_kind;
      out.items.push_back(core::make_object_ptr(object(std::move(item))));
    }
  }
  return out;
}

result<object_ptr> rest_client::create(object&& obj, const write_options& opts) {
  auto info = impl_->mapper_.resource_of(obj.group_version_kind());
  if (!info) return info.error();
  std::string name(obj.name());
  return impl_->send_for_object(
      {.method = "POST",
       .info = **info,
       .name = name,
       .target = detail::resource_path(**info, obj.namespace_()) +
                 detail::write_query(opts.dry_run, opts.field_manager, opts.field_validation).str(),
       .body = core::dump_json(obj.data()),
       .warnings = opts.warnings});
}

result<object_ptr> rest_client::update(object&& obj, const write_options& opts) {
  return impl_->update(std::move(obj), opts, "");
}

result<object_ptr> rest_client::patch(const gvk& kind, const object_key& key, core::patch_type type,
                                      const core::json& p, const patch_options& opts) {
  return impl_->patch(kind, key, type, p, opts, "");
}

result<object_ptr> rest_client::apply(object&& obj, const patch_options& opts) {
  object_key key = obj.key();
  return impl_->patch(obj.group_version_kind(), key, core::patch_type::apply_yaml, obj.data(), opts, "");
}

result<void> rest_client::remove(const gvk& kind, const object_key& key, const delete_options& opts) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  return impl_->send_for_nothing({.method = "DELETE",
                                  .info = **info,
                                  .name = key.name,
                                  .target = detail::resource_path(**info, key.namespace_, key.name),
                                  .body = detail::delete_body(opts).dump()});
}

result<void> rest_client::delete_all_of(const gvk& kind, const list_options& which, const delete_options& opts) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  return impl_->send_for_nothing(
      {.method = "DELETE",
       .info = **info,
       .target = detail::resource_path(**info, which.namespace_) + detail::list_query(which).str(),
       .body = detail::delete_body(opts).dump()});
}

result<std::unique_ptr<watch_stream>> rest_client::watch(const gvk& kind, const watch_options& opts) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  std::string target = detail::resource_path(**info, opts.namespace_) + detail::watch_query(opts).str();
  auto a = impl_->t_->open_stream({.method = "GET", .target = std::move(target)});
  if (!a) return a.error();
  if (!a->body) {
    const auto& h = a->head;
    return detail::error_of_response({h.status, h.content_type, h.body, h.retry_after},
                                     {.method = "GET", .gr = (*info)->gr()});
  }
  return std::unique_ptr<watch_stream>(std::make_unique<detail::http_watch>(std::move(a->body)));
}

status_writer& rest_client::status() { return *impl_; }

result<object_ptr> rest_client::get_scale(const gvk& kind, const object_key& key) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  return impl_->send_for_object({.method = "GET",
                                 .info = **info,
                                 .name = key.name,
                                 .target = detail::resource_path(**info, key.namespace_, key.name, "scale")});
}

result<object_ptr> rest_client::update_scale(const gvk& kind, const object_key& key, std::int64_t replicas,
                                             const write_options& opts) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  return impl_->send_for_object(
      {.method = "PUT",
       .info = **info,
       .name = key.name,
       .target = detail::resource_path(**info, key.namespace_, key.name, "scale") +
                 detail::write_query(opts.dry_run, opts.field_manager, opts.field_validation).str(),
       .body = detail::scale_body(key, replicas).dump(),
       .warnings = opts.warnings});
}

result<object_ptr> rest_client::create_subresource(const gvk& kind, const object_key& key,
                                                   std::string_view subresource, object&& body,
                                                   const write_options& opts) {
  auto info = impl_->mapper_.resource_of(kind);
  if (!info) return info.error();
  return impl_->send_for_object(
      {.method = "POST",
       .info = **info,
       .name = key.name,
       .target = detail::resource_path(**info, key.namespace_, key.name, std::string(subresource)) +
                 detail::write_query(opts.dry_run, opts.field_manager, opts.field_validation).str(),
       .body = core::dump_json(body.data()),
       .warnings = opts.warnings});
}

const core::rest_mapper& rest_client::mapper() { return impl_->mapper_.mapper(); }

discovery_client& rest_client::discovery() { return impl_->discovery_; }

std::uint64_t rest_client::connections_opened() const { return impl_->t_->connections_opened(); }

}  // namespace ktk::client::rest
