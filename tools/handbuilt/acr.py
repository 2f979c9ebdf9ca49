"""Recordings for notebook 03-publish-acr, and error scenarios for tests/unit/test_acr.py.

The story the notebook replays: the name is free, the registry is created (Basic, admin user), its
credentials are read, a Docker engine answers, the app is built and pushed, Microsoft's hello-world
is imported beside it, and the registry's /v2/ API lists both. ``recordings/errors-acr/<scenario>.json``
are single step files (each says which step it stands for). The Docker Engine and /v2/ steps (raw answers)
are written by tools/handbuilt/engine.py.
"""

from __future__ import annotations

from tools.handbuilt import ARM, SUB, entry, error, write

API = "2025-11-01"  # what azure-mgmt-containerregistry 15.0.0 sends
RG_API = "2025-04-01"  # azure-mgmt-resource 26.0.0
REGION, RG, NAME = "eastus", "rg-student-k7q2", "acrstudentk7q2"
SERVER = f"{NAME}.azurecr.io"
GROUP = f"{SUB}/resourcegroups/{RG}"
REGISTRY = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerRegistry/registries/{NAME}"
CHECK = f"{SUB}/providers/Microsoft.ContainerRegistry/checkNameAvailability?api-version={API}"
TAGS = {"course": "aks-workbook", "owner": "student", "created": "2026-11-29", "expires": "2026-11-30"}
APP = "aks-workbook-app"

SPECS = ("Azure/azure-rest-api-specs specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/"
         "Registry/stable/2025-11-01/examples/")
NOTE = ("Built by hand: nothing in this project can reach Azure. Shapes follow the named Azure REST API reference "
        "examples of api-version 2025-11-01, the one the pinned azure-mgmt-containerregistry 15.0.0 sends. Names and "
        "ids are the recorded lab's; dates and operation ids are illustrative.")
def ex(*names: str) -> list[str]:
    return [SPECS + n for n in names]


# -- ARM bodies ------------------------------------------------------------------------------------------
def registry(state="Succeeded", admin=True) -> dict:
    return {"id": REGISTRY, "name": NAME, "type": "Microsoft.ContainerRegistry/registries", "location": REGION,
            "tags": TAGS, "sku": {"name": "Basic", "tier": "Basic"},
            "properties": {"loginServer": SERVER, "creationDate": "2026-11-29T10:21:07.4173311Z",
                           "provisioningState": state, "adminUserEnabled": admin,
                           "networkRuleSet": {"defaultAction": "Allow", "ipRules": []},
                           "policies": {"quarantinePolicy": {"status": "disabled"},
                                        "trustPolicy": {"type": "Notary", "status": "disabled"},
                                        "retentionPolicy": {"days": 7, "status": "disabled"},
                                        "exportPolicy": {"status": "enabled"},
                                        "azureADAuthenticationAsArmPolicy": {"status": "enabled"}},
                           "encryption": {"status": "disabled"}, "dataEndpointEnabled": False,
                           "dataEndpointHostNames": [], "privateEndpointConnections": [],
                           "publicNetworkAccess": "Enabled", "networkRuleBypassOptions": "AzureServices",
                           "networkRuleBypassAllowedForTasks": False, "zoneRedundancy": "Disabled",
                           "anonymousPullEnabled": False, "roleAssignmentMode": "LegacyRegistryPermissions"}}


def create_request() -> dict:
    return {"location": REGION, "tags": TAGS, "sku": {"name": "Basic"}, "properties": {"adminUserEnabled": True}}


def check(name: str, available: bool) -> dict:
    body = {"nameAvailable": True} if available else {
        "nameAvailable": False, "reason": "AlreadyExists", "message": f"The registry {name} is already in use."}
    return entry("POST", CHECK, 200, body, request={"name": name, "type": "Microsoft.ContainerRegistry/registries"})


def get_registry(**kwargs) -> dict:
    return entry("GET", f"{REGISTRY}?api-version={API}", 200, registry(**kwargs))


def no_registry() -> dict:
    return error("GET", f"{REGISTRY}?api-version={API}", 404, "ResourceNotFound",
                 f"The Resource 'Microsoft.ContainerRegistry/registries/{NAME}' under resource group '{RG}' was not "
                 "found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")


def group() -> dict:
    return entry("PUT", f"{GROUP}?api-version={RG_API}", 200,
                 {"id": GROUP, "name": RG, "type": "Microsoft.Resources/resourceGroups", "location": REGION,
                  "tags": TAGS, "properties": {"provisioningState": "Succeeded"}},
                 request={"location": REGION, "tags": TAGS})


def create_registry_lro() -> list[dict]:
    """PUT 201 Creating + Azure-AsyncOperation, one poll InProgress, one Succeeded, then the final GET."""
    op = f"{ARM}{REGISTRY}/operationStatuses/registries-00000000-0000-0000-0000-000000000311?api-version={API}"
    status = {"id": op.split("?")[0][len(ARM):], "status": "InProgress", "startTime": "2026-11-29T10:21:07Z"}
    return [entry("PUT", f"{REGISTRY}?api-version={API}", 201, registry("Creating"), request=create_request(),
                  headers={"Azure-AsyncOperation": op, "Retry-After": "5"}),
            entry("GET", op, 200, status, headers={"Retry-After": "5"}),
            entry("GET", op, 200, {**status, "status": "Succeeded", "endTime": "2026-11-29T10:21:41Z"}),
            get_registry()]


def import_lro(target: str, source="azuredocs/aci-helloworld:latest") -> list[dict]:
    """POST importImage 202 + Location (as ImportImageFromPublicRegistry.json), polled until 200."""
    location = (f"{ARM}{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerRegistry/locations/{REGION}/"
                f"operationResults/operationStatuses/registries-00000000-0000-0000-0000-000000000312?api-version={API}")
    request = {"source": {"registryUri": "mcr.microsoft.com", "sourceImage": source}, "targetTags": [target],
               "mode": "Force"}
    return [entry("POST", f"{REGISTRY}/importImage?api-version={API}", 202, None, request=request,
                  headers={"Location": location, "Retry-After": "3"}),
            entry("GET", location, 202, None, headers={"Location": location, "Retry-After": "3"}),
            entry("GET", location, 200, None)]


# -- files ---------------------------------------------------------------------------------------------------------
def build_notebook() -> None:
    nb = "03-publish-acr"
    write(nb, "check_name", [check(NAME, True)], examples=ex("RegistryCheckNameAvailable.json"), note=NOTE)
    write(nb, "create_registry", [no_registry(), group()] + create_registry_lro(),
          examples=ex("RegistryGet.json", "RegistryCreate.json"), note=NOTE)
    write(nb, "credentials", [entry("POST", f"{REGISTRY}/listCredentials?api-version={API}", 200, {
        "username": NAME, "passwords": [{"name": "password", "value": "REDACTED"},
                                        {"name": "password2", "value": "REDACTED"}]})],
          examples=ex("RegistryListCredentials.json"), note=NOTE + " Passwords are REDACTED, as the scrubber "
                                                                   "writes them in record mode.")
    write(nb, "import_sample", import_lro("samples/aci-helloworld:latest"),
          examples=ex("ImportImageFromPublicRegistry.json"), note=NOTE)


def build_scenarios() -> None:
    """One step file per scenario, for tests/unit/test_acr.py (the note names the step it replays as)."""
    def scenario(name, step, entries, what, examples):
        write("errors-acr", name, entries, examples=examples,
              note=f"{NOTE} Test scenario, replayed as step '{step}': {what}")

    scenario("name_taken", "check_name", [check(NAME, False), no_registry(), check("acrstudentx9z1", True)],
             "someone else owns the name: suggest a free one",
             ex("RegistryCheckNameNotAvailable.json", "RegistryCheckNameAvailable.json", "RegistryGet.json"))
    scenario("name_ours", "check_name", [check(NAME, False), get_registry()],
             "the name is taken by the lab's own registry (an earlier run)",
             ex("RegistryCheckNameNotAvailable.json", "RegistryGet.json"))
    scenario("registry_exists", "create_registry", [get_registry()], "the registry exists: reuse it",
             ex("RegistryGet.json"))
    scenario("admin_disabled", "create_registry", [get_registry(admin=False)],
             "the registry exists with its admin user disabled", ex("RegistryGet.json"))
    scenario("already_in_use", "create_registry", [no_registry(), group(), error(
        "PUT", f"{REGISTRY}?api-version={API}", 409, "AlreadyInUse",
        f"The registry DNS name {SERVER} is already in use. You can check if the name is already claimed using "
        "following API: https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability",
        request=create_request())], "another subscription took the name between the check and the create",
             ex("RegistryCreate.json"))
    scenario("import_app", "import_app", import_lro(f"{APP}:v1"), "the fallback imports hello-world as the app",
             ex("ImportImageFromPublicRegistry.json"))
    scenario("tasks_not_allowed", "acr_build", [error(
        "POST", f"{REGISTRY}/scheduleRun?api-version=2019-06-01-preview", 400, "TasksOperationsNotAllowed",
        f"ACR Tasks requests for the registry {NAME} and 00000000-0000-0000-0000-000000000000 are not permitted. "
        "Please file an Azure support request at http://aka.ms/azuresupport for assistance.")],
             "what `az acr build` gets on a free-credit subscription (the shape reported in "
             "MicrosoftDocs/azure-aks-docs issue 112 and Azure-Samples/contoso-chat issue 259)",
             ["Azure CLI `az acr build` (POST .../registries/{name}/scheduleRun, ACR Tasks api-version "
              "2019-06-01-preview); error body as quoted in the issues named in the note"])


def build():
    build_notebook()
    build_scenarios()
