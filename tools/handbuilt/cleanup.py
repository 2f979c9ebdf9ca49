"""Recordings for notebook 99-cleanup, ``labkit cleanup`` (recordings/cli-cleanup) and the cost meter.

The subscription these recordings show is shared by a class: the recorded learner's group
``rg-student-k7q2`` and its AKS node group, and other learners' groups that cleanup must leave alone
(or, for the instructor's CLI, delete when expired). ``recordings/errors-cleanup/<scenario>.json`` are
single step files for tests/unit/test_cleanup.py: two groups of one learner, a delete blocked halfway.
"""

from __future__ import annotations

from tools.handbuilt import ARM, SUB, entry, write

RG_API = "2025-04-01"  # azure-mgmt-resource 26.0.0
AKS_API = "2026-08-01"  # azure-mgmt-containerservice 41.8.0
REGION, RG, CLUSTER_NAME, REGISTRY = "eastus", "rg-student-k7q2", "aks-student-k7q2", "acrstudentk7q2"
CLUSTER = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER_NAME}"
REGISTRY_ID = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerRegistry/registries/{REGISTRY}"
TAG_FILTER = "$filter=tagName%20eq%20%27course%27%20and%20tagValue%20eq%20%27aks-workbook%27"

RESOURCES = "Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/resources/" \
            "stable/2025-04-01/examples/"
EXAMPLES = [RESOURCES + "ForceDeleteVMsInResourceGroup.json (ResourceGroups_Delete: 202 + Location, then 200)",
            RESOURCES.replace("examples/", "resources.json") + " (ResourceGroups_List with $filter, "
            "ResourceGroups_CheckExistence, Resources_ListByResourceGroup with $expand=createdTime: that folder holds "
            "no example of them, so the bodies follow the ResourceGroup and GenericResourceExpanded definitions)"]
AKS_EXAMPLE = ("Azure/azure-rest-api-specs specification/containerservice/resource-manager/Microsoft.ContainerService/"
               "aks/stable/2025-10-01/examples/ManagedClustersGet.json (sent with api-version 2026-08-01)")
NOTE = ("Built by hand: nothing in this project can reach Azure. Shapes follow the named Azure REST API reference "
        "examples and definitions of the api-versions the pinned SDKs send (azure-mgmt-resource 26.0.0: 2025-04-01). "
        "The delete's Location names a readable job instead of an opaque id. Names, tags, dates and times are the "
        "recorded lab's (illustrative).")
CLOCK_NOTE = " The clock.now calls are the times labkit read at that point of the recorded lab."


def tags(owner: str, created: str, expires: str) -> dict:
    return {"course": "aks-workbook", "owner": owner, "created": created, "expires": expires}


def group(name: str, owner: str = "student", created: str = "2026-11-29", expires: str = "2026-11-30", *,
          cluster: str = "", location: str = REGION) -> dict:
    """A resource group as ResourceGroups_List shows it; ``cluster`` makes it that cluster's node group."""
    body = {"id": f"{SUB}/resourceGroups/{name}", "name": name, "type": "Microsoft.Resources/resourceGroups",
            "location": location, "tags": tags(owner, created, expires),
            "properties": {"provisioningState": "Succeeded"}}
    if cluster:
        body["managedBy"] = cluster
        body["tags"] = {**body["tags"], "aks-managed-cluster-name": cluster.rsplit("/", 1)[-1],
                        "aks-managed-cluster-rg": cluster.split("/")[4]}
    return body


def node_group(rg: str, cluster_name: str, owner: str = "student", location: str = REGION, **dates) -> dict:
    """The AKS node resource group: the cluster's tags propagate to it, and it is managed by the cluster."""
    cluster = f"{SUB}/resourcegroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster_name}"
    return group(f"MC_{rg}_{cluster_name}_{location}", owner, cluster=cluster, location=location, **dates)


def list_groups(*groups: dict) -> dict:
    return entry("GET", f"{SUB}/resourcegroups?api-version={RG_API}&{TAG_FILTER}", 200, {"value": list(groups)})


CLASS_OF_ONE = (group(RG), node_group(RG, CLUSTER_NAME),
                group("rg-bob-3f9a", "bob", "2026-11-29", "2026-11-30", location="westeurope"))


def resource(rid: str, kind: str, created: str, sku: dict | None = None) -> dict:
    return {"id": rid, "name": rid.rsplit("/", 1)[-1], "type": kind, "location": REGION, "tags": tags(
        "student", "2026-11-29", "2026-11-30"), "createdTime": created, "changedTime": created,
            "provisioningState": "Succeeded", **({"sku": sku} if sku else {})}


LAB_RESOURCES = [resource(CLUSTER, "Microsoft.ContainerService/managedClusters", "2026-11-29T10:00:04Z",
                          {"name": "Base", "tier": "Free"}),
                 resource(REGISTRY_ID, "Microsoft.ContainerRegistry/registries", "2026-11-29T10:21:40Z",
                          {"name": "Basic", "tier": "Basic"})]


def list_resources(rg: str, items: list[dict], *, expand: bool = True) -> dict:
    query = f"api-version={RG_API}" + ("&$expand=createdTime" if expand else "")
    return entry("GET", f"{SUB}/resourcegroups/{rg}/resources?{query}", 200, {"value": items})


def cluster_body() -> dict:
    """The recorded cluster as ManagedClusters_Get shows it (the fields the cost meter reads)."""
    return {"id": CLUSTER, "name": CLUSTER_NAME, "type": "Microsoft.ContainerService/ManagedClusters",
            "location": REGION, "tags": tags("student", "2026-11-29", "2026-11-30"),
            "sku": {"name": "Base", "tier": "Free"},
            "properties": {"provisioningState": "Succeeded", "powerState": {"code": "Running"},
                           "kubernetesVersion": "1.35", "currentKubernetesVersion": "1.35.4", "dnsPrefix": CLUSTER_NAME,
                           "nodeResourceGroup": f"MC_{RG}_{CLUSTER_NAME}_{REGION}",
                           "agentPoolProfiles": [{"name": "nodepool1", "count": 1, "vmSize": "Standard_B2s",
                                                  "mode": "System", "osType": "Linux",
                                                  "provisioningState": "Succeeded"}]}}


def get_cluster() -> dict:
    return entry("GET", f"{CLUSTER}?api-version={AKS_API}", 200, cluster_body())


def clock(stamp: str) -> dict:
    return {"call": "clock.now", "result": stamp}


def cost_so_far(notebook: str, stamp: str, *, groups=CLASS_OF_ONE, items=LAB_RESOURCES, extra_examples=()) -> None:
    """The cost meter's step at the end of a notebook: the lab's groups by tag, what they hold, the clock."""
    entries = [list_groups(*groups)]
    if any(g["name"] == RG for g in groups):
        entries.append(list_resources(RG, items))
        if any(i["type"].endswith("managedClusters") for i in items):
            entries.append(get_cluster())
    write(notebook, "cost_so_far", entries, calls=[clock(stamp)],
          examples=EXAMPLES + [AKS_EXAMPLE, *extra_examples], note=NOTE + CLOCK_NOTE)


def delete_group(name: str, *, polls: int = 2, failure: dict | None = None) -> list[dict]:
    """ResourceGroups_Delete: 202 + Location + Retry-After, 202 while deleting, then 200 (or the error)."""
    job = f"{ARM}{SUB}/operationresults/RESOURCEGROUPDELETIONJOB-{name.replace('-', '').upper()}-{REGION.upper()}" \
          f"?api-version={RG_API}"
    waiting = {"Location": job, "Retry-After": "15"}
    answer = [entry("DELETE", f"{SUB}/resourcegroups/{name}?api-version={RG_API}", 202, None, headers=waiting)]
    answer += [entry("GET", job, 202, None, headers=waiting) for _ in range(polls)]
    if failure:
        return answer + [entry("GET", job, 409, {"error": failure})]
    return answer + [entry("GET", job, 200, None)]


def head(name: str, status: int = 404) -> dict:
    return entry("HEAD", f"{SUB}/resourcegroups/{name}?api-version={RG_API}", status, None)


def build_notebook() -> None:
    nb = "99-cleanup"
    write(nb, "plan", [list_groups(*CLASS_OF_ONE), list_resources(RG, LAB_RESOURCES), get_cluster()],
          examples=EXAMPLES + [AKS_EXAMPLE], note=NOTE)
    write(nb, "delete", delete_group(RG, polls=3), calls=[clock("2026-11-29T12:06:30+00:00")],
          examples=EXAMPLES, note=NOTE + CLOCK_NOTE)
    others = [g for g in CLASS_OF_ONE if g["tags"]["owner"] != "student"]
    write(nb, "verify", [list_groups(*others), head(RG), head(CLASS_OF_ONE[1]["name"])], examples=EXAMPLES, note=NOTE)
    cost_so_far(nb, "2026-11-29T12:07:00+00:00", groups=others)


def build_cli() -> None:
    """An instructor's subscription the day after class: two learners' groups have expired."""
    alice = ("rg-alice-a1b2", "alice", "2026-11-20", "2026-11-21")
    bob = ("rg-bob-3f9a", "bob", "2026-11-25", "2026-11-26")
    carol = ("rg-carol-c3d4", "carol", "2026-11-28", "2026-12-05")
    alice_nodes = node_group("rg-alice-a1b2", "aks-alice-a1b2", "alice", "westeurope",
                             created="2026-11-20", expires="2026-11-21")
    student = (group(RG), node_group(RG, CLUSTER_NAME))
    class_list = [*student, group(*alice, location="westeurope"), alice_nodes, group(*bob), group(*carol)]
    note = NOTE + " The class and its dates are illustrative."
    write("cli-cleanup", "find", [list_groups(*class_list)], calls=[clock("2026-11-29T21:00:00+00:00")],
          examples=EXAMPLES, note=note + CLOCK_NOTE)
    write("cli-cleanup", "delete", delete_group(alice[0], polls=1) + delete_group(bob[0], polls=1),
          examples=EXAMPLES, note=note)
    write("cli-cleanup", "verify", [list_groups(*student, group(*carol)), head(alice[0]), head(bob[0]),
                                    head(alice_nodes["name"])], examples=EXAMPLES, note=note)


def build_scenarios() -> None:
    """Test scenarios (each replayed as the step it names): a learner with two groups; a delete blocked halfway."""
    older = group("rg-student-9x8w", "student", "2026-11-27", "2026-11-28")
    two = [group(RG), node_group(RG, CLUSTER_NAME), older, CLASS_OF_ONE[2]]

    def scenario(name, step, entries, what, calls=()):
        write("errors-cleanup", name, entries, calls=list(calls), examples=EXAMPLES + [AKS_EXAMPLE],
              note=f"{NOTE} Test scenario, replayed as step '{step}': {what}")

    scenario("plan_two_groups", "plan", [list_groups(*two), list_resources(RG, LAB_RESOURCES), get_cluster(),
                                         list_resources(older["name"], [])],
             "the learner also has an empty group from another machine (another suffix), found by its owner tag")
    blocked = {"code": "ResourceGroupDeletionBlocked",
               "message": f"Deletion of resource group '{RG}' failed as resources with identifiers "
                          f"'Microsoft.ContainerService/managedClusters/{CLUSTER_NAME}' could not be deleted. The "
                          "provisioning state of the resource group will be rolled back. Please check audit logs "
                          "for more details."}
    scenario("delete_blocked", "delete", delete_group(RG, polls=1, failure=blocked)
             + delete_group(older["name"], polls=1), "the first group's delete fails halfway, the second succeeds",
             calls=[clock("2026-11-29T12:06:30+00:00")])
    scenario("verify_left", "verify", [list_groups(group(RG), node_group(RG, CLUSTER_NAME), CLASS_OF_ONE[2]),
                                       head(older["name"])],
             "after the blocked delete: the learner's main group and its node group are still there")


def build():
    build_notebook()
    build_cli()
    build_scenarios()
