"""Build, push and inspect container images (notebook 03-publish-acr).

Plain functions over docker-py and a registry's ``/v2/`` API, independent of any Azure object:
the same calls work against Azure Container Registry (admin user) and the local registry the
integration tests use. ``docker`` and ``requests`` are imported inside the functions so that
``import labkit`` stays fast and works where neither is installed.

Errors are :class:`ImageError` subclasses: LabErrors whose ``fix`` says what the learner should do.
"""

import os

from labkit.errors import LabError

DEFAULT_PLATFORM = "linux/amd64"  # AKS nodes and ACI run amd64; an arm64 laptop builds arm64 otherwise

# Ask for every current manifest kind, so the registry answers with the manifest as pushed
# (a registry may otherwise convert it, and the digest would not match the push).
MANIFEST_MEDIA_TYPES = ", ".join((
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
))

HTTP_TIMEOUT = 30  # seconds, for each registry API request


class ImageError(LabError):
    """A docker or registry step failed; ``problem`` says what happened, ``fix`` what to do."""


class NoDockerEngine(ImageError):
    """No Docker engine answers on this machine."""


class RegistryLoginRefused(ImageError):
    """The registry refused the user name or password."""


class PushDenied(ImageError):
    """The registry accepted the login but refused the push."""


class RegistryUnreachable(ImageError):
    """The registry's server name does not resolve or nothing answers there."""


NO_ENGINE_FIX = (
    "On Binder or JupyterHub there is no Docker engine: the notebook imports a public image into "
    "the registry with begin_import_image instead, so carry on. On a laptop, start Docker Desktop "
    "(or the docker service) and run the cell again. In Codespaces, the docker-in-docker feature "
    "of the dev container provides the engine."
)
LOGIN_FIX = (
    "Read the registry's credentials again (in Azure: registries.list_credentials; the registry "
    "needs admin_user_enabled=True) and log in with the login server name, "
    "e.g. myregistry.azurecr.io, the user name and the first password."
)
PUSH_DENIED_FIX = (
    "Tag the image as <login server>/<repository>:<tag> of your own registry, and use a user "
    "allowed to push (the ACR admin user, or a role with AcrPush)."
)
UNREACHABLE_FIX = (
    "Check the registry's name: use its login server exactly as Azure gives it "
    "(myregistry.azurecr.io), check that the registry exists, and that this machine reaches the "
    "internet."
)


def _registry_error(text, server, fix):
    """Turn an engine or registry error message about ``server`` into the right ImageError."""
    text = text.strip()
    lowered = text.lower()
    if any(s in lowered for s in ("unauthorized", "authentication required",
                                  "incorrect username or password", "no basic auth credentials")):
        return RegistryLoginRefused(f"{server} refused the user name or password: {text}", LOGIN_FIX)
    if "denied" in lowered:
        return PushDenied(f"{server} refused the push: {text}", PUSH_DENIED_FIX)
    if any(s in lowered for s in ("no such host", "connection refused", "i/o timeout",
                                  "network is unreachable", "server misbehaving",
                                  "tls handshake timeout")):
        return RegistryUnreachable(f"Cannot reach the registry {server}: {text}", UNREACHABLE_FIX)
    return ImageError(text, fix)


def connect_docker(timeout=10):
    """Return a ``docker.DockerClient`` for the local engine (``DOCKER_HOST`` or the default socket).

    Raises :class:`NoDockerEngine` when no engine answers within ``timeout`` seconds.
    """
    import docker
    import requests

    where = os.environ.get("DOCKER_HOST") or "the default Docker socket"
    try:
        client = docker.from_env(timeout=timeout)  # negotiates the API version with the engine
    except docker.errors.DockerException as exc:
        raise NoDockerEngine(f"No Docker engine answers at {where}.", NO_ENGINE_FIX) from exc
    try:
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
        client.close()
        raise NoDockerEngine(f"The Docker engine at {where} does not answer.", NO_ENGINE_FIX) from exc
    return client


def build_image(client, context_dir, tag, *, platform=DEFAULT_PLATFORM, buildargs=None,
                dockerfile=None):
    """Build ``context_dir`` into the image ``tag``, streaming the build log.

    Yields ``{"stream": line}`` for each log line, then ``{"image_id": ..., "tag": tag}``.
    ``dockerfile`` is a path inside the context (default ``Dockerfile``). A failed build raises
    :class:`ImageError` naming the failing step and the error line.
    """
    import docker

    context_dir = os.fspath(context_dir)
    if not os.path.isdir(context_dir):
        raise ImageError(f"The build context {context_dir} is not a folder.",
                         "Pass the folder that holds the Dockerfile and the app's files.")
    fix = ("Read the build log above: correct the Dockerfile or the files it copies, "
           "then build again.")
    step = "the start"
    pending = ""
    try:
        chunks = client.api.build(path=context_dir, tag=tag, platform=platform,
                                  buildargs=buildargs, dockerfile=dockerfile,
                                  rm=True, forcerm=True, decode=True)
        for chunk in chunks:
            if "error" in chunk or "errorDetail" in chunk:
                line = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error", "")
                raise ImageError(f"docker build failed at {step}: {line.strip()}", fix)
            if "status" in chunk:  # pulling the base image
                if "progress" not in chunk:
                    yield {"stream": " ".join(filter(None, (chunk.get("id"), chunk["status"])))}
                continue
            # Log text arrives in chunks that need not end at a line break.
            *lines, pending = (pending + chunk.get("stream", "")).split("\n")
            for line in filter(None, map(str.strip, lines)):
                if line.startswith("Step "):
                    step = line
                yield {"stream": line}
    except docker.errors.APIError as exc:  # refused before building, e.g. no such Dockerfile
        raise ImageError(f"docker build of {context_dir} failed: {exc.explanation}", fix) from exc
    if pending.strip():
        yield {"stream": pending.strip()}
    yield {"image_id": client.api.inspect_image(tag)["Id"], "tag": tag}


def login(client, server, username, password):
    """Log the engine in to the registry ``server`` and return the ``auth_config`` for pushes.

    The returned dict holds the password: pass it to :func:`push_image`, never print or record it.
    Raises :class:`RegistryLoginRefused` or :class:`RegistryUnreachable`.
    """
    import docker

    try:
        client.login(username=username, password=password, registry=server, reauth=True)
    except docker.errors.APIError as exc:
        raise _registry_error(exc.explanation or str(exc), server, LOGIN_FIX) from None
    return {"username": username, "password": password, "serveraddress": server}


def push_image(client, repository, tag, *, auth_config):
    """Push ``repository:tag`` (``repository`` starts with the registry's server name).

    Yields ``{"layer", "status", "current", "total"}`` per layer event (``current`` and ``total``
    in bytes, None when the engine gives none), then ``{"digest": "sha256:...", "tag": tag}``.
    Raises :class:`RegistryLoginRefused`, :class:`PushDenied`, :class:`RegistryUnreachable` or
    :class:`ImageError`.
    """
    import docker

    server = repository.split("/", 1)[0]
    fix = f"Build the image (or tag it) as {repository}:{tag} first, then push again."
    digest = None
    try:
        for event in client.api.push(repository, tag=tag, stream=True, decode=True,
                                     auth_config=auth_config):
            if "error" in event or "errorDetail" in event:
                text = (event.get("errorDetail") or {}).get("message") or event.get("error", "")
                raise _registry_error(text, server, fix)
            if (event.get("aux") or {}).get("Digest"):
                digest = event["aux"]["Digest"]
            elif event.get("id") and event.get("status"):
                detail = event.get("progressDetail") or {}
                yield {"layer": event["id"], "status": event["status"],
                       "current": detail.get("current"), "total": detail.get("total")}
    except docker.errors.APIError as exc:  # refused before pushing, e.g. no such local image
        raise _registry_error(exc.explanation or str(exc), server, fix) from None
    if digest is None:
        raise ImageError(f"The push of {repository}:{tag} ended without a digest.",
                         "Push again; if it repeats, check the registry with list_tags.")
    yield {"digest": digest, "tag": tag}


def _registry_request(method, url, server, username, password, headers=None):
    """One request to a registry's /v2/ API with basic auth; HTTP errors become ImageErrors."""
    import requests

    try:
        response = requests.request(method, url, auth=(username, password), headers=headers,
                                    timeout=HTTP_TIMEOUT)
    except requests.exceptions.RequestException as exc:
        raise RegistryUnreachable(f"Cannot reach the registry {server}: {type(exc).__name__}.",
                                  UNREACHABLE_FIX) from None
    if response.status_code in (401, 403):
        raise RegistryLoginRefused(
            f"{server} refused the user name or password (HTTP {response.status_code}).", LOGIN_FIX)
    return response


def _registry_json_pages(server, path, key, username, password, scheme, missing):
    """Collect ``key`` from a paged /v2/ listing, following ``Link: <...>; rel="next"``."""
    from urllib.parse import urljoin

    url = f"{scheme}://{server}{path}"
    items = []
    while url:
        response = _registry_request("GET", url, server, username, password)
        if response.status_code == 404:
            raise missing
        if response.status_code != 200:
            raise ImageError(f"{server} answered HTTP {response.status_code} to {path}.",
                             "Try again in a minute; if it repeats, check the registry in Azure.")
        items.extend(response.json().get(key) or [])
        next_link = response.links.get("next", {}).get("url")
        url = urljoin(url, next_link) if next_link else None
    return items


def list_repositories(server, username, password, *, scheme="https"):
    """Names of the repositories in the registry (``/v2/_catalog``), sorted."""
    missing = ImageError(f"{server} does not offer a catalog of repositories.",
                         "Check the server name: use the registry's login server.")
    return sorted(_registry_json_pages(server, "/v2/_catalog", "repositories",
                                       username, password, scheme, missing))


def list_tags(server, repository, username, password, *, scheme="https"):
    """Tags of ``repository`` in the registry (``/v2/<repository>/tags/list``), sorted."""
    missing = ImageError(f"The repository {repository} is not in {server}.",
                         "Push the image first, or check the name with list_repositories.")
    return sorted(_registry_json_pages(server, f"/v2/{repository}/tags/list", "tags",
                                       username, password, scheme, missing))


def manifest_digest(server, repository, tag, username, password, *, scheme="https"):
    """The registry's digest (``sha256:...``) of ``repository:tag``, as ``docker push`` reports it."""
    url = f"{scheme}://{server}/v2/{repository}/manifests/{tag}"
    response = _registry_request("HEAD", url, server, username, password,
                                 headers={"Accept": MANIFEST_MEDIA_TYPES})
    if response.status_code == 404:
        raise ImageError(f"{repository}:{tag} is not in {server}.",
                         "Push the image first, or check the tag with list_tags.")
    digest = response.headers.get("Docker-Content-Digest")
    if response.status_code != 200 or not digest:
        raise ImageError(f"{server} gave no digest for {repository}:{tag} "
                         f"(HTTP {response.status_code}).",
                         "Try again in a minute; if it repeats, check the registry in Azure.")
    return digest
