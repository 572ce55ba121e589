// kubelet.cpp — add_kubelet: the shared state, the Pod index by Node, the two
// controllers, and the handle that fails and recovers Nodes.
#include "ktk/sim/kubelet.hpp"

#include <stdexcept>

#include "ktk/sim/kinds.hpp"
#include "kubelet/kubelet_state.hpp"
#include "kubelet/node_controller.hpp"
#include "kubelet/pod_controller.hpp"

namespace ktk::sim {
namespace {

using detail::kubelet_state;
using detail::node_state;

class kubelet_sim_impl final : public kubelet_sim {
 public:
  kubelet_sim_impl(std::shared_ptr<kubelet_state> st, std::shared_ptr<client::cache::shared_informer> pods,
                   std::shared_ptr<client::controller::controller> nodes,
                   std::shared_ptr<client::controller::controller> pod_ctrl)
      : st_(std::move(st)), pods_(std::move(pods)), nodes_(std::move(nodes)), pod_ctrl_(std::move(pod_ctrl)) {}

  void fail_node(const std::string& name) override {
    check(name);
    const auto now = st_->clock().now();
    st_->with_node(name, [&](node_state& n) {
      if (n.failed) return;
      n.failed = true;
      n.failed_at = now;
      n.evicted = false;
      n.lost_posted = false;
      n.status_posted = false;
    });
    nodes_->queue().add({"", name});
  }

  void recover_node(const std::string& name) override {
    check(name);
    st_->with_node(name, [&](node_state& n) {
      n.failed = false;
      n.evicted = false;
      n.lost_posted = false;
      n.status_posted = false;
    });
    nodes_->queue().add({"", name});
    // Its Pods pick up where their times say they are.
    for (const auto& p : pods_->get_indexer().by_index(detail::pods_by_node_index, name)) pod_ctrl_->queue().add(p->key());
  }

  std::vector<std::string> node_names() const override { return {st_->names().begin(), st_->names().end()}; }

  std::vector<std::shared_ptr<client::controller::controller>> controllers() const override {
    return {nodes_, pod_ctrl_};
  }

 private:
  void check(const std::string& name) const {
    if (!st_->owns(name)) throw std::invalid_argument("the kubelet simulator has no node " + name);
  }

  std::shared_ptr<kubelet_state> st_;
  std::shared_ptr<client::cache::shared_informer> pods_;
  std::shared_ptr<client::controller::controller> nodes_, pod_ctrl_;
};

std::vector<std::string> node_name_index(const core::object& pod) {
  std::string_view n = pod_node_name(pod);
  if (n.empty()) return {};
  return {std::string(n)};
}

}  // namespace

std::vector<node_spec> make_nodes(const std::string& prefix, int count) {
  std::vector<node_spec> out;
  for (int i = 0; i < count; ++i) out.push_back({.name = prefix + std::to_string(i)});
  return out;
}

std::shared_ptr<kubelet_sim> add_kubelet(client::controller::manager& mgr, kubelet_options opts) {
  core::clock& clk = mgr.options().clock ? *mgr.options().clock : core::real_clock::instance();
  auto st = std::make_shared<kubelet_state>(std::move(opts), clk);
  auto pods = mgr.get_cache().informer_for(pod_kind);
  try {
    pods->add_indexers({{detail::pods_by_node_index, node_name_index}});
  } catch (const std::invalid_argument&) {
    // another kubelet simulator of this manager made it: the same index
  }
  // The Pod controller first: the Node controller's reconciles use it.
  auto pod_ctrl = detail::make_pod_controller(mgr, st, pods);
  st->pod_controller = pod_ctrl;
  auto nodes = detail::make_node_controller(mgr, st, pods);
  return std::make_shared<kubelet_sim_impl>(st, pods, nodes, pod_ctrl);
}

}  // namespace ktk::sim
