#include "ktk/core/gvk.hpp"

namespace ktk::core {

group_version group_version::parse(std::string_view api_version) {
  auto slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(api_version)};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1))};
}

std::string group_version::str() const { return group.empty() ? version : group + "/" + version; }

gvk gvk::from_api_version(std::string_view api_version, std::string_view kind) {
  auto gv = group_version::parse(api_version);
  return {std::move(gv.group), std::move(gv.version), std::string(kind)};
}

// apimachinery's GroupVersionKind.String(): always "group/version", so the core
// group prints as "/v1, Kind=Pod".
std::string gvk::str() const { return group + "/" + version + ", Kind=" + kind; }

std::string gvr::group_resource() const { return group.empty() ? resource : resource + "." + group; }

std::string gvr::str() const { return group + "/" + version + ", Resource=" + resource; }

}  // namespace ktk::core
