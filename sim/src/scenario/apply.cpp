// apply: objects inline or from manifest files (multi-document YAML, `kind: List`,
// folders), checked before the run: each must be a mapping with apiVersion, kind and
// a name. Problems in a manifest name the manifest's file and line.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "ktk/core/yaml.hpp"
#include "scenario/parse.hpp"

namespace ktk::sim::detail {

namespace {

namespace fs = std::filesystem;

// Reports what a manifest lacks at `line` of `file`; the object when it is whole.
std::optional<core::object> check_object(reader& r, const std::string& file, const node& n) {
  const core::json& j = n.value();
  if (!j.is_object()) {
    r.error_in(file, n.line, "an object must be a mapping, not " + type_name(j));
    return std::nullopt;
  }
  auto str = [&](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
  };
  std::string api_version = str("apiVersion"), kind = str("kind");
  bool ok = true;
  if (api_version.empty()) {
    r.error_in(file, n.line, "object" + (kind.empty() ? "" : " " + kind) + " has no apiVersion");
    ok = false;
  }
  if (kind.empty()) {
    r.error_in(file, n.line, "object has no kind");
    ok = false;
  }
  auto meta = j.find("metadata");
  if (meta != j.end() && !meta->is_object()) {
    r.error_in(file, n.has("metadata") ? n["metadata"].line : n.line, "metadata must be a mapping");
    return std::nullopt;
  }
  auto named = [&](const char* key) {
    if (meta == j.end()) return false;
    auto it = meta->find(key);
    return it != meta->end() && it->is_string() && !it->get_ref<const std::string&>().empty();
  };
  if (!named("name") && !named("generateName")) {
    r.error_in(file, n.line, "object" + (kind.empty() ? "" : " " + kind) + " has no metadata.name (or generateName)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return core::object(j);
}

// A document, or the items of a `kind: List` (any *List with items), in order.
void flatten(const node& n, std::vector<node>& out) {
  const core::json& j = n.value();
  if (j.is_object() && n.has("items") && j["items"].is_array() && j.contains("kind") && j["kind"].is_string()) {
    const auto& k = j["kind"].get_ref<const std::string&>();
    if (k.size() >= 4 && k.compare(k.size() - 4, 4, "List") == 0) {
      node items = n["items"];
      for (std::size_t i = 0; i < items.value().size(); ++i) flatten(items.at(i), out);
      return;
    }
  }
  out.push_back(n);
}

std::vector<fs::path> manifests_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto ext = it->path().extension();
    if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Appends the objects of one manifest file; returns how many it held (valid or not).
std::size_t load_file(reader& r, const fs::path& path, step& out) {
  const std::string shown = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    r.error_in(shown, 1, "cannot read the file");
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  // Lines cost a second parse (yaml-cpp's node tree): only when something is wrong.
  for (int line_depth : {0, 4}) {
    std::vector<yaml_doc> docs;
    try {
      docs = parse_yaml_documents(text.str(), shown, line_depth);
    } catch (const core::yaml_error& e) {
      r.error_in(shown, std::max(e.line(), 1), e.message());
      return 1;  // not "holds no objects": the YAML is the problem
    }
    std::vector<node> objects;
    for (const auto& d : docs) flatten(root_node(d), objects);
    std::vector<std::string> problems;
    reader quiet(r.file(), r.base(), problems);
    reader& report = line_depth == 0 ? quiet : r;
    std::vector<core::object> found;
    for (const auto& n : objects)
      if (auto o = check_object(report, shown, n)) found.push_back(std::move(*o));
    if (problems.empty() || line_depth > 0) {
      for (auto& o : found) out.objects.push_back(std::move(o));
      return objects.size();
    }
  }
  return 0;
}

void load_path(reader& r, const node& at, const std::string& written, step& out) {
  fs::path p(written);
  fs::path full = p.is_absolute() ? p : (r.base() / p).lexically_normal();
  std::error_code ec;
  if (written.empty() || !fs::exists(full, ec)) {
    r.error(at, "apply: file \"" + written + "\" does not exist" +
                    (p.is_absolute() ? "" : " (looked for " + full.string() + ")"));
    return;
  }
  std::vector<fs::path> files = fs::is_directory(full, ec) ? manifests_in(full) : std::vector<fs::path>{full};
  std::size_t count = 0;
  for (const auto& f : files) count += load_file(r, f, out);
  if (count == 0) r.error(at, "apply: \"" + written + "\" holds no objects");
}

std::string describe_object(const core::object& o) {
  object_ref ref{.kind = std::string(o.kind()), .namespace_ = std::string(o.namespace_()),
                 .name = std::string(o.name().empty() ? o.generate_name() : o.name())};
  return describe(ref);
}

// "{{index}}" in every string of j (keys included) becomes `index`.
void substitute(core::json& j, const std::string& index) {
  static const std::string mark = "{{index}}";
  auto fix = [&](std::string s) {
    for (std::size_t at = s.find(mark); at != std::string::npos; at = s.find(mark, at + index.size())) {
      s.replace(at, mark.size(), index);
    }
    return s;
  };
  if (j.is_string()) {
    j = fix(j.get<std::string>());
  } else if (j.is_array()) {
    for (auto& e : j) substitute(e, index);
  } else if (j.is_object()) {
    core::json next = core::json::object();
    for (auto& [k, v] : j.items()) {
      substitute(v, index);
      next[fix(k)] = std::move(v);
    }
    j = std::move(next);
  }
}

// copies: N applies the objects N times, "{{index}}" replaced by 0 ... N-1 — a
// thousand Deployments from one manifest.
void expand_copies(reader& r, const node& n, step& out) {
  if (!n.has("copies")) return;
  auto c = r.integer(n, "copies", "apply", 1, 1000000);
  if (!c) return;
  std::vector<core::object> one = std::move(out.objects);
  out.objects.clear();
  out.objects.reserve(one.size() * static_cast<std::size_t>(*c));
  for (std::int64_t i = 0; i < *c; ++i) {
    for (const auto& o : one) {
      core::json j = o.data();
      substitute(j, std::to_string(i));
      out.objects.emplace_back(std::move(j));
    }
  }
}

}  // namespace

std::string parse_apply(reader& r, const node& n, step& out) {
  if (n.value().is_string()) {
    load_path(r, n, n.value().get<std::string>(), out);
    return "apply " + n.value().get<std::string>();
  }
  if (!r.want_map(n, "apply")) return "apply";
  r.known_keys(n, {"file", "object", "objects", "copies"}, "apply");
  int forms = n.has("file") + n.has("object") + n.has("objects");
  if (forms != 1) {
    r.error(n, forms == 0 ? "apply needs file, object or objects" : "apply takes one of file, object or objects");
    return "apply";
  }
  if (n.has("file")) {
    auto f = r.string(n, "file", "apply");
    if (!f) return "apply";
    load_path(r, n["file"], *f, out);
    expand_copies(r, n, out);
    return "apply " + *f + (n.has("copies") ? " × " + std::to_string(out.objects.size()) : "");
  }
  if (n.has("object")) {
    if (auto o = check_object(r, r.file(), n["object"])) out.objects.push_back(std::move(*o));
  } else {
    node list = n["objects"];
    if (!list.value().is_array()) {
      r.error(list, "apply: objects must be a list, not " + type_name(list.value()));
      return "apply";
    }
    if (list.value().empty()) r.error(list, "apply: objects is empty");
    for (std::size_t i = 0; i < list.value().size(); ++i)
      if (auto o = check_object(r, r.file(), list.at(i))) out.objects.push_back(std::move(*o));
  }
  expand_copies(r, n, out);
  if (out.objects.size() == 1) return "apply " + describe_object(out.objects[0]);
  return "apply " + std::to_string(out.objects.size()) + " objects";
}

}  // namespace ktk::sim::detail
