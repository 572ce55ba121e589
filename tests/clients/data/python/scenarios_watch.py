# scenarios_watch.py — kubernetes.watch.Watch against the server: replay from a
# resourceVersion, live events, label-selected watches (relabelled out = DELETED),
# timeoutSeconds, bookmarks, and 410 Expired for a resourceVersion out of the history.
import json
import re
import time

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from check import NS, check, configmap, equal, ScenarioFailure

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def collect(stream, count, watcher):
    """Takes `count` events from the stream (bookmarks aside), then stops the watch."""
    out = []
    for ev in stream:
        if ev["type"] == "BOOKMARK":
            continue
        out.append(ev)
        if len(out) == count:
            watcher.stop()
            break
    check(len(out) == count, "the watch ended after %d of %d events: %r" % (len(out), count, summary(out)))
    return out


def summary(events):
    return [(e["type"], e["raw_object"]["metadata"].get("name"), e["raw_object"]["metadata"].get("resourceVersion"))
            for e in events]


@scenario
def watch_from_resource_version():
    v1 = client.CoreV1Api()
    a = v1.create_namespaced_config_map(NS, configmap("a", {"k": "0"}))
    start = a.metadata.resource_version
    rvs = [
        ("MODIFIED", "a", v1.patch_namespaced_config_map("a", NS, {"data": {"k": "1"}}).metadata.resource_version),
        ("ADDED", "b", v1.create_namespaced_config_map(NS, configmap("b")).metadata.resource_version),
    ]
    deleted = v1.delete_namespaced_config_map("a", NS)
    check(deleted.status == "Success", "delete failed")
    w = watch.Watch()
    stream = w.stream(v1.list_namespaced_config_map, NS, resource_version=start, timeout_seconds=20)
    got = collect(stream, 3, w)
    equal(summary(got)[:2], rvs, "replayed events")
    equal((got[2]["type"], got[2]["raw_object"]["metadata"]["name"]), ("DELETED", "a"), "third event")
    check(int(got[2]["raw_object"]["metadata"]["resourceVersion"]) > int(rvs[1][2]),
          "DELETED carries the deletion's resourceVersion: %r" % summary(got))
    check(isinstance(got[0]["object"], client.V1ConfigMap), "event object is %r" % type(got[0]["object"]))
    equal(got[0]["object"].data, {"k": "1"}, "data in the MODIFIED event")
    equal(w.resource_version, got[2]["raw_object"]["metadata"]["resourceVersion"], "Watch.resource_version")


@scenario
def watch_live_events():
    # Each write happens after the previous event arrived, so the watch is open for it.
    v1 = client.CoreV1Api()
    start = v1.list_namespaced_config_map(NS).metadata.resource_version
    v1.create_namespaced_config_map(NS, configmap("live", {"n": "0"}))
    w = watch.Watch()
    seen = []
    for ev in w.stream(v1.list_namespaced_config_map, NS, resource_version=start, timeout_seconds=20):
        seen.append((ev["type"], ev["object"].data.get("n")))
        if len(seen) < 3:
            v1.patch_namespaced_config_map("live", NS, {"data": {"n": str(len(seen))}})
        else:
            w.stop()
            break
    equal(seen, [("ADDED", "0"), ("MODIFIED", "1"), ("MODIFIED", "2")], "live events")


@scenario
def watch_label_selector():
    v1 = client.CoreV1Api()
    start = v1.list_namespaced_config_map(NS).metadata.resource_version
    v1.create_namespaced_config_map(NS, configmap("x", labels={"app": "web"}))
    v1.create_namespaced_config_map(NS, configmap("y", labels={"app": "db"}))
    v1.patch_namespaced_config_map("x", NS, {"data": {"k": "v"}})
    relabel = v1.patch_namespaced_config_map("x", NS, {"metadata": {"labels": {"app": "db"}}})
    v1.patch_namespaced_config_map("y", NS, {"metadata": {"labels": {"app": "web"}}})
    v1.patch_namespaced_config_map("x", NS, {"data": {"k": "w"}})  # no longer selected: unseen
    v1.delete_namespaced_config_map("y", NS)
    w = watch.Watch()
    stream = w.stream(v1.list_namespaced_config_map, NS, label_selector="app=web", resource_version=start,
                      timeout_seconds=20)
    got = collect(stream, 5, w)
    kinds = [(e["type"], e["raw_object"]["metadata"]["name"]) for e in got]
    equal(kinds, [("ADDED", "x"), ("MODIFIED", "x"), ("DELETED", "x"), ("ADDED", "y"), ("DELETED", "y")],
          "events of the app=web watch")
    # The object that left the selection comes as it was before, at the relabel's revision.
    left = got[2]["raw_object"]["metadata"]
    equal(left.get("labels"), {"app": "web"}, "labels of the DELETED object")
    equal(left.get("resourceVersion"), relabel.metadata.resource_version, "resourceVersion of the DELETED object")


@scenario
def watch_timeout():
    v1 = client.CoreV1Api()
    began = time.monotonic()
    events = list(watch.Watch().stream(v1.list_namespaced_config_map, NS, timeout_seconds=1))
    took = time.monotonic() - began
    equal(events, [], "events of a quiet watch")
    check(0.5 <= took < 10, "a 1 s watch lasted %.2f s" % took)


@scenario
def watch_bookmarks():
    v1 = client.CoreV1Api()
    start = v1.list_namespaced_config_map(NS).metadata.resource_version
    v1.create_namespaced_config_map(NS, configmap("b1"))
    v1.create_namespaced_config_map(NS, configmap("b2"))
    w = watch.Watch()
    stream = w.stream(v1.list_namespaced_config_map, NS, resource_version=start, allow_watch_bookmarks=True,
                      timeout_seconds=20)
    added, bookmarks = [], []
    for ev in stream:
        (bookmarks if ev["type"] == "BOOKMARK" else added).append(ev)
        if len(added) == 2:
            w.stop()
            break
    equal([(e["type"], e["raw_object"]["metadata"]["name"]) for e in added], [("ADDED", "b1"), ("ADDED", "b2")],
          "events of a watch with bookmarks allowed")
    for ev in bookmarks:  # a bookmark holds only a resourceVersion (and annotations)
        check(set(ev["raw_object"]["metadata"]) <= {"resourceVersion", "annotations"}, "bookmark %r" % ev)


def expired_setup(v1):
    """Needs `ktk serve --watch-history 5`: returns a resourceVersion out of the history."""
    first = v1.create_namespaced_config_map(NS, configmap("old", {"n": "0"}))
    for i in range(1, 8):
        v1.patch_namespaced_config_map("old", NS, {"data": {"n": str(i)}})
    return first.metadata.resource_version


@scenario
def watch_expired():
    v1 = client.CoreV1Api()
    rv = expired_setup(v1)
    # The server answers 200 and sends one ERROR event holding a 410 Expired Status.
    resp = v1.list_namespaced_config_map(NS, watch=True, resource_version=rv, _preload_content=False,
                                         _request_timeout=(5, 10))
    equal(resp.status, 200, "HTTP status of a watch from an expired resourceVersion")
    lines = [line for line in resp.read().decode().split("\n") if line]
    equal(len(lines), 1, "lines of the expired watch %r" % lines)
    ev = json.loads(lines[0])
    equal(ev.get("type"), "ERROR", "event type")
    status = ev.get("object", {})
    equal((status.get("kind"), status.get("apiVersion"), status.get("status")), ("Status", "v1", "Failure"), "Status")
    equal((status.get("code"), status.get("reason")), (410, "Expired"), "code and reason")
    m = re.fullmatch(r"too old resource version: (\d+) \((\d+)\)", status.get("message", ""))
    check(m, "message %r" % status.get("message"))
    equal(m.group(1), rv, "resourceVersion named in the message")

    # Watch.stream retries once from the same resourceVersion, then raises 410.
    for kwargs in ({}, {"timeout_seconds": 20}):
        try:
            events = list(watch.Watch().stream(v1.list_namespaced_config_map, NS, resource_version=rv, **kwargs))
        except ApiException as e:
            equal(e.status, 410, "ApiException.status")
            check(e.reason.startswith("Expired: too old resource version: " + rv), "reason %r" % e.reason)
        else:
            raise ScenarioFailure("Watch.stream %r ended without the 410: %r" % (kwargs, summary(events)))
