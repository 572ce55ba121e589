// table_admission.cpp — printers for admissionregistration.k8s.io: mutating and
// validating webhook configurations (NAME, WEBHOOKS, AGE, as kube's printers).
#include "http/table_descriptions.hpp"
#include "http/table_printer.hpp"

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;

constexpr std::string_view webhooks_description =
    "Webhooks indicates the number of webhooks registered in this configuration";

void webhook_configuration_row(const core::object& o, time_point now, json& row) {
  const json* hooks = at(o.data(), "webhooks");
  const std::int64_t count = hooks != nullptr && hooks->is_array() ? static_cast<std::int64_t>(hooks->size()) : 0;
  row["cells"] =
      json::array({std::string(o.name()), count, since(at(o.data(), "metadata.creationTimestamp"), now)});
}

}  // namespace

const printer* admission_printer(const core::group_resource& gr) {
  static const printer webhook_configurations{{{"Name", "string", "name", desc::name},
                                               {"Webhooks", "integer", "", webhooks_description},
                                               {"Age", "string", "", desc::creation_timestamp}},
                                              webhook_configuration_row};
  if (gr.group != "admissionregistration.k8s.io") return nullptr;
  if (gr.resource == "mutatingwebhookconfigurations" || gr.resource == "validatingwebhookconfigurations")
    return &webhook_configurations;
  return nullptr;
}

}  // namespace ktk::apiserver::http::table::detail
