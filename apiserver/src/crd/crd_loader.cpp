// crd_loader.cpp — CRDs from YAML files into the registry.
#include "ktk/apiserver/crd_loader.hpp"

#include <nlohmann/json.hpp>

#include "ktk/apiserver/crd_schema.hpp"
#include "ktk/core/yaml.hpp"

namespace ktk::apiserver {

using core::json;

namespace {

const gvr crd_resource{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};

std::vector<std::filesystem::path> files_under(const std::filesystem::path& p, const crd_read_options& opts) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(p, ec)) {
    if (opts.error_if_missing) throw crd_install_error(p.string() + ": no such file or directory");
    if (opts.warnings) opts.warnings->push_back(p.string() + ": no such file or directory, skipped");
    return {};
  }
  if (!fs::is_directory(p, ec)) return {p};
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<crd_document> read_crds(const std::vector<std::filesystem::path>& paths, const crd_read_options& opts) {
  std::vector<crd_document> out;
  for (const auto& root : paths) {
    for (const auto& file : files_under(root, opts)) {
      std::vector<json> docs;
      try {
        docs = core::load_yaml_file(file);
      } catch (const core::yaml_error& e) {
        throw crd_install_error(e.what());
      } catch (const std::exception& e) {
        throw crd_install_error(file.string() + ": " + e.what());
      }
      for (auto& doc : docs) {
        if (!doc.is_object() || doc.value("kind", "") != "CustomResourceDefinition") continue;
        const std::string api_version = doc.value("apiVersion", "");
        if (api_version == "apiextensions.k8s.io/v1beta1") {
          doc = crd::convert_v1beta1_crd(doc);
          if (opts.warnings) {
            opts.warnings->push_back(file.string() + ": CustomResourceDefinition \"" +
                                     doc["metadata"].value("name", "") +
                                     "\" is apiextensions.k8s.io/v1beta1; converted to v1");
          }
        } else if (api_version != "apiextensions.k8s.io/v1") {
          throw crd_install_error(file.string() + ": CustomResourceDefinition with unsupported apiVersion \"" +
                                  api_version + "\"");
        }
        out.push_back({core::object(std::move(doc)), file});
      }
    }
  }
  return out;
}

std::vector<std::string> install_crds(registry& reg, const std::vector<std::filesystem::path>& paths) {
  std::vector<std::string> names;
  for (auto& [crd, file] : read_crds(paths)) {
    std::string name(crd.name());
    auto created = reg.create(crd_resource, "", object(crd));
    if (!created && core::is_already_exists(created.error())) {
      auto live = reg.get(crd_resource, {"", name});
      if (live) {
        crd.set_resource_version((*live)->resource_version());
        auto updated = reg.update(crd_resource, {"", name}, std::move(crd));
        if (!updated) throw crd_install_error(file.string() + ": " + updated.error().message());
      }
    } else if (!created) {
      throw crd_install_error(file.string() + ": " + created.error().message());
    }
    names.push_back(name);
  }
  return names;
}

}  // namespace ktk::apiserver
