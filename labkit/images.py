"""Build, push and inspect container images (notebook 03-publish-acr).

Plain functions over docker-py and a registry's ``/v2/`` API, independent of any Azure object:
the same calls work against Azure Container Registry (admin user) and the local registry the
integration tests use. ``docker`` and ``requests`` are imported inside the functions so that
``import labkit`` stays fast and works where neither is installed.

Each talk with the engine or a registry is split in two: a source that returns the raw answer (the
engine's ``/version`` JSON, its build and push chunks as it streams them, the ``/auth`` answer, a ``/v2/``
response) and a reader that turns it into what the notebook shows (``read_build``, ``read_push``,
``check_login``, ...). Record mode keeps the raw answers at the boundary and replay feeds them to the
same readers. Errors are :class:`ImageError` subclasses: LabErrors whose ``fix`` says what to do.
"""

import os

from labkit.errors import LabError

DEFAULT_PLATFORM = "linux/amd64"  # AKS nodes and ACI run amd64; an arm64 laptop builds arm64 otherwise

# Ask for every current manifest kind, so the registry answers with the manifest as pushed
# (a registry may otherwise convert it, and the digest would not match the push).
MANIFEST_MEDIA_TYPES = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)

HTTP_TIMEOUT = 30  # seconds, for each registry API request


class ImageError(LabError):
    """A docker or registry step failed; ``problem`` says what happened, ``fix`` what to do."""


class NoDockerEngine(ImageError):
    """No Docker engine answers on this machine."""


class RegistryLoginRefused(ImageError):
    """The registry refused the user name or password."""


class PushDenied(ImageError):
    """The registry accepted the login but refused the push."""


class AccessDenied(ImageError):
    """The registry accepted the login but refused to let this user read what was asked."""


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
ACCESS_FIX = (
    "Use a user allowed to read the registry: the ACR admin user (registries.list_credentials), or a role with AcrPull."
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
    if any(
        s in lowered
        for s in (
            "unauthorized",
            "authentication required",
            "incorrect username or password",
            "no basic auth credentials",
        )
    ):
        return RegistryLoginRefused(f"{server} refused the user name or password: {text}", LOGIN_FIX)
    if "denied" in lowered:
        return PushDenied(f"{server} refused the push: {text}", PUSH_DENIED_FIX)
    if any(
        s in lowered
        for s in (
            "no such host",
            "connection refused",
            "i/o timeout",
            "network is unreachable",
            "server misbehaving",
            "tls handshake timeout",
        )
    ):
        return RegistryUnreachable(f"Cannot reach the registry {server}: {text}", UNREACHABLE_FIX)
    return ImageError(text, fix)


def connect_docker(timeout=10):
    """Return a ``docker.DockerClient`` for the local engine (``DOCKER_HOST`` or the default socket).

    Raises :class:`NoDockerEngine` when no engine answers within ``timeout`` seconds.
    """
    import docker
    import requests

    try:
        client = docker.from_env(timeout=timeout)  # negotiates the API version with the engine
    except docker.errors.DockerException as exc:
        raise NoDockerEngine(f"No Docker engine answers at {_where()}.", NO_ENGINE_FIX) from exc
    try:
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
        client.close()
        raise NoDockerEngine(f"The Docker engine at {_where()} does not answer.", NO_ENGINE_FIX) from exc
    return client


def _where():
    return os.environ.get("DOCKER_HOST") or "the default Docker socket"


def engine_version(timeout=5):
    """The engine's raw ``GET /version`` answer, or None when no engine answers here."""
    try:
        client = connect_docker(timeout=timeout)
    except NoDockerEngine:
        return None
    try:
        return client.version()
    finally:
        client.close()


def read_engine(version):
    """What the notebook says about the engine, from :func:`engine_version`'s answer."""
    if version is None:
        return {"engine": False, "problem": f"No Docker engine answers at {_where()}."}
    return {
        "engine": True,
        "version": version.get("Version", ""),
        "os": version.get("Os", ""),
        "arch": version.get("Arch", ""),
    }


def _engine_refusal(exc):
    """The engine's error answer (``{"message": ...}``) when it refuses a request before streaming."""
    return {"message": exc.explanation or str(exc)}


def build_stream(client, context_dir, tag, *, platform=DEFAULT_PLATFORM, buildargs=None, dockerfile=None):
    """The engine's raw ``POST /build`` chunks for ``context_dir`` tagged ``tag`` (its refusal, if it refuses)."""
    import docker

    context_dir = os.fspath(context_dir)
    if not os.path.isdir(context_dir):
        raise ImageError(
            f"The build context {context_dir} is not a folder.",
            "Pass the folder that holds the Dockerfile and the app's files.",
        )
    try:
        yield from client.api.build(
            path=context_dir,
            tag=tag,
            platform=platform,
            buildargs=buildargs,
            dockerfile=dockerfile,
            rm=True,
            forcerm=True,
            decode=True,
        )
    except docker.errors.APIError as exc:  # refused before building, e.g. no such Dockerfile
        yield _engine_refusal(exc)


def read_build(chunks, tag):
    """The build log from the engine's chunks: ``{"stream": line}`` per line, then ``{"image_id", "tag"}``.

    A failed build raises :class:`ImageError` naming the failing step and the error line.
    """
    fix = "Read the build log above: correct the Dockerfile or the files it copies, then build again."
    step, pending, image_id = "the start", "", None
    for chunk in chunks:
        if "error" in chunk or "errorDetail" in chunk or "message" in chunk:
            line = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error") or chunk.get("message", "")
            raise ImageError(f"docker build failed at {step}: {line.strip()}", fix)
        if (chunk.get("aux") or {}).get("ID"):
            image_id = chunk["aux"]["ID"]
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
    if pending.strip():
        yield {"stream": pending.strip()}
    if image_id is None:
        raise ImageError(f"The build of {tag} ended without an image id.", "Build again; read the log above.")
    yield {"image_id": image_id, "tag": tag}


def build_image(client, context_dir, tag, *, platform=DEFAULT_PLATFORM, buildargs=None, dockerfile=None):
    """Build ``context_dir`` into the image ``tag``, streaming the build log (:func:`read_build`).

    ``dockerfile`` is a path inside the context (default ``Dockerfile``).
    """
    yield from read_build(
        build_stream(client, context_dir, tag, platform=platform, buildargs=buildargs, dockerfile=dockerfile), tag
    )


def login_answer(client, server, username, password):
    """The engine's raw answer to ``docker login``: ``{"status", "body"}`` (``POST /auth``)."""
    import docker

    try:
        return {"status": 200, "body": client.login(username=username, password=password, registry=server, reauth=True)}
    except docker.errors.APIError as exc:
        return {"status": exc.status_code, "body": _engine_refusal(exc)}


def check_login(answer, server):
    """Raise :class:`RegistryLoginRefused` (or what the refusal says) unless the engine logged in."""
    if answer["status"] >= 400:
        raise _registry_error(answer["body"].get("message", ""), server, LOGIN_FIX)


def login(client, server, username, password):
    """Log the engine in to the registry ``server`` and return the ``auth_config`` for pushes.

    The returned dict holds the password: pass it to :func:`push_image`, never print or record it.
    Raises :class:`RegistryLoginRefused` or :class:`RegistryUnreachable`.
    """
    check_login(login_answer(client, server, username, password), server)
    return {"username": username, "password": password, "serveraddress": server}


def push_stream(client, repository, tag, *, auth_config):
    """The engine's raw ``POST /images/{name}/push`` chunks (its refusal, if it refuses before pushing)."""
    import docker

    try:
        yield from client.api.push(repository, tag=tag, stream=True, decode=True, auth_config=auth_config)
    except docker.errors.APIError as exc:  # refused before pushing, e.g. no such local image
        yield _engine_refusal(exc)


def thin_progress(chunks, step=0.1):
    """Every chunk but the upload progress of each layer, kept only about every ``step`` of it."""
    shown = {}
    for chunk in chunks:
        detail = chunk.get("progressDetail") or {}
        if chunk.get("status") == "Pushing" and detail.get("total"):
            done = (detail.get("current") or 0) / detail["total"]
            if done - shown.get(chunk.get("id"), -1.0) < step:
                continue
            shown[chunk.get("id")] = done
        yield chunk


def read_push(chunks, repository, tag):
    """Per-layer progress from the engine's push chunks: ``{"layer", "status", "current", "total"}`` (bytes,
    None when the engine gives none), then ``{"digest": "sha256:...", "tag": tag}``.

    Raises :class:`RegistryLoginRefused`, :class:`PushDenied`, :class:`RegistryUnreachable` or
    :class:`ImageError`.
    """
    server = repository.split("/", 1)[0]
    fix = f"Build the image (or tag it) as {repository}:{tag} first, then push again."
    digest = None
    for chunk in chunks:
        if "error" in chunk or "errorDetail" in chunk or "message" in chunk:
            text = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error") or chunk.get("message", "")
            raise _registry_error(text, server, fix)
        if (chunk.get("aux") or {}).get("Digest"):
            digest = chunk["aux"]["Digest"]
        elif chunk.get("id") and chunk.get("status"):
            detail = chunk.get("progressDetail") or {}
            yield {
                "layer": chunk["id"],
                "status": chunk["status"],
                "current": detail.get("current"),
                "total": detail.get("total"),
            }
    if digest is None:
        raise ImageError(
            f"The push of {repository}:{tag} ended without a digest.",
            "Push again; if it repeats, check the registry with list_tags.",
        )
    yield {"digest": digest, "tag": tag}


def push_image(client, repository, tag, *, auth_config):
    """Push ``repository:tag`` (``repository`` starts with the registry's server name): :func:`read_push`."""
    yield from read_push(push_stream(client, repository, tag, auth_config=auth_config), repository, tag)


REGISTRY_HEADERS = ("Content-Type", "Docker-Content-Digest", "Link", "WWW-Authenticate")  # what is kept


def registry_answer(method, url, username, password, headers=None):
    """One raw answer of a registry's /v2/ API (basic auth): ``{"status", "headers", "body"}``, or None when
    nothing answers. Only the headers labkit reads are kept."""
    import requests

    try:
        response = requests.request(method, url, auth=(username, password), headers=headers, timeout=HTTP_TIMEOUT)
    except requests.exceptions.RequestException:
        return None
    try:
        body = response.json() if method != "HEAD" and response.content else None
    except ValueError:
        body = response.text
    return {
        "status": response.status_code,
        "body": body,
        "headers": {k: response.headers[k] for k in REGISTRY_HEADERS if k in response.headers},
    }


def _direct(call, fn):
    return fn()


def _registry(method, path, server, username, password, scheme, through, headers=None):
    """A /v2/ answer through ``through(call, fn)`` (``lab.result_of`` records and replays it); a refusal or
    no answer at all becomes the ImageError that says what to do."""
    answer = through(
        f"registry {method} {path}",
        lambda: registry_answer(method, f"{scheme}://{server}{path}", username, password, headers),
    )
    if answer is None:
        raise RegistryUnreachable(f"Cannot reach the registry {server}.", UNREACHABLE_FIX)
    if answer["status"] == 401:
        raise RegistryLoginRefused(f"{server} refused the user name or password (HTTP 401{_said(answer)}).", LOGIN_FIX)
    if answer["status"] == 403:
        raise AccessDenied(f"{server} refused access to {path} (HTTP 403{_said(answer)}).", ACCESS_FIX)
    from requests.structures import CaseInsensitiveDict

    return {**answer, "headers": CaseInsensitiveDict(answer.get("headers") or {})}  # a recording's names, any case


def _said(answer):
    """``: CODE message`` of the first error a registry's /v2/ answer names (OCI distribution errors)."""
    errors = answer["body"].get("errors") if isinstance(answer["body"], dict) else None
    return f": {errors[0].get('code', '')} {errors[0].get('message', '')}".rstrip() if errors else ""


def _registry_json_pages(server, path, key, username, password, scheme, missing, through):
    """Collect ``key`` from a paged /v2/ listing, following ``Link: <...>; rel="next"``."""
    import requests.utils

    items = []
    while path:
        answer = _registry("GET", path, server, username, password, scheme, through)
        if answer["status"] == 404:
            raise missing
        if answer["status"] != 200:
            raise ImageError(
                f"{server} answered HTTP {answer['status']} to {path}.",
                "Try again in a minute; if it repeats, check the registry in Azure.",
            )
        items.extend(answer["body"].get(key) or [])
        links = requests.utils.parse_header_links(answer["headers"].get("Link", ""))
        path = next((_path(link["url"]) for link in links if link.get("rel") == "next"), None)
    return items


def _path(url):
    """The path and query of a (relative or absolute) next-page link."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def list_repositories(server, username, password, *, scheme="https", through=_direct):
    """Names of the repositories in the registry (``/v2/_catalog``), sorted."""
    missing = ImageError(
        f"{server} does not offer a catalog of repositories.", "Check the server name: use the registry's login server."
    )
    return sorted(
        _registry_json_pages(server, "/v2/_catalog", "repositories", username, password, scheme, missing, through)
    )


def list_tags(server, repository, username, password, *, scheme="https", through=_direct):
    """Tags of ``repository`` in the registry (``/v2/<repository>/tags/list``), sorted."""
    missing = ImageError(
        f"The repository {repository} is not in {server}.",
        "Push the image first, or check the name with list_repositories.",
    )
    return sorted(
        _registry_json_pages(
            server, f"/v2/{repository}/tags/list", "tags", username, password, scheme, missing, through
        )
    )


def manifest_digest(server, repository, tag, username, password, *, scheme="https", through=_direct):
    """The registry's digest (``sha256:...``) of ``repository:tag``, as ``docker push`` reports it."""
    answer = _registry(
        "HEAD",
        f"/v2/{repository}/manifests/{tag}",
        server,
        username,
        password,
        scheme,
        through,
        headers={"Accept": MANIFEST_MEDIA_TYPES},
    )
    if answer["status"] == 404:
        raise ImageError(
            f"{repository}:{tag} is not in {server}.", "Push the image first, or check the tag with list_tags."
        )
    digest = answer["headers"].get("Docker-Content-Digest")
    if answer["status"] != 200 or not digest:
        raise ImageError(
            f"{server} gave no digest for {repository}:{tag} (HTTP {answer['status']}).",
            "Try again in a minute; if it repeats, check the registry in Azure.",
        )
    return digest
