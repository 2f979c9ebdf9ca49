"""The cost section's "what is running now" cell (labkit.status.show_lab_status) in notebooks 00, 02–05 and 99.

Each notebook's step ``lab_status`` reads, just after its cost meter: the course's groups by tag, what the lab's
group holds (with its created and changed times), the cluster, and what its AKS node group holds (a Service's
public IP would be there). Same groups and resources as that notebook's ``cost_so_far``.
"""

from tools.handbuilt import SUB, entry, write
from tools.handbuilt.cleanup import (
    CLASS_OF_ONE,
    CLUSTER_NAME,
    LAB_RESOURCES,
    LIST,
    NOTE,
    REGION,
    RG,
    clock,
    get_cluster,
    group,
    like,
    list_groups,
)

RG_API = "2025-04-01"
NODE_GROUP = CLASS_OF_ONE[1]["name"]
NODE_IDS = f"{SUB}/resourceGroups/{NODE_GROUP}/providers"
# What AKS puts in the node group of a one-pool cluster with a Standard load balancer: the pool's scale set, the
# load balancer for egress and its public IP (named by a GUID), the nodes' network security group, and the pool's
# identity. No Service public IP (kubernetes-<id>): at each cost section there is none.
NODE_RESOURCES = [
    (f"{NODE_IDS}/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-31418627-vmss",
     "Microsoft.Compute/virtualMachineScaleSets"),
    (f"{NODE_IDS}/Microsoft.Network/loadBalancers/kubernetes", "Microsoft.Network/loadBalancers"),
    (f"{NODE_IDS}/Microsoft.Network/publicIPAddresses/00000000-0000-0000-0000-0000000003a1",
     "Microsoft.Network/publicIPAddresses"),
    (f"{NODE_IDS}/Microsoft.Network/networkSecurityGroups/aks-agentpool-31418627-nsg",
     "Microsoft.Network/networkSecurityGroups"),
    (f"{NODE_IDS}/Microsoft.ManagedIdentity/userAssignedIdentities/{CLUSTER_NAME}-agentpool",
     "Microsoft.ManagedIdentity/userAssignedIdentities"),
]
TYPED = (" Not in the corpus: the resources lists with $expand=createdTime,changedTime and $expand=createdTime "
         "(typed from the GenericResourceExpanded definition); the node group's resources are the ones AKS creates "
         "for a one-pool cluster with a Standard load balancer, their creation time the cluster's.")
CLOCK = " The clock.now call is the time labkit read when the cell ran, just after the notebook's cost meter."


def node_resources(created: str) -> list[dict]:
    return [{"id": rid, "name": rid.rsplit("/", 1)[-1], "type": kind, "location": REGION,
             "createdTime": created, "changedTime": created, "provisioningState": "Succeeded"}
            for rid, kind in NODE_RESOURCES]


def list_with_times(rg: str, items: list[dict], expand: str) -> dict:
    return entry("GET", f"{SUB}/resourcegroups/{rg}/resources?api-version={RG_API}&$expand={expand}", 200,
                 {"value": items}, headers=like(LIST))


def lab_status(notebook: str, stamp: str, *, groups=CLASS_OF_ONE, items=LAB_RESOURCES) -> None:
    entries = [list_groups(*groups)]
    if any(g["name"] == RG for g in groups):
        entries.append(list_with_times(RG, items, "createdTime%2CchangedTime"))
        if any(i["type"].endswith("managedClusters") for i in items):
            entries.append(get_cluster())
        if any(g["name"] == NODE_GROUP for g in groups):
            entries.append(list_with_times(NODE_GROUP, node_resources("2026-11-29T10:03:10Z"), "createdTime"))
    write(notebook, "show_lab_status", entries, calls=[clock(stamp)], follows=[LIST, "aks/get"],
          note=NOTE + TYPED + CLOCK)


def build():
    cluster_only = LAB_RESOURCES[:1]
    lab_status("00-setup", "2026-11-29T10:01:20+00:00", groups=(group(RG), CLASS_OF_ONE[2]), items=cluster_only)
    lab_status("02-deploy-aks", "2026-11-29T10:19:50+00:00", items=cluster_only)
    lab_status("03-publish-acr", "2026-11-29T10:34:30+00:00")
    lab_status("04-run-aci", "2026-11-29T11:15:20+00:00")
    lab_status("05-run-on-aks", "2026-11-29T11:50:20+00:00")
    lab_status("99-cleanup", "2026-11-29T12:07:20+00:00", groups=CLASS_OF_ONE[2:])
