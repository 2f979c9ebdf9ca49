"""labkit.images against a real Docker engine and a real OCI registry on 127.0.0.1.

Start the services first with ``sudo .ci/services.sh`` (dockerd, and a registry with basic auth
on 127.0.0.1:5000). When they do not answer, every test that needs them is skipped with the
reason; with LABKIT_TEST_REQUIRE_SERVICES=1 (CI) they fail instead. Connections go only to
127.0.0.1 and to the engine's unix socket; the image is built FROM scratch (no Docker Hub).
"""

import importlib.util
import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from labkit import acr, images
from labkit.recording.scrub import find_leaks

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = os.environ.get("LABKIT_TEST_REGISTRY", "127.0.0.1:5000")
USER = os.environ.get("LABKIT_TEST_REGISTRY_USER", "labuser")
PASSWORD = os.environ.get("LABKIT_TEST_REGISTRY_PASSWORD", "labpass-local-only")
ABSENT_REGISTRY = "127.0.0.1:5999"  # nothing listens here
REPO_NAME = "labkit-test/sample-app"  # nested, as ACR repositories often are
REPOSITORY = f"{REGISTRY}/{REPO_NAME}"
VERSION = "t" + uuid.uuid4().hex[:10]  # a fresh tag each run: a stale push cannot pass the tests
CONTAINER_HOST = "labkit-sample-host"


def _unavailable(reason):
    """Skip (default) or fail (LABKIT_TEST_REQUIRE_SERVICES=1, as in CI) when a service is missing."""
    reason = f"{reason} (start the services with: sudo .ci/services.sh)"
    if os.environ.get("LABKIT_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(reason, pytrace=False)
    print(f"\nintegration tests skipped: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def services():
    """The running engine (a docker-py client) and registry; skips the module when either is absent."""
    import docker
    import requests

    host = REGISTRY.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        pytest.skip(f"LABKIT_TEST_REGISTRY={REGISTRY} is not on 127.0.0.1: these tests stay local")
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except Exception as exc:  # any failure here means: no usable engine
        _unavailable(f"docker info fails: no Docker engine answers ({type(exc).__name__})")
    try:
        status = requests.get(f"http://{REGISTRY}/v2/", timeout=5).status_code
    except requests.exceptions.RequestException as exc:
        client.close()
        _unavailable(f"no registry answers at http://{REGISTRY}/v2/ ({type(exc).__name__})")
    if status != 401:
        client.close()
        _unavailable(f"http://{REGISTRY}/v2/ answers {status}, not 401: it should ask for a password")
    yield client
    client.close()


@pytest.fixture(scope="module")
def built(services, tmp_path_factory):
    """Build tests/images/Dockerfile.scratch (a static busybox serving the sample app's page)."""
    context = tmp_path_factory.mktemp("scratch-context")
    shutil.copy(ROOT / "tests/images/Dockerfile.scratch", context)
    # A line unique to this run makes the serve.sh layer new, so the push uploads it (the
    # registry keeps blobs of earlier runs and would only mount them).
    script = (ROOT / "tests/images/serve.sh").read_text(encoding="utf-8")
    (context / "serve.sh").write_text(f"{script}# test run {VERSION}\n", encoding="utf-8")
    shutil.copy("/bin/busybox", context / "busybox")
    tag = f"{REPOSITORY}:{VERSION}"
    started = time.monotonic()
    events = list(images.build_image(services, context, tag, buildargs={"APP_VERSION": VERSION},
                                     dockerfile="Dockerfile.scratch"))
    print(f"build took {time.monotonic() - started:.1f} s")
    yield SimpleNamespace(events=events, tag=tag, context=context)
    for name in (tag, f"{ABSENT_REGISTRY}/{REPO_NAME}:{VERSION}"):
        try:
            services.images.remove(name, force=True)
        except Exception:
            pass  # already gone


@pytest.fixture(scope="module")
def pushed(services, built):
    """Log in to the registry and push the built image; deletes the manifest afterwards."""
    import requests

    auth = images.login(services, REGISTRY, USER, PASSWORD)
    started = time.monotonic()
    events = list(images.push_image(services, REPOSITORY, VERSION, auth_config=auth))
    print(f"push took {time.monotonic() - started:.1f} s")
    yield SimpleNamespace(events=events, auth=auth)
    digest = events[-1].get("digest")
    if digest:
        requests.delete(f"http://{REGISTRY}/v2/{REPO_NAME}/manifests/{digest}",
                        auth=(USER, PASSWORD), timeout=10)


def test_connect_docker_returns_a_working_client(services):
    client = images.connect_docker(timeout=30)
    try:
        assert client.ping() is True
        assert client.version()["ApiVersion"]
    finally:
        client.close()


def test_no_docker_engine_at_a_bogus_docker_host(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    with pytest.raises(images.NoDockerEngine) as caught:
        images.connect_docker(timeout=5)
    assert "unix:///nonexistent.sock" in caught.value.problem
    assert "begin_import_image" in caught.value.fix
    assert "Docker Desktop" in caught.value.fix


def test_build_streams_the_log_then_the_image(services, built):
    lines = [event["stream"] for event in built.events[:-1]]
    assert all(set(event) == {"stream"} for event in built.events[:-1])
    assert any(line.startswith("Step 1/") and "FROM scratch" in line for line in lines), lines
    assert all(line == line.strip() and line for line in lines)
    final = built.events[-1]
    assert final["tag"] == built.tag
    assert final["image_id"].startswith("sha256:")
    image = services.images.get(built.tag)
    assert image.id == final["image_id"]
    assert (image.attrs["Os"], image.attrs["Architecture"]) == ("linux", "amd64")
    assert f"APP_VERSION={VERSION}" in image.attrs["Config"]["Env"]


def test_build_error_names_the_failing_step(services, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY missing-file /missing-file\n", encoding="utf-8")
    with pytest.raises(images.ImageError) as caught:
        list(images.build_image(services, tmp_path, "labkit-test/broken:never"))
    assert "Step 2/2 : COPY missing-file" in caught.value.problem
    assert caught.value.problem.count("missing-file") >= 2  # the step, then docker's error line
    assert caught.value.fix


def test_push_reports_layers_then_the_digest(pushed):
    layers = pushed.events[:-1]
    assert layers, "no per-layer progress"
    assert all(set(event) == {"layer", "status", "current", "total"} for event in layers)
    last_status = {event["layer"]: event["status"] for event in layers}
    assert len(last_status) == 2, last_status  # busybox, serve.sh
    for status in last_status.values():  # a layer ends uploaded, present, or mounted from a repo
        assert status in ("Pushed", "Layer already exists") or status.startswith("Mounted from")
    uploads = [event for event in layers if event["status"] == "Pushing"]
    assert uploads and all(event["current"] and event["total"] for event in uploads)
    final = pushed.events[-1]
    assert final["tag"] == VERSION
    assert final["digest"].startswith("sha256:") and len(final["digest"]) == 71


def test_registry_lists_the_repository_and_the_tag(pushed):
    assert REPO_NAME in images.list_repositories(REGISTRY, USER, PASSWORD, scheme="http")
    assert VERSION in images.list_tags(REGISTRY, REPO_NAME, USER, PASSWORD, scheme="http")


def test_push_digest_is_the_registry_manifest_digest(pushed):
    digest = images.manifest_digest(REGISTRY, REPO_NAME, VERSION, USER, PASSWORD, scheme="http")
    assert digest == pushed.events[-1]["digest"]


def test_missing_tag_and_repository_are_named(pushed):
    with pytest.raises(images.ImageError, match="is not in"):
        images.manifest_digest(REGISTRY, REPO_NAME, "no-such-tag", USER, PASSWORD, scheme="http")
    with pytest.raises(images.ImageError, match="labkit-test/no-such-repo is not in"):
        images.list_tags(REGISTRY, "labkit-test/no-such-repo", USER, PASSWORD, scheme="http")


def test_registry_api_refuses_a_wrong_password(pushed):
    with pytest.raises(images.RegistryLoginRefused):
        images.list_tags(REGISTRY, REPO_NAME, USER, "not-the-password", scheme="http")


def test_pushed_image_serves_the_sample_app_page(services, built, pushed):
    # Pull it back from the registry (the local copy goes first), so the test runs what was pushed.
    services.images.remove(built.tag, force=True)
    services.api.pull(REPOSITORY, tag=VERSION, auth_config=pushed.auth)
    container = services.containers.run(built.tag, detach=True, network_mode="none",
                                        hostname=CONTAINER_HOST)
    try:
        deadline = time.monotonic() + 15
        while True:
            code, output = container.exec_run(
                ["/bin/busybox", "wget", "-q", "-O", "-", "http://127.0.0.1/"])
            if code == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert code == 0, output.decode(errors="replace") + container.logs().decode(errors="replace")
        spec = importlib.util.spec_from_file_location("sample_app", ROOT / "notebooks/app/app.py")
        sample_app = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sample_app)
        assert output.decode() == sample_app.page(VERSION, CONTAINER_HOST)
        assert "AKS workbook sample app" in output.decode()
        code, output = container.exec_run(
            ["/bin/busybox", "wget", "-q", "-O", "-", "http://127.0.0.1/healthz"])
        assert (code, output) == (0, b"ok\n")
    finally:
        container.remove(force=True)


def test_login_with_a_wrong_password_is_refused(services):
    with pytest.raises(images.RegistryLoginRefused) as caught:
        images.login(services, REGISTRY, USER, "not-the-password")
    assert "not-the-password" not in str(caught.value)
    assert "list_credentials" in caught.value.fix


def test_push_with_a_wrong_password_is_refused(services, built):
    with pytest.raises(images.RegistryLoginRefused) as caught:
        list(images.push_image(services, REPOSITORY, VERSION,
                               auth_config={"username": USER, "password": "not-the-password"}))
    assert "not-the-password" not in str(caught.value)


def test_push_to_an_absent_registry_is_unreachable(services, built):
    absent = f"{ABSENT_REGISTRY}/{REPO_NAME}"
    services.api.tag(built.tag, absent, VERSION)
    with pytest.raises(images.RegistryUnreachable) as caught:
        list(images.push_image(services, absent, VERSION,
                               auth_config={"username": USER, "password": PASSWORD}))
    assert ABSENT_REGISTRY in caught.value.problem


# -- labkit.acr's record path against the real engine and registry, then replayed without them ----------------
def _lab(mode, root):
    from labkit.config import LabConfig
    from labkit.lab import Lab
    from labkit.recording import scrub
    from labkit.recording.recorder import Recorder

    return Lab("03-publish-acr", LabConfig(mode=mode), Recorder(mode, "03-publish-acr", root=root), None,
               scrub.SUBSCRIPTION)


def _publish(lab, context, login, tag):
    """What notebook 03 does once the registry exists: build, push, list (with the test image)."""
    built = acr.build(lab, server=login.server, context=context, dockerfile="Dockerfile.scratch",
                      repository=REPO_NAME, tag=tag)
    pushed = acr.push(lab, login, repository=REPO_NAME, tag=tag)
    found = acr.show_repositories(lab, login, pushed, repository=REPO_NAME, tag=tag)
    return built, pushed, found


@pytest.fixture(scope="module")
def recorded_run(services, built, tmp_path_factory):
    """labkit.acr in record mode against the local engine and registry (a tag of its own)."""
    import requests

    root = tmp_path_factory.mktemp("acr-record")
    tag = f"{VERSION}-rec"
    lab = _lab("record", root)
    result = _publish(lab, built.context, acr.RegistryLogin(REGISTRY, USER, PASSWORD, scheme="http"), tag)
    lab.recorder.finish()
    yield SimpleNamespace(root=root, tag=tag, result=result)
    requests.delete(f"http://{REGISTRY}/v2/{REPO_NAME}/manifests/{result[1]['digest']}", auth=(USER, PASSWORD),
                    timeout=10)
    try:
        services.images.remove(f"{REPOSITORY}:{tag}", force=True)
    except Exception:
        pass  # already gone


def test_acr_record_path_builds_pushes_and_lists_for_real(services, recorded_run):
    built, pushed, found = recorded_run.result
    assert services.images.get(f"{REPOSITORY}:{recorded_run.tag}").id == built["image_id"]
    assert recorded_run.tag in found["repositories"][REPO_NAME]
    assert found["digest"] == pushed["digest"] == images.manifest_digest(
        REGISTRY, REPO_NAME, recorded_run.tag, USER, PASSWORD, scheme="http")


def test_acr_recordings_hold_the_raw_answers_and_no_password(recorded_run):
    files = {p.stem: p for p in (recorded_run.root / "03-publish-acr").glob("*.json")}
    assert sorted(files) == ["build", "push", "show_repositories"]
    for path in files.values():
        text = path.read_text(encoding="utf-8")
        assert PASSWORD not in text and find_leaks(text) == []
        assert json.loads(text)["provenance"]["kind"] == "recorded"
    build = json.loads(files["build"].read_text(encoding="utf-8"))["Calls"]
    assert [c["call"] for c in build] == ["docker.build"]
    chunks = build[0]["events"]
    assert chunks[0] == {"stream": "Step 1/7 : FROM scratch"} and {"stream": "\n"} in chunks  # as the engine sends
    assert [c["aux"]["ID"] for c in chunks if "aux" in c] == [recorded_run.result[0]["image_id"]]
    push = json.loads(files["push"].read_text(encoding="utf-8"))["Calls"]
    assert [c["call"] for c in push] == ["docker.login", "docker.push"]
    assert push[0]["result"]["status"] == 200 and push[0]["result"]["body"]["Status"] == "Login Succeeded"
    assert push[1]["events"][0]["status"].startswith("The push refers to repository")
    assert push[1]["events"][-1]["aux"]["Digest"] == recorded_run.result[1]["digest"]
    listing = json.loads(files["show_repositories"].read_text(encoding="utf-8"))["Calls"]
    assert listing[0]["call"] == "registry GET /v2/_catalog" and REPO_NAME in listing[0]["result"]["body"]["repositories"]
    head = [c for c in listing if c["call"] == f"registry HEAD /v2/{REPO_NAME}/manifests/{recorded_run.tag}"]
    assert head[0]["result"]["headers"]["Docker-Content-Digest"] == recorded_run.result[1]["digest"]


def test_acr_replay_reads_the_recorded_answers_without_docker(recorded_run, monkeypatch, capsys):
    def no_service(*args, **kwargs):
        raise AssertionError("replay must not talk to Docker or the registry")

    for name in ("connect_docker", "registry_answer", "engine_version"):
        monkeypatch.setattr(images, name, no_service)
    login = acr.RegistryLogin(REGISTRY, USER, "unused", scheme="http")
    replayed = _publish(_lab("replay", recorded_run.root), Path("unused"), login, recorded_run.tag)
    assert replayed == recorded_run.result
    out = capsys.readouterr().out
    assert f"Successfully tagged {REPOSITORY}:{recorded_run.tag}" in out and "docker push (2 layers)" in out


# -- refusals: what each kind of "no" from an engine or a registry becomes ---------------------------------------------
def test_push_refusals_as_the_engine_streams_them_are_told_apart():
    def refused(message):
        chunks = [{"status": "The push refers to repository [acrx.azurecr.io/app]"},
                  {"status": "Preparing", "progressDetail": {}, "id": "040e5b18c7bc"},
                  {"errorDetail": {"message": message}, "error": message}]
        with pytest.raises(images.ImageError) as caught:
            list(images.read_push(chunks, "acrx.azurecr.io/app", "v1"))
        return caught.value

    for denied in ("denied: requested access to the resource is denied", "denied"):  # ACR; Docker Engine 20.10
        assert type(refused(denied)) is images.PushDenied and refused(denied).fix == images.PUSH_DENIED_FIX
    assert type(refused("unauthorized: authentication required")) is images.RegistryLoginRefused
    unreachable = refused('Get "https://acrx.azurecr.io/v2/": dial tcp: lookup acrx.azurecr.io: no such host')
    assert type(unreachable) is images.RegistryUnreachable


def test_a_refused_engine_login_is_read_from_its_raw_answer():
    answer = {"status": 500, "body": {"message": "login attempt to http://127.0.0.1:5000/v2/ failed with status: "
                                                 "401 Unauthorized"}}
    with pytest.raises(images.RegistryLoginRefused):
        images.check_login(answer, "127.0.0.1:5000")
    images.check_login({"status": 200, "body": {"IdentityToken": "", "Status": "Login Succeeded"}}, "127.0.0.1:5000")


class Refusing(BaseHTTPRequestHandler):
    """A /v2/ API that refuses: 401 UNAUTHORIZED for the catalog, 403 DENIED for tags (as ACR says them)."""

    def do_GET(self):
        if self.path == "/v2/_catalog":
            status, code, message = 401, "UNAUTHORIZED", "authentication required"
        else:
            status, code, message = 403, "DENIED", "requested access to the resource is denied"
        body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_registry_refusals_from_v2_are_not_unreachable():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    where = f"127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(images.ImageError) as caught:
            images.list_repositories(where, USER, "wrong", scheme="http")
        assert type(caught.value) is images.RegistryLoginRefused and "UNAUTHORIZED" in caught.value.problem
        with pytest.raises(images.ImageError) as caught:
            images.list_tags(where, "app", USER, "pw", scheme="http")
        assert type(caught.value) is images.AccessDenied and "DENIED" in caught.value.problem
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(images.RegistryUnreachable):
        images.list_tags(ABSENT_REGISTRY, "app", USER, "pw", scheme="http")


def test_push_progress_is_thinned_but_keeps_every_status():
    chunks = [{"status": "Preparing", "progressDetail": {}, "id": "a"}]
    chunks += [{"status": "Pushing", "progressDetail": {"current": n, "total": 1000}, "id": "a"} for n in range(1, 1001)]
    chunks += [{"status": "Pushed", "progressDetail": {}, "id": "a"}, {"aux": {"Tag": "v1", "Digest": "sha256:x"}}]
    kept = list(images.thin_progress(chunks))
    assert [c["status"] for c in kept if c.get("status") not in (None, "Pushing")] == ["Preparing", "Pushed"]
    assert 10 <= sum(c.get("status") == "Pushing" for c in kept) <= 11
    assert kept[-1] == {"aux": {"Tag": "v1", "Digest": "sha256:x"}}


# -- the shipped recordings hold what the engine and the registry send ----------------------------------------------
ENGINE_CHUNK_KEYS = {"stream", "status", "id", "progressDetail", "progress", "aux", "errorDetail", "error"}


def test_recorded_docker_and_registry_calls_are_raw_answers():
    calls = [call for path in sorted((ROOT / "recordings").rglob("*.json"))
             for call in json.loads(path.read_text(encoding="utf-8")).get("Calls", [])
             if call["call"].startswith(("docker.", "registry "))]
    names = {call["call"].split(" ")[0] for call in calls}
    assert {"docker.version", "docker.login", "docker.build", "docker.push", "registry"} <= names
    for call in calls:
        if call["call"] in ("docker.build", "docker.push"):
            assert call["events"] and all(set(chunk) <= ENGINE_CHUNK_KEYS for chunk in call["events"]), call["call"]
            assert "error" in call["events"][-1] or call["events"][-1].get("aux") or call["events"][-1].get("stream")
        elif call["call"] == "docker.version":
            assert call["result"] is None or {"Version", "ApiVersion", "Os", "Arch"} <= set(call["result"])
        elif call["call"] == "docker.login":
            assert set(call["result"]) == {"status", "body"}
        else:
            method, path = call["call"].split(" ")[1:]
            assert method in ("GET", "HEAD") and path.startswith("/v2/")
            assert set(call["result"]) == {"status", "headers", "body"}
