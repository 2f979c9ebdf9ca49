"""Recordings for the instructor's commands (labkit/instructor): ``labkit preflight`` and ``labkit class
provision``, ``deprovision`` and ``status`` (recordings/instructor-*; tests/unit/test_instructor.py, test_cli.py).

An illustrative class in the recorded subscription: aks26s01 and aks26s02 of class aks-2026-11 (aks26s02's lab
past its expiry and forgotten), and aks26s03's group, left from class aks-2026-10. Preflight finds eastus short of
regional vCPU quota for 30 learners and Standard_D2as_v5 restricted there, eastus2 with room, westus3 restricting
the node size, and no Container Instances in Sweden Central.
"""

from __future__ import annotations

from tools.handbuilt import DROP, SUB, azure_headers, derive, entry, real, setup, write
from tools.handbuilt.aks import MINOR, PATCH
from tools.handbuilt.cleanup import DELETE, GONE, LIST, clock, delete_group, group, head, like, list_groups, node_group
from tools.handbuilt.lab_status import list_with_times

# What the pinned SDKs send: azure-mgmt-resource, -containerservice, -compute (usages, resource SKUs), -authorization.
RG_API, AKS_API, USAGES_API, SKUS_API, ROLES_API = "2025-04-01", "2026-08-01", "2026-04-01", "2021-07-01", "2022-04-01"
REGION, CLASS, FAMILY = "eastus", "aks-2026-11", "standardDSv5Family"
USAGES, SKUS, ROLE = "compute/usages_list", "compute/skus_region", "authorization/role_assignment_create"
CREATE, GET = "resources/group_create", "resources/group_get"
SUFFIX = {"aks26s01": "a1b2", "aks26s02": "c3d4", "aks26s03": "e5f6"}
CLASS_NAMES = ("an illustrative class's (aks26s01–aks26s03, class aks-2026-11), "
               "as are its tags, figures, dates and times")
TYPED = ("Not in the corpus: the resources lists with $expand=createdTime,changedTime and $expand=createdTime "
         "(typed from the GenericResourceExpanded definition). The clock.now call is the time the status was read.")


def rg(learner: str) -> str:
    return f"rg-{learner}-{SUFFIX[learner]}"


def aks_name(learner: str) -> str:
    return f"aks-{learner}-{SUFFIX[learner]}"


def node_rg(learner: str) -> str:
    return f"MC_{rg(learner)}_{aks_name(learner)}_{REGION}"


def class_tags(learner: str, created: str, expires: str, class_name: str = CLASS) -> dict:
    """The lab's tags and its class, as ``labkit class provision`` tags a learner's group."""
    return {"course": "aks-workbook", "owner": learner, "created": created, "expires": expires, "lab": rg(learner),
            "class": class_name}


def class_group(learner: str, created: str, expires: str, class_name: str = CLASS, *, nodes: bool = False) -> dict:
    """A learner's group as the groups list shows it (cleanup.group), with its class; ``nodes``: its node group."""
    found = (node_group(rg(learner), aks_name(learner), learner, created=created, expires=expires) if nodes
             else group(rg(learner), learner, created, expires))
    found["tags"] = {**class_tags(learner, created, expires, class_name), **found["tags"]}
    return found


# Each learner: prefix, the day their lab (and its group) was created, its expiry (and aks26s03's class).
S01 = ("aks26s01", "2026-11-30", "2026-12-01")
S02 = ("aks26s02", "2026-11-27", "2026-11-28")
S03 = ("aks26s03", "2026-10-20", "2026-10-21", "aks-2026-10")
CLASS_LIST = [class_group(*S01), class_group(*S01, nodes=True), class_group(*S02), class_group(*S02, nodes=True),
              class_group(*S03)]


# -- preflight -------------------------------------------------------------------------------------------------
def offering(ns: str, kind: str, regions: list[str]) -> dict:
    """A provider registered, offering ``kind`` in ``regions`` (typed from the Provider definition, see setup.py)."""
    body = {**setup.provider(ns, "Registered"), "resourceTypes": [
        {"resourceType": kind, "locations": regions, "apiVersions": [setup.API], "capabilities": "None"}]}
    return entry("GET", f"{SUB}/providers/{ns}?api-version={setup.API}", 200, body, headers=setup.HEADERS)


def usages(region: str, changes: dict) -> dict:
    """Compute usages (tests/corpus/compute/usages_list); ``changes``: 'quota.field' -> value."""
    names = [u["name"]["value"] for u in real(USAGES)["ResponseBody"]["value"]]
    body = derive(USAGES, 0, {f"value.{names.index(k.split('.')[0])}.{k.split('.')[1]}": v for k, v in changes.items()})
    return entry("GET", f"{SUB}/providers/Microsoft.Compute/locations/{region}/usages?api-version={USAGES_API}", 200,
                 body, headers=azure_headers(real(USAGES)["ResponseHeaders"]))


def sku(size: str, family: str, region: str, restricted: bool) -> dict:
    """A 2-vCPU size as the SKU list shows it: the corpus's first SKU with this size's values set."""
    restrictions = [{"type": "Location", "values": [region], "restrictionInfo": {"locations": [region]},
                     "reasonCode": "NotAvailableForSubscription"}] if restricted else []
    capabilities = [{"name": "vCPUs", "value": "2"}, {"name": "MemoryGB", "value": "8"},
                    {"name": "PremiumIO", "value": "True"}, {"name": "vCPUsAvailable", "value": "2"}]
    return derive(SKUS, 0, {
        "value.0.locations": [region], "value.0.capabilities": capabilities,
        "value.0.locationInfo": [{"location": region, "zones": ["1", "2", "3"]}], "value.0.name": f"Standard_{size}",
        "value.0.size": size, "value.0.family": family, "value.0.restrictions": restrictions})["value"][0]


def skus(region: str, restricted: str = "") -> dict:
    """The VM sizes listed for a region (tests/corpus/compute/skus_region): the lab's and two others."""
    sizes = [("D2s_v5", FAMILY), ("D2as_v5", "standardDASv5Family"), ("D2s_v3", "standardDSv3Family")]
    body = derive(SKUS, 0, {"value": [sku(size, family, region, size == restricted) for size, family in sizes]})
    return entry("GET", f"{SUB}/providers/Microsoft.Compute/skus?api-version={SKUS_API}"
                        f"&$filter=location%20eq%20%27{region}%27", 200, body,
                 headers=azure_headers(real(SKUS)["ResponseHeaders"]))


def build_preflight() -> None:
    nb, everywhere = "instructor-preflight", ["East US", "East US 2", "West US 3", "Sweden Central"]
    write(nb, "provider_checks", [offering("Microsoft.ContainerService", "managedClusters", everywhere),
                                  offering("Microsoft.ContainerRegistry", "registries", everywhere),
                                  offering("Microsoft.ContainerInstance", "containerGroups", everywhere[:3])],
          follows=[GET], names=CLASS_NAMES,
          note=f"{setup.NOTE} Each lists the regions it offers the lab's resource type in.")
    sizes = ("The VM sizes are the corpus's first SKU with each size's name, family, capabilities, zones and "
             "restriction set.")
    write(nb, "check_region_fit", [usages("eastus", {}), skus("eastus", restricted="D2as_v5")],
          follows=[USAGES, SKUS], names=CLASS_NAMES, note=sizes)
    write(nb, "other_regions", [
        usages("eastus2", {"cores.limit": 350, "cores.currentValue": 4, f"{FAMILY}.limit": 350}), skus("eastus2"),
        usages("westus3", {"cores.limit": 10, "cores.currentValue": 0, f"{FAMILY}.limit": 10}),
        skus("westus3", restricted="D2s_v5")], follows=[USAGES, SKUS], names=CLASS_NAMES, note=sizes)


# -- provision and deprovision ----------------------------------------------------------------------------------
def group_url(learner: str) -> str:
    return f"{SUB}/resourcegroups/{rg(learner)}?api-version={RG_API}"


def named(learner: str) -> dict:
    """The changes that give a corpus group the learner's group's id and name."""
    return {"id": f"{SUB}/resourceGroups/{rg(learner)}", "name": rg(learner)}


def create_group(learner: str) -> dict:
    """The learner's group created (tests/corpus/resources/group_create), with the class's tags."""
    tags = class_tags(learner, "2026-11-30", "2026-12-01")
    return entry("PUT", group_url(learner), 201, derive(CREATE, 0, {**named(learner), "tags": tags}),
                 request={"location": REGION, "tags": tags}, headers=azure_headers(real(CREATE)["ResponseHeaders"]))


def existing_group(learner: str, created: str, expires: str, class_name: str) -> list[dict]:
    """A group that is there: HEAD 204 (with group_get's headers but no body), then its GET (group_get)."""
    kept = azure_headers(real(GET)["ResponseHeaders"])
    body = derive(GET, 0, {**named(learner), "tags": class_tags(learner, created, expires, class_name)})
    bodiless = {k: v for k, v in kept.items() if k != "Content-Type"}
    return [entry("HEAD", group_url(learner), 204, None, headers=bodiless),
            entry("GET", group_url(learner), 200, body, headers=kept)]


def assign_role(learner: str, principal: str, name: str) -> dict:
    """Contributor on the learner's group (tests/corpus/authorization/role_assignment_create) for ``principal``."""
    scope = f"{SUB}/resourceGroups/{rg(learner)}"
    assignment = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
    sent = real(ROLE)["RequestBody"]
    sent["properties"]["principalId"] = principal
    body = derive(ROLE, 0, {"id": assignment, "name": name, "properties.principalId": principal,
                            "properties.scope": scope})
    return entry("PUT", f"{assignment}?api-version={ROLES_API}", 201, body, request=sent,
                 headers=azure_headers(real(ROLE)["ResponseHeaders"]))


def build_provision() -> None:
    nb = "instructor-provision"
    existing = ("rg-aks26s03-e5f6 exists, tagged for another class. Not in the corpus: the HEAD of an existing group "
                "(204), with the headers of tests/corpus/resources/group_get.")
    write(nb, "create_groups", [head(rg("aks26s01")), create_group("aks26s01"), head(rg("aks26s02")),
                                create_group("aks26s02"), *existing_group(*S03)],
          follows=[GONE, CREATE, GET], names=CLASS_NAMES, note=existing)
    write(nb, "assign_roles", [assign_role("aks26s01", "00000000-0000-0000-0000-000000000201",
                                           "00000000-0000-0000-0000-000000000001"),
                               assign_role("aks26s02", "00000000-0000-0000-0000-000000000202",
                                           "00000000-0000-0000-0000-000000000002")],
          follows=[ROLE], names=CLASS_NAMES, note="The role definition's id is the corpus case's.")
    nb = "instructor-deprovision"
    write(nb, "class_groups", [list_groups(*CLASS_LIST)], follows=[LIST], names=CLASS_NAMES)
    write(nb, "delete_groups", delete_group(rg("aks26s01"), polls=1) + delete_group(rg("aks26s02"), polls=1),
          follows=[DELETE], names=CLASS_NAMES)


# -- status -------------------------------------------------------------------------------------------------------
def resource(group_name: str, kind: str, name: str, created: str, changed: str, sku: dict | None = None) -> dict:
    """A resource as the resources list shows it with its created and changed times (times on the class's day)."""
    return {"id": f"{SUB}/resourceGroups/{group_name}/providers/{kind}/{name}", "name": name, "type": kind,
            "location": REGION, "createdTime": f"{created}:00.0000000Z", "changedTime": f"{changed}:00.0000000Z",
            "provisioningState": "Succeeded", **({"sku": sku} if sku else {})}


def pool(name: str, mode: str, power: str, tags: dict) -> dict:
    """A node pool of the cluster (tests/corpus/aks/get's pool): one Standard_D2s_v5 node."""
    at = "properties.agentPoolProfiles.0."
    return derive("aks/get", 0, {
        f"{at}name": name, f"{at}vmSize": "Standard_D2s_v5", f"{at}mode": mode, f"{at}powerState": {"code": power},
        f"{at}orchestratorVersion": MINOR, f"{at}currentOrchestratorVersion": PATCH, f"{at}tags": tags,
        f"{at}nodeLabels": {}, f"{at}nodeImageVersion": "AKSUbuntu-2404gen2containerd-202611.10.0",
    })["properties"]["agentPoolProfiles"][0]


def get_cluster(learner: str, created: str, expires: str, power: str, pools: list[tuple[str, str]],
                egress_ip: str) -> dict:
    """The learner's cluster (tests/corpus/aks/get) with its names, pools and power state."""
    name, nodes, tags = aks_name(learner), node_rg(learner), class_tags(learner, created, expires)
    fqdn = real("aks/get")["ResponseBody"]["properties"]["fqdn"].replace("aks-student-k7q2", name)
    body = derive("aks/get", 0, {
        "id": f"{SUB}/resourcegroups/{rg(learner)}/providers/Microsoft.ContainerService/managedClusters/{name}",
        "name": name, "tags": tags, "sku": {"name": "Base", "tier": "Free"},
        "properties.powerState": {"code": power}, "properties.kubernetesVersion": MINOR,
        "properties.currentKubernetesVersion": PATCH, "properties.dnsPrefix": name, "properties.fqdn": fqdn,
        "properties.azurePortalFQDN": fqdn.replace(".hcp.", ".portal.hcp."),
        "properties.agentPoolProfiles": [pool(p, mode, power, tags) for p, mode in pools],
        "properties.linuxProfile": DROP, "properties.nodeResourceGroup": nodes,
        "properties.networkProfile.loadBalancerProfile.effectiveOutboundIPs.0.id":
            f"{SUB}/resourceGroups/{nodes}/providers/Microsoft.Network/publicIPAddresses/{egress_ip}",
        "properties.identityProfile.kubeletidentity.resourceId":
            f"{SUB}/resourcegroups/{nodes}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}-agentpool",
    })
    return entry("GET", f"{SUB}/resourceGroups/{rg(learner)}/providers/Microsoft.ContainerService/managedClusters/"
                        f"{name}?api-version={AKS_API}", 200, body, headers=like("aks/get"))


def build_status() -> None:
    """Class status the afternoon after aks26s01's session: aks26s02's stopped lab is past expiry and idle."""
    lab = "createdTime%2CchangedTime"
    aks, acr = "Microsoft.ContainerService/managedClusters", "Microsoft.ContainerRegistry/registries"
    lb, ip = "Microsoft.Network/loadBalancers", "Microsoft.Network/publicIPAddresses"
    basic = {"name": "Basic", "tier": "Basic"}
    s01, s01_nodes, day1 = rg("aks26s01"), node_rg("aks26s01"), "2026-11-30T"
    s02, s02_nodes, day2 = rg("aks26s02"), node_rg("aks26s02"), "2026-11-27T"
    egress1, egress2 = "00000000-0000-0000-0000-000000000301", "00000000-0000-0000-0000-000000000302"
    entries = [
        list_groups(*CLASS_LIST),
        list_with_times(s01, [resource(s01, aks, aks_name("aks26s01"), day1 + "09:05", day1 + "13:40"),
                              resource(s01, acr, "acraks26s01a1b2", day1 + "10:10", day1 + "10:11", basic)], lab),
        get_cluster(*S01, "Running", [("nodepool1", "System"), ("userpool", "User")], egress1),
        list_with_times(s01_nodes, [
            resource(s01_nodes, lb, "kubernetes", day1 + "09:09", day1 + "13:41"),
            resource(s01_nodes, ip, egress1, day1 + "09:09", day1 + "09:09"),
            resource(s01_nodes, ip, "kubernetes-a3f9c2e1b7d6e4f8a1b2c3d4e5f60718", day1 + "13:41", day1 + "13:41")],
            "createdTime"),
        list_with_times(s02, [
            resource(s02, aks, aks_name("aks26s02"), day2 + "09:02", day2 + "16:30"),
            resource(s02, acr, "acraks26s02c3d4", day2 + "10:00", day2 + "10:01", basic),
            resource(s02, "Microsoft.ContainerInstance/containerGroups", "aci-aks26s02-c3d4", day2 + "11:00",
                     day2 + "11:02")], lab),
        get_cluster(*S02, "Stopped", [("nodepool1", "System")], egress2),
        list_with_times(s02_nodes, [resource(s02_nodes, lb, "kubernetes", day2 + "09:06", day2 + "09:06"),
                                    resource(s02_nodes, ip, egress2, day2 + "09:06", day2 + "09:06")], "createdTime"),
        list_with_times(rg("aks26s03"), [], lab)]
    write("instructor-status", "class_status", entries, calls=[clock("2026-11-30T15:00:00+00:00")],
          follows=[LIST, "aks/get"], names=CLASS_NAMES, note=TYPED)


def build():
    build_preflight()
    build_provision()
    build_status()
