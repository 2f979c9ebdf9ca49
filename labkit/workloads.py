"""Notebook 05-run-on-aks: the registry's image on the cluster — pull access, a Deployment, a LoadBalancer Service.

Kubernetes calls go through ``lab.result_of("kube.<what>", ...)`` and return plain JSON, so replay
serves the recorded results and never imports the ``kubernetes`` package. No result holds a secret:
the pull secret is sent to the cluster, and only its name is kept.
"""

from __future__ import annotations

import base64
import json
import math

from labkit import aci, costs, kube, ui
from labkit.errors import LabError

APP = "aks-workbook-app"
SECRET = "acr-pull"
NAMESPACE = "default"
PULL_FAILURES = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName"}


# -- manifests ---------------------------------------------------------------------------------------------
def deployment(config, replicas: int = 2) -> dict:
    """The Deployment: ``replicas`` pods of the app's image, pulled with the registry secret."""
    labels = {"app": APP}
    container = {"name": "app", "image": config.app_image, "ports": [{"containerPort": 80}],
                 "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                 "readinessProbe": {"httpGet": {"path": "/healthz", "port": 80}}}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": APP, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"imagePullSecrets": [{"name": SECRET}], "containers": [container]}}}}


def service() -> dict:
    """The Service of type LoadBalancer: Azure gives it a public IP on the cluster's load balancer."""
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": APP, "labels": {"app": APP}},
            "spec": {"type": "LoadBalancer", "selector": {"app": APP}, "ports": [{"port": 80, "targetPort": 80}]}}


def pull_secret(server: str, username: str, password: str) -> dict:
    """A ``kubernetes.io/dockerconfigjson`` Secret holding the registry's admin credentials."""
    auth = base64.b64encode(f"{username}:{password}".encode()).decode()
    config = {"auths": {server: {"username": username, "password": password, "auth": auth}}}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": SECRET}, "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": base64.b64encode(json.dumps(config).encode()).decode()}}


# -- live Kubernetes calls (never run in replay) ---------------------------------------------------------------
def _api(lab):
    from kubernetes import config

    path = kube.kubeconfig_path(lab)
    if not path.exists():
        raise LabError(f"There is no kubeconfig for {lab.config.cluster_name} yet.",
                       "run the kubeconfig cell (`aks.fetch_kubeconfig(lab)`) first.")
    return config.new_client_from_config(config_file=str(path), persist_config=False)


def _kube(lab, doing: str, fn):
    """Run ``fn(api_client)``; an API error becomes a LabError that says what was being done."""
    from kubernetes.client.exceptions import ApiException

    try:
        return fn(_api(lab))
    except ApiException as err:
        raise LabError(f"{doing}: the API server answered {err.status} {err.reason}.",
                       "check the kubeconfig (run its cell again) and that the cluster is running.") from err


def _apply(api, manifest: dict) -> dict:
    """Create the object, or patch it when it exists (like `kubectl apply`); only its kind and name are returned."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    kind, name = manifest["kind"], manifest["metadata"]["name"]
    group = client.AppsV1Api(api) if kind == "Deployment" else client.CoreV1Api(api)
    what = kind.lower()
    try:
        getattr(group, f"create_namespaced_{what}")(NAMESPACE, manifest)
        action = "created"
    except ApiException as err:
        if err.status != 409:
            raise
        getattr(group, f"patch_namespaced_{what}")(name, NAMESPACE, manifest)
        action = "configured"
    return {"kind": kind, "name": name, "action": action}


def _pods(api) -> list[dict]:
    from kubernetes import client

    found = []
    for pod in client.CoreV1Api(api).list_namespaced_pod(NAMESPACE, label_selector=f"app={APP}").items:
        statuses = pod.status.container_statuses or []
        waiting = next((s.state.waiting.reason for s in statuses if s.state and s.state.waiting), "")
        found.append({"name": pod.metadata.name, "node": pod.spec.node_name or "", "phase": pod.status.phase,
                      "ready": bool(statuses) and all(s.ready for s in statuses), "waiting": waiting or "",
                      "terminating": pod.metadata.deletion_timestamp is not None})
    return found


def _service_status(api) -> dict:
    from kubernetes import client

    core = client.CoreV1Api(api)
    svc = core.read_namespaced_service(APP, NAMESPACE)
    ingress = (svc.status.load_balancer.ingress or []) if svc.status and svc.status.load_balancer else []
    events = core.list_namespaced_event(
        NAMESPACE, field_selector=f"involvedObject.kind=Service,involvedObject.name={APP}").items
    return {"ip": (ingress[0].ip or ingress[0].hostname) if ingress else None,
            "events": [{"type": e.type, "reason": e.reason, "message": e.message} for e in events[-5:]]}


def _delete_all(api) -> list[str]:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    done = []
    for group, what, name in ((client.CoreV1Api(api), "service", APP), (client.AppsV1Api(api), "deployment", APP),
                              (client.CoreV1Api(api), "secret", SECRET)):
        try:
            getattr(group, f"delete_namespaced_{what}")(name, NAMESPACE)
            done.append(f"{what}/{name}")
        except ApiException as err:
            if err.status != 404:
                raise
    return done


# -- the steps ----------------------------------------------------------------------------------------------------
def grant_pull(lab) -> dict:
    """Let the cluster pull from the registry: an image pull secret from the registry's admin credentials."""
    c = lab.config
    with lab.step("pull_access"):
        creds = ui.azure(f"Reading the admin credentials of {c.registry_name}",
                           lambda: lab.acr.registries.list_credentials(c.resource_group, c.registry_name))
        secret = pull_secret(c.login_server, creds.username, creds.passwords[0].value)
        result = lab.result_of("kube.apply_secret",
                               lambda: _kube(lab, "Creating the pull secret", lambda api: _apply(api, secret)))
    ui.status(True, f"Secret {result['name']} {result['action']} in namespace {NAMESPACE}: pods that name it can "
                    f"pull from {c.login_server} (kubectl create secret docker-registry {SECRET} "
                    f"--docker-server {c.login_server} --docker-username {c.registry_name} --docker-password …)")
    return result


def deploy(lab, replicas: int = 2, *, timeout: float = 300, poll_seconds: float = 5) -> list[dict]:
    """Apply the Deployment and the LoadBalancer Service, then wait until every pod is ready."""
    costs.before_create("the Service's load balancer rule and public IP", costs.LOAD_BALANCER_PER_HOUR,
                        " (the pods run on the nodes you already pay for)")
    with lab.step("deploy"):
        applied = [lab.result_of(f"kube.apply_{m['kind'].lower()}",
                                 lambda m=m: _kube(lab, f"Applying {m['kind']} {APP}", lambda api: _apply(api, m)))
                   for m in (deployment(lab.config, replicas), service())]
        for item in applied:
            ui.status(True, f"{item['kind'].lower()}/{item['name']} {item['action']} (kubectl apply -f {APP}.yaml)")
        pods = _wait_for_pods(lab, replicas, timeout=timeout, poll_seconds=poll_seconds)
    _show_pods(pods, f"Pods of {APP} (kubectl get pods -l app={APP} -o wide)")
    return pods


def _wait_for_pods(lab, replicas: int, *, timeout: float, poll_seconds: float) -> list[dict]:
    progress = ui.Progress(f"Wait for {replicas} ready pod(s) of {APP}",
                           f"kubectl rollout status deployment/{APP}")
    for _ in range(max(1, math.ceil(timeout / poll_seconds)) + 1):
        pods = lab.result_of("kube.app_pods", lambda: _kube(lab, "Listing the app's pods", _pods))
        live = [p for p in pods if not p["terminating"]]
        failing = [p for p in live if p["waiting"] in PULL_FAILURES]
        if failing:
            error = LabError(f"Pod {failing[0]['name']} cannot pull {lab.config.app_image}: {failing[0]['waiting']}.",
                             f"check that notebook 03 pushed the image, that the pull secret exists (run "
                             f"`workloads.grant_pull(lab)`), or attach the registry: az aks update --resource-group "
                             f"{lab.config.resource_group} --name {lab.config.cluster_name} --attach-acr "
                             f"{lab.config.registry_name}")
            progress.finish(False, error.problem, error.fix)
            raise error
        if len(live) == len(pods) == replicas and all(p["ready"] for p in pods):
            progress.finish(True, f"{replicas} of {replicas} pods ready")
            return pods
        progress.update(f"{sum(p['ready'] for p in live)}/{replicas} ready")
        lab.wait(poll_seconds)
    error = LabError(f"The pods of {APP} were not all ready after {ui.seconds(timeout)}.",
                     f"look at them: kubectl describe pods -l app={APP}; then run this cell again.")
    progress.finish(False, error.problem, error.fix)
    raise error


def _show_pods(pods: list[dict], title: str) -> None:
    ui.show([(p["name"], f"node {p['node']} · {p['phase']}{' · ready' if p['ready'] else ''}") for p in pods], title)


def external_ip(lab, *, timeout: float = 300, poll_seconds: float = 10) -> str:
    """Wait until Azure gives the Service its public IP (usually within a minute or two)."""
    progress = ui.Progress(f"Wait for the external IP of service/{APP} (Azure load balancer)",
                           f"kubectl get service {APP} --watch")
    with lab.step("external_ip"):
        for _ in range(max(1, math.ceil(timeout / poll_seconds)) + 1):
            status = lab.result_of("kube.service_status", lambda: _kube(lab, "Reading the Service", _service_status))
            if status["ip"]:
                break
            progress.update("pending" + (f" · {status['events'][-1]['reason']}" if status["events"] else ""))
            lab.wait(poll_seconds)
        since = costs.now(lab) if status["ip"] else None
    if not status["ip"]:
        last = status["events"][-1] if status["events"] else None
        said = f" Last event: {last['reason']}: {last['message']}" if last else ""
        error = LabError(f"service/{APP} got no external IP within {ui.seconds(timeout)}.{said}",
                         f"run `kubectl describe service {APP}` and read its events; a public-IP quota or a policy "
                         f"that forbids public IPs is the usual cause (az network public-ip list --resource-group "
                         f"MC_{lab.config.resource_group}_{lab.config.cluster_name}_{lab.config.region}); "
                         "then run this cell again — it keeps waiting for the same Service.")
        progress.finish(False, error.problem, error.fix)
        raise error
    costs.Ledger.of(lab).opened(f"kubernetes/{lab.config.cluster_name}/services/{APP}",
                                f"Load balancer rule + public IP of service/{APP}", since,
                                per_hour=costs.LOAD_BALANCER_PER_HOUR)
    progress.finish(True, f"service/{APP} answers at http://{status['ip']}/")
    return status["ip"]


def call(lab, ip: str, times: int = 3) -> list[dict]:
    """Call the app a few times: the load balancer spreads the calls over the pods."""
    url = f"http://{ip}/"
    with lab.step("call_app"):
        answers = [lab.result_of("http.get", lambda: aci.fetch(url)) for _ in range(times)]
    said = [aci.app_answer(a["body"]) for a in answers]
    ui.show([(f"call {i + 1}", f"HTTP {a['status']} · {s['app']} {s['version']} · answered by pod {s['host']}")
             for i, (a, s) in enumerate(zip(answers, said))], f"GET {url} × {times} (curl)")
    return said


def scale(lab, replicas: int, *, timeout: float = 300, poll_seconds: float = 5) -> list[dict]:
    """Change the number of replicas and show which node each pod landed on."""
    with lab.step("scale"):
        lab.result_of("kube.scale", lambda: _kube(lab, f"Scaling {APP}", lambda api: _scale(api, replicas)))
        ui.status(True, f"deployment/{APP} scaled to {replicas} replicas (kubectl scale deployment {APP} "
                        f"--replicas {replicas})")
        pods = _wait_for_pods(lab, replicas, timeout=timeout, poll_seconds=poll_seconds)
    nodes = sorted({p["node"] for p in pods})
    _show_pods(pods, f"{replicas} pods on {len(nodes)} node(s) (kubectl get pods -l app={APP} -o wide)")
    return pods


def _scale(api, replicas: int) -> dict:
    from kubernetes import client

    client.AppsV1Api(api).patch_namespaced_deployment_scale(APP, NAMESPACE, {"spec": {"replicas": replicas}})
    return {"replicas": replicas}


def remove(lab) -> list[str]:
    """Delete the Service (its public IP and load balancer rule go too), the Deployment and the secret."""
    with lab.step("remove_app"):
        removed = lab.result_of("kube.delete_app", lambda: _kube(lab, "Deleting the app", _delete_all))
        ended = costs.now(lab)
    costs.Ledger.of(lab).closed(f"kubernetes/{lab.config.cluster_name}/services/{APP}", ended)
    ui.status(True, f"Deleted {', '.join(removed)} (kubectl delete service,deployment {APP}; kubectl delete secret "
                    f"{SECRET}): the public IP is released.")
    return removed


def compare(lab, aci_hours: float = 0.5, aks_hours: float = 1.0) -> None:
    """ACI and AKS side by side: what each is for, and what each costs for this lab (no Azure call)."""
    c = lab.config
    aci_cost = aci_hours * costs.aci_hour(aci.CPU, aci.MEMORY_GB)
    aks_hour = costs.cluster_hour(c.vm_size) + costs.LOAD_BALANCER_PER_HOUR
    ui.show([
        ("What you manage", "ACI: one container group, nothing else  ·  AKS: a cluster (nodes, upgrades, add-ons)"),
        ("Good for", "ACI: one container, a batch job, a quick test  ·  AKS: many services that scale, heal and "
                     "roll out new versions"),
        ("Start-up", "ACI: about a minute  ·  AKS: 5–10 minutes for the cluster, then seconds per pod"),
        ("Public address", f"ACI: {c.dns_label}.{c.region}.azurecontainer.io  ·  AKS: a Service of type LoadBalancer"),
        ("Billing", "ACI: per second of vCPU and memory  ·  AKS: node VMs per hour, whether pods run or not"),
        ("Cost in this lab", f"ACI: ≈ ${aci_cost:.3f} ({aci_hours:g} h)  ·  AKS: ≈ ${aks_hour * aks_hours:.3f} "
                             f"({aks_hours:g} h: 1 × {c.vm_size} node, Free tier, load balancer)"),
        ("Prices", f"{costs.PRICES_SOURCE}, read {costs.PRICES_DATE}"),
    ], "Azure Container Instances and AKS, side by side")
