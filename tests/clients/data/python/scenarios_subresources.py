# scenarios_subresources.py — status and scale subresources of Deployments and of a
# CustomResourceDefinition made at run time (CustomObjectsApi), and the dynamic
# client's discovery finding that CRD.
import os
import tempfile

from kubernetes import client, dynamic
from kubernetes.dynamic.exceptions import ResourceNotFoundError

from check import NS, api_error, check, equal, poll, status_body, ScenarioFailure

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def deployment(name, replicas):
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {
            "replicas": replicas, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels},
                         "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9"}]}},
        },
    }


@scenario
def deployment_scale_status():
    apps = client.AppsV1Api()
    made = apps.create_namespaced_deployment(NS, deployment("web", 1))
    equal(made.metadata.generation, 1, "generation of a new deployment")

    scale = apps.read_namespaced_deployment_scale("web", NS)
    equal((scale.kind, scale.api_version), ("Scale", "autoscaling/v1"), "scale kind")
    equal(scale.spec.replicas, 1, "scale spec.replicas")
    equal(scale.status.replicas, 0, "scale status.replicas")
    equal(scale.status.selector, "app=web", "scale status.selector")
    equal(scale.metadata.uid, made.metadata.uid, "scale uid")

    scaled = apps.patch_namespaced_deployment_scale("web", NS, {"spec": {"replicas": 3}})
    equal(scaled.spec.replicas, 3, "replicas after the scale patch")
    dep = apps.read_namespaced_deployment("web", NS)
    equal(dep.spec.replicas, 3, "deployment spec.replicas after scaling")
    equal(dep.metadata.generation, 2, "generation after scaling")

    scale = apps.read_namespaced_deployment_scale("web", NS)
    scale.spec.replicas = 4
    equal(apps.replace_namespaced_deployment_scale("web", NS, scale).spec.replicas, 4, "replicas after replace")

    dep = apps.read_namespaced_deployment("web", NS)
    dep.status = client.V1DeploymentStatus(replicas=4, ready_replicas=2, available_replicas=2, updated_replicas=4,
                                           observed_generation=dep.metadata.generation)
    dep.spec.replicas = 9  # ignored: the status subresource writes status only
    got = apps.replace_namespaced_deployment_status("web", NS, dep)
    equal((got.status.replicas, got.status.ready_replicas), (4, 2), "status after replace_status")
    equal(got.spec.replicas, 4, "spec.replicas after replace_status")
    equal(got.metadata.generation, 3, "generation after replace_status")
    equal(apps.read_namespaced_deployment_scale("web", NS).status.replicas, 4, "scale status.replicas")

    # A plain update ignores status.
    dep = apps.read_namespaced_deployment("web", NS)
    dep.status.ready_replicas = 0
    dep.metadata.labels = {"touched": "yes"}
    got = apps.replace_namespaced_deployment("web", NS, dep)
    equal(got.status.ready_replicas, 2, "status after a main-resource replace")

    status_body(api_error(apps.read_namespaced_deployment_scale, "nope", NS), 404, "NotFound",
                'deployments.apps "nope" not found')


GROUP, VERSION, PLURAL = "example.com", "v1", "widgets"


def widget_crd():
    schema = {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {"replicas": {"type": "integer"}, "color": {"type": "string"}}},
        "status": {"type": "object", "properties": {
            "replicas": {"type": "integer"}, "selector": {"type": "string"}, "phase": {"type": "string"}}},
    }}
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": PLURAL + "." + GROUP},
        "spec": {
            "group": GROUP, "scope": "Namespaced",
            "names": {"plural": PLURAL, "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
            "versions": [{
                "name": VERSION, "served": True, "storage": True, "schema": {"openAPIV3Schema": schema},
                "subresources": {"status": {}, "scale": {
                    "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
                    "labelSelectorPath": ".status.selector"}},
            }],
        },
    }


def install_widget_crd():
    ext = client.ApiextensionsV1Api()
    made = ext.create_custom_resource_definition(widget_crd())
    equal(made.spec.names.kind, "Widget", "CRD kind")

    def established():
        crd = ext.read_custom_resource_definition(PLURAL + "." + GROUP)
        conds = {c.type: c.status for c in (crd.status.conditions or [])}
        return conds.get("Established") == "True" and crd.status.accepted_names.kind == "Widget"

    poll(established, "the Widget CRD to be Established")


def widget(name, replicas, labels):
    return {"apiVersion": GROUP + "/" + VERSION, "kind": "Widget", "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "color": "red"}, "status": {"phase": "Ignored"}}


@scenario
def custom_objects():
    install_widget_crd()
    co = client.CustomObjectsApi()
    args = (GROUP, VERSION, NS, PLURAL)
    made = poll(lambda: co.create_namespaced_custom_object(*args, widget("w1", 3, {"tier": "front"})),
                "the first Widget")
    check("status" not in made or not made["status"], "status kept on create: %r" % made.get("status"))
    equal(made["metadata"].get("generation"), 1, "generation")
    co.create_namespaced_custom_object(*args, widget("w2", 1, {"tier": "back"}))

    got = co.get_namespaced_custom_object(*args, "w1")
    equal(got["spec"], {"replicas": 3, "color": "red"}, "spec")

    patched = co.patch_namespaced_custom_object_status(
        *args, "w1", {"status": {"replicas": 2, "selector": "tier=front", "phase": "Ready"}, "spec": {"color": "blue"}})
    equal(patched["status"], {"replicas": 2, "selector": "tier=front", "phase": "Ready"}, "status after patch")
    equal(patched["spec"]["color"], "red", "spec.color after a status patch")
    equal(patched["metadata"]["generation"], 1, "generation after a status patch")

    scale = co.get_namespaced_custom_object_scale(*args, "w1")
    equal((scale["kind"], scale["apiVersion"]), ("Scale", "autoscaling/v1"), "scale kind")
    equal(scale["spec"], {"replicas": 3}, "scale spec")
    equal(scale["status"], {"replicas": 2, "selector": "tier=front"}, "scale status")
    scaled = co.patch_namespaced_custom_object_scale(*args, "w1", {"spec": {"replicas": 5}})
    equal(scaled["spec"]["replicas"], 5, "scale after patch")
    equal(co.get_namespaced_custom_object(*args, "w1")["spec"]["replicas"], 5, "spec.replicas after scaling")

    merged = co.patch_namespaced_custom_object(*args, "w1", {"spec": {"color": "green"}})
    equal(merged["spec"], {"replicas": 5, "color": "green"}, "spec after a merge patch")

    front = co.list_namespaced_custom_object(*args, label_selector="tier=front")
    equal(front["kind"], "WidgetList", "list kind")
    equal([i["metadata"]["name"] for i in front["items"]], ["w1"], "tier=front widgets")
    equal(len(co.list_namespaced_custom_object(*args)["items"]), 2, "all widgets")

    co.delete_namespaced_custom_object(*args, "w1")
    e = api_error(co.get_namespaced_custom_object, *args, "w1")
    body = status_body(e, 404, "NotFound", 'widgets.example.com "w1" not found')
    equal(body.get("details", {}).get("group"), GROUP, "details.group")
    e = api_error(co.patch_namespaced_custom_object_status, *args, "w2", {"status": {"replicas": "many"}})
    body = status_body(e, 422, "Invalid")
    fields = [c.get("field") for c in body.get("details", {}).get("causes", [])]
    check("status.replicas" in fields, "causes %r lack status.replicas" % fields)


@scenario
def dynamic_discovery():
    cache = os.path.join(tempfile.mkdtemp(), "discovery.json")
    dc = dynamic.DynamicClient(client.ApiClient(), cache_file=cache)
    cms = dc.resources.get(api_version="v1", kind="ConfigMap")
    equal((cms.name, cms.namespaced), ("configmaps", True), "ConfigMap resource")
    dc.resources.get(api_version="apps/v1", kind="Deployment")
    made = cms.create(body={"metadata": {"name": "dyn"}, "data": {"a": "1"}}, namespace=NS)
    equal(made.metadata.name, "dyn", "dynamic create")
    equal(cms.get(name="dyn", namespace=NS).data.a, "1", "dynamic get")
    try:
        dc.resources.get(api_version=GROUP + "/" + VERSION, kind="Widget")
    except ResourceNotFoundError:
        pass
    else:
        raise ScenarioFailure("Widget found before its CRD exists")

    install_widget_crd()
    dc.resources.invalidate_cache()
    widgets = dc.resources.get(api_version=GROUP + "/" + VERSION, kind="Widget")
    equal((widgets.name, widgets.namespaced), (PLURAL, True), "Widget resource")
    check(widgets.subresources.get("status") and widgets.subresources.get("scale"),
          "Widget subresources %r" % list(widgets.subresources))
    created = poll(lambda: widgets.create(body={"metadata": {"name": "d1"}, "spec": {"replicas": 1}}, namespace=NS),
                   "a Widget through the dynamic client")
    equal(created.spec.replicas, 1, "dynamic Widget")

    fresh = dynamic.DynamicClient(client.ApiClient(), cache_file=cache + ".fresh",
                                  discoverer=dynamic.discovery.EagerDiscoverer)
    equal(fresh.resources.get(api_version=GROUP + "/" + VERSION, kind="Widget").name, PLURAL, "fresh client Widget")
    names = [i.metadata.name for i in fresh.resources.get(api_version=GROUP + "/" + VERSION, kind="Widget")
             .get(namespace=NS).items]
    equal(names, ["d1"], "widgets listed by a fresh client")
