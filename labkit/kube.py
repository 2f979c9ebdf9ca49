"""The Kubernetes side of notebook 02: the API server, the kube-system pods and the nodes, as plain JSON.

Every call goes through ``lab.result_of("kube.<what>", ...)``, so replay serves the recorded result and
never imports the ``kubernetes`` package (about 0.9 s to import). Live and record modes build a client
from the lab's kubeconfig the first time one is needed. Results are reduced to the fields the notebook
shows, and anything that looks like a certificate, key or token is removed before it is recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

from labkit.config import lab_home
from labkit.errors import LabError
from labkit.recording import scrub

DROP_KEYS = {"managedFields", "client-certificate-data", "client-key-data", "certificate-authority-data", "token"}
_CLIENTS: dict = {}


def kubeconfig_path(lab) -> Path:
    """Where :func:`labkit.aks.fetch_kubeconfig` keeps the cluster's user kubeconfig."""
    return lab_home() / f"kubeconfig-{lab.config.cluster_name}"


def version(lab) -> dict:
    """The API server's ``/version``: what the control plane runs."""
    return lab.result_of("kube.version", lambda: clean(json.loads(_get(lab, "/version"))))


def readyz(lab) -> list[str]:
    """The lines of ``/readyz?verbose``: one per health check, e.g. ``[+]etcd ok``."""
    return lab.result_of("kube.readyz",
                         lambda: clean(_get(lab, "/readyz", [("verbose", "true")]).decode().splitlines()))


def pods(lab, namespace: str = "kube-system") -> list[dict]:
    """The pods of ``namespace``, each reduced by :func:`pod_summary`."""
    return lab.result_of("kube.pods", lambda: clean(
        [pod_summary(p) for p in json.loads(_get(lab, f"/api/v1/namespaces/{namespace}/pods"))["items"]]))


def nodes(lab) -> list[dict]:
    """The nodes, each reduced by :func:`node_summary`."""
    return lab.result_of("kube.nodes", lambda: clean(
        [node_summary(n) for n in json.loads(_get(lab, "/api/v1/nodes"))["items"]]))


def pod_summary(pod: dict) -> dict:
    """Name, component (the Deployment or DaemonSet it belongs to), node, phase and images of a pod."""
    meta, spec = pod.get("metadata", {}), pod.get("spec", {})
    owner = (meta.get("ownerReferences") or [{}])[0]
    component = owner.get("name") or meta.get("name", "")
    template_hash = meta.get("labels", {}).get("pod-template-hash")
    if owner.get("kind") == "ReplicaSet" and template_hash and component.endswith("-" + template_hash):
        component = component[: -len(template_hash) - 1]
    return {"name": meta.get("name", ""), "component": component, "node": spec.get("nodeName", ""),
            "phase": pod.get("status", {}).get("phase", ""),
            "images": [c.get("image", "") for c in spec.get("containers", [])]}


def node_summary(node: dict) -> dict:
    """What a node reports about itself: pool, size, readiness and ``status.nodeInfo``."""
    labels, status = node.get("metadata", {}).get("labels", {}), node.get("status", {})
    info = status.get("nodeInfo", {})
    ready = next((c.get("status") == "True" for c in status.get("conditions", []) if c.get("type") == "Ready"), False)
    return {"name": node.get("metadata", {}).get("name", ""),
            "pool": labels.get("kubernetes.azure.com/agentpool", labels.get("agentpool", "")),
            "vmSize": labels.get("node.kubernetes.io/instance-type", ""), "ready": ready,
            **{key: info.get(key, "") for key in ("kubeletVersion", "kubeProxyVersion", "containerRuntimeVersion",
                                                  "osImage", "kernelVersion", "architecture")}}


def clean(value):
    """``value`` without credential fields, and with any certificate-, key- or token-like string redacted."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if k not in DROP_KEYS}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, str) and any(p.search(value) for p in scrub.LEAKS.values()):
        return scrub.REDACTED
    return value


def _client(lab):
    path = kubeconfig_path(lab)
    if not path.exists():
        raise LabError(f"There is no kubeconfig for {lab.config.cluster_name} yet.",
                       "run the kubeconfig cell (`aks.fetch_kubeconfig(lab)`) first.")
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _CLIENTS:
        from kubernetes import config

        _CLIENTS[key] = config.new_client_from_config(config_file=str(path), persist_config=False)
    return _CLIENTS[key]


def _get(lab, path: str, query: list | None = None) -> bytes:
    """GET ``path`` on the API server with the kubeconfig's credentials; errors become LabErrors."""
    from urllib3.exceptions import HTTPError

    api = _client(lab)
    method, url, headers, body, post = api.param_serialize(
        "GET", path, query_params=query, header_params={"Accept": "application/json, text/plain"},
        auth_settings=["BearerToken"])
    try:
        response = api.call_api(method, url, header_params=headers, body=body, post_params=post,
                                _request_timeout=30)
    except HTTPError as err:
        raise LabError(f"The API server of {lab.config.cluster_name} did not answer ({type(err).__name__}).",
                       "check that the cluster is running (`az aks show ... --query powerState`) and that "
                       "your network allows HTTPS to *.azmk8s.io.") from err
    response.read()
    if response.status in (401, 403):
        raise LabError(f"The API server refused the kubeconfig's credentials (HTTP {response.status}).",
                       "fetch the kubeconfig again: run the kubeconfig cell.")
    if response.status >= 400:
        raise LabError(f"The API server answered HTTP {response.status} to GET {path}.",
                       "run the cell again in a minute; if it persists, look at the cluster in the portal.")
    return response.data
