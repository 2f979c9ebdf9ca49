"""The replayed Kubernetes versions agree with the AKS release calendar on the day they were recorded.

The calendar is AKS's published one (azure-aks-docs supported-kubernetes-versions.md, "AKS Kubernetes release
calendar"): for each minor, the month AKS previewed it and the month it became generally available (GA). On a
given day the newest GA minor is N; AKS supports N, N-1 and N-2; new clusters default to N-1; a minor previewed
but not yet GA is offered as a preview; every supported minor may use long-term support on the Premium tier.
"""

import datetime as dt
import json

import pytest

from labkit.paths import recordings

pytestmark = pytest.mark.unit

# minor: (AKS preview, AKS GA), as (year, month) -- the calendar's months, read as their first day.
CALENDAR = {"1.32": ((2025, 2), (2025, 4)), "1.33": ((2025, 5), (2025, 6)), "1.34": ((2025, 10), (2025, 11)),
            "1.35": ((2026, 2), (2026, 3)), "1.36": ((2026, 5), (2026, 6)), "1.37": ((2026, 9), (2026, 10))}


def on(day: dt.date) -> dict:
    """What the calendar says AKS offers on ``day``: supported minors, the default, the previews."""
    started = lambda ym: dt.date(*ym, 1) <= day  # noqa: E731
    ga = sorted((m for m, (_, g) in CALENDAR.items() if started(g)), key=lambda m: int(m.split(".")[1]))
    newest = int(ga[-1].split(".")[1])
    supported = [m for m in ga if int(m.split(".")[1]) >= newest - 2]
    return {"supported": supported, "default": f"1.{newest - 1}",
            "preview": [m for m, (p, g) in CALENDAR.items() if started(p) and not started(g)]}


def version_lists():
    """Every recorded answer of ManagedClusters_ListKubernetesVersions, with its file's recording date."""
    for path in sorted(recordings().rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("Entries", []):
            if "/kubernetesVersions" in entry["RequestUri"] and entry["StatusCode"] == 200:
                yield path, dt.date.fromisoformat(data["provenance"]["date"]), entry["ResponseBody"]["values"]


def test_the_calendar_rule_itself():
    assert on(dt.date(2026, 11, 29)) == {"supported": ["1.35", "1.36", "1.37"], "default": "1.36", "preview": []}
    assert on(dt.date(2026, 9, 15))["preview"] == ["1.37"] and on(dt.date(2026, 9, 15))["default"] == "1.35"


@pytest.mark.parametrize("path, day, listed", list(version_lists()), ids=lambda v: getattr(v, "name", ""))
def test_each_recorded_version_list_is_the_calendars_on_its_day(path, day, listed):
    want = on(day)
    assert sorted(v["version"] for v in listed if not v.get("isPreview")) == want["supported"], path
    assert [v["version"] for v in listed if v.get("isDefault")] == [want["default"]], path
    assert sorted(v["version"] for v in listed if v.get("isPreview")) == want["preview"], path
    for v in listed:
        assert "AKSLongTermSupport" in v["capabilities"]["supportPlan"], f"{path}: {v['version']} not LTS-eligible"
        for patch, info in v["patchVersions"].items():
            assert patch.startswith(v["version"] + ".")
            for target in info["upgrades"]:  # a patch of its own minor, or of the next minor: one at a time
                step = int(target.split(".")[1]) - int(patch.split(".")[1])
                assert step in (0, 1) and [int(x) for x in target.split(".")] > [int(x) for x in patch.split(".")]


def test_the_recorded_cluster_runs_the_latest_patch_of_the_default_minor_and_upgrades_one_minor_at_a_time():
    folder = recordings() / "02-deploy-aks"
    listed = json.loads((folder / "show_versions.json").read_text(encoding="utf-8"))["Entries"][0]
    default = next(v for v in listed["ResponseBody"]["values"] if v.get("isDefault"))
    latest = max(default["patchVersions"], key=lambda p: [int(x) for x in p.split(".")])
    cluster = json.loads((folder / "show_running.json").read_text(encoding="utf-8"))["Entries"][-1]["ResponseBody"]
    assert cluster["properties"]["currentKubernetesVersion"] == latest
    profile = json.loads((folder / "show_upgrades.json").read_text(encoding="utf-8"))["Entries"][-1]["ResponseBody"]
    offered = [u["kubernetesVersion"] for u in profile["properties"]["controlPlaneProfile"]["upgrades"]]
    assert offered == default["patchVersions"][latest]["upgrades"]
