"""Recordings for notebook 03-publish-acr, and error scenarios for tests/unit/test_acr.py.

The story the notebook replays: the name is free, the registry is created (Basic, admin user), its
credentials are read, a Docker engine answers, the app is built and pushed, Microsoft's hello-world
is imported beside it, and the registry's /v2/ API lists both. ``recordings/errors-acr/<scenario>.json``
are single step files (each says which step it stands for). Docker and /v2/ answers are labkit's
boundary results (``Calls``): the build log and push progress are what labkit.images yields.
"""

from __future__ import annotations

import hashlib

from labkit import images
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
SOURCES = {"engine": ["Docker Engine API GET /version"],
           "build": ["Docker Engine API POST /build, as labkit.images.build_image yields it"],
           "push": ["Docker Engine API POST /images/{name}/push, as labkit.images.push_image yields it"],
           "v2": ["OCI distribution API /v2/_catalog, /v2/<name>/tags/list, /v2/<name>/manifests/<tag>"]}
DOCKER_NOTE = ("Built by hand: the Docker and /v2/ answers are labkit boundary results in the shape labkit.images "
               "yields them (tests/integration records the same shapes from a real engine and registry). The "
               "build log follows the classic builder's output for notebooks/app/Dockerfile; image ids, layer ids, "
               "sizes and digests are illustrative.")


def hexid(seed: str, length: int = 64) -> str:
    """A stable made-up hex id (image, layer, container ids and digests look like this)."""
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


DIGEST = "sha256:" + hexid("aks-workbook-app:v1 manifest")
SAMPLE_DIGEST = "sha256:" + hexid("aci-helloworld manifest")


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


# -- Docker answers, as labkit.images yields them ----------------------------------------------------------------
BASE = "python:3.12.12-alpine3.22"
BASE_LAYERS = [("base-1", 3_802_452), ("base-2", 460_145), ("base-3", 14_418_207), ("base-4", 249)]
APP_LAYERS = [("workdir", 93), ("app.py", 1_214)]  # WORKDIR /app and COPY app.py, newest last


def build_log() -> list[dict]:
    lines = [f"Step 1/7 : FROM {BASE}", f"{BASE.split(':')[1]} Pulling from library/python"]
    ids = [hexid(name, 12) for name, _ in BASE_LAYERS]
    lines += [f"{i} Pulling fs layer" for i in ids]
    for i in ids:
        lines += [f"{i} Verifying Checksum", f"{i} Download complete"]
    lines += [f"{i} Pull complete" for i in ids]
    lines += [f"Digest: sha256:{hexid('python base index')}", f"Status: Downloaded newer image for {BASE}",
              f"---> {hexid('base image', 12)}"]
    steps = ["ARG APP_VERSION=dev", "ENV APP_VERSION=${APP_VERSION}     PYTHONUNBUFFERED=1     PYTHONDONTWRITEBYTECODE=1",
             "WORKDIR /app", "COPY app.py .", "EXPOSE 80", 'CMD ["python", "app.py"]']
    for n, step in enumerate(steps, start=2):
        lines.append(f"Step {n}/7 : {step}")
        if not step.startswith("COPY"):
            container = hexid(f"container {n}", 12)
            lines += [f"---> Running in {container}", f"Removing intermediate container {container}"]
        lines.append(f"---> {hexid(f'layer {n}', 12)}")
    image = hexid("layer 7", 12)
    lines += [f"Successfully built {image}", f"Successfully tagged {SERVER}/{APP}:v1"]
    return [{"stream": line} for line in lines] + [{"image_id": f"sha256:{hexid('layer 7')}",
                                                    "tag": f"{SERVER}/{APP}:v1"}]


def push_events() -> list[dict]:
    layers = [(hexid(name, 12), total) for name, total in reversed(BASE_LAYERS + APP_LAYERS)]  # newest first

    def event(layer, status, current=None, total=None):
        return {"layer": layer, "status": status, "current": current, "total": total}

    events = [event(layer, "Preparing") for layer, _ in layers]
    events += [event(layer, "Waiting") for layer, _ in layers[2:]]
    for layer, total in layers:
        steps = 10 if total > 1_000_000 else 1
        events += [event(layer, "Pushing", total * k // steps, total) for k in range(1, steps + 1)]
        events.append(event(layer, "Pushed"))
    return events + [{"digest": DIGEST, "tag": "v1"}]


ENGINE = {"engine": True, "version": "28.5.1", "os": "linux", "arch": "amd64"}
INVENTORY = {"repositories": {APP: ["v1"], "samples/aci-helloworld": ["latest"]}, "digest": DIGEST}


def failure(err: images.ImageError) -> dict:
    return {"problem": err.problem, "fix": err.fix}


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
    write(nb, "docker_engine", [], calls=[{"call": "docker.engine", "result": ENGINE}], examples=SOURCES["engine"],
          note=DOCKER_NOTE)
    write(nb, "build", [], calls=[{"call": "docker.build", "events": build_log()}], examples=SOURCES["build"],
          note=DOCKER_NOTE)
    write(nb, "push", [], calls=[{"call": "docker.push", "events": push_events()}], examples=SOURCES["push"],
          note=DOCKER_NOTE)
    write(nb, "import_sample", import_lro("samples/aci-helloworld:latest"),
          examples=ex("ImportImageFromPublicRegistry.json"), note=NOTE)
    write(nb, "repositories", [], calls=[{"call": "registry.v2", "result": INVENTORY}], examples=SOURCES["v2"],
          note=DOCKER_NOTE)


def build_scenarios() -> None:
    """One step file per scenario, for tests/unit/test_acr.py (the note names the step it replays as)."""
    def scenario(name, step, entries, what, examples, calls=None, note=NOTE):
        write("errors-acr", name, entries, calls=calls, examples=examples,
              note=f"{note} Test scenario, replayed as step '{step}': {what}")

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
    scenario("no_engine", "docker_engine", [], "no Docker engine answers (Binder, a hub)", SOURCES["engine"],
             calls=[{"call": "docker.engine", "result": {
                 "engine": False, "problem": "No Docker engine answers at the default Docker socket."}}],
             note=DOCKER_NOTE)
    scenario("import_app", "import_app", import_lro(f"{APP}:v1"), "the fallback imports hello-world as the app",
             ex("ImportImageFromPublicRegistry.json"))
    refused = images._registry_error(
        f'Get "https://{SERVER}/v2/": unauthorized: authentication required, visit https://aka.ms/acr/authorization '
        "for more information.", SERVER, images.LOGIN_FIX)
    scenario("login_refused", "push", [], "the registry refuses the user name or password", SOURCES["push"],
             calls=[{"call": "docker.push", "events": [], "error": failure(refused)}], note=DOCKER_NOTE)
    denied = images._registry_error("denied: requested access to the resource is denied", SERVER,
                                    images.PUSH_DENIED_FIX)
    layers = push_events()[:6]  # Preparing, then the registry says no
    scenario("push_denied", "push", [], "logged in, but the push is refused", SOURCES["push"],
             calls=[{"call": "docker.push", "events": layers, "error": failure(denied)}], note=DOCKER_NOTE)
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
