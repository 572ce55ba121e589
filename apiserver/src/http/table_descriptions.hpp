// http/table_descriptions.hpp — column descriptions kube-apiserver puts in its Tables.
//
// These are the API field documentation strings (SwaggerDoc) of k8s.io/api and
// apimachinery v0.31 that kube's printers use as TableColumnDefinition.description.
#pragma once

#include <string_view>

namespace ktk::apiserver::http::table::detail::desc {

inline constexpr std::string_view name =
    "Name must be unique within a namespace. Is required when creating resources, although some"
    " resources may allow a client to request the generation of an appropriate name automatical"
    "ly. Name is primarily intended for creation idempotence and configuration definition. Cann"
    "ot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-object"
    "s/names#names";
inline constexpr std::string_view creation_timestamp =
    "CreationTimestamp is a timestamp representing the server time when this object was created"
    ". It is not guaranteed to be set in happens-before order across separate operations. Clien"
    "ts may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated b"
    "y the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contribut"
    "ors/devel/sig-architecture/api-conventions.md#metadata";
inline constexpr std::string_view pod_status_pod_ip =
    "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet"
    " allocated.";
inline constexpr std::string_view pod_spec_node_name =
    "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate "
    "for scheduling by the scheduler defined in schedulerName. Once this field is set, the kube"
    "let for this node becomes responsible for the lifecycle of this pod. This field should not"
    " be used to express a desire for the pod to be scheduled on a specific node. https://kuber"
    "netes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename";
inline constexpr std::string_view pod_status_nominated_node_name =
    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot"
    " be scheduled right away as preemption victims receive their graceful termination periods."
    " This field does not guarantee that the pod will be scheduled on this node. Scheduler may "
    "decide to place the pod elsewhere if other nodes become available sooner. Scheduler may al"
    "so decide to give the resources on this node to a higher priority pod that is created afte"
    "r preemption. As a result, this field may be different than PodSpec.nodeName when the pod "
    "is scheduled.";
inline constexpr std::string_view pod_spec_readiness_gates =
    "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when"
    " all its containers are ready AND all conditions specified in the readiness gates have sta"
    "tus equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-"
    "readiness-gates";
inline constexpr std::string_view pod_spec_node_selector =
    "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which"
    " must match a node's labels for the pod to be scheduled on that node. More info: https://k"
    "ubernetes.io/docs/concepts/configuration/assign-pod-node/";
inline constexpr std::string_view replica_set_spec_replicas =
    "Replicas is the number of desired replicas. This is a pointer to distinguish between expli"
    "cit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/wo"
    "rkloads/controllers/replicationcontroller/#what-is-a-replicationcontroller";
inline constexpr std::string_view replica_set_status_replicas =
    "Replicas is the most recently observed number of replicas. More info: https://kubernetes.i"
    "o/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroll"
    "er";
inline constexpr std::string_view replica_set_status_ready_replicas =
    "The number of ready replicas for this replica set.";
inline constexpr std::string_view replica_set_spec_selector =
    "Selector is a label query over pods that should match the replica count. If the selector i"
    "s empty, it is defaulted to the labels present on the pod template. Label keys and values "
    "that must match in order to be controlled by this replica set. More info: https://kubernet"
    "es.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
inline constexpr std::string_view daemon_set_status_desired_number_scheduled =
    "The total number of nodes that should be running the daemon pod (including nodes correctly"
    " running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/control"
    "lers/daemonset/";
inline constexpr std::string_view daemon_set_status_current_number_scheduled =
    "The number of nodes that are running at least 1 daemon pod and are supposed to run the dae"
    "mon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";
inline constexpr std::string_view daemon_set_status_number_ready =
    "The number of nodes that should be running the daemon pod and have one or more of the daem"
    "on pod running and ready.";
inline constexpr std::string_view daemon_set_status_updated_number_scheduled =
    "The total number of nodes that are running updated daemon pod";
inline constexpr std::string_view daemon_set_status_number_available =
    "The number of nodes that should be running the daemon pod and have one or more of the daem"
    "on pod running and available (ready for at least spec.minReadySeconds)";
inline constexpr std::string_view daemon_set_spec_selector =
    "A label query over pods that are managed by the daemon set. Must match in order to be cont"
    "rolled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/do"
    "cs/concepts/overview/working-with-objects/labels/#label-selectors";
inline constexpr std::string_view deployment_status_updated_replicas =
    "Total number of non-terminated pods targeted by this deployment that have the desired temp"
    "late spec.";
inline constexpr std::string_view deployment_status_available_replicas =
    "Total number of available pods (ready for at least minReadySeconds) targeted by this deplo"
    "yment.";
inline constexpr std::string_view deployment_spec_selector =
    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the "
    "ones affected by this deployment.";
inline constexpr std::string_view job_status_succeeded =
    "The number of pods which reached phase Succeeded. The value increases monotonically for a "
    "given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.";
inline constexpr std::string_view job_spec_selector =
    "A label query over pods that should match the pod count. Normally, the system sets this fi"
    "eld for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/"
    "labels/#label-selectors";
inline constexpr std::string_view cron_job_spec_schedule =
    "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.";
inline constexpr std::string_view cron_job_spec_time_zone =
    "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_da"
    "tabase_time_zones. If not specified, this will default to the time zone of the kube-contro"
    "ller-manager process. The set of valid time zone names and the time zone offset is loaded "
    "from the system-wide time zone database by the API server during CronJob validation and th"
    "e controller manager during execution. If no system-wide time zone database can be found a"
    " bundled version of the database is used instead. If the time zone name becomes invalid du"
    "ring the lifetime of a CronJob or due to a change in host configuration, the controller wi"
    "ll stop creating new new Jobs and will create a system event with the reason UnknownTimeZo"
    "ne. More information can be found in https://kubernetes.io/docs/concepts/workloads/control"
    "lers/cron-jobs/#time-zones";
inline constexpr std::string_view cron_job_spec_suspend =
    "This flag tells the controller to suspend subsequent executions, it does not apply to alre"
    "ady started executions.  Defaults to false.";
inline constexpr std::string_view cron_job_status_active =
    "A list of pointers to currently running jobs.";
inline constexpr std::string_view cron_job_status_last_schedule_time =
    "Information when was the last time the job was successfully scheduled.";
inline constexpr std::string_view service_spec_type =
    "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are Exter"
    "nalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal"
    " IP address for load-balancing to endpoints. Endpoints are determined by the selector or i"
    "f that is not specified, by manual construction of an Endpoints object or EndpointSlice ob"
    "jects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are publishe"
    "d as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and all"
    "ocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBal"
    "ancer\" builds on NodePort and creates an external load-balancer (if supported in the curr"
    "ent cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases t"
    "his service to the specified externalName. Several other fields do not apply to ExternalNa"
    "me services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#p"
    "ublishing-services-service-types";
inline constexpr std::string_view service_spec_cluster_ip =
    "clusterIP is the IP address of the service and is usually assigned randomly. If an address"
    " is specified manually, is in-range (as per system configuration), and is not in use, it w"
    "ill be allocated to the service; otherwise creation of the service will fail. This field m"
    "ay not be changed through updates unless the type field is also being changed to ExternalN"
    "ame (which requires this field to be blank) or the type field is being changed from Extern"
    "alName (in which case this field may optionally be specified, as describe above).  Valid v"
    "alues are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" m"
    "akes a \"headless service\" (no virtual IP), which is useful when direct endpoint connecti"
    "ons are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort"
    ", and LoadBalancer. If this field is specified when creating a Service of type ExternalNam"
    "e, creation will fail. This field will be wiped when updating a Service to type ExternalNa"
    "me. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ip"
    "s-and-service-proxies";
inline constexpr std::string_view service_spec_external_ips =
    "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traf"
    "fic for this service.  These IPs are not managed by Kubernetes.  The user is responsible f"
    "or ensuring that traffic arrives at a node with this IP.  A common example is external loa"
    "d-balancers that are not part of the Kubernetes system.";
inline constexpr std::string_view service_spec_ports =
    "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/"
    "concepts/services-networking/service/#virtual-ips-and-service-proxies";
inline constexpr std::string_view service_spec_selector =
    "Route service traffic to pods with label keys and values matching this selector. If empty "
    "or not present, the service is assumed to have an external process managing its endpoints,"
    " which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBala"
    "ncer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/serv"
    "ices-networking/service/";
inline constexpr std::string_view endpoints_subsets =
    "The set of all endpoints is the union of all subsets. Addresses are placed into subsets ac"
    "cording to the IPs they share. A single address with multiple ports, some of which are rea"
    "dy and some of which are not (because they come from different containers) will result in "
    "the address being displayed in different subsets for the different ports. No address will "
    "appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and p"
    "orts that comprise a service.";
inline constexpr std::string_view node_system_info_kubelet_version =
    "Kubelet Version reported by the node.";
inline constexpr std::string_view node_status_addresses =
    "List of addresses reachable to the node. Queried from cloud provider, if available. More i"
    "nfo: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declare"
    "d as mergeable, but the merge key is not sufficiently unique, which can cause data corrupt"
    "ion when it is merged. Callers should instead use a full-replacement patch. See https://pr"
    ".k8s.io/79391 for an example. Consumers should assume that addresses can change during the"
    " lifetime of a Node. However, there are some exceptions where this may not be possible, su"
    "ch as Pods that inherit a Node's address in its own status or consumers of the downward AP"
    "I (status.hostIP).";
inline constexpr std::string_view node_system_info_os_image =
    "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).";
inline constexpr std::string_view node_system_info_kernel_version =
    "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).";
inline constexpr std::string_view node_system_info_container_runtime_version =
    "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd:"
    "//1.4.2).";
inline constexpr std::string_view event_last_timestamp =
    "The time at which the most recent occurrence of this event was recorded.";
inline constexpr std::string_view event_type =
    "Type of this event (Normal, Warning), new types could be added in the future";
inline constexpr std::string_view event_reason =
    "This should be a short, machine understandable string that gives the reason for the transi"
    "tion into the object's current status.";
inline constexpr std::string_view event_involved_object =
    "The object that this event is about.";
inline constexpr std::string_view object_reference_field_path =
    "If referring to a piece of an object instead of an entire object, this string should conta"
    "in a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. Fo"
    "r example, if the object reference is to a container within a pod, this would take on a va"
    "lue like: \"spec.containers{name}\" (where \"name\" refers to the name of the container th"
    "at triggered the event) or if no container name is specified \"spec.containers[2]\" (conta"
    "iner with index 2 in this pod). This syntax is chosen only to have some well-defined way o"
    "f referencing a part of an object.";
inline constexpr std::string_view event_source =
    "The component reporting this event. Should be a short machine understandable string.";
inline constexpr std::string_view event_message =
    "A human-readable description of the status of this operation.";
inline constexpr std::string_view event_first_timestamp =
    "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)";
inline constexpr std::string_view event_count =
    "The number of times this event has occurred.";
inline constexpr std::string_view secret_type =
    "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/"
    "docs/concepts/configuration/secret/#secret-types";
inline constexpr std::string_view secret_data =
    "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' "
    "or '.'. The serialized form of the secret data is a base64 encoded string, representing th"
    "e arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/htm"
    "l/rfc4648#section-4";
inline constexpr std::string_view service_account_secrets =
    "Secrets is a list of the secrets in the same namespace that pods running using this Servic"
    "eAccount are allowed to use. Pods are only limited to this list if this service account ha"
    "s a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". This field sho"
    "uld not be used to find auto-generated service account token secrets for use outside of po"
    "ds. Instead, tokens can be requested directly using the TokenRequest API, or service accou"
    "nt token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/c"
    "onfiguration/secret";
inline constexpr std::string_view config_map_data =
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-"
    "', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The key"
    "s stored in Data must not overlap with the keys in the BinaryData field, this is enforced "
    "during validation process.";
inline constexpr std::string_view persistent_volume_claim_status_phase =
    "phase represents the current phase of PersistentVolumeClaim.";
inline constexpr std::string_view persistent_volume_claim_spec_volume_name =
    "volumeName is the binding reference to the PersistentVolume backing this claim.";
inline constexpr std::string_view persistent_volume_claim_status_capacity =
    "capacity represents the actual resources of the underlying volume.";
inline constexpr std::string_view persistent_volume_claim_status_access_modes =
    "accessModes contains the actual access modes the volume backing the PVC has. More info: ht"
    "tps://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1";
inline constexpr std::string_view persistent_volume_claim_spec_volume_mode =
    "volumeMode defines what type of volume is required by the claim. Value of Filesystem is im"
    "plied when not included in claim spec.";
inline constexpr std::string_view lease_spec_holder_identity =
    "holderIdentity contains the identity of the holder of a current lease. If Coordinated Lead"
    "er Election is used, the holder identity must be equal to the elected LeaseCandidate.metad"
    "ata.name field.";

}  // namespace ktk::apiserver::http::table::detail::desc
