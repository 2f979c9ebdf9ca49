"""Recordings for notebook 99-cleanup, ``labkit cleanup`` (recordings/cli-cleanup) and the cost meter.

The subscription these recordings show is shared by a class: the recorded learner's group
``rg-student-k7q2`` and its AKS node group, and other learners' groups that cleanup must leave alone
(or, for the instructor's CLI, delete when expired). Every group carries the ``lab`` tag, the lab's
identity (its resource group's name), which AKS copies onto the node group with the cluster's tags.
``recordings/errors-cleanup/<scenario>.json`` are single step files for tests/unit/test_cleanup.py and
tests/unit/test_cli.py: a learner sharing the prefix (and so the owner) of another, a delete blocked
halfway, and a class whose sweep meets refusals, failures and malformed tags.
"""

from __future__ import annotations

import base64
import json

from tools.handbuilt import ARM, SUB, azure_headers, derive, entry, real, signed, write
from tools.handbuilt.aks import cluster as aks_cluster

RG_API = "2025-04-01"  # azure-mgmt-resource 26.0.0
AKS_API = "2026-08-01"  # azure-mgmt-containerservice 41.8.0
REGION, RG, CLUSTER_NAME, REGISTRY = "eastus", "rg-student-k7q2", "aks-student-k7q2", "acrstudentk7q2"
CLUSTER = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER_NAME}"
REGISTRY_ID = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerRegistry/registries/{REGISTRY}"
TAG_FILTER = "$filter=tagName%20eq%20%27course%27%20and%20tagValue%20eq%20%27aks-workbook%27"

LIST, DELETE, GONE = "resources/group_list_by_tag", "resources/group_delete", "resources/group_gone"
FOLLOWS = [LIST, DELETE, GONE, "aks/get"]
REFUSALS = ("Not in the corpus: the refusals' codes and messages as reported in Azure/azure-cli issue #28931 "
            "(DELETE of a resource group answered 403 AuthorizationFailed, x-ms-failure-cause: gateway), "
            "hashicorp/terraform-provider-azurerm issue #17478 and Azure/terraform-azurerm-lz-vending issue #496 "
            "(409 ScopeLocked), and ARM's ResourceGroupNotFound (404) and InternalServerError (500), in the ARM "
            "error shape of the corpus's answers.")
RESOURCES_NOTE = (" Not in the corpus: the resources list with $expand=createdTime (typed from the "
                  "GenericResourceExpanded definition).")
NOTE = ("Names, tags, dates and times are the recorded lab's (illustrative). Issue 15: every group "
        "and resource carries the tag lab=<the lab's resource group> (its identity, unique to the lab; the owner "
        "tag is shared by learners with the same prefix); a node resource group carries its cluster's.")
CLOCK_NOTE = " The clock.now calls are the times labkit read at that point of the recorded lab."


def tags(owner: str, created: str, expires: str, lab: str = RG) -> dict:
    return {"course": "aks-workbook", "owner": owner, "created": created, "expires": expires, "lab": lab}


def group(name: str, owner: str = "student", created: str = "2026-11-29", expires: str = "2026-11-30", *,
          cluster: str = "", location: str = REGION, lab: str = "") -> dict:
    """A resource group as ResourceGroups_List shows it; ``cluster`` makes it that cluster's node group."""
    body = {"id": f"{SUB}/resourceGroups/{name}", "name": name, "type": "Microsoft.Resources/resourceGroups",
            "location": location, "tags": tags(owner, created, expires, lab or name),
            "properties": {"provisioningState": "Succeeded"}}
    if cluster:
        body["managedBy"] = cluster
        body["tags"] = {**body["tags"], "aks-managed-cluster-name": cluster.rsplit("/", 1)[-1],
                        "aks-managed-cluster-rg": cluster.split("/")[4]}
    return body


def node_group(rg: str, cluster_name: str, owner: str = "student", location: str = REGION, **dates) -> dict:
    """The AKS node resource group: the cluster's tags propagate to it, and it is managed by the cluster."""
    cluster = f"{SUB}/resourcegroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster_name}"
    return group(f"MC_{rg}_{cluster_name}_{location}", owner, cluster=cluster, location=location, lab=rg, **dates)


def like(case: str, index: int = 0) -> dict:
    """The headers a recording keeps of a corpus answer, without its operation URL."""
    return {k: v for k, v in azure_headers(real(case, index)["ResponseHeaders"]).items() if k != "Location"}


def list_groups(*groups: dict) -> dict:
    """Groups by tag (tests/corpus/resources/group_list_by_tag), the class's groups in its value."""
    return entry("GET", f"{SUB}/resourcegroups?api-version={RG_API}&{TAG_FILTER}", 200,
                 derive(LIST, 0, {"value": list(groups)}), headers=like(LIST))


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
    return entry("GET", f"{SUB}/resourcegroups/{rg}/resources?{query}", 200, {"value": items}, headers=like(LIST))


def get_cluster() -> dict:
    """The recorded cluster (tests/corpus/aks/get), read by the cost meter."""
    return entry("GET", f"{CLUSTER}?api-version={AKS_API}", 200, aks_cluster(), headers=like("aks/get"))


def clock(stamp: str) -> dict:
    return {"call": "clock.now", "result": stamp}


# The recorded lab's cost ledger (the file labkit keeps in the lab folder) when each notebook's meter read it:
# what earlier notebooks created and deleted, at the times of their own recordings. Typed out as data.
_LAB_IDS = f"{SUB}/resourcegroups/{RG}/providers".lower()
_ACI_GONE = {f"{_LAB_IDS}/microsoft.containerinstance/containergroups/aci-student-k7q2": {
    "item": "Container instance aci-student-k7q2 (1 vCPU / 1.5 GB)", "per_hour": 0.047175, "per_day": 0.0,
    "start": "2026-11-29T11:01:30+00:00", "end": "2026-11-29T11:14:00+00:00"}}
_SERVICE_GONE = {"kubernetes/aks-student-k7q2/services/aks-workbook-app": {
    "item": "Load balancer rule + public IP of service/aks-workbook-app", "per_hour": 0.005, "per_day": 0.0,
    "start": "2026-11-29T11:31:10+00:00", "end": "2026-11-29T11:48:20+00:00"}}
_LAB_GONE = {
    f"{_LAB_IDS}/microsoft.containerservice/managedclusters/aks-student-k7q2": {
        "item": "AKS cluster aks-student-k7q2 (Free tier, 1 × Standard_D2s_v5; OS disks, load balancer, public IP)",
        "per_hour": 0.153, "per_day": 0.0, "start": "2026-11-29T10:00:04+00:00", "end": "2026-11-29T12:06:30+00:00"},
    f"{_LAB_IDS}/microsoft.containerregistry/registries/acrstudentk7q2": {
        "item": "Container registry acrstudentk7q2 (Basic, billed daily)", "per_hour": 0.0, "per_day": 0.167,
        "start": "2026-11-29T10:21:40+00:00", "end": "2026-11-29T12:06:30+00:00"}}
LEDGERS = {"04-run-aci": _ACI_GONE, "05-run-on-aks": {**_ACI_GONE, **_SERVICE_GONE},
           "99-cleanup": {**_LAB_GONE, **_ACI_GONE, **_SERVICE_GONE}}
LEDGER_NOTE = (" The costs.ledger call is the recorded lab's cost ledger when the meter read it: what earlier "
               "notebooks created and deleted, so the total is cumulative across notebooks in replay too.")


def cost_so_far(notebook: str, stamp: str, *, groups=CLASS_OF_ONE, items=LAB_RESOURCES) -> None:
    """The cost meter's step at the end of a notebook: the lab's ledger, groups by tag, what they hold, the clock."""
    entries = [list_groups(*groups)]
    if any(g["name"] == RG for g in groups):
        entries.append(list_resources(RG, items))
        if any(i["type"].endswith("managedClusters") for i in items):
            entries.append(get_cluster())
    ledger = {"call": "costs.ledger", "result": LEDGERS.get(notebook, {})}
    write(notebook, "running_total", entries, calls=[ledger, clock(stamp)], follows=FOLLOWS,
          note=NOTE + (RESOURCES_NOTE if len(entries) > 1 else "") + CLOCK_NOTE + LEDGER_NOTE)


def job(name: str) -> str:
    """ARM's deletion job URL for a group: base64url of its job id and place, as tests/corpus/resources/group_delete
    shows it, with the request's api-version and ARM's signature."""
    encoded = name.upper().replace("-", ":2D").replace("_", ":5F")
    token = base64.urlsafe_b64encode(json.dumps({"jobId": f"RESOURCEGROUPDELETIONJOB-{encoded}-{REGION.upper()}",
                                                 "jobLocation": REGION}, separators=(",", ":")).encode())
    return signed(f"{ARM}{SUB}/operationresults/{token.decode().rstrip('=')}?api-version={RG_API}")


def delete_group(name: str, *, polls: int = 2, failure: dict | None = None) -> list[dict]:
    """ResourceGroups_Delete as tests/corpus/resources/group_delete: 202 + Location, 202 while deleting, then 200
    (or the error). Retry-After 15: the corpus's polls are 15 s apart where the SDK's default is 30 s."""
    waiting = {"Location": job(name), "Retry-After": "15"}
    answer = [entry("DELETE", f"{SUB}/resourcegroups/{name}?api-version={RG_API}", 202, None,
                    headers={**like(DELETE), **waiting})]
    answer += [entry("GET", waiting["Location"], 202, None, headers={**like(DELETE, 1), **waiting})
               for _ in range(polls)]
    if failure:
        return answer + [entry("GET", waiting["Location"], 409, {"error": failure})]
    return answer + [entry("GET", waiting["Location"], 200, None, headers=like(DELETE, 5))]


def refuse_delete(name: str, status: int, code: str, message: str, *, times: int = 1,
                  headers: dict | None = None) -> list[dict]:
    """ResourceGroups_Delete answered at once with an ARM error (``times`` answers: the SDK retries a 500)."""
    return [entry("DELETE", f"{SUB}/resourcegroups/{name}?api-version={RG_API}", status,
                  {"error": {"code": code, "message": message}}, headers=headers) for _ in range(times)]


def head(name: str, status: int = 404) -> dict:
    """A group gone: HEAD answers 404 (tests/corpus/resources/group_gone)."""
    return entry("HEAD", f"{SUB}/resourcegroups/{name}?api-version={RG_API}", status, None, headers=like(GONE))


def build_notebook() -> None:
    nb = "99-cleanup"
    write(nb, "plan", [list_groups(*CLASS_OF_ONE), list_resources(RG, LAB_RESOURCES), get_cluster()],
          follows=[LIST, "aks/get"], note=NOTE + RESOURCES_NOTE)
    write(nb, "delete_groups", delete_group(RG, polls=3), calls=[clock("2026-11-29T12:06:30+00:00")],
          follows=[DELETE], note=NOTE + CLOCK_NOTE)
    others = [g for g in CLASS_OF_ONE if g["tags"]["owner"] != "student"]
    write(nb, "leftovers", [list_groups(*others), head(RG), head(CLASS_OF_ONE[1]["name"])], follows=[LIST, GONE],
          note=NOTE)
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
    write("cli-cleanup", "find_class_groups", [list_groups(*class_list)], calls=[clock("2026-11-29T21:00:00+00:00")],
          follows=[LIST], note=note + CLOCK_NOTE)
    write("cli-cleanup", "delete_groups", delete_group(alice[0], polls=1) + delete_group(bob[0], polls=1),
          follows=[DELETE], note=note)
    write("cli-cleanup", "leftovers", [list_groups(*student, group(*carol)), head(alice[0]), head(bob[0]),
                                    head(alice_nodes["name"])], follows=[LIST, GONE], note=note)


def scenario(name: str, step: str, entries: list, what: str, *, calls=(), typed: str = "") -> None:
    """One test scenario: a single step file under recordings/errors-cleanup/, replayed as step ``step``."""
    write("errors-cleanup", name, entries, calls=list(calls),
          follows=FOLLOWS,
          note=f"{NOTE} Test scenario, replayed as step '{step}': {what}" + (f" {typed}" if typed else ""))


OTHER_LEARNER = group("rg-student-aaaa")  # another learner with the same prefix: same owner tag, another lab
NOT_THE_COURSE = {**group("rg-notes-k7q2"), "tags": {**tags("student", "2026-11-29", "2026-11-30"),
                                                      "course": "aks-workbook-2025"}}


def build_scenarios() -> None:
    """Test scenarios for the learner's cleanup: a class sharing the learner's prefix; a delete blocked halfway."""
    scenario("plan_shared_prefix", "plan",
             [list_groups(group(RG), node_group(RG, CLUSTER_NAME), OTHER_LEARNER,
                          node_group("rg-student-aaaa", "aks-student-aaaa"), NOT_THE_COURSE, CLASS_OF_ONE[2]),
              list_resources(RG, LAB_RESOURCES), get_cluster()],
             "learner rg-student-aaaa has the recorded learner's prefix and so its owner tag; rg-notes-k7q2 carries "
             "the recorded lab's lab tag but another course tag (a server-side $filter that matched too much)",
             typed=RESOURCES_NOTE.strip())
    blocked = {"code": "ResourceGroupDeletionBlocked",
               "message": f"Deletion of resource group '{RG}' failed as resources with identifiers "
                          f"'Microsoft.ContainerService/managedClusters/{CLUSTER_NAME}' could not be deleted. The "
                          "provisioning state of the resource group will be rolled back. Please check audit logs "
                          "for more details."}
    scenario("delete_blocked", "delete_groups", delete_group(RG, polls=1, failure=blocked),
             "the lab's delete starts, then fails halfway", calls=[clock("2026-11-29T12:06:30+00:00")])
    scenario("verify_left", "leftovers", [list_groups(group(RG), node_group(RG, CLUSTER_NAME), OTHER_LEARNER)],
             "after the blocked delete: the lab's group and its node group are still there")
    build_class_sweep()


FORGED_OWNER = "jo\n  rg-evil-0000  deleted by the instructor\x1b[2K\r"  # a tag value that tries to forge lines


def build_class_sweep() -> None:
    """A class the day after: each expired group's delete ends another way; some tags are malformed."""
    def late(name, owner, *, created="2026-11-20", expires="2026-11-21", **kw):
        return group(name, owner, created, expires, **kw)

    deleted = late("rg-alice-a1b2", "alice", location="westeurope")
    deleted_nodes = node_group("rg-alice-a1b2", "aks-alice-a1b2", "alice", "westeurope",
                               created="2026-11-20", expires="2026-11-21")
    refused = late("rg-bob-3f9a", "bob")
    gone = late("rg-dave-d5e6", "dave")
    locked = late("rg-erin-e7f8", "erin")
    blocked = late("rg-frank-f9g0", "frank")
    broken = late("rg-gina-g1h2", "gina")
    forged = late("rg-jo-j7k8", FORGED_OWNER)
    bad_expiry = late("rg-hank-h3i4", "hank", expires="2026-02-31")
    bad_created = late("rg-ivy-i5j6", "ivy", created="yesterday", expires="2026-12-06")
    not_course = {**late("rg-kim-k9l0", "kim"), "tags": {**tags("kim", "2026-11-20", "2026-11-21", "rg-kim-k9l0"),
                                                         "course": "another-course"}}
    current = group("rg-carol-c3d4", "carol", "2026-11-28", "2026-12-05")
    listed = [group(RG), node_group(RG, CLUSTER_NAME), deleted, deleted_nodes, refused, gone, locked, blocked, broken,
              forged, bad_expiry, bad_created, not_course, current]
    scenario("sweep_find", "find_class_groups", [list_groups(*listed)],
             "an expired class: one delete succeeds, one is forbidden (403), one group is already gone (404), one is "
             "locked (409), one fails halfway, one meets a 500 (answered four times, as often as a client "
             "may retry it); rg-hank-h3i4's expires (2026-02-31) and rg-ivy-i5j6's created (yesterday) are not dates; "
             "rg-jo-j7k8's owner tag holds a newline, a carriage return and an ANSI escape; rg-kim-k9l0 is tagged "
             "for another course", calls=[clock("2026-11-29T21:00:00+00:00")], typed=REFUSALS)
    client = "22222222-2222-2222-2222-222222222222"  # an instructor's service principal (illustrative)
    forbidden = (f"The client '{client}' with object id '{client}' does not have authorization to perform action "
                 f"'Microsoft.Resources/subscriptions/resourcegroups/delete' over scope '{SUB}/resourcegroups/"
                 "rg-bob-3f9a' or the scope is invalid. If access was recently granted, please refresh your "
                 "credentials.")
    lock = (f"The scope '{SUB}/resourcegroups/rg-erin-e7f8' cannot perform delete operation because following "
            f"scope(s) are locked: '{SUB}/resourceGroups/rg-erin-e7f8'. Please remove the lock and try again.")
    halfway = {"code": "ResourceGroupDeletionBlocked",
               "message": "Deletion of resource group 'rg-frank-f9g0' failed as resources with identifiers "
                          "'Microsoft.ContainerInstance/containerGroups/aci-frank-f9g0' could not be deleted. The "
                          "provisioning state of the resource group will be rolled back. Please check audit logs "
                          "for more details."}
    scenario("sweep_delete", "delete_groups",
             delete_group("rg-alice-a1b2", polls=1)
             + refuse_delete("rg-bob-3f9a", 403, "AuthorizationFailed", forbidden,
                             headers={"x-ms-failure-cause": "gateway"})
             + refuse_delete("rg-dave-d5e6", 404, "ResourceGroupNotFound", "Resource group 'rg-dave-d5e6' could not "
                             "be found.", headers={"x-ms-failure-cause": "gateway"})
             + refuse_delete("rg-erin-e7f8", 409, "ScopeLocked", lock)
             + delete_group("rg-frank-f9g0", polls=1, failure=halfway)
             + refuse_delete("rg-gina-g1h2", 500, "InternalServerError", "Encountered internal server error.",
                             times=4)
             + delete_group("rg-jo-j7k8", polls=1),
             "the deletes of the expired groups, in the order of the list", typed=REFUSALS)
    left = [group(RG), node_group(RG, CLUSTER_NAME), refused, locked, blocked, broken, bad_expiry, bad_created,
            not_course, current]
    scenario("sweep_verify", "leftovers",
             [list_groups(*left), head("rg-alice-a1b2"), head("rg-dave-d5e6"), head("rg-jo-j7k8"),
              head(deleted_nodes["name"])],
             "after the sweep: what was refused or failed is still there", typed=REFUSALS)


def build():
    build_notebook()
    build_cli()
    build_scenarios()
