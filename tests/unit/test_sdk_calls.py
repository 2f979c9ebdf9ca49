"""Each create shows the SDK call it makes, with the very model it sends (never a copy), collapsed, secrets hidden."""

import pytest

import labkit
from labkit import aci, acr, aks, azcli

pytestmark = pytest.mark.unit


@pytest.fixture
def shown(monkeypatch):
    calls = []
    real = azcli.show_sdk_call

    def spy(call, model, builder, reference, secrets=()):
        calls.append((call, model, real(call, model, builder, reference, secrets)))
        return calls[-1][2]

    monkeypatch.setattr(azcli, "show_sdk_call", spy)
    return calls


def sent_by(monkeypatch, client, method):
    """Record the model each call of ``client.method`` receives."""
    received = []
    real = getattr(client, method)

    def wrapper(*args, **kwargs):
        received.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(client, method, wrapper)
    return received


def test_the_registry_shown_is_the_registry_sent(monkeypatch, shown):
    lab = labkit.open_lab("03-publish-acr")
    received = sent_by(monkeypatch, lab.acr.registries, "begin_create")
    acr.check_name(lab)
    acr.create_registry(lab)
    assert len(shown) == 1 and received and shown[0][1] is received[0]
    view = shown[0][2]
    assert '"adminUserEnabled": true' in view.body and "registry_spec" in view.source
    assert view._repr_html_().startswith('<details class="labkit-sdk">') and "learn.microsoft.com" in view.reference


def test_the_container_group_shown_is_the_one_sent_and_its_password_is_hidden(monkeypatch, shown):
    lab = labkit.open_lab("04-run-aci")
    received = sent_by(monkeypatch, lab.aci.container_groups, "begin_create_or_update")
    aci.create(lab)
    assert shown[0][1] is received[0]
    password = received[0].image_registry_credentials[0].password
    html = shown[0][2]._repr_html_()
    assert password and password not in html and password not in shown[0][2].text and azcli.HIDDEN in shown[0][2].body


def test_a_fresh_cluster_shows_its_managed_cluster(scenario_lab, monkeypatch, shown):
    lab = scenario_lab({"create_cluster": "errors-aks/create_fresh"})
    received = sent_by(monkeypatch, lab.aks.managed_clusters, "begin_create_or_update")
    aks.create_cluster(lab)
    assert shown[0][1] is received[0]
    assert '"vmSize": "Standard_D2s_v5"' in shown[0][2].body and "ManagedCluster" in shown[0][2].text
