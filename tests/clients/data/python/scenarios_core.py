# scenarios_core.py — version, CoreV1Api CRUD of ConfigMaps and Pods, and the error
# responses (404, 409, 422, 400) as kube-apiserver sends them.
import json

from kubernetes import client

from check import NS, api_error, check, configmap, equal, status_body

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def pod(name, containers=("c",), node_name=None, labels=None):
    spec = {"containers": [{"name": c, "image": "registry.k8s.io/pause:3.9"} for c in containers]}
    if node_name:
        spec["nodeName"] = node_name
    meta = {"name": name, "labels": labels or {"app": "web"}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


@scenario
def version():
    # The client asks for /version/ (trailing slash) and needs major/minor/gitVersion.
    info = client.VersionApi().get_code()
    check(info.git_version and info.git_version.startswith("v"), "gitVersion %r" % info.git_version)
    check(info.major and info.major.isdigit(), "major %r" % info.major)
    check(info.minor and info.minor.rstrip("+").isdigit(), "minor %r" % info.minor)
    check(info.platform, "platform missing")


@scenario
def configmap_crud():
    v1 = client.CoreV1Api()
    made = v1.create_namespaced_config_map(NS, configmap("cm1", {"a": "1"}, {"app": "web"}))
    equal(made.kind, "ConfigMap", "created kind")
    equal(made.api_version, "v1", "created apiVersion")
    equal(made.metadata.namespace, NS, "namespace")
    check(made.metadata.uid, "uid missing")
    check(made.metadata.creation_timestamp is not None, "creationTimestamp missing")
    rv1 = made.metadata.resource_version
    check(rv1, "resourceVersion missing")

    got = v1.read_namespaced_config_map("cm1", NS)
    equal(got.data, {"a": "1"}, "read data")
    equal(got.metadata.resource_version, rv1, "read resourceVersion")

    got.data["b"] = "2"
    replaced = v1.replace_namespaced_config_map("cm1", NS, got)
    equal(replaced.data, {"a": "1", "b": "2"}, "replaced data")
    check(int(replaced.metadata.resource_version) > int(rv1), "replace did not advance resourceVersion")
    equal(replaced.metadata.uid, made.metadata.uid, "uid after replace")

    # A dict body is sent as a strategic merge patch, a list as a JSON patch.
    patched = v1.patch_namespaced_config_map("cm1", NS, {"data": {"c": "3", "a": None}})
    equal(patched.data, {"b": "2", "c": "3"}, "data after strategic merge patch")
    patched = v1.patch_namespaced_config_map("cm1", NS, [{"op": "add", "path": "/data/d", "value": "4"}])
    equal(patched.data, {"b": "2", "c": "3", "d": "4"}, "data after JSON patch")
    e = api_error(v1.patch_namespaced_config_map, "cm1", NS, [{"op": "test", "path": "/data/d", "value": "5"}])
    equal(e.status, 422, "status of a failed JSON patch test op")

    listed = v1.list_namespaced_config_map(NS)
    equal(listed.kind, "ConfigMapList", "list kind")
    check(int(listed.metadata.resource_version) >= int(patched.metadata.resource_version), "list resourceVersion")
    check("cm1" in [i.metadata.name for i in listed.items], "cm1 not listed")

    gone = v1.delete_namespaced_config_map("cm1", NS)
    equal(gone.status, "Success", "delete status")
    equal(gone.details.name, "cm1", "delete details.name")
    equal(gone.details.kind, "configmaps", "delete details.kind")
    e = api_error(v1.read_namespaced_config_map, "cm1", NS)
    status_body(e, 404, "NotFound", 'configmaps "cm1" not found')


@scenario
def pod_crud():
    v1 = client.CoreV1Api()
    made = v1.create_namespaced_pod(NS, pod("p1"))
    equal(made.kind, "Pod", "created kind")
    equal(made.metadata.labels, {"app": "web"}, "labels")
    equal(made.status.phase, "Pending", "status.phase of a new pod")
    got = v1.read_namespaced_pod("p1", NS)
    equal(got.spec.containers[0].image, "registry.k8s.io/pause:3.9", "image")

    got.metadata.labels["tier"] = "front"
    got.spec.containers[0].image = "registry.k8s.io/pause:3.10"
    replaced = v1.replace_namespaced_pod("p1", NS, got)
    equal(replaced.metadata.labels, {"app": "web", "tier": "front"}, "labels after replace")
    equal(replaced.spec.containers[0].image, "registry.k8s.io/pause:3.10", "image after replace")

    patched = v1.patch_namespaced_pod("p1", NS, {"metadata": {"annotations": {"note": "x"}}})
    equal(patched.metadata.annotations, {"note": "x"}, "annotations after patch")

    listed = v1.list_namespaced_pod(NS, label_selector="tier=front")
    equal([p.metadata.name for p in listed.items], ["p1"], "pods with tier=front")

    # An unscheduled pod is deleted at once and the response is the pod itself.
    gone = v1.delete_namespaced_pod("p1", NS)
    equal(gone.kind, "Pod", "kind of the delete response")
    equal(gone.metadata.name, "p1", "name in the delete response")
    e = api_error(v1.read_namespaced_pod, "p1", NS)
    status_body(e, 404, "NotFound", 'pods "p1" not found')


@scenario
def pod_strategic_merge():
    # Containers merge by name under a strategic merge patch: patching one keeps the other.
    v1 = client.CoreV1Api()
    v1.create_namespaced_pod(NS, pod("p2", containers=("c", "d")))
    patched = v1.patch_namespaced_pod(
        "p2", NS, {"spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]}})
    images = {c.name: c.image for c in patched.spec.containers}
    equal(images, {"c": "registry.k8s.io/pause:3.10", "d": "registry.k8s.io/pause:3.9"}, "container images")


@scenario
def pod_graceful_delete():
    # A scheduled pod is only marked for deletion (grace period 30 s by default); an
    # explicit grace period of 0 removes it.
    v1 = client.CoreV1Api()
    v1.create_namespaced_pod(NS, pod("p3", node_name="node-1"))
    marked = v1.delete_namespaced_pod("p3", NS)
    equal(marked.kind, "Pod", "kind of the delete response")
    check(marked.metadata.deletion_timestamp is not None, "deletionTimestamp not set")
    equal(marked.metadata.deletion_grace_period_seconds, 30, "deletionGracePeriodSeconds")
    still = v1.read_namespaced_pod("p3", NS)
    check(still.metadata.deletion_timestamp is not None, "pod lost its deletionTimestamp")
    v1.delete_namespaced_pod("p3", NS, grace_period_seconds=0)
    status_body(api_error(v1.read_namespaced_pod, "p3", NS), 404, "NotFound")


@scenario
def conflict():
    v1 = client.CoreV1Api()
    stale = v1.create_namespaced_config_map(NS, configmap("x", {"k": "1"}))
    v1.patch_namespaced_config_map("x", NS, {"data": {"k": "2"}})
    stale.data["k"] = "3"
    e = api_error(v1.replace_namespaced_config_map, "x", NS, stale)
    body = status_body(e, 409, "Conflict",
                       'Operation cannot be fulfilled on configmaps "x": the object has been modified; '
                       "please apply your changes to the latest version and try again")
    equal(body.get("details", {}).get("name"), "x", "details.name")
    equal(body.get("details", {}).get("kind"), "configmaps", "details.kind")
    equal(v1.read_namespaced_config_map("x", NS).data, {"k": "2"}, "data after the rejected replace")
    # Creating an existing name is a 409 AlreadyExists.
    e = api_error(v1.create_namespaced_config_map, NS, configmap("x"))
    status_body(e, 409, "AlreadyExists", 'configmaps "x" already exists')


@scenario
def not_found():
    v1 = client.CoreV1Api()
    e = api_error(v1.read_namespaced_config_map, "missing", NS)
    body = status_body(e, 404, "NotFound", 'configmaps "missing" not found')
    equal(body.get("details"), {"name": "missing", "kind": "configmaps"}, "details")
    e = api_error(v1.delete_namespaced_config_map, "missing", NS)
    status_body(e, 404, "NotFound", 'configmaps "missing" not found')
    e = api_error(v1.patch_namespaced_config_map, "missing", NS, {"data": {"a": "b"}})
    status_body(e, 404, "NotFound", 'configmaps "missing" not found')


@scenario
def invalid():
    v1 = client.CoreV1Api()
    e = api_error(v1.create_namespaced_config_map, NS, configmap("Bad_Name"))
    body = status_body(e, 422, "Invalid")
    check(body["message"].startswith('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": '
                                     "a lowercase RFC 1123 subdomain must consist of"), body["message"])
    details = body.get("details", {})
    equal(details.get("name"), "Bad_Name", "details.name")
    equal(details.get("kind"), "ConfigMap", "details.kind")
    causes = details.get("causes") or []
    check(causes, "details.causes is empty: %r" % body)
    equal(causes[0].get("reason"), "FieldValueInvalid", "causes[0].reason")
    equal(causes[0].get("field"), "metadata.name", "causes[0].field")
    check(causes[0].get("message", "").startswith('Invalid value: "Bad_Name": a lowercase RFC 1123'), causes[0])

    no_containers = pod("p4", containers=())
    e = api_error(v1.create_namespaced_pod, NS, no_containers)
    body = status_body(e, 422, "Invalid")
    fields = [(c.get("reason"), c.get("field")) for c in body.get("details", {}).get("causes", [])]
    check(("FieldValueRequired", "spec.containers") in fields, "causes %r lack spec.containers Required" % fields)


@scenario
def undecodable_body():
    # A number where ConfigMap.data wants a string: Go's decoding fails before anything
    # else, and the client gets kube's 400 in Go's words.
    v1 = client.CoreV1Api()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ports"}, "data": {"http": 8080}}
    e = api_error(v1.create_namespaced_config_map, NS, body)
    status_body(e, 400, "BadRequest", 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot '
                "unmarshal number into Go struct field ConfigMap.data of type string")
    e = api_error(v1.read_namespaced_config_map, "ports", NS)
    status_body(e, 404, "NotFound")
    # Quantities and times are parsed by their own decoders, also before validation.
    bad_cpu = pod("bad-cpu")
    bad_cpu["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "1 core"}}
    e = api_error(v1.create_namespaced_pod, NS, bad_cpu)
    status_body(e, 400, "BadRequest", 'Pod in version "v1" cannot be handled as a Pod: quantities must match the '
                "regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    bad_time = pod("bad-time")
    bad_time["status"] = {"startTime": "today"}
    e = api_error(v1.create_namespaced_pod, NS, bad_time)
    status_body(e, 400, "BadRequest", 'Pod in version "v1" cannot be handled as a Pod: parsing time "today" as '
                '"2006-01-02T15:04:05Z07:00": cannot parse "today" as "2006"')


@scenario
def bad_label_selector():
    v1 = client.CoreV1Api()
    e = api_error(v1.list_namespaced_config_map, NS, label_selector="a in (")
    status_body(e, 400, "BadRequest")
    e = api_error(v1.list_namespaced_config_map, NS, label_selector="a=b=c")
    status_body(e, 400, "BadRequest")


@scenario
def delete_collection():
    v1 = client.CoreV1Api()
    for name, tier in (("keep1", "app"), ("tmp1", "tmp"), ("keep2", "app"), ("tmp2", "tmp")):
        v1.create_namespaced_config_map(NS, configmap(name, labels={"tier": tier}))
    # The typed call deserialises the response as a Status; read it raw to see that
    # kube-apiserver answers with the list of what it deleted.
    raw = v1.delete_collection_namespaced_config_map(NS, label_selector="tier=tmp", _preload_content=False)
    body = json.loads(raw.data)
    equal(body.get("kind"), "ConfigMapList", "kind of the deletecollection response")
    equal(sorted(i["metadata"]["name"] for i in body.get("items", [])), ["tmp1", "tmp2"], "deleted items")
    left = sorted(c.metadata.name for c in v1.list_namespaced_config_map(NS).items)
    check("tmp1" not in left and "tmp2" not in left, "tier=tmp left: %r" % left)
    check("keep1" in left and "keep2" in left, "tier=app deleted: %r" % left)
    typed = v1.delete_collection_namespaced_config_map(NS, label_selector="tier=app")
    check(typed is not None, "typed deletecollection returned nothing")
    left = [c.metadata.name for c in v1.list_namespaced_config_map(NS, label_selector="tier").items]
    equal(left, [], "configmaps with a tier label")


@scenario
def boolean_query_params():
    # The client writes Python booleans as "True"/"False". kube-apiserver reads a
    # boolean query parameter as false for "0" or "false" in any case, true otherwise.
    v1 = client.CoreV1Api()
    v1.create_namespaced_config_map(NS, configmap("b"))
    gone = v1.delete_namespaced_config_map("b", NS, orphan_dependents=False)
    equal(gone.status, "Success", "delete with orphanDependents=False")
    raw = v1.list_namespaced_config_map(NS, watch=False, _preload_content=False)
    equal(json.loads(raw.data).get("kind"), "ConfigMapList", "kind of a list with watch=False")
