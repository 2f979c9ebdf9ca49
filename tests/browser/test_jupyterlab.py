"""Each notebook, opened in JupyterLab in a real Chromium, runs all its cells as a learner would.

For every ``notebooks/[0-9]*.ipynb`` (on a temporary copy, in replay mode): open it, wait for its
kernel, run all cells through JupyterLab's command API, then check that

* every code cell ran and none shows an error (no error output, no traceback on stderr),
* the live widgets render: a progress display (``.labkit-progress`` with an ipywidgets
  ``.widget-hprogress`` bar) for every live progress output the stored notebook has, and a quiz
  (``.labkit-quiz``) for every "Self-check" output,
* in every quiz, choosing an answer to the first question and pressing Check gives ✅ or ⛔ feedback,
  which clears when another answer is chosen; the Check button keeps its size; a score shows,
* what a learner sees is not broken: no traceback and no ⛔ line in view (replay runs clean), no
  status line or table of labkit's that wraps in the middle of a word, no quiz answer in view before
  it is checked, one architecture diagram in 01 whose labels read at 12 px or more,
* after a reload with a new kernel (the widgets' state is gone), the quiz says "run this cell to answer".

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
VIEWPORT = {"width": 1400, "height": 1000}  # the width the issue reads the notebooks at
MAX_SCREENSHOT_HEIGHT = 16_000

PROGRESS_TEXT = "⏳ "  # how labkit.ui.Progress starts its text form
MIN_LABEL_PX = 12  # a diagram's smallest text, as shown


def expected_widgets(path: Path) -> tuple[int, int]:
    """(live progress bars, quizzes) that running ``path`` shows.

    Progress bars are counted from the stored outputs: a live progress display (``labkit.ui.Progress``)
    is stored as its text form alone, "⏳ …" with no HTML (the widget view is dropped when outputs are
    stored); a "⏳" output with HTML is a static one (``labkit.ui.header``), with no bar. Quizzes are
    counted from the code: one per cell that calls ``check_yourself(`` or ``quiz(``.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    progress = quizzes = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        quizzes += bool(re.search(r"\b(check_yourself|quiz)\(", source))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            progress += text.startswith(PROGRESS_TEXT) and "text/html" not in data
    return progress, quizzes


def quiz_answers(path: Path) -> list[str]:
    """The explanations of the quiz ``path`` shows (labkit.quiz_bank): none may be in view before a Check."""
    from labkit.quiz import questions_for

    nb = json.loads(path.read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    found = re.findall(r'check_yourself\("([^"]+)"\)', source)
    return [text for stem in found for q in questions_for(stem) for text in (q.explain, *(q.why or ()))]


def smallest_font(svg: Path) -> float:
    """The smallest font size an SVG sets (its default is the base ``text`` rule's)."""
    sizes = [float(x) for x in re.findall(r"font-size:\s*([\d.]+)px", svg.read_text(encoding="utf-8"))]
    sizes += [float(x) for x in re.findall(r'font-size="([\d.]+)', svg.read_text(encoding="utf-8"))]
    return min(sizes)


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

# Where labkit's own text wraps between two letters or digits ("--nam|e", "aci-he|llworld"): in status lines,
# tables, progress displays, folded notes and quiz feedback. A line ending at a space, a hyphen or "/" is fine.
JS_MID_WORD_BREAKS = """() => {
    const found = [];
    const word = /[A-Za-z0-9]/;
    const selector = ['.labkit-status', '.labkit-progress', '.labkit-table', '.labkit-folded > summary',
                      '.labkit-quiz-feedback', '.labkit-quiz-text'].map((c) => '.jp-OutputArea-output ' + c).join(', ');
    for (const root of document.querySelectorAll(selector)) {
        if (!root.getClientRects().length) continue;  // not displayed
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent;
            let prev = null;
            for (let i = 0; i < text.length; i++) {
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = Array.from(range.getClientRects()).find((r) => r.width > 0);
                if (!rect) { prev = null; continue; }
                if (prev && word.test(prev.ch) && word.test(text[i]) && rect.top >= prev.bottom - 2) {
                    found.push(text.slice(Math.max(0, i - 20), i) + '|' + text.slice(i, i + 20));
                }
                prev = {ch: text[i], bottom: rect.bottom};
            }
        }
    }
    return found;
}"""

# What a learner should not see in a replay run: a traceback (a folded one is fine) or a ⛔ line, in any output.
JS_VISIBLE_TROUBLE = """() => {
    const found = [];
    for (const output of document.querySelectorAll('.jp-OutputArea-output')) {
        const text = output.innerText || '';  // innerText leaves out what a closed <details> hides
        for (const mark of ['Traceback (most recent call last)', '⛔', 'Error displaying widget']) {
            const at = text.indexOf(mark);
            if (at >= 0) found.push(text.slice(Math.max(0, at - 200), at + 300));
        }
    }
    return found;
}"""

# The diagrams in the notebook's Markdown: images (their natural and shown widths) and Mermaid blocks.
JS_DIAGRAMS = """() => {
    const images = Array.from(document.querySelectorAll('.jp-MarkdownOutput img')).map((img) => ({
        src: img.getAttribute('src'), natural: img.naturalWidth, shown: img.getBoundingClientRect().width}));
    const mermaid = document.querySelectorAll(
        ['.jp-RenderedMermaid', 'pre > code.language-mermaid', '.mermaid']
            .map((c) => '.jp-MarkdownOutput ' + c).join(', ')).length;
    return {images, mermaid};
}"""

JS_NOTEBOOK_TEXT = "() => window.jupyterapp.shell.currentWidget.content.node.innerText"

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
    """In every quiz: pick a choice of the first question and Check (✅ or ⛔ feedback, a score, the button's size
    kept); then pick another choice: the old feedback is gone."""
    quizzes = page.locator(".labkit-quiz")
    for i in range(quizzes.count()):
        question = quizzes.nth(i).locator(".labkit-quiz-question").first
        feedback = question.locator(".labkit-quiz-feedback")
        button = question.locator(".labkit-quiz-check")
        expect(feedback).to_have_text("", timeout=WIDGET_TIMEOUT)  # nothing before an answer is checked
        before = button.bounding_box()
        choices = question.locator(".labkit-quiz-choices input[type='radio']")
        choices.first.click(timeout=WIDGET_TIMEOUT)
        expect(choices.first).to_be_checked(timeout=WIDGET_TIMEOUT)
        button.click(timeout=WIDGET_TIMEOUT)
        expect(feedback).to_have_text(re.compile(r"^\s*(✅ Right|⛔ Not quite): \S"), timeout=WIDGET_TIMEOUT)
        expect(feedback).to_have_class(re.compile(r"\blabkit-quiz-(right|wrong)\b"), timeout=WIDGET_TIMEOUT)
        right = feedback.inner_text().strip().startswith("✅")
        assert ("labkit-quiz-right" if right else "labkit-quiz-wrong") in (feedback.get_attribute("class") or ""), (
            f"quiz {i + 1}: the feedback text and its class disagree")
        after = button.bounding_box()
        assert abs(after["width"] - before["width"]) <= 1 and abs(after["height"] - before["height"]) <= 1, (
            f"quiz {i + 1}: the Check button changed size beside its feedback: {before} → {after}")
        squeezed = button.evaluate("(b) => b.scrollWidth > b.clientWidth + 1")
        assert not squeezed, f"quiz {i + 1}: the Check button is squeezed"
        expect(quizzes.nth(i).locator(".labkit-quiz-score")).to_have_text(
            re.compile(rf"Score: {int(right)} of \d+ right"), timeout=WIDGET_TIMEOUT)
        choices.nth(1).click(timeout=WIDGET_TIMEOUT)  # a new choice: the verdict on the old one must go
        expect(feedback).to_have_text("", timeout=WIDGET_TIMEOUT)


def shown_trouble(page: Page) -> list[str]:
    """Tracebacks, ⛔ lines and widget errors in view, and labkit text that wraps inside a word."""
    trouble = [f"in view: {t}" for t in page.evaluate(JS_VISIBLE_TROUBLE)]
    return trouble + [f"wraps inside a word: {t!r}" for t in page.evaluate(JS_MID_WORD_BREAKS)]


def check_diagrams(page: Page, path: Path) -> None:
    """A notebook that draws the architecture draws it once, as an image whose smallest label reads at 12 px."""
    source = path.read_text(encoding="utf-8")
    if "img/architecture.svg" not in source:
        return
    found = page.evaluate(JS_DIAGRAMS)
    diagrams = [i for i in found["images"] if re.search(r"\.svg(\?|$)", i["src"] or "")]
    assert len(diagrams) == 1 and found["mermaid"] == 0, f"{path.name}: one diagram expected, found {found}"
    (image,) = diagrams
    assert image["natural"] > 0, f"{path.name}: the diagram did not load: {image}"
    served = re.search(r"/files/([^?]+\.svg)", image["src"])  # JupyterLab serves it as /files/<path>?<token>
    smallest = smallest_font(path.parent / served.group(1)) * image["shown"] / image["natural"]
    assert smallest >= MIN_LABEL_PX, (f"{path.name}: the diagram is shown {image['shown']:.0f} px wide for "
                                      f"{image['natural']} px: its smallest label reads at {smallest:.1f} px")


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

    # What the learner sees before touching anything: nothing broken, no answer given away, one readable diagram.
    trouble = shown_trouble(page)
    assert not trouble, f"{path.name}:\n" + "\n".join(trouble)
    text = page.evaluate(JS_NOTEBOOK_TEXT)
    given_away = [answer for answer in quiz_answers(path) if answer in text]
    assert not given_away, f"{path.name}: quiz answers in view before any Check: {given_away}"
    assert "answer=" not in text, f"{path.name}: a quiz's answer index is in view"
    check_diagrams(page, path)

    if quizzes:
        # the questions' text form is there for front ends without widgets: not beside the drawn quiz
        expect(page.locator(".labkit-quiz-text")).to_have_count(quizzes, timeout=WIDGET_TIMEOUT)
        for form in page.locator(".labkit-quiz-text").all():
            expect(form).to_be_hidden(timeout=WIDGET_TIMEOUT)
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


QUIZ_NOTEBOOK = next((p for p in NOTEBOOKS if p.stem == "01-architecture"), None)


@pytest.mark.skipif(QUIZ_NOTEBOOK is None, reason="no 01-architecture notebook")
def test_after_a_reload_with_a_new_kernel_the_quiz_says_to_run_its_cell(jupyterlab, chromium_browser, artifacts):
    """Run 01, save it, stop its kernel and reload the page: the quiz's widgets are gone, and it must say why."""
    context = chromium_browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_notebook(page, jupyterlab, QUIZ_NOTEBOOK.name)
        run_all(page, QUIZ_NOTEBOOK.name)
        expect(page.locator(".labkit-quiz")).to_have_count(1, timeout=WIDGET_TIMEOUT)
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=LOAD_TIMEOUT)
        page.evaluate(JS_SHUTDOWN)
        page.reload(wait_until="domcontentloaded", timeout=LOAD_TIMEOUT)
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=LOAD_TIMEOUT)
        page.evaluate(JS_WAIT_STARTED)
        page.wait_for_function("() => window.__labkitRestored === true", timeout=LOAD_TIMEOUT)
        page.wait_for_function(JS_NOTEBOOK_OPEN, arg=QUIZ_NOTEBOOK.name, timeout=LOAD_TIMEOUT)
        page.wait_for_function(JS_KERNEL_IDLE, timeout=KERNEL_TIMEOUT)
        expect(page.locator(".labkit-quiz")).to_have_count(0, timeout=WIDGET_TIMEOUT)  # the widgets are gone
        hint = page.locator(".jp-OutputArea-output").filter(has_text="Run this cell to answer")
        expect(hint.first).to_be_visible(timeout=WIDGET_TIMEOUT)
    finally:
        try:
            screenshot(page, artifacts / "01-architecture-reloaded.png")
        finally:
            try:
                page.evaluate(JS_SHUTDOWN)
            except Exception:  # noqa: BLE001  the page may be gone
                pass
            context.close()


def test_in_live_mode_stored_replay_outputs_fade_until_their_cell_runs(chromium_browser, monkeypatch):
    """A live cell's output brings a rule that fades the outputs a replay run left in other cells (and says so).

    Outputs laid out as JupyterLab lays them out: one .jp-OutputArea-child per output.
    """
    from labkit import ui

    monkeypatch.setattr(ui, "_REPLAYING", ui._REPLAYING)  # put back as it was after the test
    ui.mark_outputs(True)  # what open_lab does in replay
    stored = ui.status_html("✅ Cluster aks-student-k7q2 created")
    ui.mark_outputs(False)  # and for a live lab
    live = ui.status_html("✅ Signed in")

    def cell(html: str, cell_id: str) -> str:
        return (f"<div class='jp-OutputArea' id='{cell_id}'><div class='jp-OutputArea-child'>"
                f"<div class='jp-OutputArea-output'>{html}</div></div></div>")

    context = chromium_browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        opacity = "(id) => getComputedStyle(document.querySelector(`#${id} .jp-OutputArea-child`)).opacity"
        page.set_content(cell(stored, "before"))
        assert page.evaluate(opacity, "before") == "1"  # in replay, nothing fades
        page.set_content(cell(live, "mine") + cell(stored, "stale"))
        assert page.evaluate(opacity, "mine") == "1" and page.evaluate(opacity, "stale") == "0.5"
        label = page.evaluate("() => getComputedStyle(document.querySelector('#stale .jp-OutputArea-output'), "
                              "'::before').content")
        assert "not your lab: run this cell" in label
    finally:
        context.close()
