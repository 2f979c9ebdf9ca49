"""The dated price table, estimates, live refresh (with a stand-in for the Retail Prices API), ledger and meter."""

import datetime as dt
import math
from types import SimpleNamespace

import pytest

import labkit
from labkit import aci, costs
from labkit.costs import pricing
from labkit.config import LabConfig
from labkit.recording.mode import Policy

UTC = dt.timezone.utc


@pytest.mark.unit
def test_table_is_dated_and_the_functions_setup_and_aks_use_still_add_up():
    assert dt.date.fromisoformat(costs.DATED.date) and "prices.azure.com" in costs.DATED.source and "estimate" in costs.DATED.source
    disk = 19.71 / 730  # Premium SSD P10 (128 GiB), the managed OS disk of a 2-vCPU node
    egress = 0.025 + 0.005  # Standard load balancer (first five rules) + its outbound public IP, from minute one
    assert costs.cluster_hour("Standard_D2s_v5") == pytest.approx(0.096 + disk + egress)
    assert costs.cluster_hour("Standard_D2s_v5", nodes=2, tier="Standard") == pytest.approx(
        0.10 + 2 * (0.096 + disk) + egress)
    assert costs.cluster_hour("Standard_D2s_v5", tier="Premium") == pytest.approx(0.60 + 0.096 + disk + egress)
    assert math.isnan(costs.node_hour("Standard_D4s_v5"))  # not in the table: unknown, not another size's price
    assert costs.aci_hour() == pytest.approx(0.0405 + 1.5 * 0.00445)
    assert sum(usd for *_, usd in costs.lab_estimate()) == pytest.approx(
        0.096 + disk + egress + 0.5 * 0.005 + 0.167 + 0.5 * costs.aci_hour())
    rows = costs.estimate_table()
    assert rows[-2] == ("Total for the lab", "≈ $0.35") and costs.DATED.date in rows[-1][1]
    assert any("OS disk" in item for item, _ in rows) and any("load balancer" in item for item, _ in rows)


@pytest.mark.unit
def test_no_burstable_size_is_priced_or_proposed_for_the_system_pool():
    """AKS supports no B-series VM in a system pool: the lab neither defaults to one nor prices one."""
    assert LabConfig().vm_size == "Standard_D2s_v5" and LabConfig.resolve(mode="replay").vm_size == "Standard_D2s_v5"
    assert not [size for size in costs.DATED.node_per_hour if size.startswith("Standard_B")]
    assert costs.node_hour(LabConfig().vm_size) == 0.096


@pytest.mark.unit
def test_tiers_give_price_and_the_sla_with_and_without_zones():
    rows = dict(costs.tier_table())
    assert set(rows) == {"Free", "Standard", "Premium"}
    assert "none" in rows["Free"] and "$0.00/h" in rows["Free"]
    for tier, price in (("Standard", "$0.10/h"), ("Premium", "$0.60/h")):
        assert price in rows[tier] and "99.95 % with availability zones, 99.9 % without" in rows[tier]
    assert "long-term support" in rows["Premium"]


@pytest.mark.unit
def test_a_cluster_is_priced_from_what_azure_says_it_is():
    pool = SimpleNamespace(count=2, vm_size="Standard_D2s_v5", os_disk_size_gb=128, os_disk_type="Managed")
    ephemeral = SimpleNamespace(count=1, vm_size="Standard_D2as_v5", os_disk_size_gb=64, os_disk_type="Ephemeral")
    cluster = SimpleNamespace(sku=SimpleNamespace(tier="Standard"), agent_pool_profiles=[pool, ephemeral])
    assert costs.cluster_hour_of(cluster) == pytest.approx(0.10 + 2 * (0.096 + 19.71 / 730) + 0.086 + 0.030)
    big = SimpleNamespace(count=1, vm_size="Standard_D2s_v5", os_disk_size_gb=256, os_disk_type=None)
    assert costs.cluster_hour_of(SimpleNamespace(sku=None, agent_pool_profiles=[big])) == pytest.approx(
        0.096 + 38.01 / 730 + 0.030)


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
    monkeypatch.setattr(pricing, "_in_use", pricing.DATED)
    fetch = fake_retail({"Standard_D2s_v5": [item(0.02, skuName="D2s v5 Spot"),
                                             item(0.19, productName="Dsv5 Series Windows"), item(0.1)],
                         "vCPU": [item(0.04, meterName="Standard vCPU Duration")],
                         "Memory": [item(0.0044, meterName="Standard Memory Duration")],
                         "P10": [item(21.9, unitOfMeasure="1/Month", meterName="P10 LRS Disk")],
                         "LB%20Rules": [item(0.03, meterName="Standard Included LB Rules and Outbound Rules")],
                         "Static%20Public%20IP": [item(0.006, meterName="Standard IPv4 Static Public IP")]})
    fresh = costs.refresh("westeurope", "Standard_D2s_v5", fetch)
    assert costs.node_hour("Standard_D2s_v5") == 0.096  # a refreshed table is not in use until it is put there
    costs.use(fresh)
    assert costs.node_hour("Standard_D2s_v5") == 0.1 and costs.node_hour("Standard_D2as_v5") == 0.086
    assert costs.aci_hour() == pytest.approx(0.04 + 1.5 * 0.0044) and "westeurope" in costs.table().label
    assert costs.os_disk_hour() == pytest.approx(21.9 / 730) and costs.egress_hour() == pytest.approx(0.036)
    assert costs.table().load_balancer_per_hour == 0.006 and costs.table().date == costs.table().date
    assert costs.DATED.node_per_hour["Standard_D2s_v5"] == 0.096  # the dated table itself never changes
    with pytest.raises(TypeError):
        costs.DATED.node_per_hour["Standard_D2s_v5"] = 0.1  # type: ignore[index]

    def offline(url):
        raise OSError("no network")

    assert costs.refresh("eastus", "Standard_D2s_v5", offline) is costs.DATED


@pytest.mark.unit
def test_live_asks_for_prices_once_per_session_and_replay_never(monkeypatch):
    asked = []
    monkeypatch.setattr(pricing, "_in_use", pricing.DATED)
    monkeypatch.setattr(pricing, "_asked_live", False)
    monkeypatch.setattr(pricing, "refresh", lambda *a, **k: asked.append(a) or pricing.DATED)
    costs.prices_for(labkit.open_lab("04-run-aci"))
    assert asked == []
    live = SimpleNamespace(policy=Policy.of("live"), config=LabConfig(mode="live", region="westeurope"))
    costs.prices_for(live)
    costs.prices_for(live)
    assert asked == [("westeurope", "Standard_D2s_v5")]


@pytest.mark.unit
def test_the_clock_is_the_recorded_one_in_replay():
    lab = labkit.open_lab("04-run-aci")
    with lab.step("delete"):
        assert costs.now(lab) == dt.datetime(2026, 11, 29, 11, 14, tzinfo=UTC)


@pytest.mark.unit
def test_ledger_survives_a_kernel_restart_in_live_mode():
    lab = SimpleNamespace(policy=Policy.of("live"), config=LabConfig(mode="live", prefix="alice", suffix="ab12"))
    costs.Ledger.of(lab).opened("/x/containergroups/aci", "ACI", "2026-11-29T10:00:00Z", per_hour=0.05)
    costs.Ledger.of(lab).closed("/X/containerGroups/aci", "2026-11-29T12:00:00Z")
    again = costs.Ledger.of(SimpleNamespace(policy=lab.policy, config=lab.config))  # a new session reads the file
    assert costs.charge(again.entries["/x/containergroups/aci"], None)[1] == pytest.approx(0.1)


@pytest.mark.unit
def test_running_total_after_notebook_04_counts_what_exists_and_what_was_deleted(capsys):
    lab = labkit.open_lab("04-run-aci")
    aci.create(lab)
    aci.delete(lab)
    costs.show_running_total(lab)
    out = capsys.readouterr().out
    cluster = (75 / 60 - 4 / 3600) * costs.cluster_hour("Standard_D2s_v5")
    container = (12.5 / 60) * costs.aci_hour()
    assert f"≈ ${cluster + 0.167 + container:.2f} since the lab began (2026-11-29 10:00 UTC)" in out
    assert ("AKS cluster aks-student-k7q2 (Free tier, 1 × Standard_D2s_v5; OS disks, load balancer, public IP)  "
            "1.2 h, still running") in out
    assert "Container instance aci-student-k7q2 (1 vCPU / 1.5 GB)" in out and "deleted" in out


def meter_reading(notebook: str, capsys) -> tuple[float, str]:
    """The total the cost meter shows at the end of ``notebook``, replayed in a session of its own (a new kernel)."""
    costs.show_running_total(labkit.open_lab(notebook))
    out = capsys.readouterr().out
    return float(out.split("Total so far", 1)[1].split("$", 1)[1].split()[0]), out


@pytest.mark.unit
def test_the_running_total_is_cumulative_across_notebooks_in_replay(capsys):
    readings = {nb: meter_reading(nb, capsys) for nb in
                ("00-setup", "02-deploy-aks", "03-publish-acr", "04-run-aci", "05-run-on-aks", "99-cleanup")}
    totals = [total for total, _ in readings.values()]
    assert totals == sorted(totals) and totals[-1] > totals[0]  # a later meter never shows less
    aci_row = "Container instance aci-student-k7q2 (1 vCPU / 1.5 GB)"
    for nb in ("05-run-on-aks", "99-cleanup"):  # each in a fresh session: 04's container group is remembered
        assert aci_row in readings[nb][1]
    assert "public IP of service/aks-workbook-app" in readings["99-cleanup"][1]
    assert readings["99-cleanup"][1].count("deleted") == 4 and "still running" not in readings["99-cleanup"][1]


@pytest.mark.unit
def test_replay_maps_the_recorded_ledger_to_the_learners_names(capsys):
    costs.show_running_total(labkit.open_lab("05-run-on-aks", prefix="zoe"))
    out = capsys.readouterr().out
    assert "Container instance aci-zoe-" in out and "aci-student-k7q2" not in out
