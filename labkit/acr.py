"""Notebook 03-publish-acr: a registry for the lab, the sample app's image in it, and a look inside.

Each public function taking ``lab`` is one step of the notebook, recorded in
``recordings/03-publish-acr/<step>.json``. Azure calls go through the SDK clients; Docker and the
registry's own ``/v2/`` API are recorded at labkit's boundary (``lab.events_of`` for the build log
and the push progress, ``lab.result_of`` for the rest): HTTP recorders hang on docker's socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from labkit import azcli, images, paths, ui
from labkit.config import APP_REPOSITORY, APP_TAG, check_name_format, new_suffix
from labkit.errors import LabError
from labkit.given_group import check_given_group
from labkit.polling import track
from labkit.steps import shown, step

if TYPE_CHECKING:
    from labkit.lab import Lab

SAMPLE_REGISTRY, SAMPLE_IMAGE = "mcr.microsoft.com", "azuredocs/aci-helloworld:latest"  # Microsoft's hello-world
SAMPLE_TARGET = "samples/aci-helloworld:latest"
REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries"


@dataclass(frozen=True)
class RegistryLogin:
    """Where and as whom to log in to a registry. The password never shows in its repr."""

    server: str  # the login server, e.g. acralicek7q2.azurecr.io (or 127.0.0.1:5000 in the tests)
    username: str
    password: str = field(repr=False)
    scheme: str = "https"  # of the registry's /v2/ API; the tests' local registry speaks http

    @classmethod
    def admin_of(cls, lab: Lab) -> tuple[RegistryLogin, int]:
        """The lab registry's admin user and first password, and how many passwords it has: the one place
        labkit reads a registry's credentials (registries.list_credentials)."""
        c = lab.config
        found = lab.acr.registries.list_credentials(c.resource_group, c.registry_name)
        return cls(c.login_server, found.username, found.passwords[0].value), len(found.passwords)


# -- helpers -------------------------------------------------------------------------------------------
def _find(lab: Lab, name: str):
    """The registry ``name`` in the lab's resource group, or None."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        return lab.acr.registries.get(lab.config.resource_group, name)
    except ResourceNotFoundError:
        return None


def _available(lab: Lab, name: str):
    from azure.mgmt.containerregistry.models import RegistryNameCheckRequest

    return lab.acr.registries.check_name_availability(RegistryNameCheckRequest(name=name, type=REGISTRY_TYPE))


def _suggest(lab: Lab, tries: int = 3) -> str | None:
    """A free registry name with the learner's prefix and a new random suffix."""
    for _ in range(tries):
        name = f"acr{lab.config.prefix}{new_suffix()}"
        if _available(lab, name).name_available:
            return name
    return None


# -- the registry ----------------------------------------------------------------------------------------
@step("Checking the registry name {c.registry_name}")
def check_name(lab: Lab, name: str | None = None) -> str:
    """Ask Azure whether the registry name (the lab's, by default) is free; suggest one if it is taken.

    A name taken by the lab's own registry (an earlier run) is fine: the next step reuses it.
    """
    name = check_name_format("ACR registry", name or lab.config.registry_name)  # before any Azure call
    answer = _available(lab, name)
    if answer.name_available:
        ui.status(
            True,
            f"{name} is free: registry names are global, and {name}.azurecr.io will be yours "
            f"(az acr check-name --name {name}).",
        )
        return name
    if answer.reason == "AlreadyExists" and _find(lab, name) is not None:
        ui.status(
            True, f"{name} is taken — by you: it is already in {lab.config.resource_group}, so the next step reuses it."
        )
        return name
    suggestion = _suggest(lab) if answer.reason == "AlreadyExists" else None
    fix = (
        "choose another `prefix` in the parameters cell and run the notebooks again from the top"
        + (
            f"; or keep yours with the suffix of {suggestion}, which is free: set the environment variable "
            f"LABKIT_SUFFIX={suggestion[-4:]} before opening the lab"
            if suggestion
            else ""
        )
        + "."
    )
    raise LabError(f"The registry name {name} is not available ({answer.reason}): {answer.message}", fix)


def registry_spec(config):
    """A Basic registry with the admin user enabled, tagged like everything the lab creates."""
    from azure.mgmt.containerregistry.models import Registry, Sku

    return Registry(location=config.region, tags=config.tags(), sku=Sku(name="Basic"), admin_user_enabled=True)


def az_create(config) -> str:
    return (
        f"az acr create --resource-group {config.resource_group} --name {config.registry_name} "
        f"--location {config.region} --sku Basic --admin-enabled true {azcli.tags(config)}"
    )


@step("Creating registry {c.registry_name}")
def create_registry(lab: Lab):
    """Create the lab's Basic registry with the admin user, or reuse it when it exists in the lab's group."""
    c = lab.config
    found = _find(lab, c.registry_name)
    if found is None and not c.provisioned:  # a provisioned lab's group is the instructor's: not written
        lab.resources.resource_groups.create_or_update(c.resource_group, {"location": c.region, "tags": c.tags()})
    if found is None and c.provisioned:
        check_given_group(lab, c.provisioned)
    if found is None:
        spec = registry_spec(c)
        azcli.show_sdk_call(
            "lab.acr.registries.begin_create(resource_group, name, spec)",
            spec,
            registry_spec,
            "https://learn.microsoft.com/python/api/azure-mgmt-containerregistry/"
            "azure.mgmt.containerregistry.operations.registriesoperations",
        )
        registry = track(
            lab,
            lambda: lab.acr.registries.begin_create(c.resource_group, c.registry_name, spec),
            title=f"Create container registry {c.registry_name} (about a minute live)",
            az=az_create(c),
            done=f"Registry {c.registry_name} created",
            doing=f"Creating registry {c.registry_name}",
        )
    elif not found.admin_user_enabled:
        raise LabError(
            f"Registry {c.registry_name} exists but its admin user is disabled.",
            f"enable it: `az acr update --name {c.registry_name} --admin-enabled true`, then run this cell again.",
        )
    else:
        registry = found
        ui.status(True, f"Registry {c.registry_name} already exists in {c.resource_group}: reusing it.")
    ui.show(
        [
            ("Login server", registry.login_server),
            ("SKU", ui.plain(registry.sku.name)),
            ("Admin user", "enabled" if registry.admin_user_enabled else "disabled"),
            ("Location", registry.location),
            ("Provisioning state", ui.plain(registry.provisioning_state)),
        ],
        f"Registry {registry.name}",
    )
    return registry


def pull_credentials(lab: Lab) -> RegistryLogin:
    """The admin credentials a later notebook (04, 05) pulls the app's image with: what 03-publish-acr made.

    Live, a registry that does not exist yet stops with "run 03-publish-acr first". Replay always has the
    recorded lab's registry, so it says where that came from instead of passing silently.
    """
    from azure.core.exceptions import ResourceNotFoundError

    c = lab.config
    if lab.policy.replaying:
        ui.note(
            f"This notebook runs the image that 03-publish-acr pushed to {c.registry_name}. Replay shows the "
            "recorded lab, which had run 03 first; live, run 03-publish-acr before this notebook."
        )
    try:
        return RegistryLogin.admin_of(lab)[0]
    except ResourceNotFoundError as err:
        raise shown(
            LabError(
                f"Your registry {c.registry_name} does not exist yet: this notebook runs the image "
                "that 03-publish-acr creates it for and pushes.",
                "run 03-publish-acr first (it creates the registry and pushes the image), then this cell again.",
            )
        ) from err


@step("Reading the credentials of {c.registry_name}")
def credentials(lab: Lab) -> RegistryLogin:
    """The admin user's name and first password, to log Docker in. The password is never displayed."""
    c = lab.config
    login, passwords = RegistryLogin.admin_of(lab)
    ui.show(
        [
            ("Login server", c.login_server),
            ("User name", login.username),
            ("Password", f"hidden: {passwords} passwords, either works; kept in the `login` variable, never printed"),
        ],
        f"Admin user of {c.registry_name} (az acr credential show --name {c.registry_name})",
    )
    return login


# -- Docker: build and push --------------------------------------------------------------------------------
@step("Asking the Docker engine")
def find_engine(lab: Lab) -> dict:
    """Whether a Docker engine answers here (its raw ``/version``, recorded); in replay, the recorded answer."""
    return images.read_engine(lab.result_of("docker.version", images.engine_version))


def _with_client(work):
    """``work(client)`` with a fresh Docker client, closed at the end."""
    client = images.connect_docker()
    try:
        return work(client)
    finally:
        client.close()


def _client_stream(work):
    """Run ``work(client)`` (a generator) with a fresh Docker client, closed at the end."""
    client = images.connect_docker()
    try:
        yield from work(client)
    finally:
        client.close()


@step("Building the app's image")
def build(
    lab: Lab,
    *,
    server: str | None = None,
    context: Path | None = None,
    dockerfile: str | None = None,
    repository: str = APP_REPOSITORY,
    tag: str = APP_TAG,
) -> dict:
    """Build the app for linux/amd64 as ``<login server>/<repository>:<tag>``, the log streaming into the cell."""
    image = f"{server or lab.config.login_server}/{repository}:{tag}"
    context = Path(context or paths.app())
    command = (
        f"docker build --platform {images.DEFAULT_PLATFORM} --build-arg APP_VERSION={tag} --tag {image} "
        f"{Path(context).name}/"
    )

    def work(client):
        return images.build_stream(client, context, image, buildargs={"APP_VERSION": tag}, dockerfile=dockerfile)

    live, log = ui.Live(f"Build {image}", [command]), ui.Log("docker build")
    result = {"image": image}
    try:
        for event in images.read_build(lab.events_of("docker.build", lambda: _client_stream(work)), image):
            if "stream" in event:
                log.add(event["stream"])
                live.update(log)
            else:
                result["image_id"] = event["image_id"]
    except LabError as err:
        live.settle()
        ui.display(log)  # the log first, then its ⛔
        shown(err)
        raise
    live.settle()
    ui.display(log)
    ui.status(True, f"Built {image} for {images.DEFAULT_PLATFORM} (image id {result['image_id'][7:19]})")
    return result


@step("Pushing the app's image")
def push(lab: Lab, login: RegistryLogin, *, repository: str = APP_REPOSITORY, tag: str = APP_TAG) -> dict:
    """Log Docker in with the admin user and push ``repository:tag``, showing each layer's progress."""
    image = f"{login.server}/{repository}:{tag}"
    commands = [f"docker login {login.server} --username {login.username} --password-stdin", f"docker push {image}"]

    auth = {"username": login.username, "password": login.password, "serveraddress": login.server}

    def work(client):
        pushed = images.push_stream(client, f"{login.server}/{repository}", tag, auth_config=auth)
        return images.thin_progress(pushed)

    def signed_in():
        return _with_client(lambda client: images.login_answer(client, login.server, login.username, login.password))

    live, layers = ui.Live(f"Push {image}", commands), ui.Layers("docker push")
    result = {"image": image}
    try:
        images.check_login(lab.result_of("docker.login", signed_in), login.server)
        for event in images.read_push(
            lab.events_of("docker.push", lambda: _client_stream(work)), f"{login.server}/{repository}", tag
        ):
            if "layer" in event:
                layers.add(event)
                live.update(layers)
            else:
                result["digest"] = event["digest"]
    finally:
        live.settle()  # the progress box stops before any ⛔
    ui.display(layers)
    ui.status(True, f"Pushed {image}: digest {result['digest']}")
    return result


# -- without Docker: import ----------------------------------------------------------------------------------
@step("Importing the sample image into {c.registry_name}")
def import_image(lab: Lab, target: str = SAMPLE_TARGET) -> dict:
    """Copy Microsoft's public hello-world image into the registry as ``target``: no Docker, no ACR Tasks."""
    return _import(lab, target)


@step("Importing the sample image into {c.registry_name}")
def import_app(lab: Lab) -> dict:
    """Without Docker: Microsoft's hello-world image imported under the app's name, so later notebooks run it."""
    return _import(lab, f"{APP_REPOSITORY}:{APP_TAG}")


def _import(lab: Lab, target: str) -> dict:
    from azure.mgmt.containerregistry.models import ImportImageParameters, ImportSource

    c = lab.config
    source = f"{SAMPLE_REGISTRY}/{SAMPLE_IMAGE}"
    params = ImportImageParameters(
        source=ImportSource(registry_uri=SAMPLE_REGISTRY, source_image=SAMPLE_IMAGE), target_tags=[target], mode="Force"
    )
    track(
        lab,
        lambda: lab.acr.registries.begin_import_image(c.resource_group, c.registry_name, params),
        title=f"Import {source} into {c.registry_name} as {target}",
        az=f"az acr import --name {c.registry_name} --source {source} --image {target} --force",
        done=f"Imported {source} as {c.login_server}/{target}",
        doing=f"Importing {source}",
    )
    return {"image": f"{c.login_server}/{target}", "source": source}


def publish(lab: Lab, login: RegistryLogin) -> dict:
    """Put the app's image in the registry: build and push with Docker when an engine answers here,
    otherwise import Microsoft's hello-world under the app's name. Replay shows the recorded choice."""
    engine = find_engine(lab)
    if engine["engine"]:
        ui.note(
            f"Docker engine {engine['version']} answers ({engine['os']}/{engine['arch']}): "
            "building and pushing the app with Docker."
        )
        built = build(lab)
        return {**built, **push(lab, login), "how": "docker"}
    ui.note(
        f"{engine['problem']} So the app's image cannot be built here: importing Microsoft's hello-world "
        f"image as {APP_REPOSITORY}:{APP_TAG} instead (see the note above this cell)."
    )
    return {**import_app(lab), "how": "import"}


# -- what the registry holds --------------------------------------------------------------------------------
def _inventory(lab: Lab, login: RegistryLogin, repository: str, tag: str) -> dict:
    """Repositories, their tags and the digest of ``repository:tag``: each /v2/ answer recorded raw."""
    args, where = (login.username, login.password), {"scheme": login.scheme, "through": lab.result_of}
    repos = images.list_repositories(login.server, *args, **where)
    tags = {repo: images.list_tags(login.server, repo, *args, **where) for repo in repos}
    digest = None
    if tag in tags.get(repository, []):
        digest = images.manifest_digest(login.server, repository, tag, *args, **where)
    return {"repositories": tags, "digest": digest}


@step("Listing the repositories of {c.login_server}")
def show_repositories(
    lab: Lab,
    login: RegistryLogin,
    published: dict | None = None,
    *,
    repository: str = APP_REPOSITORY,
    tag: str = APP_TAG,
) -> dict:
    """List the registry's repositories and tags through its /v2/ API, and the digest of ``repository:tag``."""
    found = _inventory(lab, login, repository, tag)
    name = login.server.split(".", 1)[0]
    ui.show(
        [(repo, ", ".join(tags)) for repo, tags in found["repositories"].items()],
        f"Repositories and tags in {login.server} (az acr repository list --name {name}; "
        f"az acr repository show-tags --name {name} --repository …)",
    )
    digest, pushed = found["digest"], (published or {}).get("digest")
    if digest and pushed:
        ui.status(
            digest == pushed,
            f"{repository}:{tag} is {digest}"
            + (
                ": the digest docker push reported, so the registry holds exactly the image you built."
                if digest == pushed
                else f", not {pushed} as pushed: run the push cell again."
            ),
        )
    elif digest:
        ui.status(True, f"{repository}:{tag} is {digest}")
    return found
