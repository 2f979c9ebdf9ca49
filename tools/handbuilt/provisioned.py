"""recordings/errors-setup/: a provisioned learner's lab (``labkit class provision``), as single step files.

The learner's group was created by their instructor, tagged for the class, with the learner as Contributor on it
and nothing else. Their lab reads the resource providers' state (registering them is a subscription write, the
instructor's) and reads the group where a learner's own lab would create it (a PUT would replace its tags and drop
``class``). Each file stands for the step named in its note; tests/unit/test_instructor.py replays them.
"""

from tools.handbuilt import SUB, azure_headers, derive, entry, error, real, write
from tools.handbuilt.acr import create_registry_lro, no_registry
from tools.handbuilt.aks import API as AKS_API
from tools.handbuilt.aks import CLUSTER, MINOR, TAGS, cluster, create_request, list_versions, no_cluster, put_started
from tools.handbuilt.setup import API as PROVIDER_API
from tools.handbuilt.setup import HEADERS as PROVIDER_HEADERS
from tools.handbuilt.setup import NOTE as PROVIDER_NOTE
from tools.handbuilt.setup import provider

RG_API = "2025-04-01"  # azure-mgmt-resource 26.0.0
RG = "rg-student-k7q2"
CLASS = "aks-2026-11"
GROUP = f"{SUB}/resourcegroups/{RG}"
CLASS_TAGS = {**TAGS, "class": CLASS}  # as `labkit class provision` tags the group it creates
NOTE = ("A provisioned learner (class aks-2026-11): the group rg-student-k7q2 was created by the instructor with the "
        "class tag; names and tags are the recorded lab's.")
NOT_FOUND = ("Not in the corpus: ARM's ResourceGroupNotFound (404) for a group that does not exist, in the ARM error "
             "shape of the corpus's answers, with the headers of tests/corpus/resources/group_gone (the HEAD of a "
             "missing group).")
PROVIDERS = ("Microsoft.ContainerService", "Microsoft.ContainerRegistry", "Microsoft.ContainerInstance")


def given_group() -> dict:
    """GET of the instructor's group (tests/corpus/resources/group_get) with the class's tags."""
    answer = real("resources/group_get")
    return entry("GET", f"{GROUP}?api-version={RG_API}", 200, derive("resources/group_get", 0, {"tags": CLASS_TAGS}),
                 headers=azure_headers(answer["ResponseHeaders"]))


def missing(path: str) -> dict:
    """A 404 ResourceGroupNotFound: the group is not there (yet, or any more)."""
    return error("GET", path, 404, "ResourceGroupNotFound", f"Resource group '{RG}' could not be found.",
                 headers=azure_headers(real("resources/group_gone")["ResponseHeaders"]))


def providers(states: dict) -> list[dict]:
    return [entry("GET", f"{SUB}/providers/{ns}?api-version={PROVIDER_API}", 200,
                  provider(ns, states.get(ns, "Registered")), headers=PROVIDER_HEADERS) for ns in PROVIDERS]


def scenario(name: str, step: str, entries: list, what: str, follows: list[str], typed: str = "") -> None:
    write("errors-setup", name, entries, follows=follows,
          note=f"{NOTE} Test scenario, replayed as step '{step}': {what}" + (f" {typed}" if typed else ""))


def build():
    scenario("providers_registered", "register_providers", providers({}),
             "the instructor registered the three providers; the lab only reads their state",
             ["resources/group_get"], PROVIDER_NOTE)
    scenario("providers_unregistered", "register_providers",
             providers({"Microsoft.ContainerInstance": "NotRegistered"}),
             "the instructor has not registered Microsoft.ContainerInstance", ["resources/group_get"], PROVIDER_NOTE)
    op = "00000000-0000-0000-0000-0000000000a1"
    scenario("start_cluster_given_group", "start_cluster",
             [no_cluster(), given_group(), list_versions(),
              put_started(CLUSTER, cluster("Creating"), create_request(), op)],
             f"00-setup in a provisioned group: the group is read, not written; the cluster ({MINOR}) is started",
             ["aks/cluster_not_found", "resources/group_get", "aks/kubernetes_versions", "aks/create_started",
              "aks/get"])
    scenario("start_cluster_group_missing", "start_cluster", [missing(f"{CLUSTER}?api-version={AKS_API}"),
                                                             missing(f"{GROUP}?api-version={RG_API}")],
             "the instructor's group does not exist (not provisioned yet, or deprovisioned)",
             ["aks/cluster_not_found", "resources/group_gone"], NOT_FOUND)
    scenario("create_registry_given_group", "create_registry", [no_registry(), given_group()] + create_registry_lro(),
             "03-publish-acr in a provisioned group: the group is read, not written",
             ["aks/cluster_not_found", "resources/group_get", "acr/create_lro", "acr/create_sync"])
