"""Notebook 02-deploy-aks: create (or find) the cluster, look inside it, node pools, upgrades, what it costs.

Each public function taking ``lab`` is one step of a notebook, recorded in
``recordings/<notebook>/<step>.json``. Notebook 00-setup calls :func:`start_cluster`, so the cluster
provisions while the learner reads 01; :func:`create_cluster` in 02 then finds it and waits only for the rest.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from labkit import azcli, costs, kube, ui
from labkit.errors import AZURE_HINTS, LabError
from labkit.given_group import check_given_group
from labkit.polling import DONE_STATES, poll, track
from labkit.steps import shown, step

if TYPE_CHECKING:
    from labkit.lab import Lab

SYSTEM_POOL = "nodepool1"
USER_POOL = "userpool"
JOIN_TIMEOUT = 30 * 60
SDK_REFERENCE = (
    "https://learn.microsoft.com/python/api/azure-mgmt-containerservice/"
    "azure.mgmt.containerservice.operations.managedclustersoperations"
)

# What each kube-system component does (the ones an AKS cluster runs; others are shown without a role).
COMPONENTS = {
    "coredns": "cluster DNS: turns Service names into IP addresses",
    "coredns-autoscaler": "adds CoreDNS replicas as the cluster grows",
    "kube-proxy": "node networking: routes traffic for Services (one per node)",
    "konnectivity-agent": "the tunnel from the nodes to the control plane that Azure runs",
    "konnectivity-agent-autoscaler": "adds tunnel agents as the cluster grows",
    "metrics-server": "CPU and memory figures for `kubectl top` and autoscaling",
    "cloud-node-manager": "tells Kubernetes about the Azure VM under each node",
    "csi-azuredisk-node": "attaches Azure Disks as volumes (one per node)",
    "csi-azurefile-node": "mounts Azure Files shares as volumes (one per node)",
    "azure-ip-masq-agent": "rewrites outgoing pod traffic to the node's address",
    "azure-cns": "hands out pod IP addresses (Azure CNI)",
}


# -- helpers -----------------------------------------------------------------------------------------
def _names(lab: Lab):
    return lab.config.resource_group, lab.config.cluster_name


def _find(lab: Lab):
    """The lab's cluster, or None when it (or its resource group) does not exist."""
    from azure.core.exceptions import ResourceNotFoundError

    rg, name = _names(lab)
    try:
        return lab.aks.managed_clusters.get(rg, name)
    except ResourceNotFoundError:
        return None


def az_create(config, version: str) -> str:
    """The `az aks create` command that makes the same cluster as :func:`cluster_spec`."""
    return (
        f"az aks create --resource-group {config.resource_group} --name {config.cluster_name} "
        f"--location {config.region} --dns-name-prefix {config.dns_prefix} --tier free "
        f"--kubernetes-version {version} --nodepool-name {SYSTEM_POOL} --node-count 1 "
        f"--node-vm-size {config.vm_size} --enable-managed-identity --no-ssh-key {azcli.tags(config)}"
    )


def cluster_spec(config, version: str):
    """The cluster to create: Free tier, one system node of ``config.vm_size``, system-assigned identity."""
    from azure.mgmt.containerservice.models import (
        ManagedCluster,
        ManagedClusterAgentPoolProfile,
        ManagedClusterIdentity,
        ManagedClusterSKU,
    )

    return ManagedCluster(
        location=config.region,
        tags=config.tags(),
        dns_prefix=config.dns_prefix,
        kubernetes_version=version,
        sku=ManagedClusterSKU(name="Base", tier="Free"),
        identity=ManagedClusterIdentity(type="SystemAssigned"),
        agent_pool_profiles=[
            ManagedClusterAgentPoolProfile(
                name=SYSTEM_POOL, mode="System", count=1, vm_size=config.vm_size, os_type="Linux"
            )
        ],
    )


def _ensure_group(lab: Lab) -> None:
    c = lab.config
    if c.provisioned:  # the instructor's group: writing it would drop its class tag
        check_given_group(lab, c.provisioned)
        return
    lab.resources.resource_groups.create_or_update(c.resource_group, {"location": c.region, "tags": c.tags()})
    ui.status(
        True,
        f"Resource group {c.resource_group} in {c.region}, tagged course, owner, created, expires "
        f"(az group create --name {c.resource_group} --location {c.region} {azcli.tags(c)})",
    )


def pick_version(lab: Lab) -> str:
    """The Kubernetes minor version Azure offers by default in the lab's region, asked at run time."""
    listed = lab.aks.managed_clusters.list_kubernetes_versions(lab.config.region).values_property
    default = [v for v in listed if v.is_default] or [v for v in listed if not v.is_preview]
    return default[0].version if default else max(v.version for v in listed)


def _failed(cluster) -> LabError:
    return LabError(
        f"Cluster {cluster.name} is in provisioning state {cluster.provisioning_state}: its last "
        "create or update did not finish.",
        AZURE_HINTS["ProvisioningStateFailed"],
    )


# -- 00-setup: start early -----------------------------------------------------------------------------
@step("Creating cluster {c.cluster_name}")
def start_cluster(lab: Lab) -> None:
    """Begin creating the cluster and return at once, so it provisions while you read notebook 01.

    Safe to run again: an existing cluster (creating or ready) is left alone.
    """
    rg, name = _names(lab)
    found = _find(lab)
    if found is not None:
        ui.status(
            True,
            f"Cluster {name} already exists (provisioning state {found.provisioning_state}): "
            "notebook 02 uses it; nothing new was started.",
        )
        return
    _ensure_group(lab)
    version = pick_version(lab)
    spec = cluster_spec(lab.config, version)
    azcli.show_sdk_call(
        "lab.aks.managed_clusters.begin_create_or_update(resource_group, name, spec)", spec, cluster_spec, SDK_REFERENCE
    )
    cluster = lab.aks.managed_clusters.begin_create_or_update(rg, name, spec, polling=False).result()
    ui.status(
        True,
        f"{'Recorded lab: creation' if lab.policy.replaying else 'Creation'} of {name} started "
        f"({az_create(lab.config, version)} --no-wait): "
        f"provisioning state {cluster.provisioning_state}.",
        "it takes 5–10 minutes: read 01-architecture meanwhile; notebook 02 picks the cluster up.",
    )


# -- 02: deploy ------------------------------------------------------------------------------------------
@step("Listing Kubernetes versions")
def show_versions(lab: Lab) -> None:
    """The Kubernetes versions AKS offers in the lab's region today, the default marked."""
    listed = lab.aks.managed_clusters.list_kubernetes_versions(lab.config.region).values_property
    rows = []
    for v in sorted(listed, key=lambda v: [int(p) for p in v.version.split(".")]):
        patches = sorted(v.patch_versions or {}, key=lambda p: [int(x) for x in p.split(".")])
        marks = ["default" if v.is_default else "", "preview" if v.is_preview else ""]
        rows.append((v.version, f"patches {', '.join(patches)}" + "".join(f" · {m}" for m in marks if m)))
    ui.show(rows, f"Kubernetes versions AKS offers in {lab.config.region} (az aks get-versions -l {lab.config.region})")


@step("Creating cluster {c.cluster_name}")
def create_cluster(lab: Lab):
    """Create the cluster, join a create already running, or reuse the cluster that exists."""
    rg, name = _names(lab)
    found = _find(lab)
    if found is None:
        cluster = _create(lab)
    elif found.provisioning_state in ("Failed", "Canceled"):
        raise _failed(found)
    elif found.provisioning_state not in DONE_STATES:
        cluster = _join(lab, found)
    elif found.power_state and ui.plain(found.power_state.code) == "Stopped":
        cluster = _start(lab)
    else:
        cluster = found
        ui.status(
            True,
            f"Recorded lab: cluster {name} already existed and was running, so it was reused (live: "
            "yours is reused if it runs, started if stopped, created if missing)."
            if lab.policy.replaying
            else f"Cluster {name} already exists and is ready: reusing it (nothing created, no wait).",
        )
    _show_cluster(cluster)
    return cluster


def _create(lab: Lab):
    rg, name = _names(lab)
    _ensure_group(lab)
    version = pick_version(lab)
    spec = cluster_spec(lab.config, version)
    azcli.show_sdk_call(
        "lab.aks.managed_clusters.begin_create_or_update(resource_group, name, spec)", spec, cluster_spec, SDK_REFERENCE
    )
    return track(
        lab,
        lambda: lab.aks.managed_clusters.begin_create_or_update(rg, name, spec),
        title=f"Create AKS cluster {name} (5–10 minutes live)",
        az=az_create(lab.config, version),
        done=f"Cluster {name} created",
        doing=f"Creating cluster {name}",
    )


def _join(lab: Lab, cluster, *, poll_seconds: float = 15):
    """Wait for a create (or update) already in progress, started by 00-setup or an earlier run."""
    rg, name = _names(lab)
    recorded = lab.policy.replaying  # the recorded lab's story, not the learner's: this learner started nothing
    progress = ui.Progress(
        lab,
        f"Recorded lab: its 00-setup had started cluster {name}, still "
        f"{cluster.provisioning_state}, so this cell joined that create (live: it joins yours, or "
        "creates the cluster if 00-setup did not start it)"
        if recorded
        else f"Cluster {name} is {cluster.provisioning_state}: joining the operation already "
        "running (not starting another)",
        f"az aks wait --created --resource-group {rg} --name {name}",
    )
    cluster = poll(
        lambda: lab.aks.managed_clusters.get(rg, name),
        lambda found: found.provisioning_state in DONE_STATES,
        every=poll_seconds,
        timeout=JOIN_TIMEOUT,
        clock=lab.policy.clock,
        progress=lambda found: progress.update(found.provisioning_state),
        first=cluster,
    )
    if cluster.provisioning_state == "Succeeded":
        progress.finish(
            True,
            f"Recorded lab: cluster {name} was ready — it waited only for what was left of its creation"
            if recorded
            else f"Cluster {name} is ready — you waited only for what was left of its creation",
        )
        return cluster
    if cluster.provisioning_state not in DONE_STATES:
        raise shown(
            LabError(
                f"Cluster {name} is still {cluster.provisioning_state}",
                "run this cell again: it joins the same operation.",
            ),
            progress,
        )
    raise shown(_failed(cluster), progress)


def _start(lab: Lab):
    rg, name = _names(lab)
    track(
        lab,
        lambda: lab.aks.managed_clusters.begin_start(rg, name),
        title=f"Start stopped cluster {name}",
        az=f"az aks start --resource-group {rg} --name {name}",
        done=f"Cluster {name} started",
        doing=f"Starting cluster {name}",
    )
    return lab.aks.managed_clusters.get(rg, name)


def _show_cluster(cluster) -> None:
    pools = ", ".join(
        f"{p.name} ({ui.plain(p.mode)}, {p.count} × {p.vm_size})" for p in cluster.agent_pool_profiles or []
    )
    ui.show(
        [
            ("Kubernetes version", cluster.current_kubernetes_version or cluster.kubernetes_version),
            ("Pricing tier", f"{ui.plain(cluster.sku.tier)} (control plane run by Azure)" if cluster.sku else ""),
            ("Node pools", pools),
            ("Identity", ui.plain(cluster.identity.type) if cluster.identity else ""),
            ("API server", cluster.fqdn),
            ("Node resource group", cluster.node_resource_group),
            ("Provisioning state", cluster.provisioning_state),
        ],
        f"Cluster {cluster.name} in {cluster.location}",
    )


@step("Fetching the kubeconfig of {c.cluster_name}")
def fetch_kubeconfig(lab: Lab):
    """Save the cluster's user kubeconfig in the lab folder, readable only by you; never print it."""
    rg, name = _names(lab)
    result = lab.aks.managed_clusters.list_cluster_user_credentials(rg, name)
    path = kube.kubeconfig_path(lab)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(result.kubeconfigs[0].value)
    os.chmod(path, 0o600)
    ui.status(
        True,
        f"Kubeconfig saved as {path.name} in your lab folder, readable only by you "
        f"(az aks get-credentials --resource-group {rg} --name {name} --file …). It holds a "
        "credential for your cluster, so it is not shown.",
    )
    return path


# -- 02: see the architecture ------------------------------------------------------------------------------
@step("Asking the API server of {c.cluster_name}")
def show_api_server(lab: Lab) -> None:
    """The control plane answering: its version, and its health checks with etcd's."""
    info, checks = kube.version(lab), kube.readyz(lab)
    ui.show(
        [
            ("Kubernetes", info.get("gitVersion", "")),
            ("Platform", info.get("platform", "")),
            ("Built with", info.get("goVersion", "")),
        ],
        "kube-apiserver: GET /version",
    )
    etcd = [line for line in checks if "etcd" in line]
    others = [line[3:].rsplit(" ", 1)[0] for line in checks if line.startswith("[") and "etcd" not in line]
    failed = [line for line in checks if line.startswith("[-]")]
    ui.show(
        [(line[3:].rsplit(" ", 1)[0], line[3:].rsplit(" ", 1)[-1]) for line in etcd]
        + [("other checks", f"{len(others)}: {', '.join(others[:4])}, …"), ("verdict", checks[-1] if checks else "")],
        "kube-apiserver: GET /readyz?verbose",
    )
    ui.status(
        not failed and bool(etcd),
        "etcd answers through the API server: it is there, run by Azure, out of your reach"
        if not failed
        else f"failing checks: {', '.join(failed)}",
    )


@step("Listing the kube-system pods of {c.cluster_name}")
def show_system_pods(lab: Lab) -> None:
    """The kube-system pods, grouped by the component they belong to."""
    found = kube.pods(lab)
    groups: dict = {}
    for pod in found:
        groups.setdefault(pod["component"], []).append(pod)
    rows = [
        (
            component,
            f"{len(members)} pod(s), {sum(p['phase'] == 'Running' for p in members)} running · "
            f"{COMPONENTS.get(component, '')}".rstrip(" ·"),
        )
        for component, members in sorted(groups.items())
    ]
    ui.show(rows, f"kube-system: {len(found)} pods in {len(groups)} components (kubectl get pods -n kube-system)")


@step("Listing the nodes of {c.cluster_name}")
def show_nodes(lab: Lab) -> None:
    """Each node's kubelet, kube-proxy, container runtime and OS, as the node reports them."""
    found, system = kube.nodes(lab), kube.pods(lab)
    for node in found:
        ui.show(_node_rows(node, system), f"Node {node['name']} (kubectl describe node)")
    runtimes = {n["containerRuntimeVersion"].split(":")[0] for n in found}
    ui.status(
        runtimes == {"containerd"},
        f"Container runtime on every node: {', '.join(sorted(runtimes))} "
        "(not Docker: dockershim left Kubernetes in 1.24)",
    )


def _node_rows(node: dict, system_pods: list) -> list:
    proxy = next(
        (
            p["images"][0].rsplit(":", 1)[-1]
            for p in system_pods
            if p["component"] == "kube-proxy" and p["node"] == node["name"] and p["images"]
        ),
        "",
    )
    reported = node.get("kubeProxyVersion") or "(empty: nodes stopped reporting it in Kubernetes 1.33)"
    return [
        ("Node pool", f"{node['pool']} · {node['vmSize']}"),
        ("Ready", "yes" if node["ready"] else "no"),
        ("kubelet", node["kubeletVersion"]),
        ("kube-proxy", f"{proxy} (image of its kube-proxy pod); node field: {reported}"),
        ("Container runtime", node["containerRuntimeVersion"]),
        ("OS image", f"{node['osImage']} · kernel {node['kernelVersion']} · {node['architecture']}"),
    ]


# -- 02: node pools and upgrades --------------------------------------------------------------------------------
@step("Listing node pools")
def show_node_pools(lab: Lab) -> None:
    """The cluster's node pools: mode, size, count, version and state."""
    rg, name = _names(lab)
    pools = list(lab.aks.agent_pools.list(rg, name))
    ui.show(
        [
            (
                p.name,
                f"{ui.plain(p.mode)} · {p.count} × {p.vm_size} · {ui.plain(p.os_type)} ({ui.plain(p.os_sku)}) · "
                f"Kubernetes {p.current_orchestrator_version} · {p.provisioning_state}",
            )
            for p in pools
        ],
        f"Node pools of {name} (az aks nodepool list --resource-group {rg} --cluster-name {name})",
    )


@step("Adding a node pool to {c.cluster_name}")
def add_user_pool(lab: Lab, pool: str = USER_POOL, *, vm_size: str | None = None) -> None:
    """Add a one-node user pool, then show that its node joined the cluster."""
    from azure.mgmt.containerservice.models import AgentPool

    rg, name = _names(lab)
    size = vm_size or lab.config.vm_size
    spec = AgentPool(mode="User", count=1, vm_size=size, os_type="Linux")
    track(
        lab,
        lambda: lab.aks.agent_pools.begin_create_or_update(rg, name, pool, spec),
        title=f"Add user node pool {pool} (about 3 minutes live; +${costs.node_hour(size):.3f}/h)",
        az=f"az aks nodepool add --resource-group {rg} --cluster-name {name} --name {pool} "
        f"--mode User --node-count 1 --node-vm-size {size}",
        done=f"Node pool {pool} added",
        doing=f"Adding node pool {pool}",
    )
    found = kube.nodes(lab)
    ui.show(
        [
            (n["name"], f"pool {n['pool']} · {'Ready' if n['ready'] else 'not ready'} · {n['kubeletVersion']}")
            for n in found
        ],
        "Nodes now (kubectl get nodes)",
    )


@step("Deleting a node pool of {c.cluster_name}")
def remove_user_pool(lab: Lab, pool: str = USER_POOL) -> None:
    """Delete the user pool again: its VM stops costing money."""
    rg, name = _names(lab)
    track(
        lab,
        lambda: lab.aks.agent_pools.begin_delete(rg, name, pool),
        title=f"Delete node pool {pool} (about a minute live; then its node costs nothing)",
        az=f"az aks nodepool delete --resource-group {rg} --cluster-name {name} --name {pool}",
        done=f"Node pool {pool} deleted",
        doing=f"Deleting node pool {pool}",
    )


@step("Reading the upgrade profile")
def show_upgrades(lab: Lab) -> None:
    """The upgrade profile: the version of the control plane and each pool, and what each can move to."""
    rg, name = _names(lab)
    profile = lab.aks.managed_clusters.get_upgrade_profile(rg, name)

    def targets(upgrades):
        return (
            ", ".join(u.kubernetes_version + (" (preview)" if u.is_preview else "") for u in upgrades or []) or "none"
        )

    cp = profile.control_plane_profile
    rows = [("Control plane", f"{cp.kubernetes_version} → {targets(cp.upgrades)}")]
    rows += [
        (f"Pool {p.name}", f"{p.kubernetes_version} → {targets(p.upgrades)}") for p in profile.agent_pool_profiles or []
    ]
    if not profile.agent_pool_profiles:  # Azure sends null here for scale-set pools, and while a cluster is created
        rows.append(
            (
                "Node pools",
                "not listed in this profile: each pool has its own "
                f"(az aks nodepool get-upgrades --resource-group {rg} --cluster-name {name} "
                "--nodepool-name …)",
            )
        )
    ui.show(rows, f"Upgrades available (az aks get-upgrades --resource-group {rg} --name {name})")


# -- 02: leaving it running ----------------------------------------------------------------------------------------
@step("Reading cluster {c.cluster_name}")
def show_running(lab: Lab) -> None:
    """What is still running, what it costs per hour and per day, and how to stop or delete it."""
    rg, name = _names(lab)
    cluster = lab.aks.managed_clusters.get(rg, name)
    tier = ui.plain(cluster.sku.tier) if cluster.sku else "Free"
    pools = cluster.agent_pool_profiles or []
    hourly = costs.cluster_hour_of(cluster)  # node VMs, their OS disks, the load balancer and its IP, the tier
    state = ui.plain(cluster.power_state.code) if cluster.power_state else "Running"
    unpriced = [p.vm_size for p in pools if p.vm_size not in costs.table().node_per_hour]
    ui.show(
        [
            ("Cluster", f"{name}: {state}, {tier} tier"),
            ("Nodes", ", ".join(f"{p.count} × {p.vm_size} ({p.name})" for p in pools)),
            (
                "Cost while running",
                f"≈ ${hourly:.3f} per hour, ≈ ${24 * hourly:.2f} per day"
                + (f" ({', '.join(unpriced)} priced like a D2s_v3)" if unpriced else ""),
            ),
            ("Prices", f"{costs.table().source}, read {costs.table().date}"),
            ("Pause it", f"aks.stop_cluster(lab)  ·  az aks stop --resource-group {rg} --name {name}"),
            ("Delete it", f"aks.delete_cluster(lab)  ·  az aks delete --resource-group {rg} --name {name} --yes"),
        ],
        "Still running after this notebook",
    )


@step("Stopping cluster {c.cluster_name}")
def stop_cluster(lab: Lab) -> None:
    """Stop the cluster (control plane and nodes): no node charges until it is started again."""
    rg, name = _names(lab)
    track(
        lab,
        lambda: lab.aks.managed_clusters.begin_stop(rg, name),
        title=f"Stop cluster {name}",
        az=f"az aks stop --resource-group {rg} --name {name}",
        done=f"Cluster {name} stopped",
        next_step="05-run-on-aks starts it again in its first cell (2–5 minutes live), as does "
        "aks.create_cluster(lab) or az aks start. While stopped, its OS disks, load balancer "
        "and public IP are still billed.",
        doing=f"Stopping cluster {name}",
    )


@step("Deleting cluster {c.cluster_name}")
def delete_cluster(lab: Lab) -> None:
    """Delete the cluster and its node resource group (the resource group and registry stay)."""
    rg, name = _names(lab)
    track(
        lab,
        lambda: lab.aks.managed_clusters.begin_delete(rg, name),
        title=f"Delete cluster {name}",
        az=f"az aks delete --resource-group {rg} --name {name} --yes",
        done=f"Cluster {name} deleted",
        next_step="99-cleanup removes everything else the lab made.",
        doing=f"Deleting cluster {name}",
    )
