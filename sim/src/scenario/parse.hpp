// The pieces of the scenario parser, one file each: cluster, object references and
// checks, applied objects, faults, steps, and the default names. Each reads a node,
// reports every problem to the reader and returns what it could make of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/reader.hpp"

namespace ktk::sim::detail {

// The keys of an object reference ({kind: Pod, selector: app=web, ...}).
const std::vector<std::string_view>& ref_keys();
// The keys a check takes.
const std::vector<std::string_view>& check_keys();

// cluster: nodes, timings, default_timing, timeouts, crds. Fills the default node
// group when `nodes` is absent.
void parse_cluster(reader& r, const node& n, cluster_spec& out);

// An object reference from `map`, whose keys may also include `extra`.
std::optional<object_ref> parse_ref(reader& r, const node& map, std::string_view what,
                                    const std::vector<std::string_view>& extra = {});
// One check from `map` (which may also hold the keys in `extra`); names it when it
// has no name.
std::optional<check> parse_check(reader& r, const node& map, std::string_view what,
                                 const std::vector<std::string_view>& extra = {});

// apply's value: a file path, or {file:}, {object:} or {objects:}. Appends the
// objects in order; problems in applied files name those files. Returns the step's
// default name ("apply deployment.yaml", "apply Deployment default/web").
std::string parse_apply(reader& r, const node& n, step& out);

// fault's value; `cluster` knows the Node names a node_failure may name.
std::optional<fault> parse_fault(reader& r, const node& n, const cluster_spec& cluster);

// One item of steps:.
std::optional<step> parse_step(reader& r, const node& n, const cluster_spec& cluster);

// The Node names a cluster spec makes.
std::vector<std::string> node_names(const cluster_spec& c);

// Default names, as they read in a JUnit report.
std::string default_name(const check& c);
std::string default_name(const step& s, std::string_view action);
std::string default_name(const fault& f);

}  // namespace ktk::sim::detail
