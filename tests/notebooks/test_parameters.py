"""Parameters in a kernel: a bad one is one ⛔ line with its rule and an example; the lab set in 00-setup
is used by later notebooks, which say so; a later parameters cell overrides it there only."""

import json
import re

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from labkit.notebooks import execute, shown_text, workbook

NOTEBOOKS = {p.stem: p for p in workbook()}


def outputs_of(path, marker):
    """The outputs of the first code cell whose source holds ``marker``."""
    nb = nbformat.read(path, as_version=4)
    return next(c.outputs for c in nb.cells if c.cell_type == "code" and marker in c.source)


@pytest.mark.notebooks
@pytest.mark.parametrize("given,rule,example", [
    ({"prefix": "Zoe Smith"}, "2–12 lowercase letters or digits", "'alice'"),
    ({"prefix": "alice", "region": "mars"}, "not an Azure region", "eastus"),
])
def test_a_bad_parameter_is_one_stop_line_with_the_rule_and_an_example(tmp_path, lab_home, given, rule, example):
    out = tmp_path / "00-setup.ipynb"
    with pytest.raises(PapermillExecutionError):
        execute(NOTEBOOKS["00-setup"], out, given, env={"LABKIT_MODE": "replay"})
    outputs = outputs_of(out, "open_lab(")
    assert not [o for o in outputs if o.output_type == "error"]  # no traceback as the cell's main output
    plain = "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    stops = [line for line in plain.splitlines() if line.startswith("⛔")]
    assert len(stops) == 1 and rule in stops[0] and example in plain and len(plain.splitlines()) <= 4
    folded = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "<details" in folded and "Traceback" in folded  # still there, folded
    assert not (lab_home / "learner.json").exists()  # nothing of a refused lab is kept


@pytest.mark.notebooks
def test_the_lab_set_in_setup_flows_to_later_notebooks_and_a_later_parameter_overrides_there_only(tmp_path,
                                                                                                   lab_home):
    env = {"LABKIT_MODE": "replay"}
    execute(NOTEBOOKS["00-setup"], tmp_path / "00.ipynb", {"prefix": "alice", "region": "westeurope"}, env=env)
    suffix = json.loads((lab_home / "learner.json").read_text(encoding="utf-8"))["suffixes"]["alice"]
    execute(NOTEBOOKS["03-publish-acr"], tmp_path / "03.ipynb", {}, env=env)
    text = shown_text(nbformat.read(tmp_path / "03.ipynb", as_version=4))
    words = re.sub(r"<[^>]+>", "", text)  # the HTML form keeps "00-setup" in a no-break span
    assert words.count("Your lab from 00-setup: prefix alice, region westeurope.") == 2  # text and HTML forms
    assert f"acralice{suffix}" in text and "acrstudentk7q2" not in text
    execute(NOTEBOOKS["03-publish-acr"], tmp_path / "03-zoe.ipynb", {"prefix": "zoe"}, env=env)
    text = shown_text(nbformat.read(tmp_path / "03-zoe.ipynb", as_version=4))
    assert "✅ Your lab from 00-setup: region westeurope; this notebook's parameters set prefix zoe for this " \
           "notebook only." in text and "acrzoe" in text
    execute(NOTEBOOKS["04-run-aci"], tmp_path / "04.ipynb", {}, env=env)
    assert f"aci-alice-{suffix}" in shown_text(nbformat.read(tmp_path / "04.ipynb", as_version=4))
