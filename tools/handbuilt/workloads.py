"""Recordings for notebook 05-run-on-aks, and error scenarios for tests/unit/test_workloads.py.

Kubernetes answers are stored as labkit.workloads results (plain JSON, ``kube.*`` calls) shaped like what
kube-apiserver returns for the app's Deployment, pods and Service; nothing secret is in them.
"""

from __future__ import annotations

import base64

from labkit.recording.scrub import SYNTHETIC_KUBECONFIG
from tools.handbuilt import entry, write
from tools.handbuilt.aci import ACR_EXAMPLE, credentials, page
from tools.handbuilt.cleanup import CLUSTER, CLUSTER_NAME, REGION, clock, cost_so_far

AKS_API = "2026-08-01"  # azure-mgmt-containerservice 41.8.0
APP = "aks-workbook-app"
NODE = "aks-nodepool1-31418627-vmss000000"
IP = "20.81.112.45"
PODS = [f"{APP}-6d8f7c9b54-{s}" for s in ("2xk7q", "9rj4m", "tq5wz")]
AKS_EXAMPLE = ("Azure/azure-rest-api-specs specification/containerservice/resource-manager/Microsoft.ContainerService/"
               "aks/stable/2025-10-01/examples/ManagedClustersListClusterUserCredentials.json (sent with 2026-08-01)")
KUBE = ("Kubernetes API reference v1.35: apps/v1 Deployment, core/v1 Pod, Service (type LoadBalancer: "
        "status.loadBalancer.ingress) and Event (reasons EnsuringLoadBalancer, EnsuredLoadBalancer, "
        "SyncLoadBalancerFailed), reduced to labkit.workloads results")
NOTE = ("Built by hand: nothing in this project can reach Azure or a cluster. Azure answers follow the named REST "
        "API reference examples; kube.* results are what labkit.workloads keeps of the Kubernetes answers; "
        "http.get is the page notebooks/app/app.py serves. Names, addresses and times are the recorded lab's "
        "(illustrative). The kubeconfig is labkit's synthetic one, and the registry password is REDACTED.")


def kubeconfig() -> dict:
    text = SYNTHETIC_KUBECONFIG.format(server=f"{CLUSTER_NAME}-x8d3f1ab.hcp.{REGION}.azmk8s.io", name=CLUSTER_NAME)
    return entry("POST", f"{CLUSTER}/listClusterUserCredential?api-version={AKS_API}", 200,
                 {"kubeconfigs": [{"name": "clusterUser", "value": base64.b64encode(text.encode()).decode()}]})


def pod(i: int, ready: bool = True, waiting: str = "", terminating: bool = False) -> dict:
    return {"name": PODS[i], "node": NODE, "phase": "Running" if ready else "Pending", "ready": ready,
            "waiting": waiting, "terminating": terminating}


def pods_call(*pods: dict) -> dict:
    return {"call": "kube.app_pods", "result": list(pods)}


def service_call(ip: str | None, *events: tuple) -> dict:
    return {"call": "kube.service_status", "result": {
        "ip": ip, "events": [{"type": kind, "reason": reason, "message": message} for kind, reason, message in events]}}


ENSURING = ("Normal", "EnsuringLoadBalancer", "Ensuring load balancer")
ENSURED = ("Normal", "EnsuredLoadBalancer", "Ensured load balancer")
QUOTA = ("Warning", "SyncLoadBalancerFailed",
         "Error syncing load balancer: failed to ensure load balancer: PublicIPCountLimitReached: Cannot create more "
         f"than 10 public IP addresses for this subscription in this region ({REGION}).")


def applied(kind: str, name: str = APP, action: str = "created") -> dict:
    return {"call": f"kube.apply_{kind.lower()}", "result": {"kind": kind, "name": name, "action": action}}


def build_notebook() -> None:
    nb = "05-run-on-aks"
    write(nb, "kubeconfig", [kubeconfig()], examples=[AKS_EXAMPLE], note=NOTE)
    write(nb, "pull_access", [credentials()], calls=[applied("Secret", "acr-pull")], examples=[ACR_EXAMPLE, KUBE],
          note=NOTE)
    write(nb, "deploy", [], calls=[applied("Deployment"), applied("Service"),
                                   pods_call(pod(0, False, "ContainerCreating"), pod(1, False, "ContainerCreating")),
                                   pods_call(pod(0), pod(1, False)), pods_call(pod(0), pod(1))],
          examples=[KUBE], note=NOTE)
    write(nb, "external_ip", [], calls=[service_call(None, ENSURING), service_call(None, ENSURING),
                                        service_call(IP, ENSURING, ENSURED), clock("2026-11-29T11:31:10+00:00")],
          examples=[KUBE], note=NOTE)
    hosts = [PODS[0], PODS[1], PODS[0]]
    write(nb, "call_app", [], calls=[{"call": "http.get", "result": {"url": f"http://{IP}/", "status": 200,
                                                                     "body": page("v1", host)}} for host in hosts],
          examples=[KUBE], note=NOTE)
    write(nb, "scale", [], calls=[{"call": "kube.scale", "result": {"replicas": 3}},
                                  pods_call(pod(0), pod(1), pod(2, False, "ContainerCreating")),
                                  pods_call(pod(0), pod(1), pod(2))], examples=[KUBE], note=NOTE)
    write(nb, "remove_app", [], calls=[{"call": "kube.delete_app", "result": [
        f"service/{APP}", f"deployment/{APP}", "secret/acr-pull"]}, clock("2026-11-29T11:48:20+00:00")],
          examples=[KUBE], note=NOTE)
    cost_so_far(nb, "2026-11-29T11:50:00+00:00")


def build_scenarios() -> None:
    def scenario(name, step, calls, what):
        write("errors-workloads", name, [], calls=calls, examples=[KUBE],
              note=f"{NOTE} Test scenario, replayed as step '{step}': {what}")

    scenario("no_external_ip", "external_ip", [service_call(None, ENSURING)] + [service_call(None, ENSURING, QUOTA)] * 3,
             "the Service never gets an IP (public IP quota), waited for with timeout=30, poll_seconds=10")
    scenario("image_pull_backoff", "deploy",
             [applied("Deployment"), applied("Service"), pods_call(pod(0, False, "ContainerCreating")),
              pods_call(pod(0, False, "ImagePullBackOff"))], "the nodes cannot pull the image")


def build():
    build_notebook()
    build_scenarios()
