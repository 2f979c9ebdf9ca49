import datetime as dt
import json

import pytest

from labkit.config import LabConfig, check_name_format, check_region
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
        check_name_format(kind, bad)
    assert kind in err.value.problem and "use a name like" in err.value.fix


@pytest.mark.unit
@pytest.mark.parametrize("kind,good", [("ACR registry", "acrstudentk7q2"), ("AKS cluster", "aks-student-k7q2"),
                                       ("ACI DNS label", "student-k7q2-app"), ("resource group", "rg-student-k7q2")])
def test_good_names_pass(kind, good):
    assert check_name_format(kind, good) == good


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
    assert c.tags() == {"course": "aks-workbook", "owner": "bob", "created": "2026-11-29", "expires": "2026-12-01",
                        "lab": "rg-bob-zz99"}


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
    saved = json.loads((lab_home / "learner.json").read_text(encoding="utf-8"))
    assert saved["suffixes"] == {"carol": first.suffix, "dave": other.suffix}


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


# -- every parameter: the right type, Azure's rule, a message with the rule and an example ------------------------
@pytest.mark.unit
@pytest.mark.parametrize("prefix,word", [("azure", "azure"), ("microsoft", "microsoft"), ("mywindows", "windows"),
                                         ("login", "login"), ("loginbob", "login"), ("xbox", "xbox"),
                                         ("office365", "office365")])
def test_reserved_words_azure_refuses_are_refused_as_prefixes(prefix, word):
    with pytest.raises(ConfigError, match="ReservedResourceName") as err:
        LabConfig.resolve(prefix=prefix)
    assert f"'{word}'" in err.value.problem and "use a name like 'alice'" in err.value.fix


@pytest.mark.unit
@pytest.mark.parametrize("prefix", ["azurelab", "bobazure", "mylogin", "officer"])
def test_words_that_only_contain_a_reserved_word_pass(prefix):
    assert LabConfig.resolve(prefix=prefix, suffix="ab12").prefix == prefix


@pytest.mark.unit
@pytest.mark.parametrize("key", ["prefix", "region", "suffix", "owner", "vm_size", "mode"])
@pytest.mark.parametrize("value", [["alice"], {"a": 1}, 42, 3.5, b"alice"])
def test_a_value_of_the_wrong_type_is_a_config_error_not_a_type_error(key, value):
    with pytest.raises(ConfigError) as err:
        LabConfig.resolve(**{key: value})
    assert not isinstance(err.value, TypeError) and err.value.fix


@pytest.mark.unit
@pytest.mark.parametrize("size", ["Standard_B2s", "Standard_D2s_v3", "Standard_D4ads_v5", "Standard_E4-2ads_v5",
                                  "Standard_NC4as_T4_v3", "Standard_DS2_v2", "Standard_B2pts_v2"])
def test_real_vm_sizes_pass(size):
    assert LabConfig(vm_size=size).vm_size == size


@pytest.mark.unit
@pytest.mark.parametrize("size", ["Standard_", "Standard_XYZ", "Standard_B2s; rm -rf", "standard_b2s", "B2s",
                                  "Standard_B2s\n", "Standard_B1s", "Basic_A2", "Standard_D2s_v3_extra_words"])
def test_vm_sizes_without_a_real_shape_are_refused_with_an_example(size):
    with pytest.raises(ConfigError) as err:
        LabConfig(vm_size=size)
    assert "Standard_D2s_v5" in err.value.fix


@pytest.mark.unit
@pytest.mark.parametrize("days", [0, -1, -30, 31, 1.5, True, "abc", "0", "", [2], {"d": 2}, None])
def test_days_is_a_whole_number_from_1_to_30(days):
    with pytest.raises(ConfigError, match="from 1 to 30"):
        LabConfig(days=days)


@pytest.mark.unit
def test_days_from_the_environment_is_checked_and_named(monkeypatch):
    monkeypatch.setenv("LABKIT_DAYS", "abc")
    with pytest.raises(ConfigError, match="LABKIT_DAYS") as err:
        LabConfig.resolve()
    assert "from 1 to 30" in err.value.problem
    monkeypatch.setenv("LABKIT_DAYS", "3")
    assert LabConfig.resolve().days == 3


@pytest.mark.unit
@pytest.mark.parametrize("owner", ["x" * 300, "bob\nowner: mallory", "bob\x1b[31m", "Zoë", "-bob", "bob ", ""])
def test_owner_is_a_short_printable_tag_value(owner):
    if owner == "":  # empty means unset: the owner defaults to the prefix
        assert LabConfig.resolve(owner=owner).owner == "student"
        return
    with pytest.raises(ConfigError, match="owner") as err:
        LabConfig.resolve(owner=owner)
    assert "owner = 'alice'" in err.value.fix and "\n" not in err.value.problem.split(":")[0]


@pytest.mark.unit
@pytest.mark.parametrize("owner", ["alice", "Zoe Smith", "alice@contoso.com", "a.b-c_d+e"])
def test_reasonable_owners_pass(owner):
    assert LabConfig.resolve(owner=owner).tags()["owner"] == owner


@pytest.mark.unit
def test_an_unknown_setting_is_refused_with_the_known_ones():
    with pytest.raises(ConfigError, match="'prefx'") as err:
        LabConfig.resolve(prefx="alice")
    assert "prefix" in err.value.fix


@pytest.mark.unit
def test_a_long_bad_value_is_cut_in_the_message():
    with pytest.raises(ConfigError) as err:
        LabConfig.resolve(prefix="a" * 500)
    assert len(err.value.problem) < 200


@pytest.mark.unit
def test_a_new_suffix_is_never_a_reserved_word(monkeypatch):
    from labkit import config

    drawn = iter("xboxab12")
    monkeypatch.setattr(config.secrets, "choice", lambda alphabet: next(drawn))
    assert config.new_suffix() == "ab12"


# -- a provisioned learner: the group their instructor gave ---------------------------------------------------------
@pytest.mark.unit
def test_a_provisioned_lab_must_name_the_given_group():
    from labkit.config import Provisioned

    given = Provisioned("rg-alice-ab12", "aks-2026-11")
    assert LabConfig(prefix="alice", suffix="ab12", provisioned=given).resource_group == "rg-alice-ab12"
    with pytest.raises(ConfigError) as err:
        LabConfig(prefix="bob", suffix="ab12", provisioned=given)
    assert "rg-alice-ab12" in err.value.problem and "rg-bob-ab12" in err.value.problem
    assert "leave prefix and suffix empty" in err.value.fix


@pytest.mark.unit
@pytest.mark.parametrize("group, class_name", [("rg-alice-ab12.", "aks-2026-11"), ("rg-alice-ab12", "two words"),
                                               ("rg-alice-ab12", ""), (7, "aks-2026-11"), ("rg-alice-ab12", None)])
def test_a_provisioned_marker_is_checked_like_every_setting(group, class_name):
    from labkit.config import Provisioned

    with pytest.raises(ConfigError):
        Provisioned(group, class_name)
