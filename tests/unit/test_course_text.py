"""What the notebooks teach is true in 2026 (issue 10): node size, costs, the stopped cluster, what changed since
2019, and notebook 05's Deployment. Each test reads the notebooks' own cells."""

import re

import nbformat
import pytest

from labkit import costs, workloads
from labkit.config import LabConfig
from labkit.paths import notebooks

pytestmark = pytest.mark.unit


def cells(name: str, kind: str | None = None) -> list:
    path = notebooks() / f"{name}.ipynb"
    return [c for c in nbformat.read(path, as_version=4).cells if kind is None or c.cell_type == kind]


def prose(name: str) -> str:
    return "\n".join(c.source for c in cells(name, "markdown"))


def code(name: str) -> list[str]:
    return [c.source for c in cells(name, "code")]


NOTEBOOKS = ["00-setup", "01-architecture", "02-deploy-aks", "03-publish-acr", "04-run-aci", "05-run-on-aks"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_notebook_proposes_a_burstable_size_for_the_nodes(name):
    for cell in cells(name):
        for line in cell.source.splitlines():
            if "Standard_B" in line:  # only ever named as what not to use
                assert re.search(r"B-series|burstable|not|no ", line), f"{name}: {line}"


def test_the_size_is_the_same_in_00_01_and_02_and_00_lets_the_learner_choose_it():
    size = LabConfig().vm_size
    assert size == "Standard_D2s_v5"
    for name in ("00-setup", "01-architecture", "02-deploy-aks"):
        assert size in "\n".join(c.source for c in cells(name)), name
    parameters = [c.source for c in cells("00-setup", "code") if "parameters" in c.metadata.get("tags", [])]
    assert parameters and re.search(r"^vm_size = None", parameters[0], re.M)
    assert any("vm_size=vm_size" in source for source in code("00-setup"))


def test_00_prices_the_first_minute_and_the_tiers():
    text = prose("00-setup")
    for words in ("OS disk", "load balancer", "outbound public IP", "Premium", "99.95 %", "99.9 % without"):
        assert words in text, words
    assert f"${costs.table().node_per_hour['Standard_D2s_v5']:.3f}" in text


def test_every_notebook_that_needs_the_cluster_makes_sure_it_runs_first():
    """A cluster stopped in 02 must be started before Kubernetes is asked anything (create_cluster starts it)."""
    for name in ("02-deploy-aks", "05-run-on-aks"):
        sources = "\n".join(code(name))
        first_use = min(sources.find(call) for call in ("fetch_kubeconfig", "workloads.") if call in sources)
        assert 0 <= sources.find("aks.create_cluster(lab)") < first_use, name
    for name in ("03-publish-acr", "04-run-aci"):
        assert "fetch_kubeconfig" not in "\n".join(code(name)) and "workloads." not in "\n".join(code(name))


def test_stopping_says_truly_who_starts_the_cluster_again():
    import inspect

    from labkit import aks

    said = inspect.getsource(aks.stop_cluster)
    named = re.findall(r"(\d\d-[a-z-]+) starts it again", said)
    assert named and all("aks.create_cluster(lab)" in "\n".join(code(n)) for n in named)
    assert "05-run-on-aks" in prose("02-deploy-aks") and "still billed" in prose("02-deploy-aks")


CHANGED_SINCE_2019 = ["Headlamp", "Kubernetes resources", "archived in 2026", "AKS Automatic", "`Automatic`", "`Base`",
                      "Ubuntu 24.04", "Azure Linux", "Azure CNI Overlay", "Cilium", "NodeImage",
                      "deprecated", "Azure Stack Hub", "CAPZ"]
DIAGNOSTIC_CATEGORIES = ["kube-apiserver", "kube-audit", "kube-audit-admin", "kube-controller-manager",
                         "kube-scheduler", "cluster-autoscaler", "cloud-controller-manager", "guard",
                         "csi-azuredisk-controller", "csi-azurefile-controller", "csi-snapshot-controller",
                         "fleet-member-agent", "fleet-member-net-controller-manager", "fleet-mcs-controller-manager"]


def test_01_says_what_changed_since_2019_in_full():
    text = prose("01-architecture")
    missing = [words for words in CHANGED_SINCE_2019 + [f"`{c}`" for c in DIAGNOSTIC_CATEGORIES] if words not in text]
    assert not missing, missing
    for rule in ("N-2", "N-1", "N-3", "one minor at a time", "long-term support"):
        assert rule in text, rule


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_old_course_is_called_the_2019_course_text(name):
    text = "\n".join(c.source for c in cells(name))
    assert not re.search(r"\bthe seed\b|\bThe seed\b", text)
    assert not re.search(r"[Tt]he 2019 text\b", text)


def test_05_deployment_has_requests_and_limits_and_is_shown_as_yaml_built_by_the_same_code():
    container = workloads.deployment(LabConfig())["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["requests"]["cpu"] and container["resources"]["limits"]["memory"]
    shown = [s for s in code("05-run-on-aks") if "yaml" in s]
    assert shown and "workloads.deployment(lab.config" in shown[0] and "workloads.service()" in shown[0]
    assert shown[0].find("yaml") < "\n".join(code("05-run-on-aks")).find("workloads.deploy(lab")


def test_05_has_a_task_of_the_learners_own_and_compares_with_container_apps():
    text = prose("05-run-on-aks")
    assert "Your turn" in text and "<details>" in text
    assert "Azure Container Apps" in text and "Azure Container Instances" in text and "scale" in text
    assert "requests" in text and "scheduler" in text


def test_readme_and_the_instructor_guide_carry_the_tables_totals():
    from labkit.paths import workbook_root

    root = workbook_root()
    readme = (root / "README.md").read_text(encoding="utf-8")
    one_hour = costs.estimate_table()[-2][1].split("$")[1]
    assert f"A one-hour lab costs about **${one_hour}**" in readme
    for words in ("OS disk", "load balancer", "Standard_D2s_v5", "99.9 % without"):
        assert words in readme, words
    guide = (root / "docs" / "instructor.md").read_text(encoding="utf-8")
    session = (2 * costs.cluster_hour("Standard_D2s_v5") + costs.table().acr_basic_per_day + 0.5 * costs.aci_hour()
               + costs.table().load_balancer_per_hour)
    assert f"**≈ ${session:.2f}**" in guide and f"| 30 | ≈ ${30 * session:.2f} |" in guide
    assert "Standard_B2s" not in readme and "Standard_B2s" not in guide
