"""pyproject.toml and environment.yml pin the same packages at the same versions."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ONLY_IN_ENVIRONMENT = {"nbgitpuller"}  # the JupyterHub image needs it; labkit does not


def pins(requirements) -> dict:
    found = {}
    for line in requirements:
        name, _, version = line.partition("==")
        assert version, f"{line!r} is not pinned exactly"
        found[name.strip().lower()] = version.strip()
    return found


@pytest.mark.unit
def test_environment_yml_pins_what_pyproject_pins():
    project = pins(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    in_env = {k: v for k, v in pins(pip_section).items() if k not in ONLY_IN_ENVIRONMENT}
    assert in_env == project


@pytest.mark.unit
def test_azure_sdk_packages_are_pinned_exactly():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for package in ("azure-identity", "azure-mgmt-resource", "azure-mgmt-containerservice",
                    "azure-mgmt-containerregistry", "azure-mgmt-containerinstance", "docker"):
        assert any(re.fullmatch(rf"{package}==[\d.]+", d) for d in deps), package
    assert "ipywidgets==8.1.8" in deps  # 8.1.9 renders nothing in VS Code
