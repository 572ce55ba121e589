# scenarios_list.py — limit/continue paging as kube-apiserver does it: a consistent
# snapshot across pages, remainingItemCount, and bad or expired continue tokens.
from kubernetes import client

from check import NS, api_error, check, configmap, equal, status_body

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def pages(v1, **kwargs):
    """Lists configmaps two at a time; returns the pages."""
    out = []
    token = None
    while True:
        page = v1.list_namespaced_config_map(NS, limit=2, _continue=token, **kwargs)
        out.append(page)
        token = page.metadata._continue
        if not token:
            return out
        check(len(out) < 20, "paging does not end")


@scenario
def paging():
    v1 = client.CoreV1Api()
    names = ["cm-%d" % i for i in range(5)]
    for i, name in enumerate(names):
        v1.create_namespaced_config_map(NS, configmap(name, labels={"odd": str(i % 2)}))

    first = v1.list_namespaced_config_map(NS, limit=2)
    equal([c.metadata.name for c in first.items], names[:2], "first page")
    equal(first.metadata.remaining_item_count, 3, "remainingItemCount of the first page")
    check(first.metadata._continue, "first page has no continue token")
    # Writes after the first page do not show in the next ones: they read the same snapshot.
    v1.create_namespaced_config_map(NS, configmap("cm-9"))
    v1.delete_namespaced_config_map("cm-4", NS)
    second = v1.list_namespaced_config_map(NS, limit=2, _continue=first.metadata._continue)
    equal([c.metadata.name for c in second.items], names[2:4], "second page")
    equal(second.metadata.remaining_item_count, 1, "remainingItemCount of the second page")
    equal(second.metadata.resource_version, first.metadata.resource_version, "resourceVersion of the second page")
    third = v1.list_namespaced_config_map(NS, limit=2, _continue=second.metadata._continue)
    equal([c.metadata.name for c in third.items], names[4:], "third page")
    check(not third.metadata._continue, "last page has a continue token %r" % third.metadata._continue)
    equal(third.metadata.remaining_item_count, None, "remainingItemCount of the last page")

    # A fresh walk visits every object exactly once.
    seen = [c.metadata.name for p in pages(v1) for c in p.items]
    equal(seen, sorted(names[:4] + ["cm-9"]), "names over all pages")

    # With a label selector the pages hold only matches and carry no remainingItemCount.
    walked = pages(v1, label_selector="odd=0")
    equal([c.metadata.name for p in walked for c in p.items], ["cm-0", "cm-2"], "odd=0 over all pages")
    for p in walked:
        equal(p.metadata.remaining_item_count, None, "remainingItemCount with a label selector")

    # limit=0 means no limit.
    equal(len(v1.list_namespaced_config_map(NS, limit=0).items), 5, "items with limit=0")


@scenario
def paging_invalid_continue():
    v1 = client.CoreV1Api()
    for i in range(3):
        v1.create_namespaced_config_map(NS, configmap("cm-%d" % i))
    e = api_error(v1.list_namespaced_config_map, NS, limit=2, _continue="not-a-token!")
    # Go's base64.RawURLEncoding stops at the "!" (byte 11).
    status_body(e, 400, "BadRequest",
                "invalid continue token: continue key is not valid: illegal base64 data at input byte 11")
    token = v1.list_namespaced_config_map(NS, limit=2).metadata._continue
    e = api_error(v1.list_namespaced_config_map, NS, limit=2, _continue=token, resource_version="5")
    status_body(e, 400, "BadRequest", "specifying resource version is not allowed when using continue")


@scenario
def paging_expired_continue():
    # Needs `ktk serve --watch-history 5`: the first page's snapshot falls out of the
    # history after more than five writes, as an etcd compaction would drop it.
    v1 = client.CoreV1Api()
    for i in range(3):
        v1.create_namespaced_config_map(NS, configmap("cm-%d" % i))
    first = v1.list_namespaced_config_map(NS, limit=2)
    for i in range(7):
        v1.patch_namespaced_config_map("cm-2", NS, {"data": {"n": str(i)}})
    e = api_error(v1.list_namespaced_config_map, NS, limit=2, _continue=first.metadata._continue)
    body = status_body(e, 410, "Expired")
    check(body["message"].startswith("The provided continue parameter is too old to display a consistent list "
                                     "result."), body["message"])
    # kube-apiserver hands back a token that continues at the newest revision.
    fresh = body.get("metadata", {}).get("continue")
    check(fresh, "the 410 Status carries no metadata.continue: %r" % body)
    rest = v1.list_namespaced_config_map(NS, limit=2, _continue=fresh)
    equal([c.metadata.name for c in rest.items], ["cm-2"], "items after the inconsistent continue")
    equal(rest.items[0].data, {"n": "6"}, "data read at the newest revision")
