"""Notebook 05-run-on-aks: the registry's image on the cluster — pull access, a Deployment, a LoadBalancer Service.

Kubernetes calls go through :func:`labkit.kube.call`: the API server's raw answers are recorded and
replayed, and this module reads them (``app_pod``, ``service_ip``, ...) in every mode; replay never imports
the ``kubernetes`` package. The pull secret is sent to the cluster; labkit keeps none of its data.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from labkit import aci, acr, costs, kube, ui
from labkit.errors import LabError
from labkit.polling import poll
from labkit.steps import shown, step

if TYPE_CHECKING:
    from labkit.lab import Lab

APP = "aks-workbook-app"
SECRET = "acr-pull"
NAMESPACE = kube.NAMESPACE
PULL_FAILURES = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName"}


# -- manifests ---------------------------------------------------------------------------------------------
def deployment(config, replicas: int = 2) -> dict:
    """The Deployment: ``replicas`` pods of the app's image, pulled with the registry secret."""
    labels = {"app": APP}
    container = {
        "name": "app",
        "image": config.app_image,
        "ports": [{"containerPort": 80}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 80}},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": APP, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"imagePullSecrets": [{"name": SECRET}], "containers": [container]},
            },
        },
    }


def service() -> dict:
    """The Service of type LoadBalancer: Azure gives it a public IP on the cluster's load balancer."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": APP, "labels": {"app": APP}},
        "spec": {"type": "LoadBalancer", "selector": {"app": APP}, "ports": [{"port": 80, "targetPort": 80}]},
    }


def pull_secret(server: str, username: str, password: str) -> dict:
    """A ``kubernetes.io/dockerconfigjson`` Secret holding the registry's admin credentials."""
    auth = base64.b64encode(f"{username}:{password}".encode()).decode()
    config = {"auths": {server: {"username": username, "password": password, "auth": auth}}}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": SECRET},
        "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": base64.b64encode(json.dumps(config).encode()).decode()},
    }


# -- Kubernetes calls (raw answers through labkit.kube) and what labkit reads of them ------------------------------
def _collection(kind: str) -> str:
    group = "/apis/apps/v1" if kind == "Deployment" else "/api/v1"
    return f"{group}/namespaces/{NAMESPACE}/{kind.lower()}s"


def _apply(lab: Lab, manifest: dict) -> dict:
    """Create the object, or patch it when it already exists (like `kubectl apply`); its kind, name and action."""
    kind, name = manifest["kind"], manifest["metadata"]["name"]
    doing = f"Applying {kind} {name}"
    answer = kube.call(lab, "POST", _collection(kind), body=manifest)
    action = "created"
    if answer["status"] == 409 and kube.reason(answer) == "AlreadyExists":
        answer = kube.call(lab, "PATCH", f"{_collection(kind)}/{name}", body=manifest, content_type=kube.PATCH)
        action = "configured"
    kube.ok(lab, answer, doing)
    return {"kind": kind, "name": name, "action": action}


def app_pod(pod: dict) -> dict:
    """What the notebook shows of one of the app's pods: node, phase, readiness, why it waits, whether it goes."""
    statuses = pod.get("status", {}).get("containerStatuses") or []
    waiting = next(
        (s["state"]["waiting"].get("reason", "") for s in statuses if (s.get("state") or {}).get("waiting")), ""
    )
    return {
        "name": pod["metadata"]["name"],
        "node": pod.get("spec", {}).get("nodeName", ""),
        "phase": pod.get("status", {}).get("phase", ""),
        "ready": bool(statuses) and all(s.get("ready") for s in statuses),
        "waiting": waiting,
        "terminating": bool(pod["metadata"].get("deletionTimestamp")),
    }


def _pods(lab: Lab) -> list[dict]:
    found = kube.get(
        lab, f"/api/v1/namespaces/{NAMESPACE}/pods", "Listing the app's pods", {"labelSelector": f"app={APP}"}
    )
    return [app_pod(p) for p in found["items"]]


def service_ip(service: dict) -> str | None:
    """The public address Azure gave the Service: ``status.loadBalancer.ingress[0]`` (an IP, or a host name)."""
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return (ingress[0].get("ip") or ingress[0].get("hostname")) if ingress else None


def service_events(events: dict) -> list[dict]:
    """The Service's last five events, oldest first: type, reason and message."""

    def when(e):
        return e.get("lastTimestamp") or e.get("eventTime") or e.get("metadata", {}).get("creationTimestamp") or ""

    return [
        {"type": e.get("type", ""), "reason": e.get("reason", ""), "message": e.get("message", "")}
        for e in sorted(events.get("items", []), key=when)[-5:]
    ]


def _service_status(lab: Lab) -> dict:
    service = kube.get(lab, f"{_collection('Service')}/{APP}", "Reading the Service")
    ip = service_ip(service)
    if ip:
        return {"ip": ip, "events": []}
    events = kube.get(
        lab,
        f"/api/v1/namespaces/{NAMESPACE}/events",
        "Reading the Service's events",
        {"fieldSelector": f"involvedObject.kind=Service,involvedObject.name={APP}"},
    )
    return {"ip": None, "events": service_events(events)}


def _delete_all(lab: Lab) -> list[str]:
    done = []
    for kind, name in (("Service", APP), ("Deployment", APP), ("Secret", SECRET)):
        answer = kube.call(lab, "DELETE", f"{_collection(kind)}/{name}")
        if answer["status"] != 404:
            kube.ok(lab, answer, f"Deleting {kind} {name}")
            done.append(f"{kind.lower()}/{name}")
    return done


# -- the steps ----------------------------------------------------------------------------------------------------
@step("Creating the pull secret on {c.cluster_name}")
def grant_pull(lab: Lab) -> dict:
    """Let the cluster pull from the registry: an image pull secret from the registry's admin credentials."""
    c = lab.config
    creds = acr.pull_credentials(lab)
    result = _apply(lab, pull_secret(c.login_server, creds.username, creds.password))
    ui.status(
        True,
        f"Secret {result['name']} {result['action']} in namespace {NAMESPACE}: pods that name it can "
        f"pull from {c.login_server} (kubectl create secret docker-registry {SECRET} "
        f"--docker-server {c.login_server} --docker-username {c.registry_name} --docker-password …)",
    )
    return result


@step("Deploying the app on {c.cluster_name}")
def deploy(lab: Lab, replicas: int = 2, *, timeout: float = 300, poll_seconds: float = 5) -> list[dict]:
    """Apply the Deployment and the LoadBalancer Service, then wait until every pod is ready."""
    costs.before_create(
        "the Service's load balancer rule and public IP",
        costs.table().load_balancer_per_hour,
        " (the pods run on the nodes you already pay for)",
    )
    applied = [_apply(lab, m) for m in (deployment(lab.config, replicas), service())]
    for item in applied:
        ui.status(True, f"{item['kind'].lower()}/{item['name']} {item['action']} (kubectl apply -f {APP}.yaml)")
    pods = _wait_for_pods(lab, replicas, timeout=timeout, poll_seconds=poll_seconds)
    _show_pods(pods, f"Pods of {APP} (kubectl get pods -l app={APP} -o wide)")
    return pods


def _wait_for_pods(lab: Lab, replicas: int, *, timeout: float, poll_seconds: float) -> list[dict]:
    progress = ui.Progress(
        lab, f"Wait for {replicas} ready pod(s) of {APP}", f"kubectl rollout status deployment/{APP}"
    )

    def failing(pods):
        return [p for p in pods if not p["terminating"] and p["waiting"] in PULL_FAILURES]

    def ready(pods):
        return len(pods) == replicas and all(p["ready"] and not p["terminating"] for p in pods)

    pods = poll(
        lambda: _pods(lab),
        lambda pods: bool(failing(pods)) or ready(pods),
        every=poll_seconds,
        timeout=timeout,
        clock=lab.policy.clock,
        progress=lambda pods: progress.update(
            f"{sum(p['ready'] for p in pods if not p['terminating'])}/{replicas} ready"
        ),
    )
    if failing(pods):
        bad = failing(pods)[0]
        raise shown(
            LabError(
                f"Pod {bad['name']} cannot pull {lab.config.app_image}: {bad['waiting']}.",
                f"check that notebook 03 pushed the image, that the pull secret exists (run "
                f"`workloads.grant_pull(lab)`), or attach the registry: az aks update --resource-group "
                f"{lab.config.resource_group} --name {lab.config.cluster_name} --attach-acr "
                f"{lab.config.registry_name}",
            ),
            progress,
        )
    if not ready(pods):
        raise shown(
            LabError(
                f"The pods of {APP} were not all ready after {ui.seconds(timeout)}.",
                f"look at them: kubectl describe pods -l app={APP}; then run this cell again.",
            ),
            progress,
        )
    progress.finish(True, f"{replicas} of {replicas} pods ready")
    return pods


def _show_pods(pods: list[dict], title: str) -> None:
    ui.show([(p["name"], f"node {p['node']} · {p['phase']}{' · ready' if p['ready'] else ''}") for p in pods], title)


@step("Reading service/" + APP)
def external_ip(lab: Lab, *, timeout: float = 300, poll_seconds: float = 10) -> str:
    """Wait until Azure gives the Service its public IP (usually within a minute or two)."""
    progress = ui.Progress(
        lab, f"Wait for the external IP of service/{APP} (Azure load balancer)", f"kubectl get service {APP} --watch"
    )
    status = poll(
        lambda: _service_status(lab),
        lambda status: bool(status["ip"]),
        every=poll_seconds,
        timeout=timeout,
        clock=lab.policy.clock,
        progress=lambda status: progress.update(
            "pending" + (f" · {status['events'][-1]['reason']}" if status["events"] else "")
        ),
    )
    if not status["ip"]:
        last = status["events"][-1] if status["events"] else None
        said = f" Last event: {last['reason']}: {last['message']}" if last else ""
        raise shown(
            LabError(
                f"service/{APP} got no external IP within {ui.seconds(timeout)}.{said}",
                f"run `kubectl describe service {APP}` and read its events; a public-IP quota or a policy "
                f"that forbids public IPs is the usual cause (az network public-ip list --resource-group "
                f"MC_{lab.config.resource_group}_{lab.config.cluster_name}_{lab.config.region}); "
                "then run this cell again — it keeps waiting for the same Service.",
            ),
            progress,
        )
    since = costs.now(lab)
    costs.Ledger.of(lab).opened(
        f"kubernetes/{lab.config.cluster_name}/services/{APP}",
        f"Load balancer rule + public IP of service/{APP}",
        since,
        per_hour=costs.table().load_balancer_per_hour,
    )
    progress.finish(True, f"service/{APP} answers at http://{status['ip']}/")
    return status["ip"]


@step("Calling the app")
def call(lab: Lab, ip: str, times: int = 3) -> list[dict]:
    """Call the app a few times: the load balancer spreads the calls over the pods."""
    url = f"http://{ip}/"
    answers = [lab.result_of("http.get", lambda: aci.fetch(url)) for _ in range(times)]
    said = [aci.app_answer(a["body"]) for a in answers]
    ui.show(
        [
            (f"call {i + 1}", f"HTTP {a['status']} · {s['app']} {s['version']} · answered by pod {s['host']}")
            for i, (a, s) in enumerate(zip(answers, said, strict=True))
        ],
        f"GET {url} × {times} (curl)",
    )
    return said


@step("Scaling deployment/" + APP)
def scale(lab: Lab, replicas: int, *, timeout: float = 300, poll_seconds: float = 5) -> list[dict]:
    """Change the number of replicas and show which node each pod landed on."""
    kube.ok(
        lab,
        kube.call(
            lab,
            "PATCH",
            f"{_collection('Deployment')}/{APP}/scale",
            body={"spec": {"replicas": replicas}},
            content_type=kube.MERGE_PATCH,
        ),
        f"Scaling {APP}",
    )
    ui.status(
        True, f"deployment/{APP} scaled to {replicas} replicas (kubectl scale deployment {APP} --replicas {replicas})"
    )
    pods = _wait_for_pods(lab, replicas, timeout=timeout, poll_seconds=poll_seconds)
    nodes = sorted({p["node"] for p in pods})
    _show_pods(pods, f"{replicas} pods on {len(nodes)} node(s) (kubectl get pods -l app={APP} -o wide)")
    return pods


@step("Removing the app")
def remove(lab: Lab) -> list[str]:
    """Delete the Service (its public IP and load balancer rule go too), the Deployment and the secret."""
    removed = _delete_all(lab)
    ended = costs.now(lab)
    costs.Ledger.of(lab).closed(f"kubernetes/{lab.config.cluster_name}/services/{APP}", ended)
    ui.status(
        True,
        f"Deleted {', '.join(removed)} (kubectl delete service,deployment {APP}; kubectl delete secret "
        f"{SECRET}): the public IP is released.",
    )
    return removed


def compare(lab: Lab, aci_hours: float = 0.5, aks_hours: float = 1.0) -> None:
    """ACI and AKS side by side: what each is for, and what each costs for this lab (no Azure call)."""
    c = lab.config
    aci_cost = aci_hours * costs.aci_hour(aci.CPU, aci.MEMORY_GB)
    aks_hour = costs.cluster_hour(c.vm_size) + costs.table().load_balancer_per_hour
    ui.show(
        [
            ("What you manage", "ACI: one container group, nothing else  ·  AKS: a cluster (nodes, upgrades, add-ons)"),
            (
                "Good for",
                "ACI: one container, a batch job, a quick test  ·  AKS: many services that scale, heal and "
                "roll out new versions",
            ),
            ("Start-up", "ACI: about a minute  ·  AKS: 5–10 minutes for the cluster, then seconds per pod"),
            (
                "Public address",
                f"ACI: {c.dns_label}.{c.region}.azurecontainer.io  ·  AKS: a Service of type LoadBalancer",
            ),
            ("Billing", "ACI: per second of vCPU and memory  ·  AKS: node VMs per hour, whether pods run or not"),
            (
                "Cost in this lab",
                f"ACI: ≈ ${aci_cost:.3f} ({aci_hours:g} h)  ·  AKS: ≈ ${aks_hour * aks_hours:.3f} "
                f"({aks_hours:g} h: 1 × {c.vm_size} node, Free tier, load balancer)",
            ),
            ("Prices", f"{costs.table().source}, read {costs.table().date}"),
        ],
        "Azure Container Instances and AKS, side by side",
    )
