#!/usr/bin/env python3
"""Writes apiserver/src/http/protobuf_schema_data.cpp: the wire description of the
Kubernetes protobuf messages ktk decodes (request bodies sent as
application/vnd.kubernetes.protobuf, which client-go >= 1.32 and kubectl >= 1.32 send
for built-in kinds).

    scripts/gen-protobuf-schema.py API_DIR APIMACHINERY_DIR > apiserver/src/http/protobuf_schema_data.cpp

KTK_PROTO_SOURCE, when set, is named in the output's first lines (which commits).

API_DIR is a checkout of k8s.io/api, APIMACHINERY_DIR one of k8s.io/apimachinery. The
structure (field numbers, wire types, nesting) comes from their generated.proto files;
whether a field is a Go pointer and whether its JSON tag has omitempty comes from the
Go struct tags in the same packages, because the JSON ktk builds must drop what Go's
encoding/json would drop and keep what it would keep. Each field's Go type, as Go's
reflect prints it (`v1.RestartPolicy`, `[]v1.Container`, `map[string]string`), comes
from the same declarations: kube-apiserver's decoding errors name it.
"""
import os
import re
import sys

# proto package directory (under k8s.io/api) -> API group. Only the groups ktk serves,
# plus autoscaling for the scale subresource.
GROUPS = {
    "core/v1": "",
    "apps/v1": "apps",
    "batch/v1": "batch",
    "coordination/v1": "coordination.k8s.io",
    "rbac/v1": "rbac.authorization.k8s.io",
    "authorization/v1": "authorization.k8s.io",
    "authentication/v1": "authentication.k8s.io",
    "admissionregistration/v1": "admissionregistration.k8s.io",
    "autoscaling/v1": "autoscaling",
}
MACHINERY = ["pkg/apis/meta/v1", "pkg/api/resource", "pkg/util/intstr", "pkg/runtime", "pkg/runtime/schema"]

# Messages whose JSON form is not the plain field-by-field one.
SPECIAL = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time": "time",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "micro_time",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Duration": "duration",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "raw_json",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "raw_json",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "quantity",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "int_or_string",
}
SCALARS = {"string": "string", "bytes": "bytes", "int32": "int32", "int64": "int64", "uint32": "uint64",
           "uint64": "uint64", "bool": "boolean", "double": "float64", "float": "float32"}

FIELD_RE = re.compile(r"^\s*(optional|repeated)\s+(\S+)\s+(\w+)\s*=\s*(\d+)\s*;")
MAP_RE = re.compile(r"^\s*map<\s*(\w+)\s*,\s*(\S+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;")
GO_FIELD_RE = re.compile(r"^\s*(\w+)\s+(\S+)\s+`([^`]*)`")
GO_EMBEDDED_RE = re.compile(r"^\s*([*\w.]+)\s+`([^`]*)`")


def read_proto(path):
    pkg = None
    messages = {}
    current = None
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        if s.startswith("//") or not s:
            continue
        m = re.match(r"package\s+([\w.]+)\s*;", s)
        if m:
            pkg = m.group(1)
            continue
        m = re.match(r"message\s+(\w+)\s*\{", s)
        if m:
            current = m.group(1)
            messages[current] = []
            continue
        if s == "}":
            current = None
            continue
        if current is None:
            continue
        m = MAP_RE.match(line)
        if m:
            messages[current].append(("map", m.group(2), m.group(3), int(m.group(4)), m.group(1)))
            continue
        m = FIELD_RE.match(line)
        if m:
            messages[current].append((m.group(1), m.group(2), m.group(3), int(m.group(4)), None))
    return pkg, messages


GO_BUILTINS = {"string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
               "uint64", "float32", "float64", "byte"}


def go_type_name(t, package, imports):
    """A Go type expression as reflect prints it: pointers dropped (the decoder reports
    the pointed-to type), import aliases replaced by package names, byte as uint8."""
    t = t.lstrip("*")
    if t.startswith("[]"):
        return "[]" + go_type_name(t[2:], package, imports)
    if t.startswith("map["):
        depth, i = 0, 3
        for i in range(3, len(t)):
            depth += {"[": 1, "]": -1}.get(t[i], 0)
            if depth == 0:
                break
        return "map[" + go_type_name(t[4:i], package, imports) + "]" + go_type_name(t[i + 1:], package, imports)
    if t in GO_BUILTINS:
        return "uint8" if t == "byte" else t
    if "." in t:
        alias, name = t.split(".", 1)
        return imports.get(alias, alias) + "." + name
    return package + "." + t


def read_go_tags(directory):
    """struct name -> {proto number: (json name, pointer, omitempty, inline, Go type)}"""
    out = {}
    package = os.path.basename(os.path.normpath(directory))
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".go") or name.endswith("_test.go") or name.startswith("zz_generated"):
            continue
        struct = None
        imports = {}
        for line in open(os.path.join(directory, name), encoding="utf-8"):
            m = re.match(r'^\s*(?:import\s+)?(\w+\s+)?"([\w./-]+)"\s*$', line)
            if m and not struct:
                path = m.group(2)
                imports[(m.group(1) or path.rsplit("/", 1)[-1]).strip()] = path.rsplit("/", 1)[-1]
                continue
            m = re.match(r"^package\s+(\w+)", line)
            if m:
                package = m.group(1)
                continue
            m = re.match(r"^type\s+(\w+)\s+struct\s*\{", line)
            if m:
                struct = m.group(1)
                out.setdefault(struct, {})
                continue
            if struct and line.startswith("}"):
                struct = None
                continue
            if not struct:
                continue
            m = GO_FIELD_RE.match(line)
            embedded = None
            if m:
                gotype, tag = m.group(2), m.group(3)
            else:
                embedded = GO_EMBEDDED_RE.match(line)
                if not embedded:
                    continue
                gotype, tag = embedded.group(1), embedded.group(2)
            pb = re.search(r'protobuf:"(\w+),(\d+),', tag)
            js = re.search(r'json:"([^"]*)"', tag)
            if not pb:
                continue
            jparts = (js.group(1) if js else "").split(",")
            # An embedded struct without a JSON name is inlined: its fields are the parent's.
            inline = embedded is not None and jparts[0] == ""
            out[struct][int(pb.group(2))] = (jparts[0], gotype.startswith("*"), "omitempty" in jparts[1:], inline,
                                             go_type_name(gotype, package, imports))
    return out


def main():
    api, machinery = sys.argv[1], sys.argv[2]
    packages = {}  # proto package -> (messages, go tags, group/version or None)
    for d in MACHINERY:
        pkg, msgs = read_proto(os.path.join(machinery, d, "generated.proto"))
        packages[pkg] = (msgs, read_go_tags(os.path.join(machinery, d)), None)
    for d, group in GROUPS.items():
        pkg, msgs = read_proto(os.path.join(api, d, "generated.proto"))
        version = d.split("/")[1]
        packages[pkg] = (msgs, read_go_tags(os.path.join(api, d)), (group + "/" + version) if group else version)

    # Packages the served groups refer to (core/v1 reaches into others) are read too,
    # for their structure only.
    wanted = set()
    for pkg, (msgs, _, _) in list(packages.items()):
        for fields in msgs.values():
            for f in fields:
                if f[1].startswith(".k8s.io.api."):
                    wanted.add(".".join(f[1][1:].split(".")[:-1]))
    while wanted:
        pkg = wanted.pop()
        if pkg in packages:
            continue
        d = os.path.join(api, *pkg.split(".")[3:])
        _, msgs = read_proto(os.path.join(d, "generated.proto"))
        packages[pkg] = (msgs, read_go_tags(d), None)
        for fields in msgs.values():
            for f in fields:
                if f[1].startswith(".k8s.io.api."):
                    wanted.add(".".join(f[1][1:].split(".")[:-1]))

    def resolve(pkg, t):
        if t.startswith("."):
            return t[1:]
        return pkg + "." + t

    # Kinds: messages of the served groups with an ObjectMeta `metadata`, plus the lists.
    objmeta = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    roots = []
    for pkg, (msgs, _, gv) in packages.items():
        if gv is None:
            continue
        for name, fields in msgs.items():
            for f in fields:
                if f[2] == "metadata" and resolve(pkg, f[1]) == objmeta:
                    roots.append((gv, name, pkg + "." + name))
    roots.append(("meta/v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"))

    all_msgs = {}
    for pkg, (msgs, tags, _) in packages.items():
        for name, fields in msgs.items():
            all_msgs[pkg + "." + name] = (pkg, name, fields, tags.get(name, {}))

    # The transitive closure of the roots, in a stable order.
    order, seen, stack = [], set(), [r[2] for r in sorted(roots, reverse=True)]
    while stack:
        full = stack.pop()
        if full in seen:
            continue
        if full not in all_msgs:
            sys.exit("unknown message " + full)
        seen.add(full)
        order.append(full)
        pkg, _, fields, _ = all_msgs[full]
        if full in SPECIAL:
            continue
        for label, t, _, _, _ in fields:
            if t not in SCALARS:
                stack.append(resolve(pkg, t))
    order.sort()
    index = {m: i for i, m in enumerate(order)}

    rows, msg_rows = [], []
    for full in order:
        pkg, name, fields, tags = all_msgs[full]
        first = len(rows)
        special = SPECIAL.get(full, "none")
        for label, t, pname, num, key in sorted(fields, key=lambda f: f[3]):
            jname, pointer, omitempty, inline, gotype = tags.get(num, (pname, False, True, False, ""))
            if not jname or jname == "-":
                jname = pname
            flags = []
            if label == "repeated":
                flags.append("repeated")
            if label == "map":
                flags.append("map")
            if pointer:
                flags.append("pointer")
            if omitempty:
                flags.append("omitempty")
            if inline:
                flags.append("inlined")
            if t in SCALARS:
                kind, target = SCALARS[t], "none"
            else:
                kind, target = "message", str(index[resolve(pkg, t)])
            if label == "map" and key != "string":
                sys.exit("map key " + key + " in " + full)
            flag_expr = " | ".join("f::" + x for x in flags) or "0"
            rows.append('    {%d, "%s", k::%s, %s, %s, "%s"},' % (num, jname, kind, flag_expr, target, gotype))
        msg_rows.append('    {"%s", s::%s, %d, %d},' % (full, special, first, len(rows) - first))

    kinds = sorted((gv, kind, index[full]) for gv, kind, full in roots)
    print("// Generated by scripts/gen-protobuf-schema.py from the generated.proto files and Go")
    print("// struct tags of k8s.io/api and k8s.io/apimachinery. Do not edit by hand.")
    if os.environ.get("KTK_PROTO_SOURCE"):
        print("// Source: " + os.environ["KTK_PROTO_SOURCE"] + ".")
    print('#include "http/protobuf_schema.hpp"')
    print()
    print("namespace ktk::apiserver::http::protobuf {")
    print("namespace {")
    print("using k = wire_kind;")
    print("using s = special_form;")
    print("namespace f = field_flag;")
    print("constexpr std::uint32_t none = no_message;")
    print()
    print("const field_info fields_data[] = {")
    print("\n".join(rows))
    print("};")
    print()
    print("const message_info messages_data[] = {")
    print("\n".join(msg_rows))
    print("};")
    print()
    print("const kind_info kinds_data[] = {")
    for gv, kind, i in kinds:
        print('    {"%s", "%s", %d},' % (gv, kind, i))
    print("};")
    print("}  // namespace")
    print()
    print("const schema_tables& tables() {")
    print("  static const schema_tables t{fields_data, messages_data, kinds_data};")
    print("  return t;")
    print("}")
    print()
    print("}  // namespace ktk::apiserver::http::protobuf")


main()
