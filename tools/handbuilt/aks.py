"""Recordings for notebook 02-deploy-aks, for the early start in 00-setup, and error scenarios for the tests.

The story the notebooks replay: 00-setup started the create (PUT 201, not waited for); 02 finds the
cluster still Creating and joins it. ``recordings/errors-aks/<scenario>.json`` are single step files
(each says which step it stands for) that the unit tests replay: a fresh create, a reused, stopped or
failed cluster, and Azure's refusals. Kubernetes answers are raw API objects (tools/handbuilt/kubernetes.py).
"""

from __future__ import annotations

from labkit.recording.scrub import SYNTHETIC_KUBECONFIG, TENANT

from tools.handbuilt import ARM, SUB, entry, error, lro_put
from tools.handbuilt import kubernetes, write

API = "2026-08-01"  # what azure-mgmt-containerservice 41.8.0 sends
RG_API = "2025-04-01"  # azure-mgmt-resource 26.0.0
REGION, RG, NAME = "eastus", "rg-student-k7q2", "aks-student-k7q2"
CLUSTER = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{NAME}"
GROUP = f"{SUB}/resourcegroups/{RG}"
NODE_RG = f"MC_{RG}_{NAME}_{REGION}"
MINOR, PATCH = "1.36", "1.36.6"  # the default minor on 2026-11-29 (N-1), its latest patch
TAGS = {"course": "aks-workbook", "owner": "student", "created": "2026-11-29", "expires": "2026-11-30"}

SPECS = ("Azure/azure-rest-api-specs specification/containerservice/resource-manager/Microsoft.ContainerService/"
         "aks/stable/2025-10-01/examples/")
EXAMPLE_NOTE = ("Built by hand: nothing in this project can reach Azure. Shapes follow the named Azure REST API "
                "reference examples of api-version 2025-10-01 (the newest example set), sent here with 2026-08-01, "
                "the api-version the pinned azure-mgmt-containerservice 41.8.0 sends. Names and ids are the "
                "recorded lab's; versions and node details are illustrative.")

def ex(*names: str) -> list[str]:
    return [SPECS + n for n in names]


# -- ARM bodies ----------------------------------------------------------------------------------------------
def pool_profile(name="nodepool1", mode="System", state="Succeeded", power="Running") -> dict:
    return {"name": name, "count": 1, "vmSize": "Standard_D2s_v5", "osDiskSizeGB": 128, "osDiskType": "Managed",
            "kubeletDiskType": "OS", "maxPods": 250, "type": "VirtualMachineScaleSets", "provisioningState": state,
            "powerState": {"code": power}, "orchestratorVersion": MINOR, "currentOrchestratorVersion": PATCH,
            "mode": mode, "osType": "Linux", "osSKU": "Ubuntu",
            "nodeImageVersion": "AKSUbuntu-2404gen2containerd-202611.10.0", "enableFIPS": False}


def cluster(state="Succeeded", power="Running", *, fqdn=True) -> dict:
    props = {"provisioningState": state, "powerState": {"code": power}, "kubernetesVersion": MINOR,
             "currentKubernetesVersion": PATCH, "dnsPrefix": NAME,
             "agentPoolProfiles": [pool_profile(state=state, power=power)],
             "nodeResourceGroup": NODE_RG, "enableRBAC": True, "supportPlan": "KubernetesOfficial",
             "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay", "podCidr": "10.244.0.0/16",
                                "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10",
                                "outboundType": "loadBalancer", "loadBalancerSku": "standard", "ipFamilies": ["IPv4"]},
             "maxAgentPools": 100}
    if fqdn:
        props["fqdn"] = f"{NAME}-x8d3f1ab.hcp.{REGION}.azmk8s.io"
    return {"id": CLUSTER, "name": NAME, "type": "Microsoft.ContainerService/ManagedClusters", "location": REGION,
            "tags": TAGS, "sku": {"name": "Base", "tier": "Free"},
            "identity": {"type": "SystemAssigned", "principalId": "00000000-0000-0000-0000-000000000101",
                         "tenantId": TENANT},
            "properties": props}


def create_request() -> dict:
    return {"location": REGION, "tags": TAGS, "sku": {"name": "Base", "tier": "Free"},
            "identity": {"type": "SystemAssigned"},
            "properties": {"kubernetesVersion": MINOR, "dnsPrefix": NAME, "agentPoolProfiles": [
                {"name": "nodepool1", "count": 1, "vmSize": "Standard_D2s_v5", "osType": "Linux", "mode": "System"}]}}


def versions() -> dict:
    def minor(v, patches, **flags):
        return {"version": v, **flags, "capabilities": {"supportPlan": ["KubernetesOfficial", "AKSLongTermSupport"]},
                "patchVersions": {p: {"upgrades": [u for u in later if u > p]} for p, later in patches.items()}}
    return {"values": [
        # The AKS release calendar on 2026-11-29: 1.37 is the newest GA minor (N, GA Oct 2026), so 1.35-1.37 are
        # supported (N-2) and new clusters default to N-1 = 1.36; no newer minor is in preview yet. Patches are
        # illustrative; each moves to newer patches of its minor or to the next minor, one minor at a time.
        minor("1.35", {"1.35.8": ["1.35.9", "1.36.5", "1.36.6"], "1.35.9": ["1.36.5", "1.36.6"]}),
        minor("1.36", {"1.36.5": ["1.36.6", "1.37.2", "1.37.3"], "1.36.6": ["1.37.2", "1.37.3"]}, isDefault=True),
        minor("1.37", {"1.37.2": ["1.37.3"], "1.37.3": []})]}


def group(status=200) -> dict:
    return entry("PUT", f"{GROUP}?api-version={RG_API}", status,
                 {"id": GROUP, "name": RG, "type": "Microsoft.Resources/resourceGroups", "location": REGION,
                  "tags": TAGS, "properties": {"provisioningState": "Succeeded"}},
                 request={"location": REGION, "tags": TAGS})


def get_cluster(state="Succeeded", power="Running") -> dict:
    return entry("GET", f"{CLUSTER}?api-version={API}", 200, cluster(state, power))


def no_cluster() -> dict:
    return error("GET", f"{CLUSTER}?api-version={API}", 404, "ResourceGroupNotFound",
                 f"Resource group '{RG}' could not be found.")


def list_versions() -> dict:
    return entry("GET", f"{SUB}/providers/Microsoft.ContainerService/locations/{REGION}/kubernetesVersions"
                        f"?api-version={API}", 200, versions())


def create_cluster_lro(*, end="Succeeded", failure=None) -> list[dict]:
    answer = lro_put(CLUSTER, API, create_request(), cluster("Creating", fqdn=False), cluster(end), region=REGION)
    if failure:  # the operation ends Failed: its status carries the error, and no final GET follows
        answer[-2]["ResponseBody"] = {"name": "00000000-0000-0000-0000-0000000000a1", "status": "Failed",
                                      "startTime": "2026-11-29T10:00:00Z", "endTime": "2026-11-29T10:09:40Z",
                                      "error": failure}
        answer.pop()
    return answer


def lro_202(method: str, path: str, polls: int = 1) -> list[dict]:
    """An AKS long-running POST (stop, start) or DELETE: 202 + Location + Retry-After, then 202s until 204."""
    location = f"{ARM}{SUB}/providers/Microsoft.ContainerService/locations/{REGION}/operationresults/" \
               f"00000000-0000-0000-0000-000000000903?api-version={API}"
    answer = [entry(method, f"{path}?api-version={API}", 202, None,
                    headers={"Location": location, "Retry-After": "15"})]
    answer += [entry("GET", location, 202, None, headers={"Location": location, "Retry-After": "15"})
               for _ in range(polls)]
    return answer + [entry("GET", location, 204, None)]


def agent_pool(name: str, mode: str, state="Succeeded") -> dict:
    profile = pool_profile(name, mode, state)
    return {"id": f"{CLUSTER}/agentPools/{name}", "name": name,
            "type": "Microsoft.ContainerService/managedClusters/agentPools",
            "properties": {k: v for k, v in profile.items() if k != "name"}}


def kubeconfig_b64() -> str:
    import base64

    text = SYNTHETIC_KUBECONFIG.format(server=f"{NAME}-x8d3f1ab.hcp.{REGION}.azmk8s.io", name=NAME)
    return base64.b64encode(text.encode()).decode()


# -- the steps ------------------------------------------------------------------------------------------------------
def build_notebook() -> None:
    nb = "02-deploy-aks"
    write("00-setup", "start_cluster",
          [no_cluster(), group(201), list_versions(),
           entry("PUT", f"{CLUSTER}?api-version={API}", 201, cluster("Creating", fqdn=False), request=create_request(),
                 headers={"Azure-AsyncOperation": f"{ARM}{SUB}/providers/Microsoft.ContainerService/locations/"
                          f"{REGION}/operations/00000000-0000-0000-0000-0000000000a1?api-version={API}",
                          "Retry-After": "10"})],
          examples=ex("ManagedClustersGet.json", "KubernetesVersions_List.json", "ManagedClustersCreate_Update.json")
          + ["Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/resources/"
             "stable/2025-04-01/examples/CreateResourceGroup.json"],
          note=EXAMPLE_NOTE + " The create is started without waiting (no polls): notebook 02 joins it.")
    write(nb, "kubernetes_versions", [list_versions()], examples=ex("KubernetesVersions_List.json"), note=EXAMPLE_NOTE)
    write(nb, "create_cluster", [get_cluster("Creating"), get_cluster("Creating"), get_cluster("Succeeded")],
          examples=ex("ManagedClustersGet.json"),
          note=EXAMPLE_NOTE + " The cluster is still Creating (started in 00-setup): notebook 02 joins it.")
    write(nb, "kubeconfig", [entry("POST", f"{CLUSTER}/listClusterUserCredential?api-version={API}", 200,
                                   {"kubeconfigs": [{"name": "clusterUser", "value": kubeconfig_b64()}]})],
          examples=ex("ManagedClustersListClusterUserCredentials.json"),
          note=EXAMPLE_NOTE + " The kubeconfig is labkit's synthetic one: no certificate, key or token.")
    write(nb, "node_pools", [entry("GET", f"{CLUSTER}/agentPools?api-version={API}", 200,
                                   {"value": [agent_pool("nodepool1", "System")]})],
          examples=ex("AgentPoolsList.json"), note=EXAMPLE_NOTE)
    user = {"properties": {"count": 1, "vmSize": "Standard_D2s_v5", "osType": "Linux", "mode": "User"}}
    write(nb, "add_user_pool",
          lro_put(f"{CLUSTER}/agentPools/userpool", API, user, agent_pool("userpool", "User", "Creating"),
                  agent_pool("userpool", "User"), region=REGION),
          calls=[kubernetes.nodes_call("nodepool1", "userpool")],
          examples=ex("AgentPoolsCreate_Update.json") + kubernetes.SOURCES, note=EXAMPLE_NOTE + " " + kubernetes.NOTE)
    write(nb, "remove_user_pool", lro_202("DELETE", f"{CLUSTER}/agentPools/userpool"),
          examples=ex("AgentPoolsDelete.json"), note=EXAMPLE_NOTE)
    profile = {"id": f"{CLUSTER}/upgradeProfiles/default", "name": "default",
               "type": "Microsoft.ContainerService/managedClusters/upgradeProfiles",
               "properties": {"controlPlaneProfile": {"kubernetesVersion": PATCH, "name": "default", "osType": "Linux",
                                                      "upgrades": [{"kubernetesVersion": "1.37.2"},
                                                                   {"kubernetesVersion": "1.37.3"}]},
                              "agentPoolProfiles": [{"kubernetesVersion": PATCH, "name": "nodepool1", "osType": "Linux",
                                                     "upgrades": [{"kubernetesVersion": "1.37.2"},
                                                                  {"kubernetesVersion": "1.37.3"}]}]}}
    write(nb, "upgrade_profile", [entry("GET", f"{CLUSTER}/upgradeProfiles/default?api-version={API}", 200, profile)],
          examples=ex("ManagedClustersGetUpgradeProfile.json"), note=EXAMPLE_NOTE)
    write(nb, "still_running", [get_cluster()], examples=ex("ManagedClustersGet.json"), note=EXAMPLE_NOTE)
    # 05-run-on-aks starts a cluster stopped in 02 before it deploys; in the recorded lab it was running.
    write("05-run-on-aks", "create_cluster", [get_cluster()], examples=ex("ManagedClustersGet.json"),
          note=EXAMPLE_NOTE + " The cluster as notebook 05's first cell finds it: running, so it is reused.")
    write(nb, "stop_cluster", lro_202("POST", f"{CLUSTER}/stop"), examples=ex("ManagedClustersStop.json"),
          note=EXAMPLE_NOTE)
    write(nb, "delete_cluster", lro_202("DELETE", CLUSTER), examples=ex("ManagedClustersDelete.json"),
          note=EXAMPLE_NOTE)


def build_scenarios() -> None:
    """One step file per scenario, for tests/unit/test_aks.py (``for_step`` names the step it replays as)."""
    put = f"{CLUSTER}?api-version={API}"

    def scenario(name, step, entries, what, examples=("ManagedClustersCreate_Update.json",)):
        write("errors-aks", name, entries, examples=ex(*examples),
              note=f"{EXAMPLE_NOTE} Test scenario, replayed as step '{step}': {what}")

    before_put = [no_cluster(), group(201), list_versions()]
    scenario("create_fresh", "create_cluster", before_put + create_cluster_lro(), "no cluster yet: create it")
    scenario("reuse_existing", "create_cluster", [get_cluster()], "the cluster exists and is ready")
    scenario("stopped_cluster", "create_cluster",
             [get_cluster(power="Stopped")] + lro_202("POST", f"{CLUSTER}/start") + [get_cluster()],
             "the cluster was stopped: start it", examples=("ManagedClustersStart.json",))
    scenario("found_failed", "create_cluster", [get_cluster("Failed")], "an earlier create ended Failed")
    scenario("start_existing", "start_cluster", [get_cluster("Creating")], "00-setup run again while creating")
    scenario("create_failed", "create_cluster", before_put + create_cluster_lro(failure={
        "code": "OutboundConnFailVMExtensionError",
        "message": "The node could not reach the endpoints AKS needs (vmssCSE exit status 50): check outbound "
                   "rules on the subnet."}), "the create's operation ends in status Failed")
    scenario("quota_exceeded_async", "create_cluster", before_put + create_cluster_lro(failure={
        "code": "QuotaExceeded",
        "message": f"Operation could not be completed as it results in exceeding approved Total Regional Cores "
                   f"quota. Location: {REGION}, Current Limit: 4, Current Usage: 4, Additional Required: 2."}),
             "the node VMs exceed the regional vCPU quota during the create")
    scenario("insufficient_vcpu_quota", "create_cluster", before_put + [error(
        "PUT", put, 400, "ErrCode_InsufficientVCPUQuota",
        f"Insufficient vcpu quota requested 2, remaining 0 for family standardDSv5Family for region {REGION}.",
        request=create_request())], "AKS refuses the create for lack of vCPU quota")
    scenario("sku_not_available", "create_cluster", before_put + [error(
        "PUT", put, 400, "SkuNotAvailable",
        f"The requested VM size Standard_D2s_v5 is currently not available in location '{REGION}' for this "
        "subscription.", request=create_request())], "the VM size is not offered")
    scenario("vm_size_not_allowed", "create_cluster", before_put + [error(
        "PUT", put, 400, "BadRequest",
        f"The VM size of Standard_D2s_v5 is not allowed in your subscription in location '{REGION}'.",
        request=create_request())], "the VM size is not allowed for the subscription")
    scenario("region_disallowed", "create_cluster", [no_cluster(), error(
        "PUT", f"{GROUP}?api-version={RG_API}", 403, "RequestDisallowedByAzure",
        f"Resource '{RG}' was disallowed by Azure: this subscription may deploy only to a set of regions; "
        f"'{REGION}' is not one of them.", request={"location": REGION, "tags": TAGS})],
             "a student subscription refuses the region", examples=("ManagedClustersGet.json",))
    scenario("policy_disallowed", "create_cluster", before_put + [error(
        "PUT", put, 403, "RequestDisallowedByPolicy",
        f"Resource '{NAME}' was disallowed by policy 'Allowed locations'.", request=create_request())],
             "an organisation's policy refuses the request")
    scenario("authorization_failed", "create_cluster", [no_cluster(), error(
        "PUT", f"{GROUP}?api-version={RG_API}", 403, "AuthorizationFailed",
        "The client 'student@example.com' with object id '00000000-0000-0000-0000-000000000102' does not have "
        f"authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope "
        f"'{GROUP}' or the scope is invalid.", request={"location": REGION, "tags": TAGS})],
             "the account may not create resource groups", examples=("ManagedClustersGet.json",))
    scenario("missing_registration", "create_cluster", [error(
        "GET", put, 409, "MissingSubscriptionRegistration",
        "The subscription is not registered to use namespace 'Microsoft.ContainerService'."), error(
        "POST", f"{SUB}/providers/Microsoft.ContainerService/register?api-version=2016-02-01", 403,
        "AuthorizationFailed", "The client 'student@example.com' does not have authorization to perform action "
        "'Microsoft.ContainerService/register/action'.")],
             "the resource provider is not registered, and the SDK's automatic registration is refused",
             examples=("ManagedClustersGet.json",))


def build():
    build_notebook()
    build_scenarios()
