# scenarios_auth.py — authentication and RBAC as the Python client meets them: 401 for
# an unknown token, kube's 403 Forbidden Status, access granted by a RoleBinding the
# admin makes, and SelfSubjectAccessReview. The server runs with
# --tls --authorization-mode RBAC --token-auth-file (alice-token → alice in devs).
import copy

from kubernetes import client

from check import NS, api_error, check, equal, status_body

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def client_with_token(token):
    c = copy.copy(client.Configuration.get_default_copy())
    c.api_key = {"authorization": "Bearer " + token}
    c.api_key_prefix = {}
    return client.ApiClient(c)


def can_i(api, verb, resource, ns=NS):
    review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
              "spec": {"resourceAttributes": {"namespace": ns, "verb": verb, "resource": resource}}}
    return client.AuthorizationV1Api(api).create_self_subject_access_review(review).status.allowed


@scenario
def rbac():
    alice = client_with_token("alice-token")
    e = api_error(client.CoreV1Api(alice).list_namespaced_pod, NS)
    body = status_body(e, 403, "Forbidden",
                       'pods is forbidden: User "alice" cannot list resource "pods" in API group "" '
                       'in the namespace "%s"' % NS)
    equal(body.get("details"), {"kind": "pods"}, "details")
    equal(can_i(alice, "list", "pods"), False, "can alice list pods before the binding")

    rbac_api = client.RbacAuthorizationV1Api()
    rbac_api.create_namespaced_role(NS, {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "pod-reader"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]})
    rbac_api.create_namespaced_role_binding(NS, {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "devs-read-pods"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "devs"}]})
    pods = client.CoreV1Api(alice).list_namespaced_pod(NS)
    equal(pods.kind, "PodList", "list as alice after the binding")
    equal(can_i(alice, "list", "pods"), True, "can alice list pods after the binding")
    equal(can_i(alice, "delete", "pods"), False, "can alice delete pods")
    e = api_error(client.CoreV1Api(alice).delete_namespaced_pod, "p", NS)
    status_body(e, 403, "Forbidden")

    nobody = client_with_token("no-such-token")
    e = api_error(client.CoreV1Api(nobody).list_namespaced_pod, NS)
    status_body(e, 401, "Unauthorized", "Unauthorized")
    check(can_i(client.ApiClient(), "delete", "nodes", ""), "the admin (system:masters) may do anything")
