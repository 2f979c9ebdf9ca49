"""Recordings for notebook 02-deploy-aks, for the early start in 00-setup, and error scenarios for the tests.

The story the notebooks replay: 00-setup started the create (PUT 201, not waited for); 02 finds the
cluster still Creating and joins it. ``recordings/errors-aks/<scenario>.json`` are single step files
(each says which step it stands for) that the unit tests replay: a fresh create, a reused, stopped or
failed cluster, and Azure's refusals. Kubernetes answers are raw API objects (tools/handbuilt/kubernetes.py).
"""

from __future__ import annotations

import base64
from datetime import datetime

from tools.handbuilt import (
    ARM,
    DROP,
    SUB,
    TENANT,
    azure_headers,
    case,
    derive,
    entry,
    error,
    kubernetes,
    real,
    signed,
    system_data,
    write,
)

API = "2026-08-01"  # what azure-mgmt-containerservice 41.8.0 sends
OPERATIONS_API = "2016-03-30"  # AKS's operation API (the corpus's operation URLs carry it)
RG_API = "2025-04-01"  # azure-mgmt-resource 26.0.0
REGION, RG, NAME = "eastus", "rg-student-k7q2", "aks-student-k7q2"
CLUSTER = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{NAME}"
GROUP = f"{SUB}/resourcegroups/{RG}"
FQDN = f"{NAME}-x8d3f1ab.hcp.{REGION}.azmk8s.io"
MINOR, PATCH = "1.36", "1.36.6"  # the default minor on 2026-11-29 (N-1), its latest patch
TAGS = {"course": "aks-workbook", "owner": "student", "created": "2026-11-29", "expires": "2026-11-30", "lab": RG}
CREATED_AT = "2026-11-29T10:00:04.4173311Z"
# The kubeconfig a labkit recording holds in place of the real one: no certificate, key or token (the shape
# labkit's scrubber writes, typed out here).
SYNTHETIC_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://{server}:443
  name: {name}
contexts:
- context:
    cluster: {name}
    user: clusterUser_{name}
  name: {name}
current-context: {name}
users:
- name: clusterUser_{name}
  user:
    token: REDACTED
"""
NOT_IN_CORPUS = ("Not in the corpus, typed from the Azure REST API reference (api-version 2025-10-01 examples) in "
                 "the shape of the corpus's AKS answers: ")


# -- ARM bodies, from the corpus's AKS answers ------------------------------------------------------------------
def pool_changes(prefix: str, state="Succeeded", power="Running") -> dict:
    """What the recorded lab's node pool differs in from the corpus's (one Standard_D2s_v5 node, Ubuntu 24.04)."""
    return {f"{prefix}vmSize": "Standard_D2s_v5", f"{prefix}maxPods": 250, f"{prefix}provisioningState": state,
            f"{prefix}powerState": {"code": power}, f"{prefix}orchestratorVersion": MINOR,
            f"{prefix}currentOrchestratorVersion": PATCH, f"{prefix}tags": TAGS,
            f"{prefix}nodeLabels": {}, f"{prefix}nodeImageVersion": "AKSUbuntu-2404gen2containerd-202611.10.0"}


def cluster(state="Succeeded", power="Running") -> dict:
    """The cluster as Azure shows it (tests/corpus/aks/get): fqdn is set from the create's first answer on."""
    modified = CREATED_AT if state == "Creating" else "2026-11-29T10:06:12.1179054Z"
    return derive("aks/get", 0, {
        "tags": TAGS, "sku": {"name": "Base", "tier": "Free"}, "systemData": system_data(CREATED_AT, modified),
        "identity.principalId": "00000000-0000-0000-0000-000000000104", "identity.tenantId": TENANT,
        "properties.provisioningState": state, "properties.powerState": {"code": power},
        "properties.kubernetesVersion": MINOR, "properties.currentKubernetesVersion": PATCH,
        "properties.fqdn": FQDN, "properties.azurePortalFQDN": FQDN.replace(".hcp.", ".portal.hcp."),
        **pool_changes("properties.agentPoolProfiles.0.", state, power),
        "properties.linuxProfile": DROP, "properties.servicePrincipalProfile": {"clientId": "msi"},
        "properties.supportPlan": "KubernetesOfficial",
        "properties.networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay",
                                      "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16",
                                      "dnsServiceIP": "10.0.0.10", "outboundType": "loadBalancer",
                                      "loadBalancerSku": "standard", "podCidrs": ["10.244.0.0/16"],
                                      "serviceCidrs": ["10.0.0.0/16"], "ipFamilies": ["IPv4"]}})


def create_request() -> dict:
    return {"location": REGION, "tags": TAGS, "sku": {"name": "Base", "tier": "Free"},
            "identity": {"type": "SystemAssigned"},
            "properties": {"kubernetesVersion": MINOR, "dnsPrefix": NAME, "agentPoolProfiles": [
                {"name": "nodepool1", "count": 1, "vmSize": "Standard_D2s_v5", "osType": "Linux", "mode": "System"}]}}


def versions() -> dict:
    """kubernetesVersions (tests/corpus/aks/kubernetes_versions) with the AKS release calendar on 2026-11-29: 1.37
    is the newest GA minor (N, GA Oct 2026), so 1.35-1.37 are supported (N-2) and new clusters default to N-1 = 1.36;
    no newer minor is in preview yet. Patches are illustrative; each moves to newer patches of its minor or to the
    next minor, one minor at a time."""
    def minor(v, patches, **flags):
        return {"version": v, **flags, "capabilities": {"supportPlan": ["KubernetesOfficial", "AKSLongTermSupport"]},
                "patchVersions": {p: {"upgrades": [u for u in later if u > p]} for p, later in patches.items()}}
    return derive("aks/kubernetes_versions", 0, {"values": [
        minor("1.35", {"1.35.8": ["1.35.9", "1.36.5", "1.36.6"], "1.35.9": ["1.36.5", "1.36.6"]}),
        minor("1.36", {"1.36.5": ["1.36.6", "1.37.2", "1.37.3"], "1.36.6": ["1.37.2", "1.37.3"]}, isDefault=True),
        minor("1.37", {"1.37.2": ["1.37.3"], "1.37.3": []})]})


def group(status=201) -> dict:
    """The lab's resource group created (tests/corpus/resources/group_create), with the lab's tags."""
    answer = real("resources/group_create")
    return entry("PUT", f"{GROUP}?api-version={RG_API}", status, derive("resources/group_create", 0, {"tags": TAGS}),
                 request={"location": REGION, "tags": TAGS}, headers=azure_headers(answer["ResponseHeaders"]))


def answer(method: str, url: str, status: int, body, like: str, index: int = 0, *, request=None,
           headers=None) -> dict:
    """An exchange with the headers the corpus case ``like`` has on its answer (the ones a recording keeps)."""
    kept = {k: v for k, v in azure_headers(real(like, index)["ResponseHeaders"]).items()
            if k in ("Content-Type",) or k.startswith("x-ms-ratelimit")}
    made = entry(method, url, status, body, request=request, headers={**kept, **(headers or {})})
    if body is None and "Content-Type" not in kept:
        made["ResponseHeaders"].pop("Content-Type", None)
    return made


def get_cluster(state="Succeeded", power="Running") -> dict:
    return answer("GET", f"{CLUSTER}?api-version={API}", 200, cluster(state, power), "aks/get")


def stopped_cluster() -> dict:
    """The cluster stopped (tests/corpus/aks/get_stopped): its one node pool, the recorded lab's, Stopped too."""
    pool = {**real("aks/get_stopped")["ResponseBody"]["properties"]["agentPoolProfiles"][0],
            "osDiskSizeGB": 128, "osDiskType": "Managed", "kubeletDiskType": "OS", **pool_changes("", power="Stopped")}
    return answer("GET", f"{CLUSTER}?api-version={API}", 200, derive("aks/get_stopped", 0, {
        "tags": TAGS, "systemData": system_data(CREATED_AT, "2026-11-29T11:41:08.3925176Z"),
        "identity.principalId": "00000000-0000-0000-0000-000000000104", "identity.tenantId": TENANT,
        "properties.kubernetesVersion": MINOR, "properties.currentKubernetesVersion": PATCH,
        "properties.fqdn": FQDN, "properties.azurePortalFQDN": FQDN.replace(".hcp.", ".portal.hcp."),
        "properties.agentPoolProfiles": [pool], "properties.linuxProfile": DROP,
        "properties.servicePrincipalProfile": {"clientId": "msi"}}), "aks/get_stopped")


def no_cluster() -> dict:
    found = real("aks/cluster_not_found")
    return entry("GET", f"{CLUSTER}?api-version={API}", 404, found["ResponseBody"],
                 headers=azure_headers(found["ResponseHeaders"]))


def list_versions() -> dict:
    return answer("GET", f"{SUB}/providers/Microsoft.ContainerService/locations/{REGION}/kubernetesVersions"
                         f"?api-version={API}", 200, versions(), "aks/kubernetes_versions")


def operation(guid: str, kind: str = "operations") -> str:
    """An AKS operation URL as Azure hands it out: AKS's operation api-version, ARM's signature."""
    return signed(f"{ARM}{SUB}/providers/Microsoft.ContainerService/locations/{REGION}/{kind}/{guid}"
                  f"?api-version={OPERATIONS_API}")


def status(index: int, guid: str, started: str, like: str = "aks/create_lro", **changes) -> dict:
    """An operation's status as AKS answers a poll (exchange ``index`` of the corpus case ``like``)."""
    return derive(like, index, {"name": guid, "startTime": started, **changes})


def operation_polls(like: str) -> list[int]:
    """Which exchanges of the corpus case ``like`` poll its operation (200 answers to a GET of an operation URL)."""
    return [i for i, e in enumerate(case(like)["Entries"])
            if e["RequestMethod"] == "GET" and e["StatusCode"] == 200 and "/operations/" in e["RequestUri"]]


def put_started(path: str, created: dict, request: dict, guid: str, like: str = "aks/create_lro") -> dict:
    """A create's first answer (exchange 0 of ``like``): 201, Azure-AsyncOperation, no Retry-After."""
    return answer("PUT", f"{path}?api-version={API}", 201, created, like, request=request,
                  headers={"Azure-AsyncOperation": operation(guid)})


def ended(like: str, started: str) -> str:
    """When an operation begun at ``started`` ends if it takes as long as the corpus case ``like``'s took."""
    final = case(like)["Entries"][operation_polls(like)[-1]]["ResponseBody"]

    def seconds(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.split(".")[0])

    end = seconds(started) + (seconds(final["endTime"]) - seconds(final["startTime"]))
    return f"{end:%Y-%m-%dT%H:%M:%S}.{final['endTime'].split('.')[1]}"


def lro_put(path: str, created: dict, done: dict, request: dict, *, guid: str, polls: int = 2,
            failure: dict | None = None, like: str = "aks/create_lro") -> list[dict]:
    """A create as AKS runs it (the corpus case ``like``): the 201, polls of its operation (InProgress, then
    Succeeded), the final GET. With ``failure`` the operation ends Failed, carrying the error, and no GET follows."""
    url, op = f"{path}?api-version={API}", operation(guid)
    started = "2026-11-29T10:00:04.5033333Z"
    polls_in_case = operation_polls(like)
    first, last = polls_in_case[0], polls_in_case[-1]
    answers = [put_started(path, created, request, guid, like)]
    answers += [answer("GET", op, 200, status(first, guid, started, like), like, first) for _ in range(polls)]
    if failure:
        return answers + [answer("GET", op, 200, status(last, guid, started, like, status="Failed",
                                                        endTime="2026-11-29T10:09:40.1733333Z", error=failure),
                                 like, last)]
    answers.append(answer("GET", op, 200, status(last, guid, started, like, endTime=ended(like, started)),
                          like, last))
    return answers + [answer("GET", url, 200, done, like, last + 1)]


LIKE = {"managedClusters": "aks/delete_lro", "agentPools": "aks/agent_pool_delete_lro", "stop": "aks/stop_lro",
        "start": "aks/start_lro"}


def lro_202(method: str, path: str, guid: str = "00000000-0000-0000-0000-000000000903") -> list[dict]:
    """An AKS long-running DELETE or POST (stop, start) as the corpus's (aks/delete_lro, agent_pool_delete_lro,
    stop_lro, start_lro): 202 with Azure-AsyncOperation and Location (AKS's operation URLs, their own api-version,
    signed; no Retry-After), the operation polled as the case polls it (InProgress, then Succeeded; a start's polls
    carry AKS's NotLatestOperation error object, which is no failure); a POST then reads its Location, answered 204."""
    like = LIKE[path.rsplit("/", 2)[-2] if method == "DELETE" else path.rsplit("/", 1)[-1]]
    polls = operation_polls(like)
    op, location = operation(guid), operation(guid, "operationresults")
    started = "2026-11-29T12:00:01.2766666Z"
    answers = [answer(method, f"{path}?api-version={API}", 202, None, like,
                      headers={"Azure-AsyncOperation": op, "Location": location})]
    answers += [answer("GET", op, 200, status(i, guid, started, like), like, i) for i in polls[:-1]]
    answers.append(answer("GET", op, 200, status(polls[-1], guid, started, like, endTime=ended(like, started)),
                          like, polls[-1]))
    if method == "POST":
        answers.append(answer("GET", location, 204, None, like, polls[-1] + 1, headers={"Location": location}))
    return answers


def agent_pool(name: str, mode: str, state="Succeeded") -> dict:
    """A node pool as its own resource: the corpus cluster's pool profile, with the recorded lab's values."""
    profile = derive("aks/get", 0, {**pool_changes("properties.agentPoolProfiles.0.", state),
                                    "properties.agentPoolProfiles.0.mode": mode})["properties"]["agentPoolProfiles"][0]
    return {"id": f"{CLUSTER}/agentPools/{name}", "name": name,
            "type": "Microsoft.ContainerService/managedClusters/agentPools",
            "properties": {k: v for k, v in profile.items() if k != "name"}}


def kubeconfig_b64() -> str:
    text = SYNTHETIC_KUBECONFIG.format(server=FQDN, name=NAME)
    return base64.b64encode(text.encode()).decode()


def credentials() -> dict:
    """listClusterUserCredential (tests/corpus/aks/user_credentials), its kubeconfig the synthetic one."""
    return answer("POST", f"{CLUSTER}/listClusterUserCredential?api-version={API}", 200,
                  derive("aks/user_credentials", 0, {"kubeconfigs": [{"name": "clusterUser",
                                                                       "value": kubeconfig_b64()}]}),
                  "aks/user_credentials")


def pools() -> dict:
    """The node pools as AKS lists them (tests/corpus/aks/agent_pools_list), the lab's one system pool."""
    pool = "value.0.properties."
    return derive("aks/agent_pools_list", 0, {
        f"{pool}count": 1, f"{pool}mode": "System", f"{pool}osSKU": "Ubuntu", f"{pool}type": "VirtualMachineScaleSets",
        f"{pool}powerState": {"code": "Running"}, **{k: v for k, v in pool_changes(pool).items()
                                                      if not k.endswith(("tags", "nodeLabels"))}})


def upgrade_profile() -> dict:
    """The upgrade profile of the ready cluster (tests/corpus/aks/upgrade_profile_pools_null, whose pools Azure
    lists once the cluster is created)."""
    upgrades = [{"kubernetesVersion": "1.37.2"}, {"kubernetesVersion": "1.37.3"}]
    return derive("aks/upgrade_profile_pools_null", 0, {
        "properties.controlPlaneProfile": {"kubernetesVersion": PATCH, "name": "default", "osType": "Linux",
                                           "upgrades": upgrades},
        "properties.agentPoolProfiles": [{"kubernetesVersion": PATCH, "name": "nodepool1", "osType": "Linux",
                                          "upgrades": upgrades}]})


# -- the steps ------------------------------------------------------------------------------------------------------
CREATE = ["aks/cluster_not_found", "resources/group_create", "aks/create_lro"]


def build_notebook() -> None:
    nb = "02-deploy-aks"
    op = "00000000-0000-0000-0000-0000000000a1"
    write("00-setup", "start_cluster",
          [no_cluster(), group(), list_versions(), put_started(CLUSTER, cluster("Creating"), create_request(), op)],
          follows=["aks/cluster_not_found", "resources/group_create", "aks/kubernetes_versions", "aks/create_started",
                   "aks/get"],
          note="The create is started without waiting (no polls): notebook 02 joins it.")
    write(nb, "show_versions", [list_versions()], follows=["aks/kubernetes_versions"])
    write(nb, "create_cluster", [get_cluster("Creating"), get_cluster("Creating"), get_cluster("Succeeded")],
          follows=["aks/get_creating_then_ready", "aks/get"],
          note="The cluster is still Creating (started in 00-setup): notebook 02 joins it.")
    write(nb, "fetch_kubeconfig", [credentials()], follows=["aks/user_credentials"],
          note="The kubeconfig is the synthetic one a labkit recording keeps: no certificate, key or token.")
    write(nb, "show_node_pools", [answer("GET", f"{CLUSTER}/agentPools?api-version={API}", 200, pools(),
                                    "aks/agent_pools_list")], follows=["aks/agent_pools_list"])
    user = {"properties": {"count": 1, "vmSize": "Standard_D2s_v5", "osType": "Linux", "mode": "User"}}
    write(nb, "add_user_pool",
          lro_put(f"{CLUSTER}/agentPools/userpool", agent_pool("userpool", "User", "Creating"),
                  agent_pool("userpool", "User"), user, guid="00000000-0000-0000-0000-0000000000a2",
                  like="aks/agent_pool_add_lro"),
          calls=[kubernetes.nodes_call("nodepool1", "userpool")], follows=["aks/agent_pool_add_lro", "aks/get"],
          examples=kubernetes.SOURCES, note=kubernetes.NOTE)
    write(nb, "remove_user_pool", lro_202("DELETE", f"{CLUSTER}/agentPools/userpool"),
          follows=["aks/agent_pool_delete_lro"])
    write(nb, "show_upgrades", [answer("GET", f"{CLUSTER}/upgradeProfiles/default?api-version={API}", 200,
                                         upgrade_profile(), "aks/upgrade_profile_pools_null")],
          follows=["aks/upgrade_profile_pools_null"])
    write(nb, "show_running", [get_cluster()], follows=["aks/get"])
    write("05-run-on-aks", "create_cluster", [get_cluster()], follows=["aks/get"],
          note="Notebook 05 finds the cluster of notebook 02 running.")
    write(nb, "stop_cluster", lro_202("POST", f"{CLUSTER}/stop"), follows=["aks/stop_lro"])
    write(nb, "delete_cluster", lro_202("DELETE", CLUSTER), follows=["aks/delete_lro"])


def build_scenarios() -> None:
    """One step file per scenario, for tests/unit/test_aks.py (the note names the step it replays as)."""
    put = f"{CLUSTER}?api-version={API}"

    def scenario(name, step, entries, what, follows=tuple(CREATE), typed=""):
        write("errors-aks", name, entries, follows=[*follows, "aks/get", "aks/kubernetes_versions"],
              note=f"Test scenario, replayed as step '{step}': {what}." + (f" {typed}" if typed else ""))

    before_put = [no_cluster(), group(), list_versions()]

    def refusal(case, changes):
        """The create's PUT refused as the corpus case ``case`` shows it (its status and body)."""
        return answer("PUT", put, real(case)["StatusCode"], derive(case, 0, changes), case,
                      request=create_request())
    refused = ("Not in the corpus: no recording of this refusal was found; its code and message are the ones "
               "learners report, in the ARM error shape of the corpus's answers.")

    def create(**kwargs):
        return lro_put(CLUSTER, cluster("Creating"), cluster(), create_request(),
                       guid="00000000-0000-0000-0000-0000000000a1", polls=2, **kwargs)

    scenario("create_fresh", "create_cluster", before_put + create(), "no cluster yet: create it")
    scenario("reuse_existing", "create_cluster", [get_cluster()], "the cluster exists and is ready",
             follows=["aks/get"])
    scenario("stopped_cluster", "create_cluster",
             [stopped_cluster()] + lro_202("POST", f"{CLUSTER}/start") + [get_cluster()],
             "the cluster was stopped: start it", follows=["aks/get_stopped", "aks/start_lro"])
    scenario("found_failed", "create_cluster", [get_cluster("Failed")], "an earlier create ended Failed",
             follows=["aks/get"])
    scenario("start_existing", "start_cluster", [get_cluster("Creating")], "00-setup run again while creating",
             follows=["aks/get_creating_then_ready"])
    scenario("create_failed", "create_cluster", before_put + create(failure={
        "code": "OutboundConnFailVMExtensionError",
        "message": "The node could not reach the endpoints AKS needs (vmssCSE exit status 50): check outbound "
                   "rules on the subnet."}), "the create's operation ends in status Failed", typed=refused)
    scenario("quota_exceeded_async", "create_cluster", before_put + create(failure={
        "code": "QuotaExceeded",
        "message": f"Operation could not be completed as it results in exceeding approved Total Regional Cores "
                   f"quota. Location: {REGION}, Current Limit: 4, Current Usage: 4, Additional Required: 2."}),
             "the node VMs exceed the regional vCPU quota during the create", typed=refused)
    scenario("insufficient_vcpu_quota", "create_cluster", before_put + [error(
        "PUT", put, 400, "ErrCode_InsufficientVCPUQuota",
        f"Insufficient vcpu quota requested 2, remaining 0 for family standardDSv5Family for region {REGION}.",
        request=create_request())], "AKS refuses the create for lack of vCPU quota", typed=refused)
    scenario("sku_not_available", "create_cluster", before_put + [error(
        "PUT", put, 400, "SkuNotAvailable",
        f"The requested VM size Standard_D2s_v5 is currently not available in location '{REGION}' for this "
        "subscription.", request=create_request())], "the VM size is not offered", typed=refused)
    scenario("vm_size_not_allowed", "create_cluster", before_put + [refusal("aks/create_vm_size_not_allowed", {
        "message": real("aks/create_vm_size_not_allowed")["ResponseBody"]["message"].replace(
            "Standard_DS2_v2", "Standard_D2s_v5")})],
             "the VM size is not allowed for the subscription (AKS's body: code and message, no error wrapper)",
             follows=[*CREATE, "aks/create_vm_size_not_allowed"])
    scenario("region_disallowed", "create_cluster", before_put + [refusal("aks/create_disallowed_by_azure", {})],
             "a student subscription refuses the region", follows=[*CREATE, "aks/create_disallowed_by_azure"])
    scenario("policy_disallowed", "create_cluster", before_put + [error(
        "PUT", put, 403, "RequestDisallowedByPolicy",
        f"Resource '{NAME}' was disallowed by policy 'Allowed locations'.", request=create_request())],
             "an organisation's policy refuses the request", typed=refused)
    scenario("authorization_failed", "create_cluster", [no_cluster(), error(
        "PUT", f"{GROUP}?api-version={RG_API}", 403, "AuthorizationFailed",
        "The client 'learner@example.com' with object id '00000000-0000-0000-0000-000000000102' does not have "
        f"authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope "
        f"'{GROUP}' or the scope is invalid.", request={"location": REGION, "tags": TAGS})],
             "the account may not create resource groups", typed=refused)
    scenario("missing_registration", "create_cluster", [error(
        "GET", put, 409, "MissingSubscriptionRegistration",
        "The subscription is not registered to use namespace 'Microsoft.ContainerService'."), error(
        "POST", f"{SUB}/providers/Microsoft.ContainerService/register?api-version=2016-02-01", 403,
        "AuthorizationFailed", "The client 'learner@example.com' does not have authorization to perform action "
        "'Microsoft.ContainerService/register/action'.")],
             "the resource provider is not registered, and the SDK's automatic registration (azure-mgmt-core, "
             "api-version 2016-02-01) is refused", follows=["aks/cluster_not_found"], typed=refused)


def build():
    build_notebook()
    build_scenarios()
