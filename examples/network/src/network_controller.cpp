#include "network_controller.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/client/cache/store.hpp"

namespace ktk::examples::network {

namespace cache = client::cache;

namespace {

// Whether `config_map`'s controller reference is this very Network (uid included:
// a Network deleted and made again under the same name is another owner).
bool is_controlled_by(const core::object& config_map, const core::object& network) {
  auto ref = config_map.controller_ref();
  return ref && ref->uid == network.uid();
}

// The ConfigMap a Network wants, owned by it. controller=true makes the Network the
// one owner that manages it; blockOwnerDeletion=true makes a foreground deletion of
// the Network wait for the ConfigMap to go first.
core::object desired_config_map(const core::object& network, const network_spec& spec) {
  core::object cm(config_map_kind.api_version(), config_map_kind.kind);
  cm.set_namespace(network.namespace_());
  cm.set_name(config_map_name(network.name()));
  cm.set_owner_references({{.api_version = network_kind.api_version(),
                            .kind = network_kind.kind,
                            .name = std::string(network.name()),
                            .uid = std::string(network.uid()),
                            .controller = true,
                            .block_owner_deletion = true}});
  cm.data()["data"] = config_map_data(spec);
  return cm;
}

// sample-controller's ErrResourceExists, as the AlreadyExists error it amounts to.
core::api_error resource_exists(const std::string& config_map) {
  return {409, core::reason::already_exists,
          "Resource \"" + config_map + "\" already exists and is not managed by Network",
          {.name = config_map, .kind = "configmaps"}};
}

}  // namespace

network_controller::network_controller(client::client& c, cache::shared_informer_factory& informers,
                                       controller_options opts)
    : client_(c),
      networks_(informers.informer_for(network_kind)),
      config_maps_(informers.informer_for(config_map_kind)),
      opts_(std::move(opts)),
      queue_({.clock = opts_.clock}) {
  if (!opts_.on_error) {
    opts_.on_error = [](const std::string& key, const core::api_error& e) {
      std::cerr << "network-controller: syncing " << key << ": " << e.message() << '\n';
    };
  }
  // Handlers run on the informers' threads: they only queue keys, the workers do the work.
  network_handler_ = networks_->add_event_handler(cache::event_handler_funcs{
      .on_add = [this](const core::object_ptr& o, bool) { enqueue(*o); },
      .on_update =
          [this](const core::object_ptr& old_obj, const core::object_ptr& new_obj) {
            // Status writes (ours, mostly) leave the generation alone: nothing to do,
            // and a sync now would read a ConfigMap cache that may not yet hold the
            // ConfigMap just made. A resync (the same object twice) goes through.
            if (old_obj != new_obj && old_obj->generation() == new_obj->generation()) return;
            enqueue(*new_obj);
          },
      // A deleted Network needs nothing from us: its ConfigMap is garbage collected.
  });
  config_map_handler_ = config_maps_->add_event_handler(cache::event_handler_funcs{
      .on_add = [this](const core::object_ptr& o, bool) { enqueue_owner(*o); },
      .on_update =
          [this](const core::object_ptr& old_obj, const core::object_ptr& new_obj) {
            // A periodic resync re-delivers the same object; nothing changed.
            if (old_obj->resource_version() == new_obj->resource_version()) return;
            enqueue_owner(*new_obj);
          },
      // Someone deleted a ConfigMap a Network owns: its Network makes it again.
      .on_delete = [this](const cache::deleted_object& d) { enqueue_owner(*cache::last_state(d)); },
  });
}

network_controller::~network_controller() {
  networks_->remove_event_handler(network_handler_);
  config_maps_->remove_event_handler(config_map_handler_);
  queue_.shut_down();
}

void network_controller::enqueue(const core::object& network) { queue_.add(cache::meta_namespace_key(network)); }

void network_controller::enqueue_owner(const core::object& config_map) {
  auto ref = config_map.controller_ref();
  if (!ref || ref->kind != network_kind.kind || core::group_version::parse(ref->api_version).group != network_kind.group) {
    return;  // not ours
  }
  // An owner the cache does not know (deleted, or not seen yet) has nothing to sync.
  auto owner = networks_->get_lister().get(config_map.namespace_(), ref->name);
  if (owner) enqueue(**owner);
}

void network_controller::run(int workers, std::stop_token stop) {
  // Acting on half-filled caches would recreate ConfigMaps that exist.
  if (!cache::wait_for_cache_sync(stop, {networks_.get(), config_maps_.get()})) return;
  // Then let the handlers queue what the caches hold, so that each object present at
  // start is synced once, not once per event that names it. client-go polls too.
  while (!network_handler_->has_synced() || !config_map_handler_->has_synced()) {
    if (stop.stop_requested()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < std::max(workers, 1); ++i) {
      threads.emplace_back([this, stop] {
        while (process_next_item(stop)) {
        }
      });
    }
  }  // joins: each worker returns once stop is requested, after the key in hand
  queue_.shut_down();
}

bool network_controller::process_next_item(std::stop_token stop) {
  std::optional<std::string> key = queue_.get(stop);
  if (!key) return false;
  if (auto r = sync(*key); r) {
    queue_.forget(*key);  // its next failure starts again from the shortest backoff
  } else {
    opts_.on_error(*key, r.error());
    queue_.add_rate_limited(*key);
  }
  queue_.done(*key);
  return true;
}

core::result<void> network_controller::sync(const std::string& key) {
  const core::object_key k = cache::split_meta_namespace_key(key);
  auto network = networks_->get_lister().get(k);
  if (is_not_found(network)) return {};  // deleted since it was queued
  if (!network) return network.error();
  const core::object& net = **network;
  const network_spec spec = spec_of(net);
  const std::string cm_name = config_map_name(net.name());

  auto cm = config_maps_->get_lister().get(k.namespace_, cm_name);
  if (is_not_found(cm)) cm = client_.create(desired_config_map(net, spec));
  // An error here (a create that lost a race, a server error) is retried later.
  if (!cm) return cm.error();

  // Never take over a ConfigMap someone else made: say so in status, and retry with
  // backoff (its owner may delete it; the next try then makes ours).
  if (!is_controlled_by(**cm, net)) {
    core::api_error exists = resource_exists(cm_name);
    auto s = update_status(net, {.observed_generation = net.generation(), .message = exists.message()});
    if (!s) return s;
    return exists;
  }

  const core::json want = config_map_data(spec);
  if (const core::json* have = (*cm)->field("data"); !have || *have != want) {
    core::object updated = **cm;  // cached objects are shared and immutable: change a copy
    updated.data()["data"] = want;
    // The cached resourceVersion goes along: a 409 means the cache was behind; retry.
    if (auto r = client_.update(std::move(updated)); !r) return r.error();
  }
  return update_status(net, {.observed_generation = net.generation(), .config_map = cm_name});
}

core::result<void> network_controller::update_status(const core::object& network, const network_status& want) {
  if (status_of(network) == want) return {};  // no write, so no event, so no loop
  // A merge patch, not an update: only this controller writes status, and it does
  // so from the cache, which never goes back in time, so the resourceVersion check
  // of an update would only fail each time the cache has not yet seen our last write.
  auto r = client_.status().patch(network_kind, network.key(), core::patch_type::merge_patch, status_patch(want));
  if (!r) return r.error();
  return {};
}

}  // namespace ktk::examples::network
