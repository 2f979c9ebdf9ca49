"""Each notebook, opened in JupyterLab in a real Chromium, runs all its cells as a learner would.

For every ``notebooks/[0-9]*.ipynb`` (on a temporary copy, in replay mode): open it, wait for its
kernel, run all cells through JupyterLab's command API, then check that

* every code cell ran and none shows an error (no error output, no traceback on stderr),
* the live widgets render: a progress display (``.labkit-progress`` with an ipywidgets
  ``.widget-hprogress`` bar) for every live progress output the stored notebook has, and a quiz
  (``.labkit-quiz``) for every "Self-check" output,
* in every quiz, choosing an answer to the first question and pressing Check gives ✅ or ⛔ feedback.

A screenshot of the whole notebook goes to ``test-artifacts/browser/<notebook>.png``, also when the
test fails, with the browser console's errors beside it in ``<notebook>.console.txt``.

Needs Debian's ``chromium`` (``.ci/run`` installs it); without it the module is skipped, except under
CI (``CI`` set), where that is an error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))

if shutil.which("chromium") is None:
    if os.environ.get("CI"):
        raise RuntimeError("the browser tests need Debian's chromium, and CI must install it: apt-get install chromium")
    pytest.skip("Debian's chromium is not installed (apt-get install --no-install-recommends chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

from playwright.sync_api import Page, expect  # noqa: E402  (after the skips above)

pytestmark = pytest.mark.browser

# Timeouts in milliseconds, generous for a slow 2-core CI machine.
LOAD_TIMEOUT = 60_000  # the page, JupyterLab's start and restore
KERNEL_TIMEOUT = 60_000  # the kernel starts and is idle
RUN_ALL_TIMEOUT = 120_000  # all cells of one notebook
WIDGET_TIMEOUT = 30_000  # a widget renders, a click gets its answer
VIEWPORT = {"width": 1280, "height": 1000}
MAX_SCREENSHOT_HEIGHT = 16_000

PROGRESS_TEXT = "⏳ "  # how labkit.ui.Progress starts its text form
QUIZ_TEXT = "Self-check: "  # how labkit.quiz.quiz_text starts


def expected_widgets(path: Path) -> tuple[int, int]:
    """(live progress bars, quizzes) that running ``path`` shows, counted from its stored outputs.

    A live progress display (``labkit.ui.Progress``) is stored as its text form alone, "⏳ …" with
    no HTML (the widget view is dropped when outputs are stored); a "⏳" output with HTML is a
    static one (``labkit.streams``), with no bar. A quiz is stored as its "Self-check: …" text.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    progress = quizzes = 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data = output.get("data", {})
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            progress += text.startswith(PROGRESS_TEXT) and "text/html" not in data
            quizzes += text.startswith(QUIZ_TEXT)
    return progress, quizzes


# --- JavaScript run in the page (JupyterLab is exposed as window.jupyterapp) ------------------------

JS_WAIT_STARTED = """() => {
    const app = window.jupyterapp;
    Promise.all([app.started, app.restored]).then(() => { window.__labkitRestored = true; });
}"""

JS_NOTEBOOK_OPEN = """(path) => {
    const w = window.jupyterapp.shell.currentWidget;
    return !!(w && w.context && w.context.path === path && w.context.isReady && w.content && w.sessionContext);
}"""

JS_KERNEL_IDLE = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const session = w && w.sessionContext && w.sessionContext.session;
    const kernel = session && session.kernel;
    return !!(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle');
}"""

JS_KERNEL_STATE = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const session = w && w.sessionContext && w.sessionContext.session;
    const kernel = session && session.kernel;
    return {widget: w ? w.title.label : null,
            kernel: kernel ? kernel.name + ' ' + kernel.connectionStatus + '/' + kernel.status : null};
}"""

JS_RUN_ALL = """() => {
    window.__labkitRunAll = null;
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        (result) => { window.__labkitRunAll = {ok: result !== false}; },
        (error) => { window.__labkitRunAll = {ok: false, error: String((error && error.stack) || error)}; });
}"""

# Done: the command settled, the kernel is idle again, every non-empty code cell has an execution
# count and no prompt shows [*]. A failed run stops at the failing cell: done too, the checks say why.
JS_RUN_ALL_DONE = """() => {
    const done = window.__labkitRunAll;
    if (!done) return false;
    const w = window.jupyterapp.shell.currentWidget;
    const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle') return false;
    if (!done.ok) return true;
    const cells = w.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type === 'code' && cell.sharedModel.getSource().trim() && cell.executionCount == null) return false;
    }
    return !Array.from(w.content.node.querySelectorAll('.jp-InputArea-prompt'))
        .some((prompt) => prompt.textContent.includes('[*]'));
}"""

JS_CELL_REPORT = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const cells = w.content.model.cells;
    const report = {notRun: [], errors: []};
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') continue;
        const source = cell.sharedModel.getSource();
        const head = source.trim().split('\\n')[0].slice(0, 80);
        if (source.trim() && cell.executionCount == null) report.notRun.push(`cell ${i}: ${head}`);
        for (const output of cell.outputs.toJSON()) {
            if (output.output_type === 'error') {
                report.errors.push(`cell ${i} (${head}): ${output.ename}: ${output.evalue}`);
            } else if (output.output_type === 'stream' && output.name === 'stderr') {
                const text = Array.isArray(output.text) ? output.text.join('') : String(output.text);
                if (/Traceback|Error/.test(text)) {
                    report.errors.push(`cell ${i} (${head}) stderr: ${text.slice(0, 600)}`);
                }
            }
        }
    }
    return report;
}"""

# The height the page needs to show the whole notebook without scrolling (0 if no notebook): the
# cells' own height (the outer panel's scrollHeight adds a "scroll past end" space as tall as the panel).
JS_FULL_HEIGHT = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const outer = w && w.node.querySelector('.jp-WindowedPanel-outer');
    const cells = outer && outer.querySelector('.jp-WindowedPanel-viewport');
    if (!cells) return 0;
    outer.scrollTop = 0;
    const top = cells.getBoundingClientRect().top - outer.getBoundingClientRect().top;
    return Math.ceil(window.innerHeight - outer.clientHeight + top + cells.getBoundingClientRect().height) + 24;
}"""

JS_NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"

JS_SHUTDOWN = """async () => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!(w && w.sessionContext && w.sessionContext.session)) return;
    const giveUp = new Promise((done) => setTimeout(done, 15000));  // evaluate() itself has no timeout
    await Promise.race([w.sessionContext.shutdown(), giveUp]);
}"""


# --- fixtures and helpers -----------------------------------------------------------------------------

@pytest.fixture
def lab_page(request, chromium_browser, artifacts):
    """A fresh browser context and page; at the end, a screenshot, the console log, the kernel shut down."""
    name = request.node.callspec.id
    context = chromium_browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: msg.type in ("error", "warning") and console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    try:
        yield page
    finally:
        try:
            screenshot(page, artifacts / f"{name}.png")
        finally:
            (artifacts / f"{name}.console.txt").write_text("\n".join(console) + "\n", encoding="utf-8")
            try:
                page.evaluate(JS_SHUTDOWN)
            except Exception:  # noqa: BLE001  the page may be gone: the server stops the kernel at the end anyway
                pass
            context.close()


def screenshot(page: Page, path: Path) -> None:
    """The whole notebook in one picture: grow the viewport to the notebook's height, then shoot."""
    try:
        for _ in range(3):  # cells out of view may grow once rendered: measure again
            height = min(page.evaluate(JS_FULL_HEIGHT) or 0, MAX_SCREENSHOT_HEIGHT)
            if height <= page.viewport_size["height"] + 4:
                break
            page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            page.evaluate(JS_NEXT_FRAMES)  # let JupyterLab lay the panel out again
    except Exception:  # noqa: BLE001  a page that never loaded JupyterLab is still worth a picture
        pass
    page.screenshot(path=str(path), full_page=True, timeout=30_000)


def open_notebook(page: Page, base_url: str, name: str) -> None:
    """Open ``name`` in a workspace of its own and wait until JupyterLab has restored and the kernel is idle."""
    stem = Path(name).stem
    page.goto(f"{base_url}lab/workspaces/test-{stem}/tree/{name}?reset", wait_until="domcontentloaded",
              timeout=LOAD_TIMEOUT)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=LOAD_TIMEOUT)
    page.evaluate(JS_WAIT_STARTED)
    page.wait_for_function("() => window.__labkitRestored === true", timeout=LOAD_TIMEOUT)
    page.wait_for_function(JS_NOTEBOOK_OPEN, arg=name, timeout=LOAD_TIMEOUT)
    try:
        page.wait_for_function(JS_KERNEL_IDLE, timeout=KERNEL_TIMEOUT)
    except Exception as error:
        raise AssertionError(f"the kernel of {name} was not connected and idle within "
                             f"{KERNEL_TIMEOUT // 1000} s: {page.evaluate(JS_KERNEL_STATE)}") from error


def run_all(page: Page, name: str) -> None:
    page.evaluate(JS_RUN_ALL)
    try:
        page.wait_for_function(JS_RUN_ALL_DONE, timeout=RUN_ALL_TIMEOUT, polling=250)
    except Exception as error:
        raise AssertionError(f"running all cells of {name} did not finish within {RUN_ALL_TIMEOUT // 1000} s: "
                             f"{page.evaluate(JS_KERNEL_STATE)}; {page.evaluate(JS_CELL_REPORT)}") from error


def check_quiz_answers(page: Page) -> None:
    """In every quiz: pick the first choice of the first question, press Check, expect ✅ or ⛔ feedback."""
    quizzes = page.locator(".labkit-quiz")
    for i in range(quizzes.count()):
        question = quizzes.nth(i).locator(".labkit-quiz-question").first
        feedback = question.locator(".labkit-quiz-feedback")
        expect(feedback).to_have_text("", timeout=WIDGET_TIMEOUT)  # nothing before an answer is checked
        choice = question.locator(".labkit-quiz-choices input[type='radio']").first
        choice.click(timeout=WIDGET_TIMEOUT)
        expect(choice).to_be_checked(timeout=WIDGET_TIMEOUT)
        question.locator(".labkit-quiz-check").click(timeout=WIDGET_TIMEOUT)
        expect(feedback).to_have_text(re.compile(r"^\s*(✅ Right|⛔ Not quite): \S"), timeout=WIDGET_TIMEOUT)
        expect(feedback).to_have_class(re.compile(r"\blabkit-quiz-(right|wrong)\b"), timeout=WIDGET_TIMEOUT)
        right = feedback.inner_text().strip().startswith("✅")
        assert ("labkit-quiz-right" if right else "labkit-quiz-wrong") in (feedback.get_attribute("class") or ""), (
            f"quiz {i + 1}: the feedback text and its class disagree")


# --- the test -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(path, jupyterlab, lab_page):
    page = lab_page
    progress, quizzes = expected_widgets(path)

    open_notebook(page, jupyterlab, path.name)
    run_all(page, path.name)

    outcome = page.evaluate("() => window.__labkitRunAll")
    report = page.evaluate(JS_CELL_REPORT)
    assert not report["errors"], f"{path.name}: cells show errors:\n" + "\n".join(report["errors"])
    assert outcome["ok"], f"{path.name}: run all cells failed: {outcome.get('error', 'a cell failed')}"
    assert not report["notRun"], f"{path.name}: cells did not run:\n" + "\n".join(report["notRun"])

    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    shown = [text for text in stderr.all_inner_texts() if "Traceback" in text or "Error" in text]
    assert not shown, f"{path.name}: error text on stderr:\n" + "\n---\n".join(t[:600] for t in shown)

    # Live widgets: every progress display and quiz the stored (text) outputs promise.
    bars = page.locator(".labkit-progress .widget-hprogress")
    expect(bars).to_have_count(progress, timeout=WIDGET_TIMEOUT)
    expect(page.locator(".labkit-quiz")).to_have_count(quizzes, timeout=WIDGET_TIMEOUT)
    if progress:
        expect(bars.first).to_be_visible(timeout=WIDGET_TIMEOUT)
    if quizzes:
        expect(page.locator(".labkit-quiz .labkit-quiz-question").first).to_be_visible(timeout=WIDGET_TIMEOUT)
        check_quiz_answers(page)

    # Widgets that failed to render show this instead of themselves.
    assert page.get_by_text("Error displaying widget").count() == 0, f"{path.name}: a widget failed to render"
    expect(page.locator(".jp-Dialog"), "a dialog is open over the notebook").to_have_count(0)


def test_notebooks_found():
    """The parametrization above is not silently empty."""
    assert NOTEBOOKS, "no notebooks/[0-9]*.ipynb found"


def test_widget_expectations_are_known():
    """The counts above come from stored outputs: make sure they still see the widgets we know of."""
    by_stem = {p.stem: expected_widgets(p) for p in NOTEBOOKS}
    if "00-setup" in by_stem:
        assert by_stem["00-setup"][0] >= 1, "00-setup should show a progress display (register providers)"
    if "01-architecture" in by_stem:
        assert by_stem["01-architecture"][1] >= 1, "01-architecture should end with a quiz"
