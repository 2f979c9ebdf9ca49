"""The class smoke test runs the workbook for generated learners and reports what failed."""

import nbformat
import pytest

from labkit.notebooks import class_smoke, learner_prefixes, workbook


@pytest.mark.notebooks
def test_generated_learners_have_valid_distinct_prefixes():
    from labkit.config import check_name

    prefixes = learner_prefixes(200)
    assert len(set(prefixes)) == 200 and all(check_name("prefix", p) for p in prefixes)


@pytest.mark.notebooks
def test_two_learners_run_the_setup_notebook_cleanly(tmp_path):
    setup = [p for p in workbook() if p.stem == "00-setup"]
    assert class_smoke(2, setup, tmp_path) == {"learner001": [], "learner002": []}
    out = nbformat.read(tmp_path / "learner002" / "00-setup.ipynb", as_version=4)
    shown = [c.outputs for c in out.cells if c.cell_type == "code" and "open_lab" in c.source]
    assert "rg-learner002-" in str(shown)


@pytest.mark.notebooks
def test_a_broken_notebook_is_reported_for_each_learner(tmp_path):
    source = [p for p in workbook() if p.stem == "00-setup"][0]
    broken = tmp_path / "nb" / "00-setup.ipynb"
    broken.parent.mkdir()
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('the class network is down')"))
    nbformat.write(nb, broken)
    report = class_smoke(1, [broken], tmp_path / "runs")
    assert report["learner001"] and "the class network is down" in report["learner001"][0]


@pytest.mark.notebooks
def test_cli_reports_the_class_and_fails_on_a_failure(tmp_path, monkeypatch, capsys):
    from labkit import cli, notebooks

    setup = [p for p in workbook() if p.stem == "00-setup"]
    monkeypatch.setattr(notebooks, "workbook", lambda: setup)
    assert cli.main(["class-smoke", "--learners", "2", "--keep", str(tmp_path)]) == 0
    assert "✅ 2 of 2 learners ran all 1 notebooks" in capsys.readouterr().out
    assert (tmp_path / "learner002" / "00-setup.ipynb").exists()
    monkeypatch.setattr(notebooks, "class_smoke", lambda n, paths, folder: {"learner001": ["00-setup: boom"]})
    assert cli.main(["class-smoke", "--learners", "1"]) == 1
    assert "⛔ learner001: 00-setup: boom" in capsys.readouterr().out
