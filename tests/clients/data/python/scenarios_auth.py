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


def token_review(token, audiences=None):
    spec = {"token": token}
    if audiences:
        spec["audiences"] = audiences
    return client.AuthenticationV1Api().create_token_review(
        {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec}).status


@scenario
def service_account_token():
    """TokenRequest (serviceaccounts/{name}/token): the token authenticates as the
    service account, RBAC applies to it, TokenReview reads it, and it ends with its
    service account or bound Pod."""
    core = client.CoreV1Api()
    core.create_namespaced_service_account(NS, {"metadata": {"name": "robot"}})
    tr = core.create_namespaced_service_account_token("robot", NS, {"spec": {"expirationSeconds": 1200}})
    equal(tr.kind, "TokenRequest", "kind of the answer")
    equal(tr.spec.expiration_seconds, 1200, "expirationSeconds")
    equal(tr.spec.audiences, ["https://kubernetes.default.svc.cluster.local"], "default audiences")
    check(tr.status.token.count(".") == 2, "the token is a JWT")
    check(tr.status.expiration_timestamp is not None, "expirationTimestamp")
    robot = client_with_token(tr.status.token)

    # (This client predates SelfSubjectReview; TokenReview shows the identity.)
    info = token_review(tr.status.token).user
    equal(info.username, "system:serviceaccount:%s:robot" % NS, "username")
    equal(info.groups, ["system:serviceaccounts", "system:serviceaccounts:" + NS, "system:authenticated"], "groups")
    check(info.extra["authentication.kubernetes.io/credential-id"][0].startswith("JTI="), "credential id")
    equal(can_i(robot, "list", "pods"), False, "can the service account list pods before the binding")

    e = api_error(client.CoreV1Api(robot).list_namespaced_pod, NS)
    status_body(e, 403, "Forbidden",
                'pods is forbidden: User "system:serviceaccount:%s:robot" cannot list resource "pods" in API group '
                '"" in the namespace "%s"' % (NS, NS))
    client.RbacAuthorizationV1Api().create_namespaced_role_binding(NS, {
        "metadata": {"name": "robot-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": NS}]})
    equal(client.CoreV1Api(robot).list_namespaced_pod(NS).kind, "PodList", "list as the service account")
    equal(can_i(robot, "list", "pods"), True, "can the service account list pods after the binding")

    review = token_review(tr.status.token)
    equal(review.authenticated, True, "TokenReview authenticated")
    equal(review.audiences, ["https://kubernetes.default.svc.cluster.local"], "TokenReview audiences")

    # A token for another audience is not one for this server.
    vault = core.create_namespaced_service_account_token("robot", NS, {"spec": {"audiences": ["vault"]}})
    e = api_error(client.CoreV1Api(client_with_token(vault.status.token)).list_namespaced_pod, NS)
    status_body(e, 401, "Unauthorized", "Unauthorized")
    review = token_review(vault.status.token, ["vault"])
    equal(review.authenticated, True, "TokenReview for the vault audience")
    equal(review.audiences, ["vault"], "TokenReview audiences for vault")

    # Bound to a Pod: the token names it, and ends when the Pod is gone.
    core.create_namespaced_pod(NS, {"metadata": {"name": "runner"}, "spec": {
        "serviceAccountName": "robot", "containers": [{"name": "c", "image": "busybox"}]}})
    bound = core.create_namespaced_service_account_token("robot", NS, {"spec": {
        "boundObjectRef": {"apiVersion": "v1", "kind": "Pod", "name": "runner"}}})
    pod_robot = client_with_token(bound.status.token)
    info = token_review(bound.status.token).user
    equal(info.extra["authentication.kubernetes.io/pod-name"], ["runner"], "pod-name extra")
    equal(client.CoreV1Api(pod_robot).list_namespaced_pod(NS).kind, "PodList", "list with the pod-bound token")
    core.delete_namespaced_pod("runner", NS, grace_period_seconds=0)
    e = api_error(client.CoreV1Api(pod_robot).list_namespaced_pod, NS)
    status_body(e, 401, "Unauthorized", "Unauthorized")

    e = api_error(core.create_namespaced_service_account_token, "ghost", NS, {"spec": {}})
    status_body(e, 404, "NotFound", 'serviceaccounts "ghost" not found')
    e = api_error(core.create_namespaced_service_account_token, "robot", NS, {"spec": {"expirationSeconds": 60}})
    status_body(e, 422, "Invalid",
                'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: '
                'may not specify a duration less than 10 minutes')

    core.delete_namespaced_service_account("robot", NS)
    e = api_error(client.CoreV1Api(robot).list_namespaced_pod, NS)
    status_body(e, 401, "Unauthorized", "Unauthorized")
