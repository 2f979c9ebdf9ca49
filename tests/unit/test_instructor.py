"""The instructor's tools: preflight, class provision / deprovision / status (labkit/instructor).

Replay: the CLI against recordings/instructor-* (a recorded class of three learners). Live and record: the
SDK's own requests against the loopback ARM stand-in serving real-traffic corpus cases, then the written
recording replayed with the stand-in gone (tests/unit/test_corpus.py's harness). And the whole workbook's
recorded calls, checked to stay inside the learner's resource group.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import labkit
from labkit import cli, costs, status as learner_status
from labkit.config import LabConfig, Provisioned
from labkit.errors import LabError
from labkit.instructor import preflight, provision, roster, status
from tests.unit.test_corpus import arm, make_lab, roundtrip, slept  # noqa: F401  (the stand-in's fixtures)

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
CLASS = "aks-2026-11"


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


# -- preflight ------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_preflight_for_30_learners_finds_the_quota_short_and_says_what_to_request(capsys):
    code, out = run_cli(capsys, "preflight", "--learners", "30", "--region", "eastus")
    assert code == 1
    # 30 learners × 3 nodes at peak × 2 vCPUs = 180; the recorded region has 9 of 100 regional vCPUs used
    assert "⛔ vCPU quota 'Total Regional vCPUs' in eastus" in out and "91 free of 100 (9 used); the class needs 180" in out
    assert "--resource-name cores" in out and "--limit-object value=189" in out
    assert "--resource-name standardDSv5Family" in out and "--limit-object value=180" in out
    assert "✅ Node size Standard_D2s_v5 in eastus" in out and "✅ Microsoft.ContainerInstance registered" in out
    # eastus2 has room; westus3 restricts the size, swedencentral has no Container Instances
    assert "The class fits in: eastus2." in out and "move the class to eastus2" in out


@pytest.mark.unit
def test_preflight_passes_when_the_class_fits_and_prices_the_session(capsys):
    code, out = run_cli(capsys, "preflight", "--learners", "10", "--region", "eastus", "--hours", "2")
    assert code == 0 and "⛔" not in out and "✅ Ready." in out
    each = sum(usd for *_, usd in costs.lab_estimate("Standard_D2s_v5", 2.0))
    assert f"≈ ${10 * each:.2f} for 10 learners" in out


@pytest.mark.unit
def test_a_size_restricted_for_the_subscription_shows_the_reason_and_a_size_that_passes(capsys):
    lab = labkit.open_lab("instructor-preflight")
    lab.config = dataclasses.replace(lab.config, vm_size="Standard_D2as_v5")
    checks, fit = preflight.preflight(lab, 10)
    size = next(c for c in checks if c.name.startswith("Node size"))
    assert not size.ok
    assert size.found == "Standard_D2as_v5 is restricted for this subscription in eastus (NotAvailableForSubscription)"
    assert size.fix == "use --vm-size Standard_D2s_v5"
    assert fit == ["eastus2"]


@pytest.mark.unit
def test_vcpus_needed_count_every_peak_node():
    assert preflight.vcpus_needed(30, "Standard_D2s_v5") == 180
    assert preflight.vcpus_needed(1, "Standard_D4s_v5") == 12


# -- provision / deprovision ----------------------------------------------------------------------------------
@pytest.mark.unit
def test_provision_is_a_dry_run_without_yes(capsys, tmp_path):
    out_dir = tmp_path / "class"
    code, out = run_cli(capsys, "class", "provision", "--roster", "any.csv", "--class", CLASS, "--region", "eastus",
                        "--out", str(out_dir))
    assert "rg-aks26s01-a1b2         would create (dry run)" in out and "Dry run: nothing was created" in out
    assert not out_dir.exists()
    assert code == 1  # the third learner's group exists and is another class's: refused


@pytest.mark.unit
def test_provision_creates_tagged_groups_gives_contributor_and_writes_what_each_lab_loads(capsys, tmp_path,
                                                                                          monkeypatch):
    out_dir = tmp_path / "class"
    code, out = run_cli(capsys, "class", "provision", "--roster", "any.csv", "--class", CLASS, "--region", "eastus",
                        "--out", str(out_dir), "--yes")
    assert "aks26s01     rg-aks26s01-a1b2         created · Contributor on the group" in out
    assert "aks26s03     rg-aks26s03-e5f6         refused · exists, not tagged for this class: left alone" in out
    assert code == 1
    settings = out_dir / "aks26s01" / "learner.json"
    assert not (out_dir / "aks26s03").exists()
    if os.name == "posix":
        assert settings.stat().st_mode & 0o777 == 0o600
    # the learner's lab, loading that file, names exactly the group it was given
    monkeypatch.setenv("LABKIT_HOME", str(settings.parent))
    config = LabConfig.resolve(notebook="02-deploy-aks", mode="live")
    assert (config.resource_group, config.region, config.prefix) == ("rg-aks26s01-a1b2", "eastus", "aks26s01")
    # ... and knows the group is its instructor's: it checks it, never writes it
    assert config.provisioned == Provisioned("rg-aks26s01-a1b2", CLASS)
    assert json.loads(settings.read_text(encoding="utf-8"))["provisioned"] == {"resource_group": "rg-aks26s01-a1b2",
                                                                               "class": CLASS}
    listed = json.loads((out_dir / "class.json").read_text(encoding="utf-8"))
    assert [s["suffix"] for s in listed["learners"]] == ["a1b2", "c3d4", "e5f6"]


@pytest.mark.unit
def test_a_second_run_keeps_each_learners_suffix(tmp_path):
    (tmp_path / provision.CLASS_FILE).write_text(json.dumps({"class": CLASS, "learners": [
        {"prefix": "ana", "suffix": "q1w2"}]}), encoding="utf-8")
    lab = labkit.open_lab("instructor-provision")
    taken = provision.seats(lab, [roster.Learner("ana", "00000000-0000-0000-0000-000000000201")], days=1,
                            known=provision.known_suffixes(tmp_path))
    assert taken[0].config.resource_group == "rg-ana-q1w2"


@pytest.mark.unit
def test_a_sign_in_name_is_looked_up_and_an_object_id_is_used_as_it_is(monkeypatch):
    asked = []
    monkeypatch.setattr(provision, "graph_user_id", lambda lab, upn: asked.append(upn) or "00000000-0000-0000-0000-000000000299")
    lab = labkit.open_lab("instructor-provision")
    learners = [roster.Learner("aks26s01", "ana@school.example", "a1b2"),
                roster.Learner("aks26s02", "00000000-0000-0000-0000-000000000202", "c3d4")]
    taken = provision.provision(lab, learners, CLASS)
    assert asked == ["ana@school.example"]
    assert [s.principal for s in taken] == ["00000000-0000-0000-0000-000000000299", "00000000-0000-0000-0000-000000000202"]


@pytest.mark.unit
def test_deprovision_selects_only_this_class_and_deletes_only_with_yes(capsys):
    code, out = run_cli(capsys, "class", "deprovision", "--class", CLASS)
    assert code == 0 and "2 resource group(s) tagged course=aks-workbook and class=aks-2026-11" in out
    assert "rg-aks26s03-e5f6" not in out and "MC_" not in out and "Dry run: nothing was deleted" in out
    code, out = run_cli(capsys, "class", "deprovision", "--class", CLASS, "--yes")
    assert code == 0 and out.count(" deleted\n") == 2 and "rg-aks26s03-e5f6" not in out


@pytest.mark.unit
@pytest.mark.parametrize("tags, name, ok", [
    ({"course": "aks-workbook", "class": CLASS, "lab": "rg-a-b1c2"}, "rg-a-b1c2", True),
    ({"course": "aks-workbook", "class": CLASS, "lab": "RG-A-B1C2"}, "rg-a-b1c2", True),  # Azure ignores case
    ({"course": "aks-workbook", "class": "aks-2026-10", "lab": "rg-a-b1c2"}, "rg-a-b1c2", False),
    ({"course": "aks-workbook", "class": CLASS}, "rg-a-b1c2", False),
    ({"course": "aks-workbook", "class": CLASS, "lab": "rg-other-b1c2"}, "rg-a-b1c2", False),
    ({"class": CLASS, "lab": "rg-a-b1c2"}, "rg-a-b1c2", False),
])
def test_only_groups_tagged_for_the_class_may_be_changed(tags, name, ok):
    assert provision.tagged_for(tags, name, CLASS) is ok


@pytest.mark.unit
def test_a_class_name_is_checked():
    with pytest.raises(LabError):
        provision.check_class("two words")


# -- roster -----------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_roster_reads_header_comments_and_optional_suffix(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("prefix,user\n# seat 1\naks26s01, ana@school.example\n\naks26s02,"
                    "00000000-0000-0000-0000-000000000202,c3d4\n", encoding="utf-8")
    assert roster.read_roster(path) == [roster.Learner("aks26s01", "ana@school.example"),
                                        roster.Learner("aks26s02", "00000000-0000-0000-0000-000000000202", "c3d4")]


@pytest.mark.unit
@pytest.mark.parametrize("text, said", [
    ("Aks,ana@school.example\n", "Roster line 1"),
    ("ana,ana@school.example\nana,bo@school.example\n", "listed twice"),
    ("ana,somebody\n", "neither an Entra ID object id nor a sign-in name"),
    ("ana\n", "1 columns"),
    ("prefix,user\n", "lists no learner"),
])
def test_roster_refuses_what_azure_would_refuse_naming_the_line(tmp_path, text, said):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabError) as err:
        roster.read_roster(path)
    assert said in err.value.problem


# -- status -------------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_class_status_shows_each_lab_and_the_forgotten_one_stands_out(capsys, tmp_path):
    page = tmp_path / "class.html"
    code, out = run_cli(capsys, "class", "status", "--class", CLASS, "--html", str(page))
    assert code == 1  # one lab is forgotten
    rows = [line for line in out.splitlines() if "rg-aks26s0" in line]
    assert len(rows) == 2 and rows[0].startswith("  aks26s01") and rows[1].startswith("⚠ aks26s02")
    assert "aks-aks26s01-a1b2: running, 2 nodes" in rows[0] and "1 Service public IP" in rows[0]
    # cluster 09:05→15:00 with 2 × D2s_v5 (+ OS disks, egress), registry one day, the Service's IP since 13:41
    cluster = (2 * (costs.table().node_per_hour["Standard_D2s_v5"] + costs.table().os_disk_per_month["P10"] / costs.HOURS_PER_MONTH)
               + costs.table().standard_lb_per_hour + costs.table().public_ip_per_hour) * (5 + 55 / 60)
    expected = cluster + costs.table().acr_basic_per_day + costs.table().public_ip_per_hour * (1 + 19 / 60)
    assert f"${expected:.2f}" in rows[0]
    assert "aks-aks26s02-c3d4: stopped" in rows[1] and "past expiry (2026-11-28)" in rows[1]
    assert "aci-aks26s02-c3d4 running, no change for 70 h" in rows[1]  # the newest change: 27th, 16:30
    html = page.read_text(encoding="utf-8")
    assert html.count("<tr class='forgotten'>") == 1 and html.count("<tr class='ok'>") == 1
    assert re.search(r"<tr class='forgotten'><td>aks26s02</td>", html)


@pytest.mark.unit
def test_status_of_the_whole_course_includes_every_class(capsys):
    code, out = run_cli(capsys, "class", "status")
    assert "3 lab(s), 1 forgotten" in out and "rg-aks26s03-e5f6" in out


@pytest.mark.unit
def test_html_page_escapes_what_azure_sent():
    row = status.LabStatus("rg-<b>", "<script>x</script>", "2026-11-30", forgotten=["past expiry"])
    page = status.html_page([row], "Class <x>")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<tr class='forgotten'>" in page


# -- live and record paths against real captured traffic ------------------------------------------------------
def _region_step(lab):
    checks = preflight.check_region_fit(lab, "eastus", "Standard_D2s_v5", 30)
    print(preflight.table(checks))
    return checks


@pytest.mark.unit
def test_region_checks_against_real_usages_and_sku_listing(tmp_path, capsys, slept):
    checks, out, server = roundtrip(_region_step, ["compute/usages_list", "compute/skus_region"], tmp_path, capsys)
    assert server.unused == []
    assert "⛔ Node size Standard_D2s_v5 in eastus" in out and "Standard_D2s_v5 is not offered in eastus" in out
    cores = next(c for c in checks if "Total Regional vCPUs" in c.name)
    assert not cores.ok and cores.found == "91 free of 100 (9 used); the class needs 180"


def _provision_step(lab):
    learner = roster.Learner("student", "00000000-0000-0000-0000-000000000201", "k7q2")
    taken = provision.provision(lab, [learner], CLASS, yes=True)
    print(f"{taken[0].config.resource_group}: {taken[0].group} · {taken[0].role}")
    return taken


@pytest.mark.unit
def test_provision_against_real_traffic_creates_the_group_and_the_role(tmp_path, capsys, slept, monkeypatch):
    monkeypatch.setattr(provision, "role_assignment_name", lambda: "00000000-0000-0000-0000-000000000101")
    taken, out, server = roundtrip(_provision_step, ["resources/group_gone", "resources/group_create",
                                                     "authorization/role_assignment_create"], tmp_path, capsys)
    assert server.unused == [] and "rg-student-k7q2: created · Contributor on the group" in out
    recorded = json.loads((tmp_path / "recordings" / "corpus" / "create_groups.json").read_text(encoding="utf-8"))
    put = next(e for e in recorded["Entries"] if e["RequestMethod"] == "PUT")
    assert put["RequestBody"]["tags"]["class"] == CLASS and put["RequestBody"]["tags"]["lab"] == "rg-student-k7q2"
    role = json.loads((tmp_path / "recordings" / "corpus" / "assign_roles.json").read_text(encoding="utf-8"))["Entries"][0]
    assert "/providers/Microsoft.Authorization/roleDefinitions/" in role["RequestBody"]["properties"]["roleDefinitionId"]
    assert role["RequestBody"]["properties"]["principalId"] == "00000000-0000-0000-0000-000000000201"
    assert urlsplit(role["RequestUri"]).path.lower().startswith(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-student-k7q2/")


@pytest.mark.unit
def test_the_role_is_contributor_on_the_group_and_an_existing_one_counts_as_done(monkeypatch):
    from azure.core.exceptions import ResourceExistsError

    asked = []

    class Roles:
        def create(self, scope, name, parameters):
            asked.append((scope, parameters))
            raise ResourceExistsError("RoleAssignmentExists")

    monkeypatch.setattr(provision, "authorization", lambda lab: type("C", (), {"role_assignments": Roles()})())
    lab = labkit.open_lab("instructor-provision")
    taken = provision.provision(lab, [roster.Learner("aks26s01", "00000000-0000-0000-0000-000000000201", "a1b2")],
                                CLASS, yes=True)
    assert taken[0].role == "Contributor on the group (already)"
    scope, parameters = asked[0]
    assert scope == "subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks26s01-a1b2"
    assert parameters.role_definition_id == ("/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
                                             "Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c")
    assert (parameters.principal_id, parameters.principal_type) == ("00000000-0000-0000-0000-000000000201", "User")


# -- a provisioned learner's workbook stays inside their group ----------------------------------------------------
GROUP = re.compile(r"/subscriptions/[^/]+/resourcegroups/(rg-student-k7q2|mc_rg-student-k7q2_[^/]+)(/|$)")
READ_ACTIONS = ("/checknameavailability", "/listcredentials", "/listclusterusercredential")
# The one write outside the group a learner's own lab makes (the recorded lab was not provisioned): registering a
# provider, a subscription write. A provisioned learner's lab leaves it to the instructor.
LEFT_TO_THE_INSTRUCTOR = {("00-setup/register_providers", "POST", "/providers/microsoft.containerinstance/register")}
# The steps a provisioned learner's lab runs differently, and the recordings of how it runs them (read, not write).
PROVISIONED_STEPS = {"00-setup/register_providers": "errors-setup/providers_registered",
                     "00-setup/start_cluster": "errors-setup/start_cluster_given_group",
                     "03-publish-acr/create_registry": "errors-setup/create_registry_given_group"}
THE_GROUP = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-student-k7q2"


def _recorded_calls(replaced: dict | None = None):
    for path in sorted(RECORDINGS.glob("[0-9][0-9]-*/*.json")):
        step = f"{path.parent.name}/{path.stem}"
        source = RECORDINGS / f"{(replaced or {}).get(step, step)}.json"
        for e in json.loads(source.read_text(encoding="utf-8")).get("Entries", []):
            yield step, e["RequestMethod"], urlsplit(e["RequestUri"]).path.lower()


def _writes_outside(calls) -> set:
    return {(step, method, path.split("/subscriptions/00000000-0000-0000-0000-000000000000")[-1])
            for step, method, path in calls
            if not GROUP.match(path) and method not in ("GET", "HEAD") and not path.endswith(READ_ACTIONS)}


@pytest.mark.unit
def test_the_workbooks_calls_stay_inside_the_learners_group_apart_from_reads():
    calls = list(_recorded_calls())
    assert len(calls) > 50
    assert _writes_outside(calls) == LEFT_TO_THE_INSTRUCTOR  # the learner's own lab: it registers a provider
    node_group = [path for _, _, path in calls if "/resourcegroups/mc_" in path]
    inside = [path for _, method, path in calls if method not in ("GET", "HEAD") and GROUP.match(path)]
    assert inside and all(GROUP.match(p) for p in node_group)


@pytest.mark.unit
def test_a_provisioned_learners_workbook_writes_nothing_outside_the_group_and_never_the_group_itself():
    calls = list(_recorded_calls(PROVISIONED_STEPS))
    assert len(calls) > 50
    assert _writes_outside(calls) == set()
    assert [(step, method) for step, method, path in calls if path == THE_GROUP and method in ("PUT", "PATCH")] == []
    # the learner's own lab, by contrast, writes the group in 00 and 03 (and so would drop the class tag)
    own = {(step, method) for step, method, path in _recorded_calls() if path == THE_GROUP and method == "PUT"}
    assert own == {("00-setup/start_cluster", "PUT"), ("03-publish-acr/create_registry", "PUT")}


def provisioned_lab(tmp_path, notebook: str, **steps):
    """A replay lab of the recorded learner, provisioned for the class, whose steps replay errors-setup scenarios."""
    from labkit.identity import ReplayCredential
    from labkit.lab import Lab
    from labkit.recording.recorder import Recorder

    root = tmp_path / "recordings"
    (root / notebook).mkdir(parents=True)
    for step, scenario in steps.items():
        shutil.copy(RECORDINGS / "errors-setup" / f"{scenario}.json", root / notebook / f"{step}.json")
    config = LabConfig(provisioned=Provisioned("rg-student-k7q2", CLASS))
    return Lab(notebook, config, Recorder("replay", notebook, root=root), ReplayCredential(),
               "00000000-0000-0000-0000-000000000000")


@pytest.mark.unit
def test_a_provisioned_learner_reads_the_providers_and_never_registers_one(tmp_path, capsys):
    from labkit import setup

    lab = provisioned_lab(tmp_path, "00-setup", register_providers="providers_registered")
    assert setup.register_providers(lab) == dict.fromkeys(setup.PROVIDERS, "Registered")
    out = capsys.readouterr().out
    assert out.count("(registered by your instructor)") == 3 and "⛔" not in out


@pytest.mark.unit
def test_a_provider_the_instructor_did_not_register_sends_the_learner_to_them(tmp_path, capsys):
    from labkit import setup

    lab = provisioned_lab(tmp_path, "00-setup", register_providers="providers_unregistered")
    assert setup.register_providers(lab)["Microsoft.ContainerInstance"] == "NotRegistered"
    out = capsys.readouterr().out  # no wait and no POST: the scenario holds none, replay would refuse one
    assert "⛔ Microsoft.ContainerInstance: NotRegistered" in out and "ask your instructor to register it" in out


@pytest.mark.unit
def test_a_provisioned_learners_cluster_goes_into_the_given_group_unwritten(tmp_path, capsys):
    from labkit import aks

    lab = provisioned_lab(tmp_path, "00-setup", start_cluster="start_cluster_given_group")
    aks.start_cluster(lab)  # a PUT of the group would find no answer in the scenario: NoRecordingError
    out = capsys.readouterr().out
    assert "Resource group rg-student-k7q2 in eastus, made by your instructor for class aks-2026-11" in out
    assert "az group create" not in out and "creation of aks-student-k7q2 started" in out


@pytest.mark.unit
def test_a_missing_given_group_stops_with_ask_your_instructor(tmp_path, capsys):
    from labkit import aks

    lab = provisioned_lab(tmp_path, "00-setup", start_cluster="start_cluster_group_missing")
    with pytest.raises(LabError) as err:
        aks.start_cluster(lab)
    assert "rg-student-k7q2 does not exist" in err.value.problem and "ask your instructor" in err.value.fix
    assert "⛔ Your resource group rg-student-k7q2 does not exist" in capsys.readouterr().out


@pytest.mark.unit
def test_a_provisioned_learners_registry_goes_into_the_given_group_unwritten(tmp_path, capsys):
    from labkit import acr

    lab = provisioned_lab(tmp_path, "03-publish-acr", create_registry="create_registry_given_group")
    registry = acr.create_registry(lab)
    assert registry.login_server == "acrstudentk7q2.azurecr.io"
    assert "made by your instructor for class aks-2026-11" in capsys.readouterr().out


@pytest.mark.unit
def test_the_learners_own_lab_would_write_the_group_the_provisioned_scenario_reads(tmp_path):
    from labkit import aks
    from labkit.errors import NoRecordingError

    lab = provisioned_lab(tmp_path, "00-setup", start_cluster="start_cluster_given_group")
    lab.config = dataclasses.replace(lab.config, provisioned=None)
    with pytest.raises(NoRecordingError):  # its PUT of the group has no answer there: the scenario holds no write
        aks.start_cluster(lab)


# -- the class JupyterHub's values ------------------------------------------------------------------------------
HUB = ROOT / "deploy" / "jupyterhub"
CHART_VERSION = "4.4.0"


def _obj(**properties) -> dict:
    """An object of the chart's schema: only the named keys (the chart sets additionalProperties: false)."""
    return {"type": "object", "additionalProperties": False, "properties": properties}


BOOL, INT, TEXT, NUM = {"type": "boolean"}, {"type": "integer"}, {"type": "string"}, {"type": ["number", "string"]}
# The part of the chart's values.schema.yaml (jupyterhub/zero-to-jupyterhub-k8s, jupyterhub/values.schema.yaml at
# commit 02dd73df01bdbb6d602fed21b0be12565ab38080) that config.yaml uses, transcribed key by key with the chart's
# types; objects refuse keys the chart does not know, as the chart's schema does. Not the whole schema.
CHART_SCHEMA = _obj(
    hub=_obj(config={"type": "object", "additionalProperties": True}),
    singleuser=_obj(
        image=_obj(name=TEXT, tag=TEXT, pullPolicy={"enum": [None, "", "IfNotPresent", "Always", "Never"]}),
        defaultUrl=TEXT, extraEnv={"type": "object"}, startTimeout=INT,
        profileList={"type": "array", "items": {"type": "object", "required": ["display_name"]}},
        cpu=_obj(limit=NUM, guarantee=NUM), memory=_obj(limit=NUM, guarantee=NUM),
        storage=_obj(type={"enum": ["dynamic", "static", "none"]}, capacity=TEXT, homeMountPath=TEXT),
        cloudMetadata=_obj(blockWithIptables=BOOL, ip=TEXT),
        networkPolicy=_obj(enabled=BOOL, egressAllowRules=_obj(
            cloudMetadataServer=BOOL, dnsPortsCloudMetadataServer=BOOL, dnsPortsKubeSystemNamespace=BOOL,
            dnsPortsPrivateIPs=BOOL, nonPrivateIPs=BOOL, privateIPs=BOOL))),
    cull=_obj(enabled=BOOL, timeout=INT, every=INT),
    scheduling=_obj(userScheduler=_obj(enabled=BOOL), podPriority=_obj(enabled=BOOL),
                    userPlaceholder=_obj(enabled=BOOL, replicas=INT),
                    userPods=_obj(nodeAffinity=_obj(matchNodePurpose={"enum": ["ignore", "prefer", "require"]}))),
    prePuller=_obj(hook=_obj(enabled=BOOL), continuous=_obj(enabled=BOOL)),
    proxy=_obj(service=_obj(type={"enum": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]}),
               https=_obj(enabled=BOOL, hosts={"type": "array", "items": TEXT},
                          letsencrypt=_obj(contactEmail=TEXT))),
)


def _hub_values() -> dict:
    import yaml

    return yaml.safe_load((HUB / "config.yaml").read_text(encoding="utf-8"))


@pytest.mark.unit
def test_hub_values_follow_the_charts_schema():
    import jsonschema

    jsonschema.validate(_hub_values(), CHART_SCHEMA)
    broken = _hub_values()
    broken["singleuser"]["networkPolicy"]["egressAllowRules"]["metadata"] = False  # a key the chart does not know
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, CHART_SCHEMA)


@pytest.mark.unit
def test_hub_servers_start_in_the_home_folder_on_the_learners_volume():
    values = _hub_values()
    home = values["singleuser"]["storage"]["homeMountPath"]
    spawner = values["hub"]["config"]["KubeSpawner"]
    assert values["singleuser"]["storage"]["type"] == "dynamic"
    assert spawner["working_dir"] == home and spawner["notebook_dir"] == home
    # nbgitpuller clones into the server's folder: the link's folder is then inside the volume
    readme = (HUB / "README.md").read_text(encoding="utf-8")
    assert "urlpath=lab/tree/aks-workbook/notebooks/00-setup.ipynb" in readme


@pytest.mark.unit
def test_hub_keeps_the_nodes_managed_identity_out_of_reach_and_shares_no_credential():
    single = _hub_values()["singleuser"]
    assert single["cloudMetadata"] == {"blockWithIptables": True, "ip": "169.254.169.254"}
    rules = single["networkPolicy"]["egressAllowRules"]
    assert single["networkPolicy"]["enabled"] is True
    assert rules["cloudMetadataServer"] is False and rules["dnsPortsCloudMetadataServer"] is False
    assert rules["nonPrivateIPs"] is True  # Entra ID's device-code sign-in and Azure Resource Manager
    live = [p for p in single["profileList"] if p.get("kubespawner_override", {}).get("environment")]
    assert [p["kubespawner_override"]["environment"] for p in live] == [{"LABKIT_MODE": "live"}]
    def keys(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield str(key)
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    shared = [k for k in keys(_hub_values()) if re.search(r"secret|password|^AZURE_", k, re.IGNORECASE)]
    assert shared == []


@pytest.mark.unit
def test_hub_chart_version_is_pinned_in_the_values_and_the_install_command():
    assert f"version {CHART_VERSION}" in (HUB / "config.yaml").read_text(encoding="utf-8")
    readme = (HUB / "README.md").read_text(encoding="utf-8")
    assert f"--version {CHART_VERSION} \\" in readme and "<chart-version>" not in readme


@pytest.mark.unit
def test_the_guides_instructor_commands_parse_and_come_in_the_classs_order():
    import shlex

    text = (ROOT / "docs" / "instructor.md").read_text(encoding="utf-8")
    commands = [m.group(1).strip() for m in re.finditer(r"(labkit (?:preflight|class [a-z]+) --[^`#\n]*)", text)]
    assert len(commands) >= 8
    for command in commands:
        cli._parser().parse_args(shlex.split(command)[1:])  # SystemExit (a failure) if the guide drifted
    order = [text.index(heading) for heading in ("### 1. Preflight", "### 3. Provision", "### 4. Smoke-test",
                                                 "### Class status", "## After class: sweep")]
    assert order == sorted(order)


@pytest.mark.unit
def test_a_learners_cost_cell_shows_their_own_lab_as_the_instructor_sees_it(tmp_path, capsys):
    from labkit.identity import ReplayCredential
    from labkit.lab import Lab
    from labkit.recording.recorder import Recorder

    root = tmp_path / "recordings"
    (root / "notebook").mkdir(parents=True)
    shutil.copy(RECORDINGS / "instructor-status" / "class_status.json", root / "notebook" / "show_lab_status.json")
    config = LabConfig(prefix="aks26s01", suffix="a1b2")
    lab = Lab("notebook", config, Recorder("replay", "notebook", root=root), ReplayCredential(),
              "00000000-0000-0000-0000-000000000000")
    mine = learner_status.show_lab_status(lab)
    assert [s.group for s in mine] == ["rg-aks26s01-a1b2"] and not mine[0].forgotten
    out = capsys.readouterr().out
    assert "Your lab in Azure now (rg-aks26s01-a1b2)" in out and "aks-aks26s01-a1b2: running, 2 nodes" in out
    assert "aks26s02" not in out


# -- every notebook's cost section: what is in Azure now, for this lab --------------------------------------------
NOTEBOOKS = ROOT / "notebooks"
# The hours a lab's cluster costs while it runs, by the price table: 1 node of the recorded size with its OS disk,
# the egress load balancer and public IP.
CLUSTER_HOUR = (costs.table().node_per_hour["Standard_D2s_v5"] + costs.table().os_disk_per_month["P10"] / costs.HOURS_PER_MONTH
                + costs.table().standard_lb_per_hour + costs.table().public_ip_per_hour)


def _code_cells(notebook: str) -> list[str]:
    import nbformat

    cells = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4).cells
    return [c.source for c in cells if c.cell_type == "code"]


@pytest.mark.unit
def test_every_notebook_with_a_cost_meter_shows_what_runs_now_just_after_it():
    with_meter = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")
                        if any("show_running_total" in c for c in _code_cells(p.stem)))
    assert with_meter == ["00-setup", "02-deploy-aks", "03-publish-acr", "04-run-aci", "05-run-on-aks", "99-cleanup"]
    for notebook in with_meter:
        code = _code_cells(notebook)
        meter = next(i for i, c in enumerate(code) if "show_running_total" in c)
        assert "status.show_lab_status(lab)" in code[meter + 1], notebook
        assert (RECORDINGS / notebook / "show_lab_status.json").is_file(), notebook


@pytest.mark.unit
@pytest.mark.parametrize("notebook, registry", [("00-setup", "none"), ("03-publish-acr", "acrstudentk7q2"),
                                               ("05-run-on-aks", "acrstudentk7q2")])
def test_the_cost_cell_replays_what_the_recorded_lab_had_then(notebook, registry, capsys):
    import datetime as dt

    lab = labkit.open_lab(notebook)
    (mine,) = learner_status.show_lab_status(lab)
    assert (mine.group, mine.cluster, mine.registry, mine.containers) == (
        "rg-student-k7q2", "aks-student-k7q2: running, 1 node", registry, "none")
    assert mine.load_balancer == "none" and not mine.forgotten  # the Service of 05 was removed before its meter
    clock = json.loads((RECORDINGS / notebook / "show_lab_status.json").read_text(encoding="utf-8"))["Calls"][0]["result"]
    ran = (dt.datetime.fromisoformat(clock) - dt.datetime(2026, 11, 29, 10, 0, 4, tzinfo=dt.timezone.utc))
    expected = CLUSTER_HOUR * ran.total_seconds() / 3600 + (costs.table().acr_basic_per_day if registry != "none" else 0)
    assert mine.cost == pytest.approx(expected)
    assert "Your lab in Azure now (rg-student-k7q2)" in capsys.readouterr().out


@pytest.mark.unit
def test_after_cleanup_the_cost_cell_finds_nothing_of_the_lab(capsys):
    assert learner_status.show_lab_status(labkit.open_lab("99-cleanup")) == []
    assert "Nothing of your lab is in Azure now" in capsys.readouterr().out


@pytest.mark.unit
def test_no_notebook_section_imports_the_instructors_tools():
    """labkit/instructor builds on the notebooks' modules (status, cleanup, costs), never the other way round."""
    importers = []
    for path in sorted((ROOT / "labkit").rglob("*.py")):
        if "instructor" in path.parts or path.name == "cli.py":  # cli.py adds the instructor's commands
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            importers += [path.name for name in names if name.startswith("labkit.instructor")]
    assert importers == []


@pytest.mark.unit
def test_the_cost_cell_shows_its_rows_once_not_again_as_the_cells_result(capsys):
    from IPython.core.formatters import DisplayFormatter

    rows = learner_status.show_lab_status(labkit.open_lab("03-publish-acr"))
    assert [s.group for s in rows] == ["rg-student-k7q2"]  # still a list for code that reads it
    assert DisplayFormatter().format(rows) == ({}, {})  # but no "Out[…]: [LabStatus(…)]" below the table
