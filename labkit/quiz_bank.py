"""The knowledge check at the end of each notebook: scenario questions, one explanation per choice.

Kept here, not in the notebooks, so that a learner does not see the answers in the cell they run
(``quiz.check_yourself("02-deploy-aks")``). Each entry takes the arguments of :class:`labkit.quiz.Question`.
"""

from typing import Any

BANK: dict[str, list[dict[str, Any]]] = {
    "01-architecture": [
        dict(
            prompt="Which container runtime runs the containers on AKS Linux nodes today?",
            choices=["Docker Engine, through dockershim", "containerd", "CRI-O", "rkt"],
            answer=1,
            why=[
                "dockershim, Kubernetes' bridge to Docker, was removed in Kubernetes 1.24.",
                "Yes: containerd is the default on AKS Linux nodes.",
                "CRI-O is a runtime other Kubernetes distributions use; AKS does not.",
                "rkt was archived years ago; AKS never used it.",
            ],
            explain="containerd has been the default on AKS Linux nodes since Kubernetes 1.19 (Windows since 1.23). "
            "Images built with Docker still run: they are standard OCI images.",
        ),
        dict(
            prompt="A team runs a production API on AKS and needs a financially backed uptime promise for the "
            "API server. Their cluster is on the Free tier, without availability zones. What do they get "
            "by moving it to the Standard tier?",
            choices=[
                "Nothing new: the Free tier already has a 99.95 % SLA",
                "A 99.9 % SLA for about $0.10 per cluster-hour (99.95 % once the cluster uses zones)",
                "Free node VMs",
                "Long-term support for their Kubernetes version",
            ],
            answer=1,
            why=[
                "The Free tier has no SLA at all.",
                "Right: Standard adds the SLA, 99.95 % with availability zones and 99.9 % without.",
                "Nodes are billed as VMs on every tier.",
                "Long-term support comes with the Premium tier (about $0.60 per cluster-hour).",
            ],
            explain="Free: no control-plane charge, no SLA. Standard: about $0.10 per cluster-hour, SLA 99.95 % "
            "with availability zones, 99.9 % without. Premium adds long-term support.",
        ),
        dict(
            prompt="You create a Deployment. One of its pods stays Pending; another is Running but its container "
            "keeps restarting. Which component is at work in each case?",
            choices=[
                "Pending: kube-scheduler found no node with room; restarting: the kubelet on that node",
                "Both: kube-scheduler, which also starts and restarts containers",
                "Pending: the kubelet is still pulling the image; restarting: etcd",
                "Both: the cloud-controller-manager",
            ],
            answer=0,
            why=[
                "Right: the scheduler only decides where a pod goes; the kubelet runs and restarts its containers.",
                "The scheduler never starts a container: it writes its decision to the API server.",
                "A pod waiting for its image is already scheduled (ContainerCreating); etcd only stores state.",
                "The cloud-controller-manager handles Azure resources such as load balancers, not pods.",
            ],
            explain="kube-scheduler picks a node for each new pod from its resource requests; the kubelet on that "
            "node asks containerd to start the containers and restarts them when they exit.",
        ),
        dict(
            prompt="Pods of your cluster get addresses such as 10.244.0.15, and traffic to a Service's address "
            "reaches them. Which part gives the pods their IPs, and which makes the Service address work?",
            choices=[
                "kube-proxy does both",
                "The network plugin (Azure CNI Overlay) gives pod IPs; kube-proxy (or Cilium) routes Service "
                "traffic to the pods",
                "CoreDNS gives pod IPs; the Azure load balancer routes Service traffic",
                "The kubelet gives Service IPs; etcd routes the traffic",
            ],
            answer=1,
            why=[
                "kube-proxy only keeps the rules that send Service traffic to pods; it gives no pod an address.",
                "Right: the CNI plugin addresses pods; kube-proxy's rules (or Cilium's eBPF, which replaces "
                "kube-proxy) carry Service traffic.",
                "CoreDNS turns Service names into addresses; it hands out no IPs. The Azure load balancer is only "
                "for Services of type LoadBalancer.",
                "etcd stores the cluster's state; it carries no traffic.",
            ],
            explain="Pod IPs come from the network plugin (Azure CNI Overlay by default on new AKS clusters); "
            "Service traffic is routed by kube-proxy, or by Cilium when the cluster uses it.",
        ),
        dict(
            prompt="Your security team asks who deleted a namespace yesterday. The AKS cluster has no diagnostic "
            "setting. What can you give them from the control plane?",
            choices=[
                "The kube-audit log in Log Analytics: AKS collects it anyway",
                "Nothing: control-plane logs are collected only once a diagnostic setting sends a category "
                "(kube-audit-admin, say) somewhere; add one now",
                "The API server's log file, over SSH to the control plane",
                "kubectl logs of the kube-apiserver pod in kube-system",
            ],
            answer=1,
            why=[
                "AKS keeps no control-plane logs for you unless a diagnostic setting asks for them.",
                "Right: choose the categories and a destination; from then on the records are kept.",
                "You cannot log in to the control plane: Azure runs it.",
                "kube-apiserver does not run as a pod on your nodes, so kube-system has no such pod.",
            ],
            explain="Add a diagnostic setting with the categories you need (kube-audit-admin leaves out read-only "
            "requests and is much smaller than kube-audit); in resource-specific mode they land in "
            "AKSAuditAdmin and AKSControlPlane.",
        ),
        dict(
            prompt="A colleague finds a resource group MC_rg-lab_aks-lab_eastus full of VMs, disks, a load "
            "balancer and a public IP, and wants to delete it to save money. What should happen?",
            choices=[
                "Delete it: nothing uses it",
                "Leave it: it is the cluster's node resource group; delete the cluster and AKS removes it",
                "Delete only the load balancer: AKS does not need it",
                "Move its VMs to another resource group",
            ],
            answer=1,
            why=[
                "It holds the cluster's nodes: deleting it breaks the cluster, which keeps costing for the rest.",
                "Right: AKS manages that group; it goes when the cluster goes.",
                "The nodes need the load balancer's outbound rule to reach the internet.",
                "AKS manages those VMs by their place; moving them by hand breaks the cluster.",
            ],
            explain="AKS creates the node resource group (MC_<group>_<cluster>_<region>) for the nodes' VM scale "
            "sets, disks, load balancer and IPs; do not change it by hand.",
        ),
        dict(
            prompt="Why does this workbook always set vm_size on a node pool?",
            choices=[
                "The API rejects a node pool without one",
                "Every node in a cluster must have a different size",
                "vm_size chooses the Kubernetes version",
                "Without it AKS picks a size from your quota and capacity: a machine (and a price) you did not choose",
            ],
            answer=3,
            why=[
                "The API accepts it: AKS then picks a size for you.",
                "All nodes in a pool share one size; pools may differ.",
                "The version is kubernetes_version; the size does not choose it.",
                "Right: the same code could get different machines, and bills, in different subscriptions.",
            ],
            explain="Set a current-generation, non-burstable 2-vCPU size for the system pool (the lab's "
            "Standard_D2s_v5); AKS supports no B-series VM there.",
        ),
    ],
    "02-deploy-aks": [
        dict(
            prompt="You copy a 2019 tutorial's vm_size=\"Standard_B2s\" for your new cluster's only node pool. What "
            "happens in 2026?",
            choices=[
                "It works and is the cheapest choice",
                "AKS refuses it: no B-series VM in a system pool; use a non-burstable 2-vCPU size such as "
                "Standard_D2s_v5",
                "It works, but runs slower when the CPU credits run out",
                "AKS silently replaces it with a larger size",
            ],
            answer=1,
            why=[
                "B-series sizes are not supported for system pools (and B-series v1 is being retired).",
                "Right: the system pool needs a size AKS supports there, with at least 2 vCPUs and 4 GB.",
                "That is how burstable VMs behave elsewhere, but AKS does not take them for this pool.",
                "AKS never changes a size you asked for; it refuses the request.",
            ],
            explain="The only node pool is a system pool; use a current-generation, non-burstable 2-vCPU size.",
        ),
        dict(
            prompt="AKS lists 1.35, 1.36 and 1.37, with 1.36 as the default. Your cluster runs 1.35.9. Where can "
            "one upgrade take it?",
            choices=[
                "Straight to 1.37.3, the newest",
                "To 1.36 (a newer 1.35 patch also works); 1.37 comes after that",
                "Nowhere: 1.35 is already unsupported",
                "Only to the default, whatever the cluster runs",
            ],
            answer=1,
            why=[
                "Supported versions move one minor at a time: 1.35 → 1.37 is refused.",
                "Right: one minor at a time, control plane first, then each node pool.",
                "1.35 is N-2 here: still supported. It would drop to platform support (N-3) when 1.38 is GA.",
                "The default only matters for new clusters.",
            ],
            explain="AKS supports N-2 minors, creates N-1 by default, gives N-3 platform support only, and upgrades "
            "supported clusters one minor at a time.",
        ),
        dict(
            prompt="You stop the cluster for the weekend (aks.stop_cluster). What still costs money?",
            choices=[
                "Nothing at all",
                "The node VMs, at the full price",
                "The node's OS disk, the load balancer and its public IP",
                "The control plane, even on the Free tier",
            ],
            answer=2,
            why=[
                "Some resources stay while the cluster is stopped.",
                "Stopped nodes are deallocated: their VM charge stops.",
                "Right: about $0.06 an hour for this lab; delete the cluster to stop those too.",
                "The Free tier's control plane never costs anything.",
            ],
            explain="Stopping deallocates the VMs; managed disks, the load balancer and public IPs are billed "
            "until they are deleted (99-cleanup deletes everything).",
        ),
        dict(
            prompt="Your subscription has 2 regional vCPUs left after your one-node cluster took its 2. An upgrade "
            "to a newer version fails with a quota error. Why?",
            choices=[
                "Upgrades need the Standard tier",
                "AKS adds a surge node with the new version before draining an old one: it needs 2 more vCPUs",
                "The control plane counts against your vCPU quota during an upgrade",
                "Upgrades can only be done in the portal",
            ],
            answer=1,
            why=[
                "Any tier can be upgraded.",
                "Right: keep quota for one extra node, or lower max surge (at the cost of capacity during the "
                "upgrade).",
                "The control plane runs on Azure's machines, outside your quota.",
                "The CLI, the SDK and auto-upgrade channels upgrade too.",
            ],
            explain="Node pools are upgraded by adding surge nodes, then cordoning, draining and removing old "
            "nodes one by one.",
        ),
    ],
    "03-publish-acr": [
        dict(
            prompt="You build the image on a laptop with an Apple (ARM) chip and push it; ACI then fails with "
            '"exec format error". What fixes it?',
            choices=[
                "A container group with more CPU",
                "Building with --platform linux/amd64, as labkit does",
                "Enabling the registry's admin user",
                "The registry's Premium tier",
            ],
            answer=1,
            why=[
                "More CPU does not make an ARM binary run on an x86 machine.",
                "Right: ACI and AKS nodes here run x86-64 (amd64) machines.",
                "The image was pulled, so credentials were fine; it cannot start.",
                "The tier changes storage and features, not the image's architecture.",
            ],
            explain="An image built for arm64 fails to start on amd64 hosts: build for the platform you run on.",
        ),
        dict(
            prompt="A teammate moved the tag v1 to a new build yesterday. You must deploy exactly the image you "
            "tested last week. How do you name it?",
            choices=[
                "…/aks-workbook-app:latest",
                "…/aks-workbook-app:v1",
                "…/aks-workbook-app@sha256:<the digest you tested>",
                "…/aks-workbook-app",
            ],
            answer=2,
            why=[
                "latest is just another movable tag, and the default one.",
                "v1 now names yesterday's build: tags move.",
                "Right: a digest names one image forever.",
                "Without a tag or digest, Docker and Kubernetes take latest.",
            ],
            explain="Tags are readable, movable names; the digest (sha256 of the manifest) identifies one image.",
        ),
        dict(
            prompt="Your free-credit subscription answers az acr build with TasksOperationsNotAllowed. How do you "
            "still get an image into the registry?",
            choices=[
                "Wait a day and try again",
                "Move the registry to the Premium tier",
                "Build with Docker on your machine and push, or az acr import a public image",
                "Enable the admin user",
            ],
            answer=2,
            why=[
                "The refusal is a rule of the subscription type, not a passing outage.",
                "The tier does not lift the restriction on free credits.",
                "Right: neither needs ACR Tasks.",
                "The admin user is about signing in, not about cloud builds.",
            ],
            explain="ACR Tasks (cloud builds) is refused on free-credit subscriptions; local builds and imports "
            "work everywhere.",
        ),
        dict(
            prompt="A production AKS cluster must pull from your private registry without any password stored "
            "in the cluster. What do you set up?",
            choices=[
                "The registry's admin user in an image pull secret",
                "The AcrPull role for the cluster's kubelet identity (az aks update --resource-group <group> "
                "--name <cluster> --attach-acr <registry>)",
                "Anonymous pull on the registry",
                "A copy of the registry in each region",
            ],
            answer=1,
            why=[
                "That stores a password in the cluster, the thing to avoid (it is what this lab does, for "
                "learners without Owner rights).",
                "Right: the nodes sign in with their managed identity; nothing secret is kept.",
                "That makes your images public.",
                "Geo-replication helps speed, not credentials.",
            ],
            explain="Role assignments need Owner or User Access Administrator; the pull secret works with "
            "Contributor, which is why labkit uses it.",
        ),
    ],
    "04-run-aci": [
        dict(
            prompt="Creating the container group fails with DnsNameLabelAlreadyTaken, though you never used that "
            "label. Why?",
            choices=[
                "Your subscription still holds an old group with that label",
                "DNS labels are shared by every Azure customer in the region: someone else has it",
                "Your vCPU quota is used up",
                "The image tag does not exist",
            ],
            answer=1,
            why=[
                "That would be yours to delete, but the label is taken by anyone in the region.",
                "Right: change the prefix (the label is built from it) and create again.",
                "Quota errors name the quota.",
                "An image problem shows as InaccessibleImage or a failed pull event.",
            ],
            explain="<label>.<region>.azurecontainer.io must be unique across Azure; the lab adds your random "
            "suffix to make a clash unlikely.",
        ),
        dict(
            prompt='The group is created but the container stays Waiting, with an event "Failed to pull image" '
            "from your private registry. What do you check first?",
            choices=[
                "The CPU and memory you asked for",
                "The registry server, user and password, the tag, and that the admin user is enabled",
                "The region's capacity",
                "The DNS label",
            ],
            answer=1,
            why=[
                "Too little CPU or memory shows once the container runs, not at pull time.",
                "Right: ACI must sign in to your private registry to pull.",
                "No capacity fails the create itself (ServiceUnavailable).",
                "The label is about the address, not the image.",
            ],
            explain="InaccessibleImage and failed pulls come from wrong credentials, a missing tag, or a disabled "
            "admin user.",
        ),
        dict(
            prompt="You need a job that runs 10 minutes every night in one container. ACI or an AKS cluster?",
            choices=[
                "AKS: production work always needs Kubernetes",
                "ACI: you pay per second while it runs, and no cluster sits idle all day",
                "AKS on the Free tier: it costs nothing",
                "Neither: containers cannot run on a schedule",
            ],
            answer=1,
            why=[
                "One short container needs none of Kubernetes' machinery.",
                "Right: about 10 minutes of vCPU and memory a night.",
                "The Free tier's control plane is free; its nodes, disk and load balancer cost every hour.",
                "A scheduler (Logic Apps, a pipeline, a Container Apps job) can start it.",
            ],
            explain="ACI suits single containers and short jobs; a cluster earns its cost with many long-running "
            "services.",
        ),
        dict(
            prompt="You push a new image under the same tag v1 and restart the container group. What happens?",
            choices=[
                "Nothing: a restart reuses the image it already has",
                "ACI stops the containers, pulls what v1 now points to, and starts them in place",
                "The group gets a new IP address and DNS label",
                "ACI deletes the group",
            ],
            answer=1,
            why=[
                "A restart pulls the image again.",
                "Right: a simple way to roll out a new version of a one-container app.",
                "The address and label stay.",
                "Deleting is a separate call.",
            ],
            explain="Restart keeps the group, its address and settings; the image is pulled again.",
        ),
    ],
    "05-run-on-aks": [
        dict(
            prompt="You scale the Deployment to 20 replicas on the one-node cluster. Eight pods stay Pending with "
            '"Insufficient cpu", yet the node\'s CPU is 5 % busy. Why?',
            choices=[
                "The pods use too much CPU",
                "The scheduler counts each pod's CPU request, not its use: the requests fill the node's "
                "allocatable CPU",
                "The image cannot be pulled",
                "The load balancer allows 12 pods at most",
            ],
            answer=1,
            why=[
                "Use is low: the node is 5 % busy.",
                "Right: lower the requests, remove pods, or add nodes (by hand or with the cluster autoscaler).",
                "A pull problem shows as ImagePullBackOff on a scheduled pod.",
                "The load balancer does not limit pods.",
            ],
            explain="Requests are reservations: the scheduler places a pod only where the unreserved room covers them.",
        ),
        dict(
            prompt="A container is restarted again and again; kubectl describe pod says OOMKilled. What happened?",
            choices=[
                "It asked for more CPU than its limit",
                "It used more memory than its limit, and was killed",
                "Its memory request was higher than the node has",
                "Its readiness probe failed",
            ],
            answer=1,
            why=[
                "CPU over a limit is throttled, not killed.",
                "Right: raise the memory limit, or fix what uses the memory.",
                "A request too big for every node leaves the pod Pending; it never starts.",
                "A failing readiness probe takes the pod out of the Service; it does not kill it.",
            ],
            explain="The memory limit (128 MiB here) is a hard ceiling: the kernel kills the process above it.",
        ),
        dict(
            prompt="A pod is Running, but the Service sends it no requests, and its /healthz answers 500. Why?",
            choices=[
                "The Service needs a restart",
                "Its readiness probe fails, so it is not among the Service's endpoints",
                "The load balancer has no public IP yet",
                "The pull secret is wrong",
            ],
            answer=1,
            why=[
                "Services follow their pods' readiness continuously.",
                "Right: once /healthz answers 200, the pod gets traffic again.",
                "Then no pod would get traffic from outside, but others do.",
                "The pod runs, so its image was pulled.",
            ],
            explain="Readiness decides whether a pod gets traffic; liveness (not used here) decides whether it "
            "is restarted.",
        ),
        dict(
            prompt="An internal API is busy in office hours and idle at night and at weekends. You want no cost "
            "when idle, automatic scaling, and no cluster to upgrade. Where do you run it?",
            choices=[
                "On an AKS cluster with one node",
                "In one ACI container group",
                "On Azure Container Apps",
                "On a VM with Docker",
            ],
            answer=2,
            why=[
                "The cluster's node, disk and load balancer cost every hour, busy or idle.",
                "A container group has a fixed size and runs (and bills) until you stop it.",
                "Right: it scales on HTTP traffic and events, down to zero, on Kubernetes Azure runs for you.",
                "You would patch, scale and pay for the VM yourself.",
            ],
            explain="ACI for single containers, AKS for full Kubernetes control, Container Apps for apps that "
            "should scale on their own without a cluster to manage.",
        ),
    ],
}
