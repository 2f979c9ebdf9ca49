import datetime as dt
import json

import pytest

from labkit.config import LabConfig, check_name, check_region
from labkit.errors import ConfigError


@pytest.mark.unit
def test_names_derive_from_prefix_and_suffix():
    c = LabConfig(prefix="alice", suffix="ab12")
    assert c.resource_group == "rg-alice-ab12"
    assert c.cluster_name == c.dns_prefix == "aks-alice-ab12"
    assert c.registry_name == "acraliceab12"
    assert c.container_group == "aci-alice-ab12"
    assert c.dns_label == "alice-ab12-app"


@pytest.mark.unit
@pytest.mark.parametrize("kind,bad", [
    ("ACR registry", "acr-with-hyphen"), ("ACR registry", "abcd"), ("ACR registry", "a" * 51),
    ("AKS cluster", "-starts-with-hyphen"), ("AKS cluster", "x" * 64), ("AKS DNS prefix", "under_score"),
    ("ACI DNS label", "1starts-with-digit"), ("ACI DNS label", "Upper"), ("ACI container group", "double--hyphen"),
    ("resource group", "ends-with-dot."), ("prefix", "Alice"), ("prefix", "a"), ("suffix", "abc"),
])
def test_bad_names_are_refused_with_rule_and_example(kind, bad):
    with pytest.raises(ConfigError) as err:
        check_name(kind, bad)
    assert kind in err.value.problem and "use a name like" in err.value.fix


@pytest.mark.unit
@pytest.mark.parametrize("kind,good", [("ACR registry", "acrstudentk7q2"), ("AKS cluster", "aks-student-k7q2"),
                                       ("ACI DNS label", "student-k7q2-app"), ("resource group", "rg-student-k7q2")])
def test_good_names_pass(kind, good):
    assert check_name(kind, good) == good


@pytest.mark.unit
def test_region_is_normalised_and_unknown_region_names_a_fix():
    assert check_region("East US") == "eastus"
    with pytest.raises(ConfigError, match="not an Azure region") as err:
        check_region("eastus9")
    assert "eastus" in err.value.fix


@pytest.mark.unit
def test_bad_prefix_fails_before_any_azure_call():
    with pytest.raises(ConfigError, match="2–12 lowercase"):
        LabConfig.resolve(prefix="Bad_Name!")


@pytest.mark.unit
def test_unknown_mode_is_refused():
    with pytest.raises(ConfigError, match="not a mode"):
        LabConfig.resolve(mode="dry-run")


@pytest.mark.unit
def test_tags_say_course_owner_created_expires():
    c = LabConfig(prefix="bob", suffix="zz99", owner="bob", days=2, today=dt.date(2026, 11, 29))
    assert c.tags() == {"course": "aks-workbook", "owner": "bob", "created": "2026-11-29", "expires": "2026-12-01"}


@pytest.mark.unit
def test_parameters_beat_environment_beat_defaults(monkeypatch):
    monkeypatch.setenv("LABKIT_REGION", "westeurope")
    monkeypatch.setenv("LABKIT_PREFIX", "envname")
    c = LabConfig.resolve(prefix="param")
    assert c.prefix == "param" and c.region == "westeurope"
    assert LabConfig.resolve().prefix == "envname"


@pytest.mark.unit
def test_each_learner_keeps_one_random_suffix(lab_home):
    first = LabConfig.resolve(prefix="carol", mode="live")
    again = LabConfig.resolve(prefix="carol", mode="live")
    other = LabConfig.resolve(prefix="dave", mode="live")
    assert first.suffix == again.suffix
    assert json.loads((lab_home / "learner.json").read_text()) == {"carol": first.suffix, "dave": other.suffix}


@pytest.mark.unit
def test_a_class_of_200_gets_distinct_names():
    from labkit.config import new_suffix

    suffixes = {new_suffix() for _ in range(200)}
    assert len(suffixes) >= 199  # 36^4 ≈ 1.7 M: a collision in 200 is < 1.2 %


@pytest.mark.unit
def test_replay_uses_the_recorded_lab_unless_the_learner_chooses():
    recorded = {"prefix": "student", "suffix": "k7q2", "region": "eastus"}
    assert LabConfig.resolve(recorded=recorded).cluster_name == "aks-student-k7q2"
    assert LabConfig.resolve(recorded=recorded, prefix="erin").prefix == "erin"
