"""The one Kubernetes adapter of notebooks 02 and 05: calls to the cluster's API server, answered as raw JSON.

:func:`call` sends one request and returns the API server's answer as it came: ``{"status": <HTTP code>,
"body": <the API object, a Status, or text>}``. It goes through ``lab.result_of("kube <METHOD> <path>", ...)``:
record mode keeps the raw answer, replay serves it back, and the same reducers (:func:`pod_summary`,
:func:`node_summary`, the ones in :mod:`labkit.workloads`) read it in every mode. Replay never imports the
``kubernetes`` package (about 0.9 s to import). The recorder scrubs what it records; labkit itself keeps no
Secret's data and drops ``managedFields`` (as kubectl shows objects).

The kubernetes client writes a kubeconfig's certificate authority, client certificate and client key to
files. Here they go to a folder of their own under the lab folder (0700, files 0600), which exists only while
a call runs; a folder left by a killed kernel is removed before the next call.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from labkit.errors import LabError
from labkit.home import lab_home, private_folder

if TYPE_CHECKING:
    from labkit.lab import Lab

NAMESPACE = "default"
TIMEOUT = 30  # seconds for each request to the API server
CREDENTIALS = "kube-credentials"  # folder in the lab folder for the client's certificate and key files
JSON = "application/json"
PATCH = "application/strategic-merge-patch+json"  # what `kubectl apply` sends for built-in kinds
MERGE_PATCH = "application/merge-patch+json"  # what `kubectl scale` sends to the scale subresource


def kubeconfig_path(lab: Lab) -> Path:
    """Where :func:`labkit.aks.fetch_kubeconfig` keeps the cluster's user kubeconfig."""
    return lab_home() / f"kubeconfig-{lab.config.cluster_name}"


# -- calls -----------------------------------------------------------------------------------------------------
def call(
    lab: Lab, method: str, path: str, *, query: dict | None = None, body: dict | None = None, content_type: str = JSON
) -> dict:
    """One request to the API server: ``{"status", "body"}`` as it answered (recorded and replayed raw)."""
    name = f"kube {method} {path}" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return lab.result_of(name, lambda: _send(lab, method, path, query, body, content_type))


def ok(lab: Lab, answer: dict, doing: str):
    """The body of a successful answer; a refusal or an error becomes a LabError that says what to do."""
    status, body = answer["status"], answer["body"]
    if status < 400:
        return body
    if status in (401, 403):
        raise LabError(
            f"{doing}: the API server of {lab.config.cluster_name} refused the kubeconfig's "
            f"credentials (HTTP {status}).",
            "fetch the kubeconfig again: run the kubeconfig cell.",
        )
    said = body.get("message", "") if isinstance(body, dict) else str(body).strip()
    raise LabError(
        f"{doing}: the API server answered HTTP {status}{': ' + said if said else ''}.",
        "run the cell again in a minute; if it persists, look at the cluster in the portal.",
    )


def reason(answer: dict) -> str:
    """The ``reason`` of a Status answer (``AlreadyExists``, ``NotFound``, ...), or ""."""
    return answer["body"].get("reason", "") if isinstance(answer["body"], dict) else ""


def get(lab: Lab, path: str, doing: str, query: dict | None = None):
    """GET ``path``: the API object (or text) the API server answered."""
    return ok(lab, call(lab, "GET", path, query=query), doing)


# -- notebook 02: the control plane, the system pods and the nodes ----------------------------------------------
def version(lab: Lab) -> dict:
    """The API server's ``/version``: what the control plane runs."""
    return get(lab, "/version", "Reading the API server's version")


def readyz(lab: Lab) -> list[str]:
    """The lines of ``/readyz?verbose``: one per health check, e.g. ``[+]etcd ok``."""
    return get(lab, "/readyz", "Reading the API server's health checks", {"verbose": "true"}).splitlines()


def pods(lab: Lab, namespace: str = "kube-system") -> list[dict]:
    """The pods of ``namespace``, each reduced by :func:`pod_summary`."""
    found = get(lab, f"/api/v1/namespaces/{namespace}/pods", f"Listing the pods of {namespace}")
    return [pod_summary(p) for p in found["items"]]


def nodes(lab: Lab) -> list[dict]:
    """The nodes, each reduced by :func:`node_summary`."""
    return [node_summary(n) for n in get(lab, "/api/v1/nodes", "Listing the nodes")["items"]]


def pod_summary(pod: dict) -> dict:
    """Name, component (the Deployment or DaemonSet it belongs to), node, phase and images of a pod."""
    meta, spec = pod.get("metadata", {}), pod.get("spec", {})
    owner = (meta.get("ownerReferences") or [{}])[0]
    component = owner.get("name") or meta.get("name", "")
    template_hash = meta.get("labels", {}).get("pod-template-hash")
    if owner.get("kind") == "ReplicaSet" and template_hash and component.endswith("-" + template_hash):
        component = component[: -len(template_hash) - 1]
    return {
        "name": meta.get("name", ""),
        "component": component,
        "node": spec.get("nodeName", ""),
        "phase": pod.get("status", {}).get("phase", ""),
        "images": [c.get("image", "") for c in spec.get("containers", [])],
    }


def node_summary(node: dict) -> dict:
    """What a node reports about itself: pool, size, readiness and ``status.nodeInfo``."""
    labels, status = node.get("metadata", {}).get("labels", {}), node.get("status", {})
    info = status.get("nodeInfo", {})
    ready = next((c.get("status") == "True" for c in status.get("conditions", []) if c.get("type") == "Ready"), False)
    return {
        "name": node.get("metadata", {}).get("name", ""),
        "pool": labels.get("kubernetes.azure.com/agentpool", labels.get("agentpool", "")),
        "vmSize": labels.get("node.kubernetes.io/instance-type", ""),
        "ready": ready,
        **{
            key: info.get(key, "")
            for key in (
                "kubeletVersion",
                "kubeProxyVersion",
                "containerRuntimeVersion",
                "osImage",
                "kernelVersion",
                "architecture",
            )
        },
    }


# -- live: the kubernetes client, with its credential files in the lab folder --------------------------------------
def _send(lab: Lab, method: str, path: str, query: dict | None, body: dict | None, content_type: str) -> dict:
    from urllib3.exceptions import HTTPError

    with _api_client(lab) as api:
        method, url, headers, body, post = api.param_serialize(
            method,
            path,
            query_params=list((query or {}).items()),
            body=body,
            auth_settings=["BearerToken"],
            header_params={"Accept": f"{JSON}, text/plain", **({"Content-Type": content_type} if body else {})},
        )
        try:
            response = api.call_api(
                method, url, header_params=headers, body=body, post_params=post, _request_timeout=TIMEOUT
            )
            data = response.read()
        except HTTPError as err:
            raise LabError(
                f"The API server of {lab.config.cluster_name} did not answer ({type(err).__name__}).",
                "check that the cluster is running (`az aks show ... --query powerState`) and that "
                "your network allows HTTPS to *.azmk8s.io.",
            ) from err
    text = data.decode("utf-8", errors="replace")
    is_json = JSON in (response.headers.get("Content-Type") or "")
    return {"status": response.status, "body": _kept(json.loads(text)) if is_json and text else text}


def _kept(value):
    """An answer without what labkit never keeps: a Secret's data, and ``managedFields`` (bookkeeping)."""
    if isinstance(value, dict):
        if value.get("kind") == "Secret":
            value = {k: v for k, v in value.items() if k not in ("data", "stringData")}
        return {k: _kept(v) for k, v in value.items() if k != "managedFields"}
    if isinstance(value, list):
        return [_kept(v) for v in value]
    return value


@contextlib.contextmanager
def _api_client(lab: Lab):
    """A kubernetes ApiClient for the lab's kubeconfig; its credential files live only as long as the call."""
    path = kubeconfig_path(lab)
    if not path.exists():
        raise LabError(
            f"There is no kubeconfig for {lab.config.cluster_name} yet.",
            "run the kubeconfig cell (`aks.fetch_kubeconfig(lab)`) first.",
        )
    root = private_folder(CREDENTIALS)
    remove_stale_credentials(root)
    folder = root / str(os.getpid())
    folder.mkdir(exist_ok=True, mode=0o700)
    from kubernetes import client, config

    try:
        configuration = client.Configuration()
        config.load_kube_config(
            config_file=str(path), client_configuration=configuration, persist_config=False, temp_file_path=str(folder)
        )
        api = client.ApiClient(configuration)
        try:
            yield api
        finally:
            api.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_credentials(root: Path) -> list[Path]:
    """Remove the credential folders of processes that no longer run (a killed kernel); return them."""
    stale = [f for f in (root.iterdir() if root.is_dir() else []) if _stale(f)]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def _stale(folder: Path) -> bool:
    if not folder.name.isdigit():
        return True
    if os.name == "nt":  # asking Windows whether a process runs needs more than the standard library
        return time.time() - folder.stat().st_mtime > 3600
    try:
        os.kill(int(folder.name), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
