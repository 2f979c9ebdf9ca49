"""Docker Engine and registry answers for notebook 03 (and its error scenarios): raw, as they come.

Nothing here comes from labkit: each answer is typed out in the shape the Docker Engine API reference gives
(GET /version; POST /auth; POST /build and POST /images/{name}/push, streamed as JSON chunks, the classic
builder's log for notebooks/app/Dockerfile) and the OCI distribution API (GET /v2/_catalog,
GET /v2/<name>/tags/list, HEAD /v2/<name>/manifests/<tag>), checked against what a Docker Engine 20.10 and a
distribution registry sent on 127.0.0.1 (tests/integration/test_images.py). The upload progress of a layer is
kept only about every tenth, as labkit records it. Replay feeds these to labkit.images' readers.
"""

from __future__ import annotations

import hashlib

from tools.handbuilt import write

SERVER, APP, BASE = "acrstudentk7q2.azurecr.io", "aks-workbook-app", "python:3.12.12-alpine3.22"
SOURCES = {"engine": ["Docker Engine API v1.51 reference: GET /version (SystemVersion)"],
           "build": ["Docker Engine API v1.51 reference: POST /build, streamed JSON chunks (classic builder)"],
           "push": ["Docker Engine API v1.51 reference: POST /auth and POST /images/{name}/push (streamed JSON "
                    "chunks)"],
           "v2": ["OCI distribution spec v1.1: GET /v2/_catalog, GET /v2/<name>/tags/list, "
                  "HEAD /v2/<name>/manifests/<reference> (Docker-Content-Digest)"]}
NOTE = ("Built by hand: nothing in this project can reach a registry in Azure. The Docker Engine and /v2/ answers "
        "are raw, as the engine and the registry send them (not labkit results); ids, sizes and digests are "
        "illustrative. Replay feeds them to labkit.images' readers.")
BASE_LAYERS = [("base-1", 3_802_452), ("base-2", 460_145), ("base-3", 14_418_207), ("base-4", 249)]
APP_LAYERS = [("workdir", 93), ("app.py", 1_214)]  # WORKDIR /app and COPY app.py, newest last


def hexid(seed: str, length: int = 64) -> str:
    """A stable made-up hex id (image, layer, container ids and digests look like this)."""
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


DIGEST = "sha256:" + hexid("aks-workbook-app:v1 manifest")
IMAGE_ID = "sha256:" + hexid("layer 7")
VERSION = {"Platform": {"Name": "Docker Engine - Community"},
           "Components": [{"Name": "Engine", "Version": "28.5.1",
                           "Details": {"ApiVersion": "1.51", "Arch": "amd64",
                                       "BuildTime": "2025-10-08T12:17:26.000000000+00:00", "Experimental": "false",
                                       "GitCommit": "f8215cc", "GoVersion": "go1.24.8",
                                       "KernelVersion": "6.8.0-85-generic", "MinAPIVersion": "1.24", "Os": "linux"}},
                          {"Name": "containerd", "Version": "1.7.28",
                           "Details": {"GitCommit": "b98a3aace656320842a23f4a392a33f46af97866"}},
                          {"Name": "runc", "Version": "1.3.0", "Details": {"GitCommit": "v1.3.0-0-g4ca628d1"}},
                          {"Name": "docker-init", "Version": "0.19.0", "Details": {"GitCommit": "de40ad0"}}],
           "Version": "28.5.1", "ApiVersion": "1.51", "MinAPIVersion": "1.24", "GitCommit": "f8215cc",
           "GoVersion": "go1.24.8", "Os": "linux", "Arch": "amd64", "KernelVersion": "6.8.0-85-generic",
           "BuildTime": "2025-10-08T12:17:26.000000000+00:00"}


def build_chunks() -> list[dict]:
    """``docker build`` of notebooks/app/Dockerfile, pulling the base image first, as the engine streams it."""
    chunks = [{"stream": f"Step 1/7 : FROM {BASE}"}, {"stream": "\n"},
              {"status": "Pulling from library/python", "id": BASE.split(":")[1]}]
    layers = [(hexid(name, 12), size) for name, size in BASE_LAYERS]
    chunks += [{"status": "Pulling fs layer", "progressDetail": {}, "id": i} for i, _ in layers]
    for i, size in layers:
        chunks += [{"status": "Downloading", "progressDetail": {"current": size // 2, "total": size},
                    "progress": "[=========================>                         ]", "id": i},
                   {"status": "Verifying Checksum", "progressDetail": {}, "id": i},
                   {"status": "Download complete", "progressDetail": {}, "id": i}]
    for i, size in layers:
        chunks += [{"status": "Extracting", "progressDetail": {"current": size, "total": size},
                    "progress": "[==================================================>]", "id": i},
                   {"status": "Pull complete", "progressDetail": {}, "id": i}]
    chunks += [{"status": f"Digest: sha256:{hexid('python base index')}"},
               {"status": f"Status: Downloaded newer image for {BASE}"},
               {"stream": f" ---> {hexid('base image', 12)}\n"}]
    steps = ["ARG APP_VERSION=dev",
             "ENV APP_VERSION=${APP_VERSION}     PYTHONUNBUFFERED=1     PYTHONDONTWRITEBYTECODE=1",
             "WORKDIR /app", "COPY app.py .", "EXPOSE 80", 'CMD ["python", "app.py"]']
    for n, step in enumerate(steps, start=2):
        chunks += [{"stream": f"Step {n}/7 : {step}"}, {"stream": "\n"}]
        if not step.startswith("COPY"):
            container = hexid(f"container {n}", 12)
            chunks += [{"stream": f" ---> Running in {container}\n"},
                       {"stream": f"Removing intermediate container {container}\n"}]
        chunks.append({"stream": f" ---> {hexid(f'layer {n}', 12)}\n"})
    return chunks + [{"aux": {"ID": IMAGE_ID}}, {"stream": f"Successfully built {IMAGE_ID[7:19]}\n"},
                     {"stream": f"Successfully tagged {SERVER}/{APP}:v1\n"}]


def push_chunks(*, refused: str = "") -> list[dict]:
    """``docker push`` of the app as the engine streams it; ``refused``: the registry's refusal after Preparing."""
    layers = [(hexid(name, 12), total) for name, total in reversed(BASE_LAYERS + APP_LAYERS)]  # newest first

    def chunk(layer, status, current=None, total=None):
        detail = {"current": current, "total": total} if total else {}
        extra = {"progress": f"[{'=' * (50 * current // total):<50}]"} if total else {}
        return {"status": status, "progressDetail": detail, **extra, "id": layer}

    chunks = [{"status": f"The push refers to repository [{SERVER}/{APP}]"}]
    chunks += [chunk(layer, "Preparing") for layer, _ in layers]
    if refused:
        return chunks + [{"errorDetail": {"message": refused}, "error": refused}]
    chunks += [chunk(layer, "Waiting") for layer, _ in layers[2:]]
    for layer, total in layers:
        steps = 10 if total > 1_000_000 else 1
        chunks += [chunk(layer, "Pushing", total * k // steps, total) for k in range(1, steps + 1)]
        chunks.append(chunk(layer, "Pushed"))
    return chunks + [{"status": f"v1: digest: {DIGEST} size: 1783"},
                     {"progressDetail": {}, "aux": {"Tag": "v1", "Digest": DIGEST, "Size": 1783}}]


LOGGED_IN = {"call": "docker.login",
             "result": {"status": 200, "body": {"IdentityToken": "", "Status": "Login Succeeded"}}}


def registry(method: str, path: str, body, headers: dict | None = None, status: int = 200) -> dict:
    """One recorded /v2/ answer (only the headers labkit reads are kept)."""
    return {"call": f"registry {method} {path}", "result": {
        "status": status, "body": body, "headers": headers or {"Content-Type": "application/json; charset=utf-8"}}}


def build() -> None:
    nb = "03-publish-acr"
    write(nb, "find_engine", [], calls=[{"call": "docker.version", "result": VERSION}], examples=SOURCES["engine"],
          note=NOTE)
    write(nb, "build", [], calls=[{"call": "docker.build", "events": build_chunks()}], examples=SOURCES["build"],
          note=NOTE)
    write(nb, "push", [], calls=[LOGGED_IN, {"call": "docker.push", "events": push_chunks()}],
          examples=SOURCES["push"], note=NOTE)
    write(nb, "show_repositories", [], calls=[
        registry("GET", "/v2/_catalog", {"repositories": [APP, "samples/aci-helloworld"]}),
        registry("GET", f"/v2/{APP}/tags/list", {"name": APP, "tags": ["v1"]}),
        registry("GET", "/v2/samples/aci-helloworld/tags/list", {"name": "samples/aci-helloworld", "tags": ["latest"]}),
        registry("HEAD", f"/v2/{APP}/manifests/v1", None, {
            "Content-Type": "application/vnd.docker.distribution.manifest.v2+json", "Docker-Content-Digest": DIGEST})],
          examples=SOURCES["v2"], note=NOTE)

    def scenario(name, step, calls, what, examples):
        write("errors-acr", name, [], calls=calls, examples=examples,
              note=f"{NOTE} Test scenario, replayed as step '{step}': {what}")

    scenario("no_engine", "docker_engine", [{"call": "docker.version", "result": None}],
             "no Docker engine answers (Binder, a hub): nothing answered", SOURCES["engine"])
    scenario("login_refused", "push", [{"call": "docker.login", "result": {"status": 500, "body": {"message": (
        f'Get "https://{SERVER}/v2/": unauthorized: authentication required, visit https://aka.ms/acr/authorization '
        "for more information.")}}}], "the registry refuses the user name or password", SOURCES["push"])
    scenario("push_denied", "push", [LOGGED_IN, {"call": "docker.push", "events": push_chunks(
        refused="denied: requested access to the resource is denied")}], "logged in, but the push is refused",
             SOURCES["push"])
