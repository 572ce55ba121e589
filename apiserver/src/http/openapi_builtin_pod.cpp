// Built-in schemas: Pod and what it is made of. The main fields, in ktk's own words;
// the patch extensions are kube's, since clients merge lists by them.
#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

void add_container(definitions& d) {
  def(d, core_v1 + "Container", "One container of a pod: an image, how to start it and what it needs.",
      {
          str("name", "Name of the container, unique within the pod (a DNS label)."),
          str("image", "Container image reference, such as nginx:1.27."),
          str_enum("imagePullPolicy", "When to pull the image: Always, IfNotPresent or Never.",
                   {"Always", "IfNotPresent", "Never"}),
          str_list("command", "Entrypoint; replaces the image's ENTRYPOINT. Not run in a shell."),
          str_list("args", "Arguments to the entrypoint; replace the image's CMD."),
          str("workingDir", "Working directory of the process."),
          list("ports", core_v1 + "ContainerPort", "Ports the container exposes (informational).", "containerPort"),
          list("env", core_v1 + "EnvVar", "Environment variables to set.", "name"),
          list("envFrom", core_v1 + "EnvFromSource", "Sources (ConfigMaps, Secrets) whose keys become variables."),
          ref("resources", core_v1 + "ResourceRequirements", "CPU, memory and other resources requested and allowed."),
          list("volumeMounts", core_v1 + "VolumeMount", "Pod volumes mounted into the container's filesystem.", "mountPath"),
          ref("livenessProbe", core_v1 + "Probe", "Restarts the container when it fails."),
          ref("readinessProbe", core_v1 + "Probe", "Removes the pod from service endpoints while it fails."),
          ref("startupProbe", core_v1 + "Probe", "Holds the other probes back until the container has started."),
          ref("lifecycle", core_v1 + "Lifecycle", "Actions run after start and before stop."),
          ref("securityContext", core_v1 + "SecurityContext", "Security options of the container."),
          str("restartPolicy", "For init containers only: Always makes it a sidecar."),
          str("terminationMessagePath", "File whose content becomes the termination message."),
          str("terminationMessagePolicy", "File or FallbackToLogsOnError."),
          boolean("stdin", "Keep a stdin buffer open for the container."),
          boolean("stdinOnce", "Close stdin after the first attach ends."),
          boolean("tty", "Allocate a TTY (needs stdin)."),
      },
      {"name"});
  def(d, core_v1 + "ContainerPort", "A network port of a container.",
      {
          i32("containerPort", "Port number on the pod's IP, 1-65535."),
          str("name", "IANA service name for the port, unique within the pod; services can refer to it."),
          str_enum("protocol", "TCP (default), UDP or SCTP.", {"SCTP", "TCP", "UDP"}),
          i32("hostPort", "Port on the node to expose it on; rarely needed."),
          str("hostIP", "Node IP to bind the host port to."),
      },
      {"containerPort"});
  def(d, core_v1 + "EnvVar", "An environment variable: a literal value or a reference.",
      {
          str("name", "Variable name."),
          str("value", "Literal value; $(VAR) references earlier variables."),
          ref("valueFrom", core_v1 + "EnvVarSource", "Where to read the value from, when value is empty."),
      },
      {"name"});
  def(d, core_v1 + "EnvVarSource", "The source of a variable's value.",
      {
          ref("configMapKeyRef", core_v1 + "KeySelector", "A key of a ConfigMap in the pod's namespace."),
          ref("secretKeyRef", core_v1 + "KeySelector", "A key of a Secret in the pod's namespace."),
          ref("fieldRef", core_v1 + "ObjectFieldSelector", "A field of the pod, such as metadata.name or status.podIP."),
          ref("resourceFieldRef", core_v1 + "ResourceFieldSelector", "A resource limit or request of a container."),
      });
  def(d, core_v1 + "KeySelector", "Selects one key of a ConfigMap or Secret.",
      {
          str("name", "Name of the ConfigMap or Secret."),
          str("key", "The key to read."),
          boolean("optional", "Whether the object or key may be missing."),
      },
      {"key"});
  def(d, core_v1 + "ObjectFieldSelector", "Selects a field of the pod.",
      {str("apiVersion", "Version the field path is written against; v1 by default."),
       str("fieldPath", "Path of the field, such as metadata.labels['app'].")},
      {"fieldPath"});
  def(d, core_v1 + "ResourceFieldSelector", "Selects a container resource.",
      {str("containerName", "The container; required for volumes."), str("resource", "limits.cpu, requests.memory ..."),
       quantity("divisor", "Unit to express the value in.")},
      {"resource"});
  def(d, core_v1 + "EnvFromSource", "Imports every key of a ConfigMap or Secret as variables.",
      {str("prefix", "Prepended to each key."), ref("configMapRef", core_v1 + "LocalObjectReference", "The ConfigMap."),
       ref("secretRef", core_v1 + "LocalObjectReference", "The Secret.")});
  def(d, core_v1 + "LocalObjectReference", "Names an object in the same namespace.", {str("name", "Its name.")});
  def(d, core_v1 + "ResourceRequirements", "Compute resources of a container.",
      {
          quantity_map("limits", "The most the container may use, by resource name (cpu, memory ...)."),
          quantity_map("requests", "What the scheduler reserves for it; defaults to the limits."),
      });
  def(d, core_v1 + "VolumeMount", "Mounts a pod volume into a container.",
      {
          str("name", "Name of a volume of the pod."),
          str("mountPath", "Where in the container to mount it; must not contain ':'."),
          str("subPath", "Mount this path inside the volume instead of its root."),
          boolean("readOnly", "Mount read-only."),
      },
      {"name", "mountPath"});
  def(d, core_v1 + "Probe", "A health check run against a container.",
      {
          ref("exec", core_v1 + "ExecAction", "Run a command; exit status 0 is healthy."),
          ref("httpGet", core_v1 + "HTTPGetAction", "An HTTP GET; 2xx and 3xx are healthy."),
          ref("tcpSocket", core_v1 + "TCPSocketAction", "Open a TCP connection."),
          i32("initialDelaySeconds", "Seconds after start before the first probe."),
          i32("periodSeconds", "Seconds between probes (default 10)."),
          i32("timeoutSeconds", "Seconds before a probe times out (default 1)."),
          i32("successThreshold", "Consecutive successes to count as healthy again."),
          i32("failureThreshold", "Consecutive failures to count as unhealthy (default 3)."),
      });
  def(d, core_v1 + "ExecAction", "A command run in the container.", {str_list("command", "Command and arguments.")});
  def(d, core_v1 + "HTTPGetAction", "An HTTP GET request.",
      {str("path", "Request path."), int_or_string("port", "Port number or name."),
       str("host", "Host to connect to; the pod IP by default."), str("scheme", "HTTP or HTTPS.")},
      {"port"});
  def(d, core_v1 + "TCPSocketAction", "A TCP connection attempt.",
      {int_or_string("port", "Port number or name."), str("host", "Host; the pod IP by default.")}, {"port"});
  def(d, core_v1 + "Lifecycle", "Hooks around a container's life.",
      {ref("postStart", core_v1 + "LifecycleHandler", "Run right after the container starts."),
       ref("preStop", core_v1 + "LifecycleHandler", "Run before the container is stopped.")});
  def(d, core_v1 + "LifecycleHandler", "An action run by a lifecycle hook.",
      {ref("exec", core_v1 + "ExecAction", "Run a command."), ref("httpGet", core_v1 + "HTTPGetAction", "Send an HTTP GET."),
       ref("tcpSocket", core_v1 + "TCPSocketAction", "Open a TCP connection.")});
  def(d, core_v1 + "SecurityContext", "Security options of a container.",
      {i64("runAsUser", "UID to run as."), i64("runAsGroup", "GID to run as."),
       boolean("runAsNonRoot", "Refuse to start as UID 0."), boolean("privileged", "Run privileged."),
       boolean("readOnlyRootFilesystem", "Mount the root filesystem read-only."),
       boolean("allowPrivilegeEscalation", "Whether a process may gain more privileges than its parent."),
       free_object("capabilities", "Linux capabilities to add and drop.")});
}

void add_volumes(definitions& d) {
  def(d, core_v1 + "Volume", "A named volume pods' containers can mount. Set exactly one source.",
      {
          str("name", "Name of the volume, unique within the pod (a DNS label)."),
          ref("emptyDir", core_v1 + "EmptyDirVolumeSource", "A scratch directory that lives as long as the pod."),
          ref("configMap", core_v1 + "ConfigMapVolumeSource", "Files from the keys of a ConfigMap."),
          ref("secret", core_v1 + "SecretVolumeSource", "Files from the keys of a Secret."),
          ref("persistentVolumeClaim", core_v1 + "PersistentVolumeClaimVolumeSource", "A claimed persistent volume."),
          ref("hostPath", core_v1 + "HostPathVolumeSource", "A file or directory of the node."),
          free_object("projected", "Several sources projected into one directory."),
          free_object("downwardAPI", "Files holding fields of the pod."),
          free_object("csi", "A volume provided by a CSI driver."),
          free_object("nfs", "An NFS export."),
      },
      {"name"});
  def(d, core_v1 + "EmptyDirVolumeSource", "A temporary directory.",
      {str("medium", "\"\" for the node's disk, Memory for tmpfs."),
       quantity("sizeLimit", "Most space the directory may use.")});
  def(d, core_v1 + "KeyToPath", "Maps one key to a file.",
      {str("key", "The key."), str("path", "Relative file path."), i32("mode", "File mode bits.")}, {"key", "path"});
  def(d, core_v1 + "ConfigMapVolumeSource", "Projects a ConfigMap's keys as files.",
      {str("name", "The ConfigMap."), list("items", core_v1 + "KeyToPath", "Only these keys, at these paths."),
       i32("defaultMode", "Mode bits of the files (default 0644)."),
       boolean("optional", "Whether the ConfigMap may be missing.")});
  def(d, core_v1 + "SecretVolumeSource", "Projects a Secret's keys as files.",
      {str("secretName", "The Secret."), list("items", core_v1 + "KeyToPath", "Only these keys, at these paths."),
       i32("defaultMode", "Mode bits of the files (default 0644)."),
       boolean("optional", "Whether the Secret may be missing.")});
  def(d, core_v1 + "PersistentVolumeClaimVolumeSource", "Refers to a PersistentVolumeClaim of the pod's namespace.",
      {str("claimName", "Name of the claim."), boolean("readOnly", "Mount read-only.")}, {"claimName"});
  def(d, core_v1 + "HostPathVolumeSource", "A path on the node.",
      {str("path", "The path on the node."), str("type", "What must exist there: Directory, File ...")}, {"path"});
}

void add_status(definitions& d) {
  def(d, core_v1 + "PodStatus", "What is observed of a pod. Written by the kubelet and the scheduler.",
      {
          str_enum("phase", "Where the pod is in its life.", {"Failed", "Pending", "Running", "Succeeded", "Unknown"}),
          list("conditions", core_v1 + "PodCondition", "Conditions such as PodScheduled and Ready.", "type"),
          str("message", "Why the pod is in this state, for people."),
          str("reason", "Why the pod is in this state, in CamelCase, such as Evicted."),
          str("hostIP", "IP of the node the pod runs on."),
          str("podIP", "IP of the pod."),
          list("podIPs", core_v1 + "PodIP", "The pod's IPs (one per family).", "ip"),
          time("startTime", "When the kubelet accepted the pod."),
          list("containerStatuses", core_v1 + "ContainerStatus", "One entry per container."),
          list("initContainerStatuses", core_v1 + "ContainerStatus", "One entry per init container."),
          str("qosClass", "Guaranteed, Burstable or BestEffort, from the resources."),
          str("nominatedNodeName", "Node the scheduler preempted pods on for this one."),
      });
  def(d, core_v1 + "PodIP", "An IP of a pod.", {str("ip", "The address.")});
  def(d, core_v1 + "PodCondition", "One condition of a pod.",
      {
          str("type", "PodScheduled, Initialized, ContainersReady, Ready ..."),
          str("status", "True, False or Unknown."),
          time("lastProbeTime", "When the condition was last checked."),
          time("lastTransitionTime", "When status last changed."),
          str("reason", "CamelCase reason of the last transition."),
          str("message", "Detail for people."),
      },
      {"type", "status"});
  def(d, core_v1 + "ContainerStatus", "What is observed of one container.",
      {
          str("name", "The container's name."),
          ref("state", core_v1 + "ContainerState", "Its current state."),
          ref("lastState", core_v1 + "ContainerState", "Its state before the last restart."),
          boolean("ready", "Whether it passes its readiness probe."),
          boolean("started", "Whether it passed its startup probe."),
          i32("restartCount", "How many times it was restarted."),
          str("image", "The image it runs."),
          str("imageID", "The resolved image digest."),
          str("containerID", "Runtime ID, as <type>://<id>."),
      },
      {"name", "ready", "restartCount", "image", "imageID"});
  def(d, core_v1 + "ContainerState", "At most one of waiting, running, terminated is set.",
      {free_object("waiting", "Not running yet: reason and message."),
       free_object("running", "Running since startedAt."),
       free_object("terminated", "Ended: exitCode, reason, startedAt, finishedAt.")});
}

}  // namespace

void add_pod_types(definitions& d) {
  kind_def(d, core_v1 + "Pod", {"", "v1", "Pod"},
           "A group of containers that run together on one node, sharing network and volumes.",
           {
               ref("spec", core_v1 + "PodSpec", "What the pod should run."),
               ref("status", core_v1 + "PodStatus", "What is observed of the pod. Read-only."),
           });
  list_def(d, core_v1 + "Pod", {"", "v1", "PodList"});
  def(d, core_v1 + "PodSpec", "The desired content and placement of a pod.",
      {
          list("containers", core_v1 + "Container", "The containers of the pod; at least one.", "name"),
          list("initContainers", core_v1 + "Container", "Containers run in order, each to completion, before the others.",
               "name"),
          list("ephemeralContainers", core_v1 + "Container", "Debugging containers added to a running pod.", "name"),
          list("volumes", core_v1 + "Volume", "Volumes the containers can mount.", "name", "merge,retainKeys"),
          str_enum("restartPolicy", "When to restart containers that exit.", {"Always", "Never", "OnFailure"}),
          str("nodeName", "The node the pod is bound to; set by the scheduler."),
          str_map("nodeSelector", "Labels a node must have for the pod to be scheduled there."),
          str("serviceAccountName", "The ServiceAccount the pod runs as."),
          boolean("automountServiceAccountToken", "Whether to mount the service account token."),
          str("schedulerName", "The scheduler that places the pod (default-scheduler)."),
          str("priorityClassName", "Priority class of the pod."),
          i64("terminationGracePeriodSeconds", "Seconds given to stop gracefully on deletion (default 30)."),
          i64("activeDeadlineSeconds", "Seconds the pod may run before it is failed."),
          str("dnsPolicy", "ClusterFirst (default), Default, ClusterFirstWithHostNet or None."),
          str("hostname", "Hostname of the pod; its name by default."),
          str("subdomain", "With hostname, gives the pod a DNS name under a headless service."),
          boolean("hostNetwork", "Use the node's network namespace."),
          list("imagePullSecrets", core_v1 + "LocalObjectReference", "Secrets used to pull the images.", "name"),
          list("tolerations", core_v1 + "Toleration", "Taints the pod tolerates."),
          free_object("affinity", "Node and pod affinity and anti-affinity rules."),
          free_object("securityContext", "Security options applied to every container."),
          list("topologySpreadConstraints", core_v1 + "TopologySpreadConstraint",
               "How to spread the pods across zones or nodes.", "topologyKey"),
      },
      {"containers"});
  def(d, core_v1 + "Toleration", "Lets the pod schedule onto (or stay on) nodes with a matching taint.",
      {str("key", "Taint key; empty with Exists matches every taint."), str("operator", "Equal (default) or Exists."),
       str("value", "Taint value, for Equal."), str("effect", "NoSchedule, PreferNoSchedule or NoExecute."),
       i64("tolerationSeconds", "For NoExecute: how long the pod stays after the taint appears.")});
  def(d, core_v1 + "TopologySpreadConstraint", "One rule for spreading pods.",
      {i32("maxSkew", "Most allowed difference in pod count between domains."),
       str("topologyKey", "Node label that defines a domain."),
       str("whenUnsatisfiable", "DoNotSchedule or ScheduleAnyway."),
       ref("labelSelector", meta_v1 + "LabelSelector", "Which pods to count.")},
      {"maxSkew", "topologyKey", "whenUnsatisfiable"});
  def(d, core_v1 + "PodTemplateSpec", "The pod a controller creates: its metadata and spec.",
      {ref("metadata", meta_v1 + "ObjectMeta", "Labels and annotations of the pods."),
       ref("spec", core_v1 + "PodSpec", "Spec of the pods.")});
  add_container(d);
  add_volumes(d);
  add_status(d);
}

}  // namespace ktk::apiserver::http::openapi::detail
