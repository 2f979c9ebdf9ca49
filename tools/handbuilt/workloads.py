"""Recordings for notebook 05-run-on-aks, and error scenarios for tests/unit/test_workloads.py.

Kubernetes answers are raw API objects, as kube-apiserver returns them to what labkit.workloads sends (typed
out from the Kubernetes API reference: apps/v1 Deployment and its scale subresource, core/v1 Pod, Service,
Secret, EventList and Status), so replay runs labkit's own reducers on them. The Secret is stored without its
``data``, as labkit records it; nothing secret is in these files.
"""

from __future__ import annotations

from tools.handbuilt import BUILT_ON, write
from tools.handbuilt.aci import credentials, page
from tools.handbuilt.aks import answer, kubeconfig_b64
from tools.handbuilt.cleanup import CLUSTER, REGION, clock, cost_so_far
from tools.handbuilt.kubernetes import call, deleted, status, uid

AKS_API = "2026-08-01"  # azure-mgmt-containerservice 41.8.0
APP, SECRET = "aks-workbook-app", "acr-pull"
IMAGE = "acrstudentk7q2.azurecr.io/aks-workbook-app:v1"
NODE = "aks-nodepool1-31418627-vmss000000"
IP = "20.81.112.45"
TEMPLATE_HASH = "6d8f7c9b54"
PODS = [f"{APP}-{TEMPLATE_HASH}-{s}" for s in ("2xk7q", "9rj4m", "tq5wz")]
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
SERVICES, SECRETS = "/api/v1/namespaces/default/services", "/api/v1/namespaces/default/secrets"
APP_PODS = "/api/v1/namespaces/default/pods?labelSelector=app=aks-workbook-app"
SERVICE_EVENTS = ("/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind=Service,"
                  "involvedObject.name=aks-workbook-app")
AKS_EXAMPLE = ("Not in the corpus: listClusterUserCredential (typed from the AKS REST API example "
               "ManagedClustersListClusterUserCredentials.json; its headers follow aks/get).")
KUBE = ("Kubernetes API reference v1.35 (kubernetes.io/docs/reference/kubernetes-api/): apps/v1 Deployment (create, "
        "patch, scale subresource), core/v1 Pod, Service (type LoadBalancer: status.loadBalancer.ingress), Secret, "
        "Event (reasons EnsuringLoadBalancer, EnsuredLoadBalancer, SyncLoadBalancerFailed) and meta/v1 Status")
NOTE = ("Built by hand: nothing in this project can reach Azure or a cluster. Azure answers follow the named REST "
        "API reference examples; Kubernetes answers are the raw objects kube-apiserver returns (typed out from the "
        "API reference, not labkit results; the Secret without its data, as labkit records it); http.get is the "
        "page notebooks/app/app.py serves. Names, addresses, ids and times are the recorded lab's (illustrative). "
        "The kubeconfig is labkit's synthetic one, and the registry password is REDACTED.")


def kubeconfig() -> dict:
    return answer("POST", f"{CLUSTER}/listClusterUserCredential?api-version={AKS_API}", 200,
                  {"kubeconfigs": [{"name": "clusterUser", "value": kubeconfig_b64()}]}, "aks/get")


def _meta(name: str, n: int, **extra) -> dict:
    return {"name": name, "namespace": "default", "uid": uid(300 + n), "resourceVersion": str(52000 + n),
            "creationTimestamp": f"{BUILT_ON}T11:2{n % 10}:05Z", **extra}


def container() -> dict:
    """The app's container as the API server stores it (defaults filled in)."""
    return {"name": "app", "image": IMAGE, "ports": [{"containerPort": 80, "protocol": "TCP"}],
            "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "100m", "memory": "64Mi"}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 80, "scheme": "HTTP"}, "timeoutSeconds": 1,
                               "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "imagePullPolicy": "IfNotPresent"}


def pod_spec() -> dict:
    return {"containers": [container()], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "securityContext": {}, "imagePullSecrets": [{"name": SECRET}],
            "schedulerName": "default-scheduler"}


def deployment(replicas: int = 2, generation: int = 1) -> dict:
    """The Deployment as a POST or PATCH answers it: the manifest with the API server's defaults, no status yet."""
    return {"kind": "Deployment", "apiVersion": "apps/v1",
            "metadata": _meta(APP, 1, generation=generation, labels={"app": APP},
                              annotations={"deployment.kubernetes.io/revision": "1"} if generation > 1 else {}),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": APP}},
                     "template": {"metadata": {"labels": {"app": APP}}, "spec": pod_spec()},
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                     "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
            "status": {}}


def service(ip: str | None = None) -> dict:
    """The Service of type LoadBalancer; ``status.loadBalancer.ingress`` once Azure has given it a public IP."""
    return {"kind": "Service", "apiVersion": "v1", "metadata": _meta(APP, 2, labels={"app": APP}),
            "spec": {"ports": [{"protocol": "TCP", "port": 80, "targetPort": 80, "nodePort": 31847}],
                     "selector": {"app": APP}, "clusterIP": "10.0.118.203", "clusterIPs": ["10.0.118.203"],
                     "type": "LoadBalancer", "sessionAffinity": "None", "externalTrafficPolicy": "Cluster",
                     "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "allocateLoadBalancerNodePorts": True,
                     "internalTrafficPolicy": "Cluster"},
            "status": {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]} if ip else {}}}


def secret() -> dict:
    """The pull secret as a POST answers it, without ``data`` (labkit never keeps it)."""
    return {"kind": "Secret", "apiVersion": "v1", "metadata": _meta(SECRET, 3),
            "type": "kubernetes.io/dockerconfigjson"}


def pod(i: int, state: str = "ready") -> dict:
    """One of the app's pods: ``creating`` (no container yet), ``starting`` (running, readiness probe not yet
    passed), ``ready``, or a waiting reason such as ``ImagePullBackOff``."""
    ready = state == "ready"
    if state in ("ready", "starting"):
        container_state = {"running": {"startedAt": f"{BUILT_ON}T11:22:1{i}Z"}}
    else:
        reason = "ContainerCreating" if state == "creating" else state
        message = {} if state == "creating" else {"message": f'Back-off pulling image "{IMAGE}"'}
        container_state = {"waiting": {"reason": reason, **message}}
    status_ = {"phase": "Running" if state in ("ready", "starting") else "Pending",
               "conditions": [{"type": t, "status": "True" if (ready or t == "PodScheduled") else "False",
                               "lastTransitionTime": f"{BUILT_ON}T11:22:0{i}Z"}
                              for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready")],
               "hostIP": "10.224.0.4", "podIP": f"10.244.0.{40 + i}", "startTime": f"{BUILT_ON}T11:22:0{i}Z",
               "qosClass": "Burstable",
               "containerStatuses": [{"name": "app", "image": IMAGE, "imageID": "", "ready": ready,
                                      "started": state in ("ready", "starting"), "restartCount": 0,
                                      "state": container_state}]}
    if state in ("ready", "starting"):
        status_["containerStatuses"][0].update({
            "imageID": f"{IMAGE.rsplit(':', 1)[0]}"
                       "@sha256:d1e2979f46f875681352842a1af648187732215b25cf5603427ad30144532ac0",
            "containerID": f"containerd://{(PODS[i] * 4).encode().hex()[:64]}"})
    return {"metadata": _meta(PODS[i], 10 + i, generateName=f"{APP}-{TEMPLATE_HASH}-",
                              labels={"app": APP, "pod-template-hash": TEMPLATE_HASH},
                              ownerReferences=[{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                "name": f"{APP}-{TEMPLATE_HASH}", "uid": uid(320),
                                                "controller": True, "blockOwnerDeletion": True}]),
            "spec": {**pod_spec(), "nodeName": NODE, "serviceAccountName": "default"}, "status": status_}


def pods_call(*states: str) -> dict:
    return call("GET", APP_PODS, 200, {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "52100"},
                                       "items": [pod(i, state) for i, state in enumerate(states)]})


def event(n: int, kind: str, reason: str, message: str) -> dict:
    return {"metadata": _meta(f"{APP}.18{n:02d}c4e2a9b7f3d1", 40 + n), "involvedObject": {
                "kind": "Service", "namespace": "default", "name": APP, "uid": uid(302), "apiVersion": "v1",
                "resourceVersion": "52002"},
            "reason": reason, "message": message, "source": {"component": "service-controller"},
            "firstTimestamp": f"{BUILT_ON}T11:2{n}:40Z", "lastTimestamp": f"{BUILT_ON}T11:2{n}:40Z", "count": 1,
            "type": kind, "eventTime": None, "reportingComponent": "service-controller", "reportingInstance": ""}


ENSURING = ("Normal", "EnsuringLoadBalancer", "Ensuring load balancer")
ENSURED = ("Normal", "EnsuredLoadBalancer", "Ensured load balancer")
QUOTA = ("Warning", "SyncLoadBalancerFailed",
         "Error syncing load balancer: failed to ensure load balancer: PublicIPCountLimitReached: Cannot create more "
         f"than 10 public IP addresses for this subscription in this region ({REGION}).")


def no_ip_yet(*events: tuple) -> list[dict]:
    """One poll while Azure works on the load balancer: the Service without an IP, then its events."""
    return [call("GET", f"{SERVICES}/{APP}", 200, service()),
            call("GET", SERVICE_EVENTS, 200, {"kind": "EventList", "apiVersion": "v1", "metadata": {},
                                              "items": [event(n, *e) for n, e in enumerate(events)]})]


def created(path: str, body: dict) -> dict:
    return call("POST", path, 201, body)


def build_notebook() -> None:
    nb = "05-run-on-aks"
    write(nb, "fetch_kubeconfig", [kubeconfig()], follows=["aks/get"], note=NOTE + " " + AKS_EXAMPLE)
    write(nb, "grant_pull", [credentials()], calls=[created(SECRETS, secret())], follows=["acr/credentials"],
          examples=[KUBE],
          note=NOTE)
    write(nb, "deploy", [], calls=[created(DEPLOYMENTS, deployment()), created(SERVICES, service()),
                                   pods_call("creating", "creating"), pods_call("ready", "starting"),
                                   pods_call("ready", "ready")], examples=[KUBE], note=NOTE)
    write(nb, "external_ip", [], calls=no_ip_yet(ENSURING) + no_ip_yet(ENSURING)
          + [call("GET", f"{SERVICES}/{APP}", 200, service(IP)), clock("2026-11-29T11:31:10+00:00")],
          examples=[KUBE], note=NOTE)
    hosts = [PODS[0], PODS[1], PODS[0]]
    write(nb, "call", [], calls=[{"call": "http.get", "result": {"url": f"http://{IP}/", "status": 200,
                                                                     "body": page("v1", host)}} for host in hosts],
          examples=[KUBE], note=NOTE)
    scale = {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": _meta(APP, 1),
             "spec": {"replicas": 3}, "status": {"replicas": 2, "selector": f"app={APP}"}}
    write(nb, "scale", [], calls=[call("PATCH", f"{DEPLOYMENTS}/{APP}/scale", 200, scale),
                                  pods_call("ready", "ready", "creating"), pods_call("ready", "ready", "ready")],
          examples=[KUBE], note=NOTE)
    write(nb, "remove", [], calls=[call("DELETE", f"{SERVICES}/{APP}", 200, service(IP)),
                                       call("DELETE", f"{DEPLOYMENTS}/{APP}", 200, deleted(APP, "deployments", 301,
                                                                                           "apps")),
                                       call("DELETE", f"{SECRETS}/{SECRET}", 200, deleted(SECRET, "secrets", 303)),
                                       clock("2026-11-29T11:48:20+00:00")],
          examples=[KUBE], note=NOTE)
    cost_so_far(nb, "2026-11-29T11:50:00+00:00")


def build_scenarios() -> None:
    def scenario(name, step, calls, what):
        write("errors-workloads", name, [], calls=calls, examples=[KUBE],
              note=f"{NOTE} Test scenario, replayed as step '{step}': {what}")

    scenario("no_external_ip", "external_ip", no_ip_yet(ENSURING) + no_ip_yet(ENSURING, QUOTA) * 3,
             "the Service never gets an IP (public IP quota), waited for with timeout=30, poll_seconds=10")
    scenario("image_pull_backoff", "deploy",
             [created(DEPLOYMENTS, deployment(1)), created(SERVICES, service()), pods_call("creating"),
              pods_call("ImagePullBackOff")], "the nodes cannot pull the image")
    scenario("apply_existing", "deploy",
             [call("POST", DEPLOYMENTS, 409, status(409, "AlreadyExists", f'deployments.apps "{APP}" already exists',
                                                    {"name": APP, "group": "apps", "kind": "deployments"})),
              call("PATCH", f"{DEPLOYMENTS}/{APP}", 200, deployment(2, generation=2)),
              call("POST", SERVICES, 409, status(409, "AlreadyExists", f'services "{APP}" already exists',
                                                 {"name": APP, "kind": "services"})),
              call("PATCH", f"{SERVICES}/{APP}", 200, service(IP)), pods_call("ready", "ready")],
             "the app was deployed by an earlier run: both creates answer 409 AlreadyExists, so labkit patches")


def build():
    build_notebook()
    build_scenarios()
