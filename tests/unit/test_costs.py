"""The dated price table, estimates, live refresh (with a stand-in for the Retail Prices API), ledger and meter."""

import datetime as dt
from types import SimpleNamespace

import pytest

import labkit
from labkit import aci, costs
from labkit.config import LabConfig

UTC = dt.timezone.utc


@pytest.mark.unit
def test_table_is_dated_and_the_functions_setup_and_aks_use_still_add_up():
    assert dt.date.fromisoformat(costs.PRICES_DATE) and "prices.azure.com" in costs.PRICES_SOURCE
    assert costs.cluster_hour("Standard_B2s") == pytest.approx(0.042)
    assert costs.cluster_hour("Standard_B2s", nodes=2, tier="Standard") == pytest.approx(0.184)
    assert costs.node_hour("Standard_Unknown") == costs.NODE_PER_HOUR["Standard_D2s_v3"]
    assert costs.aci_hour() == pytest.approx(0.0405 + 1.5 * 0.00445)
    assert sum(usd for *_, usd in costs.lab_estimate()) == pytest.approx(0.042 + 0.015 + 0.167 + 0.5 * costs.aci_hour())
    rows = costs.estimate_table()
    assert rows[-2] == ("Total for the lab", "≈ $0.25") and costs.PRICES_DATE in rows[-1][1]


@pytest.mark.unit
def test_charge_bills_hours_and_started_days():
    start = dt.datetime(2026, 11, 29, 10, tzinfo=UTC)
    assert costs.charge({"per_hour": 0.1, "start": start.isoformat(), "end": None}, start + dt.timedelta(hours=3))[1] \
        == pytest.approx(0.3)
    day = {"per_day": 0.167, "start": start.isoformat(), "end": (start + dt.timedelta(hours=25)).isoformat()}
    assert costs.charge(day, None) == (pytest.approx(25), pytest.approx(2 * 0.167))


def fake_retail(items_by_meter):
    def fetch(url):
        for key, items in items_by_meter.items():
            if key in url:
                return {"Items": items}
        return {"Items": []}
    return fetch


def item(price, **extra):
    return {"retailPrice": price, "type": "Consumption", "unitOfMeasure": "1 Hour", "skuName": "B2s",
            "productName": "Virtual Machines BS Series", "meterName": "B2s", **extra}


@pytest.mark.unit
def test_refresh_takes_the_plain_linux_price_and_keeps_the_table_on_failure(monkeypatch):
    monkeypatch.setattr(costs, "NODE_PER_HOUR", dict(costs.NODE_PER_HOUR))
    monkeypatch.setattr(costs, "PRICES_DATE", costs.PRICES_DATE)
    monkeypatch.setattr(costs, "PRICES_SOURCE", costs.PRICES_SOURCE)
    monkeypatch.setattr(costs, "ACI_VCPU_PER_HOUR", costs.ACI_VCPU_PER_HOUR)
    monkeypatch.setattr(costs, "ACI_GB_PER_HOUR", costs.ACI_GB_PER_HOUR)
    fetch = fake_retail({"Standard_B2s": [item(0.0083, skuName="B2s Spot"), item(0.05, productName="BS Series Windows"),
                                          item(0.0416)],
                         "vCPU": [item(0.04, meterName="Standard vCPU Duration")],
                         "Memory": [item(0.0044, meterName="Standard Memory Duration")]})
    found = costs.refresh("westeurope", "Standard_B2s", fetch)
    assert found[("node", "Standard_B2s")] == 0.0416 and costs.node_hour("Standard_B2s") == 0.0416
    assert costs.aci_hour() == pytest.approx(0.04 + 1.5 * 0.0044) and "westeurope" in costs.PRICES_SOURCE

    def offline(url):
        raise OSError("no network")

    before = dict(costs.NODE_PER_HOUR)
    assert costs.refresh("eastus", "Standard_B2s", offline) == {} and costs.NODE_PER_HOUR == before


@pytest.mark.unit
def test_replay_never_asks_for_live_prices(monkeypatch):
    monkeypatch.setattr(costs, "refresh", lambda *a, **k: pytest.fail("replay refreshed prices"))
    costs.prices_for(labkit.open_lab("04-run-aci"))


@pytest.mark.unit
def test_the_clock_is_the_recorded_one_in_replay():
    lab = labkit.open_lab("04-run-aci")
    with lab.step("delete"):
        assert costs.now(lab) == dt.datetime(2026, 11, 29, 11, 14, tzinfo=UTC)


@pytest.mark.unit
def test_ledger_survives_a_kernel_restart_in_live_mode():
    lab = SimpleNamespace(mode="live", config=LabConfig(mode="live", prefix="alice", suffix="ab12"))
    costs.Ledger.of(lab).opened("/x/containergroups/aci", "ACI", "2026-11-29T10:00:00Z", per_hour=0.05)
    costs.Ledger.of(lab).closed("/X/containerGroups/aci", "2026-11-29T12:00:00Z")
    again = costs.Ledger.of(SimpleNamespace(mode="live", config=lab.config))  # a new session reads the file
    assert costs.charge(again.entries["/x/containergroups/aci"], None)[1] == pytest.approx(0.1)


@pytest.mark.unit
def test_running_total_after_notebook_04_counts_what_exists_and_what_was_deleted(capsys):
    lab = labkit.open_lab("04-run-aci")
    aci.create(lab)
    aci.delete(lab)
    costs.show_running_total(lab)
    out = capsys.readouterr().out
    cluster = (75 / 60 - 4 / 3600) * 0.042
    container = (12.5 / 60) * costs.aci_hour()
    assert f"≈ ${cluster + 0.167 + container:.2f} since the lab began (2026-11-29 10:00 UTC)" in out
    assert "AKS cluster aks-student-k7q2 (Free tier, 1 × Standard_B2s)  1.2 h, still running" in out
    assert "Container instance aci-student-k7q2 (1 vCPU / 1.5 GB)" in out and "deleted" in out
