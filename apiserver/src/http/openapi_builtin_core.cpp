// Built-in schemas: the other core/v1 kinds, coordination, apiextensions, autoscaling
// Scale and Binding.
#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

void add_service(definitions& d) {
  kind_def(d, core_v1 + "Service", {"", "v1", "Service"}, "A stable name and address in front of a set of pods.",
           {ref("spec", core_v1 + "ServiceSpec", "Ports, selector and type of the service."),
            ref("status", core_v1 + "ServiceStatus", "Load balancer state. Read-only.")});
  def(d, core_v1 + "ServiceSpec", "The desired behaviour of a Service.",
      {list("ports", core_v1 + "ServicePort", "The ports the service exposes.", "port"),
       str_map("selector", "Pods with these labels receive the traffic; empty means endpoints are managed by hand."),
       str_enum("type", "How the service is exposed.", {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}),
       str("clusterIP", "Virtual IP of the service; \"None\" makes a headless service. Set at creation."),
       str_list("clusterIPs", "Virtual IPs, one per family."),
       str("externalName", "For ExternalName: the DNS name the service aliases."),
       str("sessionAffinity", "None (default) or ClientIP."),
       str_list("externalIPs", "Extra IPs routed to the service."),
       str("externalTrafficPolicy", "Cluster (default) or Local."),
       boolean("publishNotReadyAddresses", "Publish endpoints of pods that are not ready.")});
  d[core_v1 + "ServiceSpec"]["properties"]["ports"]["x-kubernetes-list-map-keys"] = json::array({"port", "protocol"});
  def(d, core_v1 + "ServicePort", "One port of a Service.",
      {str("name", "Name of the port; required when there are several."),
       str_enum("protocol", "TCP (default), UDP or SCTP.", {"SCTP", "TCP", "UDP"}),
       i32("port", "The port the service listens on."),
       int_or_string("targetPort", "Port (number or container port name) on the pods; the port by default."),
       i32("nodePort", "For NodePort and LoadBalancer: the port on every node."),
       str("appProtocol", "Application protocol, such as http or kubernetes.io/h2c.")},
      {"port"});
  def(d, core_v1 + "ServiceStatus", "The observed state of a Service.",
      {free_object("loadBalancer", "Ingress points of the load balancer."),
       list("conditions", meta_v1 + "Condition", "Conditions of the service.", "type")});
}

void add_config(definitions& d) {
  kind_def(d, core_v1 + "ConfigMap", {"", "v1", "ConfigMap"}, "Non-secret configuration as key/value pairs.",
           {str_map("data", "UTF-8 values by key."),
            {"binaryData",
             {{"type", "object"},
              {"additionalProperties", {{"type", "string"}, {"format", "byte"}}},
              {"description", "Base64-encoded binary values by key; keys must not repeat those of data."}}},
            boolean("immutable", "When true, data cannot change any more.")});
  kind_def(d, core_v1 + "Secret", {"", "v1", "Secret"}, "Sensitive data, such as passwords, tokens or keys.",
           {{"data",
             {{"type", "object"},
              {"additionalProperties", {{"type", "string"}, {"format", "byte"}}},
              {"description", "Base64-encoded values by key."}}},
            str_map("stringData", "Plain-text values, merged into data on write; never read back."),
            str("type", "How the data is used, such as Opaque or kubernetes.io/tls."),
            boolean("immutable", "When true, data cannot change any more.")});
  kind_def(d, core_v1 + "ServiceAccount", {"", "v1", "ServiceAccount"}, "An identity for processes running in pods.",
           {list("secrets", core_v1 + "ObjectReference", "Secrets pods of this account may use.", "name"),
            list("imagePullSecrets", core_v1 + "LocalObjectReference", "Secrets used to pull images."),
            boolean("automountServiceAccountToken", "Whether pods mount a token by default.")});
  def(d, core_v1 + "ObjectReference", "Points at another object.",
      {str("apiVersion", "Its API version."), str("kind", "Its kind."), str("namespace", "Its namespace."),
       str("name", "Its name."), str("uid", "Its UID."), str("resourceVersion", "The version referred to."),
       str("fieldPath", "A part of the object, such as spec.containers{web}.")});
}

void add_cluster_core(definitions& d) {
  kind_def(d, core_v1 + "Namespace", {"", "v1", "Namespace"}, "A scope for names; most objects live in one.",
           {ref("spec", core_v1 + "NamespaceSpec", "Finalizers of the namespace."),
            ref("status", core_v1 + "NamespaceStatus", "Phase of the namespace. Read-only.")});
  def(d, core_v1 + "NamespaceSpec", "The desired state of a Namespace.",
      {str_list("finalizers", "Must be empty before the namespace is removed.")});
  def(d, core_v1 + "NamespaceStatus", "The observed state of a Namespace.",
      {str_enum("phase", "Active, or Terminating once deleted.", {"Active", "Terminating"}),
       list("conditions", core_v1 + "NamespaceCondition", "Progress of deletion.", "type")});
  def(d, core_v1 + "NamespaceCondition", "One condition of a Namespace.",
      {str("type", "The condition's type."), str("status", "True, False or Unknown."),
       time("lastTransitionTime", "When status last changed."), str("reason", "CamelCase reason."),
       str("message", "Detail for people.")},
      {"type", "status"});
  kind_def(d, core_v1 + "Node", {"", "v1", "Node"}, "A machine pods run on.",
           {ref("spec", core_v1 + "NodeSpec", "How the node is configured."),
            ref("status", core_v1 + "NodeStatus", "What the kubelet reports. Read-only.")});
  def(d, core_v1 + "NodeSpec", "The desired state of a Node.",
      {str("podCIDR", "The pod IP range of the node."), str_list("podCIDRs", "The pod IP ranges, one per family."),
       boolean("unschedulable", "Keep new pods off the node (cordon)."),
       list("taints", core_v1 + "Taint", "Taints repelling pods that do not tolerate them."),
       str("providerID", "The cloud provider's ID of the machine.")});
  def(d, core_v1 + "Taint", "Repels pods that do not tolerate it.",
      {str("key", "Taint key."), str("value", "Taint value."),
       str_enum("effect", "What happens to pods that do not tolerate it.",
                {"NoExecute", "NoSchedule", "PreferNoSchedule"}),
       time("timeAdded", "When a NoExecute taint was added.")},
      {"key", "effect"});
  def(d, core_v1 + "NodeStatus", "The observed state of a Node.",
      {quantity_map("capacity", "Total resources of the node."),
       quantity_map("allocatable", "Resources available to pods."),
       list("conditions", core_v1 + "NodeCondition", "Ready, MemoryPressure, DiskPressure ...", "type"),
       list("addresses", core_v1 + "NodeAddress", "Addresses of the node.", "type"),
       free_object("nodeInfo", "Versions and IDs of the node's software."),
       free_object("daemonEndpoints", "Ports of the node's daemons.")});
  def(d, core_v1 + "NodeCondition", "One condition of a Node.",
      {str("type", "Ready, MemoryPressure, DiskPressure, PIDPressure ..."), str("status", "True, False or Unknown."),
       time("lastHeartbeatTime", "When the kubelet last reported it."),
       time("lastTransitionTime", "When status last changed."), str("reason", "CamelCase reason."),
       str("message", "Detail for people.")},
      {"type", "status"});
  def(d, core_v1 + "NodeAddress", "An address of a Node.",
      {str("type", "Hostname, InternalIP, ExternalIP ..."), str("address", "The address.")}, {"type", "address"});
}

void add_misc_core(definitions& d) {
  kind_def(d, core_v1 + "Event", {"", "v1", "Event"}, "A report of something that happened to an object.",
           {ref("involvedObject", core_v1 + "ObjectReference", "The object the event is about."),
            str("reason", "Short CamelCase reason, such as Scheduled or BackOff."),
            str("message", "Detail for people."),
            str("type", "Normal or Warning."),
            ref("source", core_v1 + "EventSource", "Who reported it."),
            time("firstTimestamp", "When it was first seen."),
            time("lastTimestamp", "When it was last seen."),
            i32("count", "How many times it was seen."),
            {"eventTime", {{"$ref", meta_v1 + "MicroTime"}, {"description", "When it happened, with microseconds."}}},
            str("action", "What was done or failed."),
            str("reportingComponent", "The reporting controller."),
            str("reportingInstance", "The reporting controller's instance.")},
           {"metadata", "involvedObject"});
  def(d, core_v1 + "EventSource", "The reporter of an Event.",
      {str("component", "The reporting component."), str("host", "The node it ran on.")});
  kind_def(d, core_v1 + "PersistentVolumeClaim", {"", "v1", "PersistentVolumeClaim"}, "A request for persistent storage.",
           {ref("spec", core_v1 + "PersistentVolumeClaimSpec", "The storage wanted."),
            ref("status", core_v1 + "PersistentVolumeClaimStatus", "The storage bound. Read-only.")});
  def(d, core_v1 + "PersistentVolumeClaimSpec", "The storage a claim asks for.",
      {str_list("accessModes", "ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod."),
       ref("resources", core_v1 + "VolumeResourceRequirements", "The size asked for (requests.storage)."),
       str("storageClassName", "The class of storage; the default class when unset."),
       str("volumeName", "The PersistentVolume bound to the claim."),
       str("volumeMode", "Filesystem (default) or Block."),
       ref("selector", meta_v1 + "LabelSelector", "Label query over volumes to bind to.")});
  def(d, core_v1 + "VolumeResourceRequirements", "Storage resources of a claim.",
      {quantity_map("limits", "Most storage allowed."), quantity_map("requests", "Storage asked for.")});
  def(d, core_v1 + "PersistentVolumeClaimStatus", "The observed state of a claim.",
      {str_enum("phase", "Pending, Bound or Lost.", {"Bound", "Lost", "Pending"}),
       str_list("accessModes", "Access modes of the bound volume."),
       quantity_map("capacity", "Capacity of the bound volume.")});
  kind_def(d, core_v1 + "Endpoints", {"", "v1", "Endpoints"}, "The addresses that implement a Service.",
           {list("subsets", core_v1 + "EndpointSubset", "Groups of addresses sharing the same ports.")});
  def(d, core_v1 + "EndpointSubset", "Addresses with the ports they serve.",
      {list("addresses", core_v1 + "EndpointAddress", "Ready addresses."),
       list("notReadyAddresses", core_v1 + "EndpointAddress", "Addresses not ready yet."),
       list("ports", core_v1 + "EndpointPort", "The ports.")});
  def(d, core_v1 + "EndpointAddress", "One endpoint.",
      {str("ip", "The IP."), str("hostname", "Its hostname."), str("nodeName", "The node it runs on."),
       ref("targetRef", core_v1 + "ObjectReference", "The pod behind the address.")},
      {"ip"});
  def(d, core_v1 + "EndpointPort", "A port of an endpoint.",
      {str("name", "Name, matching the service port's."), i32("port", "The port number."),
       str("protocol", "TCP, UDP or SCTP."), str("appProtocol", "Application protocol.")},
      {"port"});
  kind_def(d, core_v1 + "Binding", {"", "v1", "Binding"}, "Binds a pod to a node (what the scheduler posts).",
           {ref("target", core_v1 + "ObjectReference", "The node to bind to.")}, {"target"});
}

}  // namespace

void add_core_types(definitions& d) {
  add_service(d);
  add_config(d);
  add_cluster_core(d);
  add_misc_core(d);
  for (const char* k : {"Service", "ConfigMap", "Secret", "ServiceAccount", "Namespace", "Node", "Event",
                        "PersistentVolumeClaim", "Endpoints"}) {
    list_def(d, core_v1 + k, {"", "v1", std::string(k) + "List"});
  }
}

void add_cluster_types(definitions& d) {
  const std::string lease = "io.k8s.api.coordination.v1.";
  kind_def(d, lease + "Lease", {"coordination.k8s.io", "v1", "Lease"},
           "A lock held for some time, used for leader election and node heartbeats.",
           {ref("spec", lease + "LeaseSpec", "Holder and timing of the lease.")});
  def(d, lease + "LeaseSpec", "Who holds a lease, and until when.",
      {str("holderIdentity", "Identity of the current holder."),
       i32("leaseDurationSeconds", "Seconds candidates wait after renewTime before taking over."),
       {"acquireTime", {{"$ref", meta_v1 + "MicroTime"}, {"description", "When the holder acquired it."}}},
       {"renewTime", {{"$ref", meta_v1 + "MicroTime"}, {"description", "When the holder last renewed it."}}},
       i32("leaseTransitions", "How many times the holder changed.")});
  list_def(d, lease + "Lease", {"coordination.k8s.io", "v1", "LeaseList"});

  const std::string as = "io.k8s.api.autoscaling.v1.";
  kind_def(d, as + "Scale", {"autoscaling", "v1", "Scale"}, "The scale subresource: desired and observed replicas.",
           {ref("spec", as + "ScaleSpec", "The desired replicas."),
            ref("status", as + "ScaleStatus", "The observed replicas. Read-only.")});
  def(d, as + "ScaleSpec", "Desired scale.", {i32("replicas", "The desired number of replicas.")});
  def(d, as + "ScaleStatus", "Observed scale.",
      {i32("replicas", "The observed number of replicas."),
       str("selector", "The label selector of the pods, in string form.")},
      {"replicas"});

  const std::string ext = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";
  kind_def(d, ext + "CustomResourceDefinition", {"apiextensions.k8s.io", "v1", "CustomResourceDefinition"},
           "Adds a resource to the API, served like the built-in ones.",
           {ref("spec", ext + "CustomResourceDefinitionSpec", "The resource to serve."),
            free_object("status", "Conditions and accepted names. Read-only.")},
           {"spec"});
  def(d, ext + "CustomResourceDefinitionSpec", "What a CRD serves.",
      {str("group", "The API group of the resource, such as stable.example.com."),
       free_object("names", "plural, singular, kind, listKind, shortNames and categories."),
       str_enum("scope", "Namespaced or Cluster.", {"Cluster", "Namespaced"}),
       {"versions",
        {{"type", "array"},
         {"description", "The served versions, each with its schema and subresources; exactly one is stored."},
         {"items", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}},
         {"x-kubernetes-list-type", "atomic"}}},
       free_object("conversion", "How versions are converted (None or Webhook)."),
       boolean("preserveUnknownFields", "Deprecated: keep fields the schema does not declare.")},
      {"group", "names", "scope", "versions"});
  list_def(d, ext + "CustomResourceDefinition", {"apiextensions.k8s.io", "v1", "CustomResourceDefinitionList"});
}

}  // namespace ktk::apiserver::http::openapi::detail
