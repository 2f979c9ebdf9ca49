"""Recordings for notebook 04-run-aci, and ACI error scenarios for tests/unit/test_aci.py.

The create is started without polling its operation: labkit reads the container group until it is
Succeeded, so the recording holds the PUT (201 + Azure-AsyncOperation, as Azure answers it) and the
GETs whose instance view grows Pulling → Pulled → Created → Started.
"""

from __future__ import annotations

from tools.handbuilt import ARM, DROP, SUB, azure_headers, derive, entry, error, real, signed, write
from tools.handbuilt.acr import credentials as registry_credentials
from tools.handbuilt.cleanup import CLASS_OF_ONE, LAB_RESOURCES, clock, cost_so_far

API = "2023-05-01"  # what azure-mgmt-containerinstance 10.1.0 sends
OPERATIONS_API = "2018-06-01"  # ACI's operation API (tests/corpus/aci/create)
REGION, RG, NAME, LABEL = "eastus", "rg-student-k7q2", "aci-student-k7q2", "student-k7q2-app"
REGISTRY, SERVER = "acrstudentk7q2", "acrstudentk7q2.azurecr.io"
IMAGE = f"{SERVER}/aks-workbook-app:v1"
GROUP_ID = f"{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerInstance/containerGroups/{NAME}"
FQDN = f"{LABEL}.{REGION}.azurecontainer.io"
IP = "20.242.138.17"
HOST = "wk-caas-3f6c0e2b9d7a4c18-5e0d7b61a2c4"
TAGS = {"course": "aks-workbook", "owner": "student", "created": "2026-11-29", "expires": "2026-11-30", "lab": RG}


def event(name: str, first: str, message: str, count: int = 1, last: str = "", kind: str = "Normal") -> dict:
    """An instance view event as Azure lists it: one item per kind of event, counted, first and last time."""
    return {"count": count, "firstTimestamp": first, "lastTimestamp": last or first, "name": name,
            "message": message, "type": kind}


PULLING = event("Pulling", "2026-11-29T11:00:48Z", f'pulling image "{IMAGE}"')
PULLED = event("Pulled", "2026-11-29T11:01:19Z", f'Successfully pulled image "{IMAGE}"')
CREATED = event("Created", "2026-11-29T11:01:27Z", "Created container app")
STARTED = event("Started", "2026-11-29T11:01:28Z", "Started container app")
# After a restart Azure counts the repeated events on their first item (count 2, lastTimestamp the restart's),
# so the list is not in time order: Killing, the newest first event, comes last.
RESTARTED = [PULLING, PULLED, event("Created", "2026-11-29T11:01:27Z", "Created container app", 2,
                                    "2026-11-29T11:09:05Z"),
             event("Started", "2026-11-29T11:01:28Z", "Started container app", 2, "2026-11-29T11:09:06Z"),
             event("Killing", "2026-11-29T11:09:02Z", "Killing container app")]


def group_body(provisioning: str = "Succeeded", state: str | None = "Running", events=(), *,
               started: str = "2026-11-29T11:01:28Z", restarts: int = 0, index: int = 3) -> dict:
    """The container group as Azure returns it (tests/corpus/aci/create: #0 the PUT's answer, #3 the group
    running) with the lab's container, address and tags; the instance view as far as it got."""
    view = DROP
    if state is not None or events:
        view = {"restartCount": restarts, "events": list(events)}
        if state is not None:
            view["currentState"] = {"state": state, "startTime": started, "detailStatus": ""}
    address = {"ip": IP, "type": "Public", "dnsNameLabel": LABEL, "fqdn": FQDN,
               "ports": [{"port": 80, "protocol": "TCP"}]}
    if provisioning == "Pending" and state is None:
        address = {k: v for k, v in address.items() if k != "ip"}  # no address yet in the PUT's answer
    group_state = "Running" if state == "Running" else "Pending"
    return derive("aci/create", index, {
        "tags": TAGS, "properties.provisioningState": provisioning, "properties.restartPolicy": "Always",
        "properties.containers.0.name": "app", "properties.containers.0.properties.image": IMAGE,
        "properties.containers.0.properties.ports": [{"port": 80, "protocol": "TCP"}],
        "properties.containers.0.properties.resources": {"requests": {"memoryInGB": 1.5, "cpu": 1.0}},
        "properties.containers.0.properties.instanceView": view, "properties.ipAddress": address,
        "properties.instanceView": {"events": [], "state": group_state}})


def create_request() -> dict:
    container = {"image": IMAGE, "ports": [{"port": 80, "protocol": "TCP"}], "environmentVariables": [],
                 "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.5}}}
    return {"location": REGION, "tags": TAGS, "properties": {
        "osType": "Linux", "restartPolicy": "Always", "containers": [{"name": "app", "properties": container}],
        "imageRegistryCredentials": [{"server": SERVER, "username": REGISTRY, "password": "REDACTED"}],
        "ipAddress": {"type": "Public", "dnsNameLabel": LABEL, "ports": [{"port": 80, "protocol": "TCP"}]}}}


def like(index: int = 3) -> dict:
    return {k: v for k, v in azure_headers(real("aci/create", index)["ResponseHeaders"]).items()
            if k != "Azure-AsyncOperation"}


def credentials() -> dict:
    return registry_credentials()


def get(body: dict) -> dict:
    return entry("GET", f"{GROUP_ID}?api-version={API}", 200, body, headers=like())


def put(status: int = 201) -> dict:
    """The create's answer (tests/corpus/aci/create #0): 201 Pending, Azure-AsyncOperation with ACI's operation
    api-version and ARM's signature, no Retry-After."""
    operation = signed(f"{ARM}{SUB}/providers/Microsoft.ContainerInstance/locations/{REGION}/operations/"
                       f"00000000-0000-0000-0000-000000000911?api-version={OPERATIONS_API}")
    return entry("PUT", f"{GROUP_ID}?api-version={API}", status, group_body("Pending", None, index=0),
                 request=create_request(), headers={**like(0), "Azure-AsyncOperation": operation})


def put_error(status: int, code: str, message: str) -> dict:
    return error("PUT", f"{GROUP_ID}?api-version={API}", status, code, message, request=create_request())


def page(version: str, host: str) -> str:
    """The sample app's answer to GET / (notebooks/app/app.py)."""
    name = "AKS workbook sample app"
    return (f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{name}</title></head>\n<body>\n'
            f"<h1>{name}</h1>\n<p>Version: <code>{version}</code></p>\n<p>Host: <code>{host}</code></p>\n"
            "</body></html>\n")


def delete_entries(group: dict) -> list[dict]:
    """ContainerGroups_Delete as tests/corpus/aci/delete_sync: at once, 200 with the group (no operation to poll);
    then the group's GET answers 404."""
    return [entry("DELETE", f"{GROUP_ID}?api-version={API}", 200, group,
                  headers=azure_headers(real("aci/delete_sync")["ResponseHeaders"])),
            error("GET", f"{GROUP_ID}?api-version={API}", 404, "ResourceNotFound",
                  f"The Resource 'Microsoft.ContainerInstance/containerGroups/{NAME}' under resource group '{RG}' "
                  "was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
                  headers=azure_headers(real("aks/cluster_not_found")["ResponseHeaders"]))]


def build_notebook() -> None:
    nb = "04-run-aci"
    write(nb, "create",
          [credentials(), put(), get(group_body("Pending", "Waiting", [PULLING])),
           get(group_body("Pending", "Waiting", [PULLING, PULLED])),
           get(group_body(events=[PULLING, PULLED, CREATED, STARTED]))],
          calls=[clock("2026-11-29T11:01:30+00:00")], follows=["acr/credentials", "aci/create"],
          note="labkit reads the group until it runs instead of polling the create's operation.")
    running = group_body(events=[PULLING, PULLED, CREATED, STARTED])
    write(nb, "show", [get(running)], follows=["aci/create", "aci/show_public_address"])
    lines = [f"AKS workbook sample app v1 listening on port 80 (host {HOST})"]
    lines += [f'10.92.0.{n} - - [29/Nov/2026 11:0{m}:{s}] "GET / HTTP/1.1" 200 -' for n, m, s in
              ((4, 3, "02"), (4, 3, "09"), (7, 4, "15"))]
    write(nb, "logs", [entry("GET", f"{GROUP_ID}/containers/app/logs?api-version={API}&tail=50", 200,
                             derive("aci/logs", 0, {"content": "\n".join(lines) + "\n"}),
                             headers=azure_headers(real("aci/logs")["ResponseHeaders"]))],
          follows=["aci/logs"], note="The log lines are what notebooks/app/app.py prints.")
    write(nb, "browse", [get(running)],
          calls=[{"call": "http.get", "result": {"url": f"http://{FQDN}/", "status": 200, "body": page("v1", HOST)}}],
          follows=["aci/create", "aci/show_public_address"],
          note="The http.get result is the page notebooks/app/app.py serves.")
    restarted = group_body(events=RESTARTED, started="2026-11-29T11:09:06Z", restarts=0)
    restart = real("aci/restart")
    write(nb, "restart", [entry("POST", f"{GROUP_ID}/restart?api-version={API}", restart["StatusCode"], None,
                                headers=azure_headers(restart["ResponseHeaders"])), get(restarted)],
          follows=["aci/restart", "aci/create"],
          note="The restart is answered 204, nothing to poll. Azure counts the repeated events (count 2) on their "
               "first item.")
    write(nb, "delete", [get(restarted), *delete_entries(restarted)], calls=[clock("2026-11-29T11:14:00+00:00")],
          follows=["aci/create", "aci/delete_sync", "aks/cluster_not_found"],
          note="The delete is answered at once with 200 and the group; the 404 after it follows the corpus's 404.")
    cost_so_far(nb, "2026-11-29T11:15:00+00:00", groups=CLASS_OF_ONE, items=LAB_RESOURCES)


def build_scenarios() -> None:
    """One step file per ACI failure, each replayed as step create."""
    def scenario(name, entries, what, calls=(), follows=("acr/credentials", "aci/create"), typed=""):
        write("errors-aci", name, entries, calls=list(calls), follows=list(follows),
              note=f"Test scenario, replayed as step 'create': {what}."
                   + (f" {typed}" if typed else ""))

    refused = ("Not in the corpus: the error codes and messages are the ones learners report, in the ARM error "
               "shape of the corpus's answers.")
    scenario("inaccessible_image", [credentials(), put_error(
        400, "InaccessibleImage", f"The image '{IMAGE}' in container group '{NAME}' is not accessible. Please check "
                                  "the image and registry credential.")], "the registry refuses the pull",
             typed=refused)
    scenario("capacity", [credentials(), put_error(
        409, "ServiceUnavailable", f"The requested resource is not available in the location '{REGION}' at this "
                                   "moment. Please retry with a different resource request or in another location. "
                                   "Resource requested: '1' CPU '1.5' GB memory 'Linux' OS")],
             "no capacity in the region", typed=refused)
    scenario("dns_label_taken", [credentials(), put_error(
        400, "DnsNameLabelAlreadyTaken", f"The DNS name label '{LABEL}' in container group '{NAME}' is not available. "
                                         "Try using a different label.")], "someone else holds the DNS label",
             typed=refused)
    failed = group_body("Failed", "Waiting", [PULLING, event("Failed", "2026-11-29T11:01:40Z",
                                                             f'Failed to pull image "{IMAGE}": manifest unknown',
                                                             kind="Warning")])
    scenario("pull_failed", [credentials(), put(), get(group_body("Pending", "Waiting", [PULLING])), get(failed)],
             "the create is accepted, then the pull fails (the tag is missing)",
             calls=[clock("2026-11-29T11:01:45+00:00")], follows=["acr/credentials", "aci/create", "aci/group_failed"])


def build():
    build_notebook()
    build_scenarios()
