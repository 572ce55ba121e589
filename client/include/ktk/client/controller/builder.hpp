// ktk/client/controller/builder.hpp — wires a reconciler to the events it cares about.
//
// controller-runtime's builder: `for_` names the type the controller reconciles (its
// own events queue the object's key), `owns` the types it creates (their events
// queue their controller owner of the for_ type), `watches` anything else through a
// handler or a map function. Predicates filter per watch; `with_event_filter` for all.
// Every watch shares the manager's informer of its type.
//
//   ktk::client::controller::builder(mgr)
//       .for_({"apps", "v1", "ReplicaSet"}, {generation_changed()})
//       .owns({"", "v1", "Pod"})
//       .with_options({.max_concurrent_reconciles = 4})
//       .complete(std::make_shared<replicaset_reconciler>(mgr.get_client()));
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ktk/client/controller/manager.hpp"
#include "ktk/core/typed.hpp"

namespace ktk::client::controller {

class builder {
 public:
  explicit builder(manager& m) : mgr_(m) {}

  // The controller's name (default: the for_ kind in lower case). Unique per manager.
  builder& named(std::string name);
  // The reconciled type. Once per controller.
  builder& for_(core::gvk kind, std::vector<predicate> predicates = {});
  template <core::kind_typed T>
  builder& for_(std::vector<predicate> predicates = {}) {
    return for_(core::kind_of<T>(), std::move(predicates));
  }
  // A type this controller creates; events go to its owner of the for_ type (the
  // controller owner only, unless only_controller is false).
  builder& owns(core::gvk kind, std::vector<predicate> predicates = {}, bool only_controller = true);
  // Another type, mapped to requests by h or f.
  builder& watches(core::gvk kind, std::shared_ptr<handler> h, std::vector<predicate> predicates = {});
  builder& watches(core::gvk kind, map_func f, std::vector<predicate> predicates = {});
  // A source of your own (a channel_source, say).
  builder& watches_source(std::unique_ptr<source>&& src);
  // A predicate every watch applies.
  builder& with_event_filter(predicate p);
  // Controller options (name and clock default from the builder and the manager).
  builder& with_options(controller_options opts);

  // Builds the controller and adds it to the manager. Throws std::invalid_argument when
  // neither for_ nor named was given, for_ was given twice, or the name is taken.
  std::shared_ptr<controller> complete(std::shared_ptr<reconciler> r);
  std::shared_ptr<controller> complete(reconcile_func::fn f);

 private:
  struct watch_spec {
    core::gvk kind{};
    std::shared_ptr<handler> h{};
    std::vector<predicate> predicates{};
  };

  manager& mgr_;
  std::string name_;
  std::optional<watch_spec> for_spec_;
  std::vector<watch_spec> owns_;
  std::vector<watch_spec> watches_;
  std::vector<std::unique_ptr<source>> sources_;
  std::vector<predicate> global_;
  controller_options opts_;
  bool for_twice_ = false;
  std::vector<std::pair<core::gvk, bool>> owned_kinds_;  // kind, only_controller
};

}  // namespace ktk::client::controller
