"""Recordings for notebook 04-run-aci, and ACI error scenarios for tests/unit/test_aci.py.

The create is started without polling its operation: labkit reads the container group until it is
Succeeded, so the recording holds the PUT (201 + Azure-AsyncOperation, as Azure answers it) and the
GETs whose instance view grows Pulling → Pulled → Created → Started.
"""

from __future__ import annotations

from tools.handbuilt import ARM, SUB, entry, error, write
from tools.handbuilt.cleanup import CLASS_OF_ONE, LAB_RESOURCES, clock, cost_so_far

API = "2023-05-01"  # what azure-mgmt-containerinstance 10.1.0 sends
ACR_API = "2025-11-01"  # azure-mgmt-containerregistry 15.0.0
REGION, RG, NAME, LABEL = "eastus", "rg-student-k7q2", "aci-student-k7q2", "student-k7q2-app"
REGISTRY, SERVER = "acrstudentk7q2", "acrstudentk7q2.azurecr.io"
IMAGE = f"{SERVER}/aks-workbook-app:v1"
GROUP_ID = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerInstance/containerGroups/{NAME}"
REGISTRY_ID = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerRegistry/registries/{REGISTRY}"
FQDN = f"{LABEL}.{REGION}.azurecontainer.io"
IP = "20.242.138.17"
HOST = "wk-caas-3f6c0e2b9d7a4c18-5e0d7b61a2c4"
TAGS = {"course": "aks-workbook", "owner": "student", "created": "2026-11-29", "expires": "2026-11-30"}

SPECS = "Azure/azure-rest-api-specs specification/containerinstance/resource-manager/Microsoft.ContainerInstance/"
EXAMPLES_2023 = SPECS + "stable/2023-05-01/examples/"
EXAMPLES_2025 = SPECS + "ContainerInstance/examples/2025-09-01/"
ACR_EXAMPLE = ("Azure/azure-rest-api-specs specification/containerregistry/resource-manager/"
               "Microsoft.ContainerRegistry/Registry/stable/2025-11-01/examples/RegistryListCredentials.json")
NOTE = ("Built by hand: nothing in this project can reach Azure. The pinned azure-mgmt-containerinstance 10.1.0 "
        "sends api-version 2023-05-01: the container group bodies follow that version's ContainerGroupsList.json "
        "example, and each operation follows the 2025-09-01 example named here (the copy of the 2023-05-01 folder "
        "at hand lacks them; the container group shape is the same, 2025-09-01 adds fields this lab does not use). Names, "
        "addresses, host names and times are the recorded lab's (illustrative); the registry password is REDACTED.")


def examples(*names: str) -> list[str]:
    return [EXAMPLES_2023 + "ContainerGroupsList.json"] + [EXAMPLES_2025 + n for n in names]


def event(name: str, at: str, message: str, count: int = 1) -> dict:
    return {"count": count, "firstTimestamp": at, "lastTimestamp": at, "name": name, "message": message,
            "type": "Normal"}


PULLING = event("Pulling", "2026-11-29T11:00:48Z", f'pulling image "{IMAGE}"')
PULLED = event("Pulled", "2026-11-29T11:01:19Z", f'Successfully pulled image "{IMAGE}"')
CREATED = event("Created", "2026-11-29T11:01:27Z", "Created container app")
STARTED = event("Started", "2026-11-29T11:01:28Z", "Started container app")


def group_body(provisioning: str = "Succeeded", state: str | None = "Running", events=(), *,
               started: str = "2026-11-29T11:01:28Z", restarts: int = 0) -> dict:
    """The container group as Azure returns it (no password; the instance view as far as it got)."""
    container = {"image": IMAGE, "ports": [{"port": 80, "protocol": "TCP"}], "environmentVariables": [],
                 "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.5}}}
    if state is not None or events:
        view = {"restartCount": restarts, "events": list(events)}
        if state is not None:
            view["currentState"] = {"state": state, "startTime": started, "detailStatus": ""}
        container["instanceView"] = view
    return {"id": GROUP_ID, "name": NAME, "type": "Microsoft.ContainerInstance/containerGroups", "location": REGION,
            "tags": TAGS, "properties": {
                "sku": "Standard", "provisioningState": provisioning, "osType": "Linux", "restartPolicy": "Always",
                "containers": [{"name": "app", "properties": container}],
                "imageRegistryCredentials": [{"server": SERVER, "username": REGISTRY}],
                "ipAddress": {"ip": IP, "type": "Public", "dnsNameLabel": LABEL, "fqdn": FQDN,
                              "ports": [{"port": 80, "protocol": "TCP"}]},
                "instanceView": {"events": [], "state": "Running" if state == "Running" else "Pending"}}}


def create_request() -> dict:
    body = group_body()
    props = body["properties"]
    props["containers"][0]["properties"].pop("instanceView")
    for key in ("provisioningState", "instanceView", "sku"):
        props.pop(key)
    props["ipAddress"] = {"type": "Public", "dnsNameLabel": LABEL, "ports": [{"port": 80, "protocol": "TCP"}]}
    props["imageRegistryCredentials"][0]["password"] = "REDACTED"
    return {"location": REGION, "tags": TAGS, "properties": props}


def credentials() -> dict:
    return entry("POST", f"{REGISTRY_ID}/listCredentials?api-version={ACR_API}", 200,
                 {"username": REGISTRY, "passwords": [{"name": "password", "value": "REDACTED"},
                                                      {"name": "password2", "value": "REDACTED"}]})


def get(body: dict) -> dict:
    return entry("GET", f"{GROUP_ID}?api-version={API}", 200, body)


def put(status: int = 201) -> dict:
    operation = f"{ARM}{SUB}/providers/Microsoft.ContainerInstance/locations/{REGION}/operations/" \
                f"00000000-0000-0000-0000-000000000911?api-version={API}"
    pending = group_body("Pending", None)
    pending["properties"]["ipAddress"].pop("ip")
    return entry("PUT", f"{GROUP_ID}?api-version={API}", status, pending, request=create_request(),
                 headers={"Azure-AsyncOperation": operation, "Retry-After": "5"})


def put_error(status: int, code: str, message: str) -> dict:
    return error("PUT", f"{GROUP_ID}?api-version={API}", status, code, message, request=create_request())


def page(version: str, host: str) -> str:
    """The sample app's answer to GET / (notebooks/app/app.py)."""
    name = "AKS workbook sample app"
    return (f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{name}</title></head>\n<body>\n'
            f"<h1>{name}</h1>\n<p>Version: <code>{version}</code></p>\n<p>Host: <code>{host}</code></p>\n"
            "</body></html>\n")


def delete_entries() -> list[dict]:
    """ContainerGroups_Delete as Azure answers it when it takes a while: 202 + Azure-AsyncOperation, polls."""
    operation = f"{ARM}{SUB}/providers/Microsoft.ContainerInstance/locations/{REGION}/operations/" \
                f"00000000-0000-0000-0000-000000000912?api-version={API}"
    status = {"name": "00000000-0000-0000-0000-000000000912", "startTime": "2026-11-29T11:13:40Z"}
    return [entry("DELETE", f"{GROUP_ID}?api-version={API}", 202, None,
                  headers={"Azure-AsyncOperation": operation, "Retry-After": "5"}),
            entry("GET", operation, 200, {**status, "status": "InProgress"}, headers={"Retry-After": "5"}),
            entry("GET", operation, 200, {**status, "status": "Succeeded", "endTime": "2026-11-29T11:13:58Z"}),
            error("GET", f"{GROUP_ID}?api-version={API}", 404, "ResourceNotFound",
                  f"The Resource 'Microsoft.ContainerInstance/containerGroups/{NAME}' under resource group '{RG}' "
                  "was not found.")]


def build_notebook() -> None:
    nb = "04-run-aci"
    write(nb, "create_container_group",
          [credentials(), put(), get(group_body("Pending", "Waiting", [PULLING])),
           get(group_body("Pending", "Waiting", [PULLING, PULLED])), get(group_body(events=[PULLING, PULLED, CREATED,
                                                                                            STARTED]))],
          calls=[clock("2026-11-29T11:01:30+00:00")], note=NOTE,
          examples=[ACR_EXAMPLE] + examples("ContainerGroupsCreateOrUpdate.json", "ContainerGroupsGet_Succeeded.json",
                                            "ContainerGroupsGet_Failed.json (instance view events)"))
    running = group_body(events=[PULLING, PULLED, CREATED, STARTED])
    write(nb, "show", [get(running)], examples=examples("ContainerGroupsGet_Succeeded.json"), note=NOTE)
    lines = [f"AKS workbook sample app v1 listening on port 80 (host {HOST})"]
    lines += [f'10.92.0.{n} - - [29/Nov/2026 11:0{m}:{s}] "GET / HTTP/1.1" 200 -' for n, m, s in
              ((4, 3, "02"), (4, 3, "09"), (7, 4, "15"))]
    write(nb, "logs", [entry("GET", f"{GROUP_ID}/containers/app/logs?api-version={API}&tail=50", 200,
                             {"content": "\n".join(lines) + "\n"})],
          examples=examples("ContainerListLogs.json"), note=NOTE + " The log lines are what notebooks/app/app.py prints.")
    write(nb, "call_app", [get(running)],
          calls=[{"call": "http.get", "result": {"url": f"http://{FQDN}/", "status": 200, "body": page("v1", HOST)}}],
          examples=examples("ContainerGroupsGet_Succeeded.json"),
          note=NOTE + " The http.get result is the page notebooks/app/app.py serves.")
    restarted = group_body(events=[PULLING, PULLED, event("Killing", "2026-11-29T11:09:02Z", "Killing container app"),
                                   event("Created", "2026-11-29T11:09:05Z", "Created container app", 2),
                                   event("Started", "2026-11-29T11:09:06Z", "Started container app", 2)],
                           started="2026-11-29T11:09:06Z")
    write(nb, "restart", [entry("POST", f"{GROUP_ID}/restart?api-version={API}", 204, None), get(restarted)],
          examples=examples("ContainerGroupsRestart.json (204)", "ContainerGroupsGet_Succeeded.json"), note=NOTE)
    write(nb, "delete", [get(restarted), *delete_entries()], calls=[clock("2026-11-29T11:14:00+00:00")],
          examples=examples("ContainerGroupsDelete.json (202 + azure-asyncoperation)"), note=NOTE)
    cost_so_far(nb, "2026-11-29T11:15:00+00:00", groups=CLASS_OF_ONE, items=LAB_RESOURCES)


def build_scenarios() -> None:
    """One step file per ACI failure, each replayed as step create_container_group."""
    def scenario(name, entries, what, calls=()):
        write("errors-aci", name, entries, calls=list(calls),
              examples=[ACR_EXAMPLE] + examples("ContainerGroupsCreateOrUpdate.json"),
              note=f"{NOTE} Test scenario, replayed as step 'create_container_group': {what}. The error codes and "
                   "messages are the ones learners report (see shared/notes/azure-facts.md).")

    scenario("inaccessible_image", [credentials(), put_error(
        400, "InaccessibleImage", f"The image '{IMAGE}' in container group '{NAME}' is not accessible. Please check "
                                  "the image and registry credential.")], "the registry refuses the pull")
    scenario("capacity", [credentials(), put_error(
        409, "ServiceUnavailable", f"The requested resource is not available in the location '{REGION}' at this "
                                   "moment. Please retry with a different resource request or in another location. "
                                   "Resource requested: '1' CPU '1.5' GB memory 'Linux' OS")],
             "no capacity in the region")
    scenario("dns_label_taken", [credentials(), put_error(
        400, "DnsNameLabelAlreadyTaken", f"The DNS name label '{LABEL}' in container group '{NAME}' is not available. "
                                         "Try using a different label.")], "someone else holds the DNS label")
    failed = group_body("Failed", "Waiting", [PULLING, event("Failed", "2026-11-29T11:01:40Z",
                                                             f'Failed to pull image "{IMAGE}": manifest unknown')])
    failed["properties"]["containers"][0]["properties"]["instanceView"]["events"][-1]["type"] = "Warning"
    scenario("pull_failed", [credentials(), put(), get(group_body("Pending", "Waiting", [PULLING])), get(failed)],
             "the create is accepted, then the pull fails (the tag is missing)",
             calls=[clock("2026-11-29T11:01:45+00:00")])


def build():
    build_notebook()
    build_scenarios()
