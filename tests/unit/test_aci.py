"""Notebook 04's steps against the hand-built recordings: events, logs, the app's answer, errors with a fix."""

import http.server
import json
import re
import threading
import time
from pathlib import Path

import pytest

import labkit
from labkit import aci, costs
from labkit.errors import LabError
from tools.handbuilt.aci import page

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"


@pytest.mark.unit
def test_create_shows_estimate_az_command_and_the_events_in_order(capsys):
    lab = labkit.open_lab("04-run-aci")
    group = aci.create(lab)
    out = capsys.readouterr().out
    assert group.provisioning_state == "Succeeded" and group.containers[0].instance_view.current_state.state == "Running"
    assert "az container create --resource-group rg-student-k7q2 --name aci-student-k7q2" in out
    assert "--registry-login-server acrstudentk7q2.azurecr.io" in out and "--dns-name-label student-k7q2-app" in out
    assert "Before creating container group" in out and f"≈ ${costs.aci_hour():.4f} per hour" in out
    table = out[out.index("Events of aci-student-k7q2, oldest first"):]  # one output, not one per event
    positions = [table.index(f"✅ {name} ") for name in ("Pulling", "Pulled", "Created", "Started")]
    assert positions == sorted(positions) and "event Pulling" not in out
    assert "✅ Container group aci-student-k7q2 is Succeeded, container Running" in out


@pytest.mark.unit
def test_the_request_asks_for_what_the_lab_says():
    from azure.mgmt.containerinstance.models import ContainerGroup

    lab = labkit.open_lab("04-run-aci")
    body = aci.spec(lab.config, "acrstudentk7q2", "secret-value").serialize()
    props = body["properties"]
    assert props["osType"] == "Linux" and props["ipAddress"]["type"] == "Public"
    assert props["ipAddress"]["dnsNameLabel"] == "student-k7q2-app" and props["ipAddress"]["ports"][0]["port"] == 80
    assert props["containers"][0]["properties"]["resources"]["requests"] == {"cpu": 1.0, "memoryInGB": 1.5}
    assert props["imageRegistryCredentials"][0]["server"] == "acrstudentk7q2.azurecr.io"
    assert body["tags"]["course"] == "aks-workbook"
    recorded = json.loads((RECORDINGS / "04-run-aci" / "create.json").read_text(encoding="utf-8"))
    put = next(e for e in recorded["Entries"] if e["RequestMethod"] == "PUT")
    assert ContainerGroup.deserialize(put["RequestBody"]).containers[0].image == lab.config.app_image
    assert put["StatusCode"] == 201 and "Azure-AsyncOperation" in put["ResponseHeaders"]


@pytest.mark.unit
def test_the_whole_notebook_replays_without_sleeping_or_calling_out(monkeypatch, capsys):
    monkeypatch.setattr(time, "sleep", lambda s: pytest.fail(f"replay slept {s} s"))
    monkeypatch.setattr(aci, "fetch", lambda url: pytest.fail("replay called the app"))
    lab = labkit.open_lab("04-run-aci")
    aci.create(lab)
    assert "listening on port 80" in aci.logs(lab)
    assert aci.browse(lab) == {"app": "AKS workbook sample app", "version": "v1",
                               "host": "wk-caas-3f6c0e2b9d7a4c18-5e0d7b61a2c4"}
    assert aci.restart(lab).containers[0].instance_view.current_state.state == "Running"
    aci.delete(lab)
    out = capsys.readouterr().out
    assert "az container restart" in out and "az container delete" in out
    assert "✅ aci-student-k7q2 is gone (GET answers 404)" in out
    entry = costs.Ledger.of(lab).entries[lab.recorder.to_learner(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-student-k7q2/providers/"
        "microsoft.containerinstance/containergroups/aci-student-k7q2")]
    assert entry["end"] and costs.charge(entry, None)[0] == pytest.approx(12.5 / 60)


@pytest.mark.unit
def test_another_learner_sees_their_own_names(capsys):
    lab = labkit.open_lab("04-run-aci", prefix="erin", region="westeurope")
    group = aci.create(lab)
    assert group.name == lab.config.container_group and group.name.startswith("aci-erin-")
    assert group.ip_address.fqdn.startswith(lab.config.dns_label)
    assert "aci-student" not in capsys.readouterr().out


@pytest.mark.unit
@pytest.mark.parametrize("scenario, code, fix", [
    ("inaccessible_image", "InaccessibleImage", "admin user is enabled"),
    ("capacity", "ServiceUnavailable", "another region"),
    ("dns_label_taken", "DnsNameLabelAlreadyTaken", "change `prefix`"),
])
def test_azure_refusals_come_with_a_fix(scenario_lab, capsys, scenario, code, fix):
    with pytest.raises(LabError) as err:
        aci.create(scenario_lab({"create": f"errors-aci/{scenario}"}))
    assert code in err.value.problem and fix in err.value.fix
    assert f"⛔ Creating container group aci-student-k7q2 failed: {code}" in capsys.readouterr().out


@pytest.mark.unit
def test_a_pull_that_fails_after_the_create_shows_the_event_and_what_to_do(scenario_lab, capsys):
    with pytest.raises(LabError) as err:
        aci.create(scenario_lab({"create": "errors-aci/pull_failed"}))
    out = capsys.readouterr().out
    assert re.search(r"⛔ Failed +Failed to pull image", out) and "manifest unknown" in out
    assert "is Failed" in err.value.problem and "aci.delete(lab)" in err.value.fix


@pytest.mark.unit
def test_fetch_reads_the_app_page_from_a_local_server():
    body = page("v7", "host-1").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = aci.fetch(f"http://127.0.0.1:{server.server_port}/", tries=1)
    finally:
        server.shutdown()
    assert answer["status"] == 200
    assert aci.app_answer(answer["body"]) == {"app": "AKS workbook sample app", "version": "v7", "host": "host-1"}


@pytest.mark.unit
def test_fetch_gives_up_with_a_hint():
    with pytest.raises(LabError) as err:
        aci.fetch("http://127.0.0.1:9/", tries=2, wait=0)
    assert "did not answer" in err.value.problem and "run the cell again" in err.value.fix
