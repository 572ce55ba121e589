# check.py — assertions shared by the scenarios: explicit checks that raise with a
# clear message (they hold under `python3 -O` too), ApiException capture, and the
# kube-apiserver Status body every error response must carry.
import json
import time

from kubernetes.client.rest import ApiException

NS = "default"


class ScenarioFailure(AssertionError):
    pass


def check(cond, message):
    if not cond:
        raise ScenarioFailure(message)


def equal(got, want, what):
    check(got == want, "%s: got %r, want %r" % (what, got, want))


def api_error(fn, *args, **kwargs):
    """Calls fn and returns the ApiException it must raise."""
    try:
        got = fn(*args, **kwargs)
    except ApiException as e:
        return e
    raise ScenarioFailure("%s did not fail; it returned %r" % (getattr(fn, "__name__", fn), got))


# HTTP reason phrases urllib3 reports as ApiException.reason.
PHRASES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
           410: "Gone", 422: "Unprocessable Entity"}


def status_body(e, code, reason, message=None):
    """Checks that e is a kube-apiserver error response and returns its Status body."""
    equal(e.status, code, "HTTP status of %r" % e.body)
    equal(e.reason, PHRASES[code], "HTTP reason phrase")
    ctype = (e.headers or {}).get("Content-Type", "")
    check(ctype.startswith("application/json"), "error Content-Type is %r, want application/json" % ctype)
    try:
        body = json.loads(e.body)
    except (TypeError, ValueError) as err:
        raise ScenarioFailure("error body is not JSON (%s): %r" % (err, e.body))
    equal(body.get("kind"), "Status", "body.kind")
    equal(body.get("apiVersion"), "v1", "body.apiVersion")
    equal(body.get("status"), "Failure", "body.status")
    equal(body.get("reason"), reason, "body.reason")
    equal(body.get("code"), code, "body.code")
    check(isinstance(body.get("metadata"), dict), "body.metadata missing: %r" % body)
    check(isinstance(body.get("message"), str) and body["message"], "body.message missing: %r" % body)
    if message is not None:
        equal(body["message"], message, "body.message")
    return body


def poll(fn, what, timeout=10.0):
    """Calls fn until it returns a truthy value, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        if time.monotonic() > deadline:
            raise ScenarioFailure("timed out waiting for " + what)
        time.sleep(0.05)


def configmap(name, data=None, labels=None):
    meta = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {}}
