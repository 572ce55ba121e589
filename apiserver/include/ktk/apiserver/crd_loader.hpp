// ktk/apiserver/crd_loader.hpp — installs CustomResourceDefinitions from YAML files.
//
// What `ktk serve --crds PATH` and the envtest environment do before they report
// ready: every *.yaml / *.yml / *.json under each path (files or folders), every
// document that is a CRD (apiextensions.k8s.io/v1, or v1beta1 converted as older
// tutorials need), created — or updated when it exists — in the registry.
//
//   auto names = ktk::apiserver::install_crds(reg, {"config/crd"});   // {"ats.cnat...."}
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ktk/apiserver/registry.hpp"

namespace ktk::apiserver {

// A CRD file that cannot be installed: what() names the file (and line for YAML errors).
class crd_install_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct crd_read_options {
  // A path that does not exist is an error; when false it is skipped (with a warning).
  bool error_if_missing = true;
  // One line per v1beta1 document converted and per missing path skipped, when not null.
  std::vector<std::string>* warnings = nullptr;
};

// The CRDs under `paths` as v1 documents, in file order (files sorted within a folder,
// folders walked recursively). Documents that are not CRDs are skipped. Throws
// crd_install_error naming the file (and line) when one cannot be read or parsed, or
// holds a CRD of an apiVersion other than v1 and v1beta1.
struct crd_document {
  core::object crd{};
  std::filesystem::path file{};  // where it came from, for error messages
};
std::vector<crd_document> read_crds(const std::vector<std::filesystem::path>& paths,
                                    const crd_read_options& opts = {});

// Installs the CRDs under `paths`; returns their names in install order. Documents
// that are not CRDs are skipped. Throws crd_install_error naming the file when a file
// cannot be read or parsed, or the registry rejects a CRD (with its Status message).
std::vector<std::string> install_crds(registry& reg, const std::vector<std::filesystem::path>& paths);

}  // namespace ktk::apiserver
