"""Kubernetes API answers for the recordings of notebooks 02 and 05: raw objects, as kube-apiserver returns them.

Nothing here comes from labkit: each answer is typed out following the Kubernetes API reference (v1.35) for
the kind it is — ``/version`` (version.Info), ``/readyz?verbose`` (text), NodeList, PodList, Deployment,
Service (type LoadBalancer, ``status.loadBalancer.ingress``), EventList, Scale and Status — with the labels
and values AKS puts on them (``kubernetes.azure.com/agentpool``, ``node.kubernetes.io/instance-type``,
images from mcr.microsoft.com). ``managedFields`` are left out, as labkit drops them when it records.
A recorded call is ``{"call": "kube <METHOD> <path>", "result": {"status": <HTTP code>, "body": <object>}}``.
This module writes notebook 02's steps that hold only Kubernetes answers.
"""

from __future__ import annotations

from tools.handbuilt import BUILT_ON, write

SOURCES = ["Kubernetes API reference v1.35 (kubernetes.io/docs/reference/kubernetes-api/): version.Info, "
           "GET /readyz?verbose, core/v1 Node (status.nodeInfo, conditions) and Pod (ownerReferences, "
           "containerStatuses), with the node labels AKS sets (kubernetes.azure.com/agentpool, "
           "node.kubernetes.io/instance-type)"]
NOTE = ("Built by hand: nothing in this project can reach a cluster. The Kubernetes answers are the raw API objects "
        "kube-apiserver returns (Kubernetes 1.36 on AKS), typed out from the API reference, not labkit results: "
        "replay feeds them to labkit.kube's reducers. Names, images, ids and times are illustrative. Versions agree "
        f"with the AKS release calendar on the recording date {BUILT_ON}: 1.37 is the newest GA minor, so 1.35, 1.36 "
        "and 1.37 are supported and new clusters default to N-1 (1.36); the recorded cluster runs its latest patch, "
        "1.36.6.")
NODES_NOTE = NOTE + (" The node is a Standard_D2s_v5 (8 GiB): AKS supports no B-series VM in a system pool.")
PATCH, MINOR = "1.36.6", "36"
REGION, RG, CLUSTER = "eastus", "rg-student-k7q2", "aks-student-k7q2"
NODE_RG = f"MC_{RG}_{CLUSTER}_{REGION}"
VMSS_ID = "31418627"
NODES = {"nodepool1": f"aks-nodepool1-{VMSS_ID}-vmss000000", "userpool": f"aks-userpool-{VMSS_ID}-vmss000000"}
MCR = "mcr.microsoft.com/oss/v2/kubernetes"
STARTED = f"{BUILT_ON}T10:06:30Z"


def uid(n: int) -> str:
    """A uid in the placeholder form record mode writes (real ones are replaced the same way)."""
    return f"00000000-0000-0000-0000-{n:012d}"


def call(method: str, path: str, status: int, body) -> dict:
    """One recorded call to the API server: its raw answer."""
    return {"call": f"kube {method} {path}", "result": {"status": status, "body": body}}


def status(code: int, reason: str, message: str, details: dict) -> dict:
    """A meta/v1 Status: how the API server answers an error."""
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "details": details, "code": code}


def deleted(name: str, kind: str, n: int, group: str = "") -> dict:
    """The Status a DELETE of a Deployment or Secret answers."""
    details = {"name": name, **({"group": group} if group else {}), "kind": kind, "uid": uid(n)}
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


# -- the control plane ---------------------------------------------------------------------------------------------
VERSION = {"major": "1", "minor": MINOR, "emulationMajor": "1", "emulationMinor": MINOR, "minCompatibilityMajor": "1",
           "minCompatibilityMinor": "35", "gitVersion": f"v{PATCH}",
           "gitCommit": "5f2c9e0a7b1d3c4e6f8091a2b3c4d5e6f7a8b9c0", "gitTreeState": "clean",
           "buildDate": "2026-10-21T09:12:44Z", "goVersion": "go1.25.3", "compiler": "gc", "platform": "linux/amd64"}
CHECKS = ["ping", "log", "etcd", "etcd-readiness", "kms-providers", "informer-sync",
          "poststarthook/start-apiserver-admission-initializer", "poststarthook/generic-apiserver-start-informers",
          "poststarthook/priority-and-fairness-config-consumer", "poststarthook/priority-and-fairness-filter",
          "poststarthook/storage-object-count-tracker-hook", "poststarthook/start-apiextensions-informers",
          "poststarthook/start-apiextensions-controllers", "poststarthook/crd-informer-synced",
          "poststarthook/start-system-namespaces-controller", "poststarthook/rbac/bootstrap-roles",
          "poststarthook/scheduling/bootstrap-system-priority-classes", "poststarthook/bootstrap-controller",
          "poststarthook/start-kube-aggregator-informers", "poststarthook/apiservice-registration-controller",
          "poststarthook/kube-apiserver-autoregistration", "autoregister-completion", "shutdown"]
READYZ = "".join(f"[+]{c} ok\n" for c in CHECKS) + "readyz check passed\n"


# -- nodes ---------------------------------------------------------------------------------------------------------
def node(pool: str, n: int) -> dict:
    name, mode = NODES[pool], "system" if pool == "nodepool1" else "user"
    return {
        "metadata": {"name": name, "uid": uid(700 + n), "resourceVersion": str(4200 + n),
                     "creationTimestamp": f"{BUILT_ON}T10:05:1{n}Z",
                     "labels": {"agentpool": pool, "beta.kubernetes.io/arch": "amd64",
                                "beta.kubernetes.io/instance-type": "Standard_D2s_v5", "beta.kubernetes.io/os": "linux",
                                "kubernetes.azure.com/agentpool": pool, "kubernetes.azure.com/cluster": NODE_RG,
                                "kubernetes.azure.com/mode": mode, "kubernetes.azure.com/node-image-version":
                                "AKSUbuntu-2404gen2containerd-202611.10.0", "kubernetes.azure.com/os-sku": "Ubuntu",
                                "kubernetes.azure.com/role": "agent", "kubernetes.io/arch": "amd64",
                                "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                "node.kubernetes.io/instance-type": "Standard_D2s_v5",
                                "topology.kubernetes.io/region": REGION, "topology.kubernetes.io/zone": "0"},
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                     "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"podCIDR": f"10.244.{n}.0/24", "podCIDRs": [f"10.244.{n}.0/24"],
                 "providerID": f"azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
                               f"{NODE_RG.lower()}/providers/Microsoft.Compute/virtualMachineScaleSets/"
                               f"aks-{pool}-{VMSS_ID}-vmss/virtualMachines/0"},
        "status": {
            "capacity": {"cpu": "2", "ephemeral-storage": "129886128Ki", "memory": "8123528Ki", "pods": "250"},
            "allocatable": {"cpu": "1900m", "ephemeral-storage": "119703055367", "memory": "6327444Ki", "pods": "250"},
            "conditions": [
                {"type": t, "status": "False", "lastHeartbeatTime": f"{BUILT_ON}T11:20:02Z",
                 "lastTransitionTime": f"{BUILT_ON}T10:05:1{n}Z", "reason": r, "message": m}
                for t, r, m in (("MemoryPressure", "KubeletHasSufficientMemory",
                                 "kubelet has sufficient memory available"),
                                ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                                ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"))
            ] + [{"type": "Ready", "status": "True", "lastHeartbeatTime": f"{BUILT_ON}T11:20:02Z",
                  "lastTransitionTime": f"{BUILT_ON}T10:05:4{n}Z", "reason": "KubeletReady",
                  "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": f"10.224.0.{4 + n}"},
                          {"type": "Hostname", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": f"8f1c0d2e3b4a59687a6b5c4d3e2f1a0{n}", "systemUUID": uid(800 + n),
                         "bootID": uid(900 + n), "kernelVersion": "6.8.0-1041-azure", "osImage": "Ubuntu 24.04.3 LTS",
                         "containerRuntimeVersion": "containerd://2.1.4-1", "kubeletVersion": f"v{PATCH}",
                         "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64"}}}


def node_list(*pools: str) -> dict:
    return {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "4711"},
            "items": [node(pool, n) for n, pool in enumerate(pools)]}


# -- kube-system pods ----------------------------------------------------------------------------------------------
SYSTEM = [  # (owner kind, owner, replicas, container, image)
    ("ReplicaSet", "coredns", 2, "coredns", f"{MCR}/coredns:v1.12.1-2"),
    ("ReplicaSet", "coredns-autoscaler", 1, "autoscaler", f"{MCR}/autoscaler/cluster-proportional-autoscaler:v1.9.0-3"),
    ("ReplicaSet", "konnectivity-agent", 2, "konnectivity-agent", f"{MCR}/apiserver-network-proxy/agent:v0.31.4-2"),
    ("ReplicaSet", "konnectivity-agent-autoscaler", 1, "autoscaler",
     f"{MCR}/autoscaler/cluster-proportional-autoscaler:v1.9.0-3"),
    ("ReplicaSet", "metrics-server", 2, "metrics-server", f"{MCR}/metrics-server:v0.8.0-2"),
    ("DaemonSet", "kube-proxy", 1, "kube-proxy", f"{MCR}/kube-proxy:v{PATCH}-1"),
    ("DaemonSet", "azure-cns", 1, "cns-container", "mcr.microsoft.com/containernetworking/azure-cns:v1.7.3"),
    ("DaemonSet", "azure-ip-masq-agent", 1, "azure-ip-masq-agent", f"{MCR}/ip-masq-agent:v0.1.15-2"),
    ("DaemonSet", "cloud-node-manager", 1, "cloud-node-manager", f"{MCR}/azure-cloud-node-manager:v1.36.2"),
    ("DaemonSet", "csi-azuredisk-node", 1, "azuredisk", f"{MCR}/csi/azuredisk-csi:v1.34.0"),
    ("DaemonSet", "csi-azurefile-node", 1, "azurefile", f"{MCR}/csi/azurefile-csi:v1.34.0"),
]
TEMPLATE_HASH = {"coredns": "659fcb469c", "coredns-autoscaler": "5bd5c96b6f", "konnectivity-agent": "7d9f8c6b5c",
                 "konnectivity-agent-autoscaler": "6ff7cb8d4d", "metrics-server": "7b685846d6"}


def system_pod(kind: str, owner: str, i: int, container: str, image: str, n: int) -> dict:
    """A kube-system pod as the API server lists it: owned by a ReplicaSet (of a Deployment) or a DaemonSet."""
    suffix = "".join("bcdfghjklmnpqrstvwxz2456789"[(n * 7 + k * 3 + i) % 27] for k in range(5))
    labels = {"k8s-app": owner, "kubernetes.azure.com/managedby": "aks"}
    if kind == "ReplicaSet":
        labels["pod-template-hash"] = TEMPLATE_HASH[owner]
        owner = f"{owner}-{TEMPLATE_HASH[owner]}"
    else:
        labels.update({"controller-revision-hash": "6d4b9c7f8", "pod-template-generation": "1"})
    name = f"{owner}-{suffix}"
    return {
        "metadata": {"name": name, "generateName": f"{owner}-", "namespace": "kube-system", "uid": uid(100 + n),
                     "resourceVersion": str(1000 + n), "creationTimestamp": f"{BUILT_ON}T10:05:3{n % 10}Z",
                     "labels": labels,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": kind, "name": owner, "uid": uid(500 + n),
                                          "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"containers": [{"name": container, "image": image, "imagePullPolicy": "IfNotPresent",
                                 "resources": {"requests": {"cpu": "10m", "memory": "20Mi"}}}],
                 "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "serviceAccountName": owner.split("-")[0],
                 "nodeName": NODES["nodepool1"], "priorityClassName": "system-node-critical", "priority": 2000001000,
                 "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}]},
        "status": {"phase": "Running",
                   "conditions": [{"type": "Ready", "status": "True",
                                   "lastTransitionTime": f"{BUILT_ON}T10:06:4{n % 10}Z"}],
                   "hostIP": "10.224.0.4", "podIP": f"10.244.0.{10 + n}", "startTime": f"{BUILT_ON}T10:05:4{n % 10}Z",
                   "qosClass": "Burstable",
                   "containerStatuses": [{"name": container, "image": image, "imageID": f"{image.split(':')[0]}@sha256:"
                                          f"{(name * 8).encode().hex()[:64]}", "ready": True, "started": True,
                                          "restartCount": 0, "state": {"running": {"startedAt": STARTED}},
                                          "containerID": f"containerd://{(owner * 8).encode().hex()[:64]}"}]}}


def system_pods() -> dict:
    items, n = [], 0
    for kind, owner, replicas, container, image in SYSTEM:
        for i in range(replicas):
            items.append(system_pod(kind, owner, i, container, image, n))
            n += 1
    return {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "4711"}, "items": items}


def nodes_call(*pools: str) -> dict:
    return call("GET", "/api/v1/nodes", 200, node_list(*pools))


def system_pods_call() -> dict:
    return call("GET", "/api/v1/namespaces/kube-system/pods", 200, system_pods())


def build() -> None:
    nb = "02-deploy-aks"
    write(nb, "show_api_server", [], calls=[call("GET", "/version", 200, VERSION),
                                       call("GET", "/readyz?verbose=true", 200, READYZ)], examples=SOURCES, note=NOTE)
    write(nb, "show_system_pods", [], calls=[system_pods_call()], examples=SOURCES, note=NOTE)
    write(nb, "show_nodes", [], calls=[nodes_call("nodepool1"), system_pods_call()], examples=SOURCES,
          note=NODES_NOTE)
