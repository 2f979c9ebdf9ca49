"""The class smoke test runs the workbook for generated learners and reports what failed."""

import nbformat
import pytest

from labkit.notebooks import class_smoke, learner_prefixes, workbook


@pytest.mark.notebooks
def test_generated_learners_have_valid_distinct_prefixes():
    from labkit.config import check_name_format

    prefixes = learner_prefixes(200)
    assert len(set(prefixes)) == 200 and all(check_name_format("prefix", p) for p in prefixes)


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


def notebook(folder, stem, *sources):
    """A small notebook: a parameters cell, then these code cells."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("prefix = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{stem}.ipynb")
    return folder / f"{stem}.ipynb"


@pytest.mark.notebooks
@pytest.mark.parametrize("count", ["0", "-3", "abc"])
def test_cli_refuses_fewer_than_one_learner(count, capsys):
    from labkit import cli

    with pytest.raises(SystemExit) as done:
        cli.main(["class-smoke", "--learners", count])
    assert done.value.code == 2 and "1 or more" in capsys.readouterr().err


@pytest.mark.notebooks
def test_no_learner_or_no_notebook_is_a_failure_not_a_pass(tmp_path):
    from labkit.errors import ConfigError

    setup = [p for p in workbook() if p.stem == "00-setup"]
    with pytest.raises(ConfigError, match="at least one learner"):
        class_smoke(0, setup, tmp_path)
    with pytest.raises(ConfigError, match="0 notebooks"):
        class_smoke(1, [], tmp_path)


@pytest.mark.notebooks
def test_a_stop_line_in_a_replay_run_is_a_failure(tmp_path):
    shows_stop = notebook(tmp_path / "nb", "00-setup", "print('⛔ Azure did not answer')")
    assert class_smoke(1, [shows_stop], tmp_path / "runs") == {
        "learner001": ["00-setup: shows '⛔ Azure did not answer'"]}


@pytest.mark.notebooks
def test_a_notebook_that_shows_someone_else_s_names_is_a_failure(tmp_path):
    ignores_prefix = notebook(tmp_path / "nb", "00-setup",
                              "import labkit\nlab = labkit.open_lab('00-setup')\nprint(lab.config.resource_group)")
    report = class_smoke(1, [ignores_prefix], tmp_path / "runs")
    assert report["learner001"] and "never shows the learner's own names" in report["learner001"][0]


@pytest.mark.notebooks
def test_later_notebooks_take_the_learner_from_setup(tmp_path):
    paths = [p for p in workbook() if p.stem in ("00-setup", "04-run-aci")]
    assert class_smoke(1, paths, tmp_path) == {"learner001": []}
    out = nbformat.read(tmp_path / "learner001" / "04-run-aci.ipynb", as_version=4)
    injected = [c for c in out.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert not injected or "learner001" not in injected[0].source  # 04 was given nothing
    assert "Your lab from 00-setup: prefix learner001." in str([c.get("outputs") for c in out.cells])
