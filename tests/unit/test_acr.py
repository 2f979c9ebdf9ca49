"""labkit.acr in replay: the notebook's steps, and each error a learner can meet, with its fix.

Scenarios are the step files of ``recordings/errors-acr/`` (tools/handbuilt/acr.py), copied into a
private recordings folder under the name of the step they stand for.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labkit import acr, images, ui
from labkit.errors import AZURE_HINTS, ConfigError, LabError
from labkit.lab import open_lab
from labkit.recording.mode import Mode, Policy

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
NOTEBOOK = "03-publish-acr"


@pytest.fixture
def lab(scenario_lab):
    return scenario_lab({}, notebook=NOTEBOOK)


def test_the_notebook_replays_end_to_end(lab, capsys):
    assert acr.check_name(lab) == "acrstudentk7q2"
    registry = acr.create_registry(lab)
    assert (registry.login_server, registry.admin_user_enabled) == ("acrstudentk7q2.azurecr.io", True)
    login = acr.credentials(lab)
    published = acr.publish(lab, login)
    assert published["how"] == "docker" and published["image"] == lab.config.app_image
    assert published["digest"].startswith("sha256:") and published["image_id"].startswith("sha256:")
    acr.import_image(lab)
    found = acr.show_repositories(lab, login, published)
    assert found["repositories"] == {"aks-workbook-app": ["v1"], "samples/aci-helloworld": ["latest"]}
    assert found["digest"] == published["digest"]
    out = capsys.readouterr().out
    assert "Successfully tagged acrstudentk7q2.azurecr.io/aks-workbook-app:v1" in out  # the recorded build log
    assert "docker push (6 layers)" in out and "Pushed" in out
    assert "the digest docker push reported" in out
    assert "⛔" not in out


def test_the_password_is_never_shown(lab, capsys):
    acr.create_registry(lab)
    login = acr.credentials(lab)
    assert login.username == "acrstudentk7q2" and login.password == "REDACTED"  # scrubbed in the recording
    assert "password" not in repr(login).lower()
    assert "REDACTED" not in capsys.readouterr().out


def test_another_learner_sees_their_own_names(scenario_lab, capsys):
    lab = scenario_lab({}, notebook=NOTEBOOK, prefix="papermill", region="westeurope")
    login = acr.credentials(lab)
    published = acr.publish(lab, login)
    server = lab.config.login_server
    assert server.startswith("acrpapermill") and login.server == server
    assert published["image"] == f"{server}/aks-workbook-app:v1"
    assert f"Successfully tagged {server}/aks-workbook-app:v1" in capsys.readouterr().out


def test_a_name_taken_by_someone_else_comes_with_a_free_suggestion(scenario_lab, capsys):
    lab = scenario_lab({"check_name": "errors-acr/name_taken"}, notebook=NOTEBOOK)
    with pytest.raises(LabError) as caught:
        acr.check_name(lab)
    assert "acrstudentk7q2 is not available (AlreadyExists)" in caught.value.problem
    assert "prefix" in caught.value.fix
    assert "LABKIT_SUFFIX=" in caught.value.fix and "acrstudent" in caught.value.fix
    assert "⛔" in capsys.readouterr().out


def test_a_name_taken_by_the_lab_itself_is_reused(scenario_lab, capsys):
    lab = scenario_lab({"check_name": "errors-acr/name_ours"}, notebook=NOTEBOOK)
    assert acr.check_name(lab) == "acrstudentk7q2"
    assert "taken — by you" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["my-registry", "acr", "a" * 51, "acr_student"])
def test_an_invalid_name_is_refused_before_any_azure_call(lab, name):
    with pytest.raises(ConfigError) as caught:
        acr.check_name(lab, name)
    assert "5–50 letters or digits" in caught.value.problem
    assert caught.value.fix


def test_an_existing_registry_is_reused(scenario_lab, capsys):
    lab = scenario_lab({"create_registry": "errors-acr/registry_exists"}, notebook=NOTEBOOK)
    registry = acr.create_registry(lab)  # the scenario holds no PUT: a create would find no recording
    assert registry.provisioning_state == "Succeeded"
    assert "already exists" in capsys.readouterr().out


def test_a_registry_without_admin_user_says_how_to_enable_it(scenario_lab):
    lab = scenario_lab({"create_registry": "errors-acr/admin_disabled"}, notebook=NOTEBOOK)
    with pytest.raises(LabError) as caught:
        acr.create_registry(lab)
    assert "admin user is disabled" in caught.value.problem
    assert "az acr update --name acrstudentk7q2 --admin-enabled true" in caught.value.fix


def test_already_in_use_at_create_is_explained(scenario_lab):
    lab = scenario_lab({"create_registry": "errors-acr/already_in_use"}, notebook=NOTEBOOK)
    with pytest.raises(LabError) as caught:
        acr.create_registry(lab)
    assert "RegistryNameAlreadyInUse" in caught.value.problem and "acrstudentk7q2" in caught.value.problem
    assert caught.value.fix == AZURE_HINTS["RegistryNameAlreadyInUse"]


def test_without_a_docker_engine_the_app_name_gets_the_imported_sample(scenario_lab, capsys):
    lab = scenario_lab({"find_engine": "errors-acr/no_engine", "import_app": "errors-acr/import_app"},
                       notebook=NOTEBOOK)
    published = acr.publish(lab, acr.RegistryLogin("unused", "unused", "unused"))
    assert published == {"image": lab.config.app_image, "source": "mcr.microsoft.com/azuredocs/aci-helloworld:latest",
                         "how": "import"}
    out = capsys.readouterr().out
    assert "No Docker engine answers" in out and "hello-world" in out
    assert "az acr import --name acrstudentk7q2 --source mcr.microsoft.com/azuredocs/aci-helloworld:latest " \
           "--image aks-workbook-app:v1 --force" in out


def test_no_docker_engine_error_says_what_to_do(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(images.NoDockerEngine) as caught:
        images.connect_docker(timeout=2)
    assert isinstance(caught.value, LabError)
    assert "begin_import_image" in caught.value.fix and "Docker Desktop" in caught.value.fix


def test_a_refused_login_is_replayed_with_its_fix(scenario_lab, capsys):
    lab = scenario_lab({"push": "errors-acr/login_refused"}, notebook=NOTEBOOK)
    with pytest.raises(LabError) as caught:
        acr.push(lab, acr.RegistryLogin(lab.config.login_server, "acrstudentk7q2", "not-the-password"))
    assert "refused the user name or password" in caught.value.problem
    assert caught.value.fix == images.LOGIN_FIX
    assert "not-the-password" not in capsys.readouterr().out + str(caught.value)


def test_a_denied_push_is_replayed_with_its_fix(scenario_lab):
    lab = scenario_lab({"push": "errors-acr/push_denied"}, notebook=NOTEBOOK)
    with pytest.raises(LabError) as caught:
        acr.push(lab, acr.RegistryLogin(lab.config.login_server, "acrstudentk7q2", "x"))
    assert "refused the push" in caught.value.problem and "denied" in caught.value.problem
    assert caught.value.fix == images.PUSH_DENIED_FIX


def test_build_log_text_keeps_the_last_lines_only():
    log = ui.Log("docker build")
    for n in range(30):
        log.add(f"line {n}")
    text = repr(log)
    assert text.splitlines()[0] == "docker build (30 lines; the last 8):"
    assert "… 22 earlier lines" in text and "line 29" in text and "line 21" not in text
    assert "line 0" in log._repr_html_()  # the HTML keeps all of it, scrolled to the end


def test_layer_progress_keeps_the_size_after_the_upload():
    layers = ui.Layers("docker push")
    layers.add({"layer": "abc", "status": "Pushing", "current": 2560, "total": 750})  # docker overshoots
    layers.add({"layer": "abc", "status": "Pushed", "current": None, "total": None})
    assert repr(layers).splitlines()[1].split() == ["abc", "Pushed", "750", "B"]
    assert "value='750' max='750'" in layers._repr_html_()


def test_recordings_deserialize_with_the_sdk_models():
    from azure.mgmt.containerregistry.models import Registry, RegistryListCredentialsResult

    steps = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (RECORDINGS / NOTEBOOK).glob("*.json")}
    created = Registry(steps["create_registry"]["Entries"][-1]["ResponseBody"])
    assert (created.sku.name, created.admin_user_enabled, created.login_server) == \
           ("Basic", True, "acrstudentk7q2.azurecr.io")
    creds = RegistryListCredentialsResult(steps["credentials"]["Entries"][0]["ResponseBody"])
    assert [p.value for p in creds.passwords] == ["REDACTED", "REDACTED"]


def test_import_labkit_acr_stays_light():
    code = ("import sys, labkit.acr; heavy = [m for m in ('docker', 'requests', 'azure.core', 'ipywidgets') "
            "if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, encoding="utf-8")
    assert done.stdout.strip() == "[]"


class _NoRegistry:
    """The registries API of a subscription where 03-publish-acr never ran: every registry is missing."""

    def list_credentials(self, group, name):
        from azure.core.exceptions import ResourceNotFoundError

        raise ResourceNotFoundError(f"The Resource 'Microsoft.ContainerRegistry/registries/{name}' under resource "
                                    f"group '{group}' was not found.")


def test_live_a_notebook_run_before_03_says_to_run_03_first(capsys):
    from types import SimpleNamespace

    from labkit.config import LabConfig

    lab = SimpleNamespace(policy=Policy.of(Mode.LIVE), config=LabConfig(), acr=SimpleNamespace(registries=_NoRegistry()))
    with pytest.raises(LabError) as err:
        acr.pull_credentials(lab)
    assert "does not exist yet" in err.value.problem and "run 03-publish-acr first" in err.value.fix
    assert "⛔ Your registry acrstudentk7q2 does not exist yet" in capsys.readouterr().out


def test_replay_says_the_recorded_lab_had_run_03_first(capsys):
    lab = open_lab("04-run-aci", prefix="zoe")
    with lab.step("create"):
        acr.pull_credentials(lab)
    assert "Replay shows the recorded lab, which had run 03 first; live, run 03-publish-acr" in capsys.readouterr().out
