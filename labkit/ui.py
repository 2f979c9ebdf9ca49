"""What the notebooks show: progress for long operations, tables, status lines, and streamed work.

Every display has a plain-text form that reads well in papermill output, nbval and VS Code; the
ipywidgets form is added where a front end can draw it. Introduced in notebook 00-setup.

Streamed work (a build log, per-layer push progress, notebook 03) is one display updated in place while it
runs; when it ends, that display goes back to its header and the outcome is shown once, as a new output.
Stored outputs therefore hold only the header and the outcome, whose text form is short and the same on every
replay: nbval ignores display updates, so what it compares must not depend on them.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labkit.lab import Lab


def display(obj, **kwargs):
    """Show ``obj`` in the notebook (its text form outside a front end); a handle with ``display_id=True``."""
    import IPython.display

    return IPython.display.display(obj, **kwargs)


def plain(value) -> str:
    """An SDK enum as the word Azure sent ('Free', not 'ManagedClusterSKUTier.FREE'); None as ''."""
    return "" if value is None else str(getattr(value, "value", value))


@contextlib.contextmanager
def shown(doing: str):
    """Show a failure inside as ⛔ with its fix; known Azure errors become LabErrors (errors.AZURE_HINTS)."""
    from azure.core.exceptions import AzureError

    from labkit.errors import LabError, explain

    try:
        yield
    except LabError as err:
        if not getattr(err, "shown", False):
            status(False, err.problem, err.fix)
            err.shown = True  # the kernel's handler (labkit.kernel) then does not show it again
        raise
    except AzureError as err:  # answers with an error, and no answer at all (errors.transient_error)
        friendly = explain(err, doing=doing)
        if not isinstance(friendly, LabError):  # explain gives back an error it does not know unchanged
            raise
        status(False, friendly.problem, friendly.fix)
        friendly.shown = True
        raise friendly from err


def seconds(value: float) -> str:
    """A duration for people: '0.4 s', '42 s', '6 min 05 s'."""
    if value < 10:
        return f"{value:.1f} s"
    if value < 60:
        return f"{value:.0f} s"
    return f"{int(value // 60)} min {int(value % 60):02d} s"


# How labkit's HTML text wraps: at spaces only (JupyterLab's output <pre> breaks anywhere, "--nam e"); a token
# longer than the whole line still breaks rather than run out of the output. No fixed widths anywhere.
WRAP = "white-space:pre-wrap;word-break:normal;overflow-wrap:break-word"
# Each mark's colour, so the line reads without an emoji font too (the mark would be an empty box).
MARKS = {"✅": "#107c10", "⛔": "#c50f1f", "⏳": "#8a6100", "ℹ️": "#0063b1"}
NO_BREAK_UP_TO = 48  # characters: a hyphenated token up to this long stays on one line


# Live and record mode: an output a replay run stored (the notebook as shipped, or an earlier replay run) fades and
# says so until its cell runs again, so a learner never takes the recorded lab's answers below for their own.
STALE_REPLAY_STYLE = (
    "<style>.jp-OutputArea-child:has(.labkit-replay){opacity:.5}"
    ".jp-OutputArea-child:first-child:has(.labkit-replay)>.jp-OutputArea-output::before"
    "{content:'replay output, not your lab: run this cell';display:block;font-style:italic;"
    "color:#8a6100}</style>"
)


_REPLAYING: bool | None = None  # set by labkit.lab.open_lab from the session's policy; None before any lab opens


def mark_outputs(replaying: bool) -> None:
    """Mark this kernel's outputs as replay's, or as a live (or record) lab's: open_lab says which, once."""
    global _REPLAYING
    _REPLAYING = replaying


def mode_mark() -> tuple[str, str]:
    """(CSS class, style) that every labkit HTML output carries: replay outputs are marked as such, live and record
    outputs bring the rule that fades stored replay outputs; before a lab is opened, outputs are left unmarked."""
    if _REPLAYING is None:
        return "labkit-unmarked", ""
    return ("labkit-replay", "") if _REPLAYING else ("labkit-live", STALE_REPLAY_STYLE)


def words_html(text: str) -> str:
    """Text as HTML in which a short name or option with a hyphen ("--query", "aks-student-k7q2") is never split
    at its hyphen; longer tokens (a URL) may still break, so nothing runs out of the output."""
    return re.sub(
        r"\S*-\S*",
        lambda m: (
            f"<span style='white-space:nowrap'>{m.group(0)}</span>" if len(m.group(0)) <= NO_BREAK_UP_TO else m.group(0)
        ),
        html.escape(str(text)),
    )


def code_html(text: str) -> str:
    """Text with `backticks` as HTML: the quoted parts as <code>, the rest as words (no raw backticks shown)."""
    parts = str(text).split("`")
    if len(parts) < 3:
        return f"<code style='{WRAP}'>{words_html(text)}</code>"
    return "".join(f"<code>{words_html(p)}</code>" if i % 2 else words_html(p) for i, p in enumerate(parts))


def status_html(text: str, css_class: str = "labkit-status") -> str:
    """A status text (first character a mark) as HTML: wrapped at spaces, the mark's colour as a bar beside it."""
    mark = next((m for m in MARKS if text.startswith(m)), "")
    colour = MARKS.get(mark, "#605e5c")
    body = (
        f"<span style='color:{colour};font-weight:600'>{html.escape(mark)}</span>{words_html(text[len(mark) :])}"
        if mark
        else words_html(text)
    )
    mode, style = mode_mark()
    return (
        f"{style}<pre class='{css_class} {mode}' style='{WRAP};border-left:4px solid {colour};"
        f"padding:0.1em 0 0.1em 0.6em;margin:0.15em 0'>{body}</pre>"
    )


def table_html(rows, title: str = "", css_class: str = "labkit-table") -> str:
    """Rows of (label, value) as an HTML table, the title above it (a <caption> would be squeezed to its width)."""
    body = "".join(
        f"<tr><th style='text-align:left;vertical-align:top;{WRAP}'>{words_html(k)}</th>"
        f"<td style='text-align:left;{WRAP}'>{code_html(v)}</td></tr>"
        for k, v in rows
    )
    heading = f"<div class='labkit-table-title' style='{WRAP}'><b>{words_html(title)}</b></div>" if title else ""
    mode, style = mode_mark()
    return f"{style}<div class='{css_class} {mode}'>{heading}<table>{body}</table></div>"


class Table:
    """Rows of (label, value) shown as an HTML table, or aligned text."""

    def __init__(self, rows, title: str = ""):
        self.rows, self.title = [(str(k), str(v)) for k, v in rows], title

    def __repr__(self):
        width = max((len(k) for k, _ in self.rows), default=0)
        lines = [self.title] if self.title else []
        return "\n".join(lines + [f"  {k.ljust(width)}  {v}" for k, v in self.rows])

    def _repr_html_(self):
        return table_html(self.rows, self.title)


class Shown(list):
    """A step's rows that its cell has already shown as a table: IPython does not print them a second time."""

    def _ipython_display_(self) -> None:
        pass


class Folded:
    """One line for the learner, with detail folded under it (HTML <details>); the text form is the line alone."""

    def __init__(self, line: str, detail_html: str):
        self.line, self.detail_html = line, detail_html

    def __repr__(self):
        return self.line

    def _repr_html_(self):
        mark = next((m for m in MARKS if self.line.startswith(m)), "")
        colour = MARKS.get(mark, "#605e5c")
        mode, style = mode_mark()
        return (
            f"{style}<details class='labkit-folded {mode}' "
            f"style='border-left:4px solid {colour};padding:0.1em 0 0.1em 0.6em'>"
            f"<summary style='{WRAP};cursor:pointer'>{words_html(self.line)} <i>(details)</i></summary>"
            f"{self.detail_html}</details>"
        )


def display_folded(line: str, detail_html: str) -> None:
    display(Folded(line, detail_html))


def show(rows, title: str = "") -> None:
    display(Table(rows, title))


def status(ok: bool, message: str, next_step: str = "") -> None:
    """A ✅ or ⛔ line, with what to do next."""
    display(StatusLine(ok, message, next_step))


def waiting(message: str) -> None:
    """A ⏳ line: labkit waits on Azure and says why (throttled, no answer, retrying)."""
    display(Text(f"⏳ {message}"))


class Text:
    """A block of text with an HTML form (a status line, a note, a stream's header)."""

    def __init__(self, text: str, markup: str = ""):
        self.text, self.markup = text, markup or status_html(text)

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        return self.markup


class StatusLine(Text):
    """A ✅ or ⛔ line, with what to do next."""

    def __init__(self, ok: bool, message: str, next_step: str = ""):
        super().__init__(f"{'✅' if ok else '⛔'} {message}" + (f"\n   Next: {next_step}" if next_step else ""))


class Progress:
    """One display for one long operation: title, the equivalent `az` command, elapsed time, state.

    In a front end with widgets it is a live ipywidgets box; its text form (what papermill, nbval
    and plain terminals see) names the operation and its `az` command. The outcome is a ✅/⛔ line.
    Time is the lab's clock (virtual in replay, so a replay's output is the same at every run); in replay the
    outcome also says how long the step took when it was recorded, where its recording knows.
    """

    def __init__(self, lab: Lab, title: str, az: str = ""):
        import ipywidgets as w

        self.title, self.az, self.clock = title, az, lab.policy.clock
        self.started, self.recorded = self.clock.now(), lab.recorder.recorded_seconds()
        self.state = "starting"
        self.bar = w.FloatProgress(
            value=0, min=0, max=1, bar_style="info", description="", layout=w.Layout(width="40%")
        )
        self.label = w.HTML()
        self.box = _progress_box_class()(
            self,
            children=[
                w.HTML(
                    f"<div style='{WRAP};line-height:1.4'><b><span style='color:{MARKS['⏳']}'>⏳</span> "
                    f"{words_html(title)}</b></div>"
                ),
                w.HTML(
                    f"<div style='line-height:1.4'><code style='{WRAP}'>{words_html(az)}</code></div>" if az else ""
                ),
                w.HBox([self.bar, self.label]),
            ],
        )
        self.box.add_class("labkit-progress")
        self._render()
        display(self.box)

    @property
    def elapsed(self) -> float:
        return self.clock.now() - self.started

    def took(self) -> str:
        """'(42 s)', or in replay of a step whose recording knows its time '(done in 0.0 s — the recorded lab took
        6 min 07 s)'."""
        if self.recorded is None:
            return f"({seconds(self.elapsed)})"
        return f"(done in {seconds(self.elapsed)} — the recorded lab took {seconds(self.recorded)})"

    def update(self, state: str) -> None:
        self.state = state or self.state
        self.bar.value = (self.bar.value + 0.1) % 1.0
        self._render()

    def finish(self, ok: bool, message: str, next_step: str = "") -> None:
        """Stop the bar and print the ✅/⛔ line under the box (a line of its own, so nbval sees it)."""
        self.state = "done" if ok else "failed"
        self.bar.value, self.bar.bar_style = 1.0, "success" if ok else "danger"
        self._render()
        status(ok, f"{message} {self.took()}", next_step)

    def _render(self):
        self.label.value = html.escape(f"{self.state} · {seconds(self.elapsed)}")

    def text(self) -> str:
        """The box as text: what runs and its `az` equivalent (the outcome follows as a status line)."""
        return "\n".join([f"⏳ {self.title}"] + ([f"   $ {self.az}"] if self.az else []))


@functools.cache
def _progress_box_class():
    import ipywidgets as w

    class ProgressBox(w.VBox):
        """A VBox whose text form is the progress text, so saved outputs stay readable."""

        def __init__(self, progress, **kwargs):
            super().__init__(**kwargs)
            self._progress = progress

        def __repr__(self):
            return self._progress.text()

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle["text/plain"] = self._progress.text()  # whole, where ipywidgets would cut it at 110
            return bundle

    return ProgressBox


# -- streamed work: a build log and per-layer push progress (notebook 03) ----------------------------------
LOG_TAIL = 8  # lines of the build log kept in the text form
REFRESH = 0.25  # seconds between live updates of a stream (real seconds: they pace the screen)


def size(value) -> str:
    """Bytes for people, in decimal units as docker prints them: '750 B', '1.9 MB'."""
    if not value:
        return ""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value} B"


def note(text: str) -> None:
    """An ℹ️ line: neither success nor failure, just what happens and why."""
    display(Text(f"ℹ️ {text}"))


def header(title: str, commands: list[str]) -> Text:
    mode, style = mode_mark()
    lines = [f"⏳ {title}"] + [f"   $ {c}" for c in commands]
    return Text(
        "\n".join(lines),
        f"{style}<div class='labkit-progress {mode}' style='{WRAP}'><b>⏳ "
        + html.escape(title)
        + "</b>"
        + "".join(f"<br><code style='{WRAP}'>$ {words_html(c)}</code>" for c in commands)
        + "</div>",
    )


class Live:
    """A display updated in place while a stream runs; :meth:`settle` puts its header back."""

    def __init__(self, title: str, commands: list[str]):
        self.header = header(title, commands)
        self.handle = display(self.header, display_id=True)  # None outside a kernel
        self.shown = 0.0

    def update(self, obj, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.handle is not None and (force or now - self.shown >= REFRESH):
            self.handle.update(obj)
            self.shown = now

    def settle(self) -> None:
        if self.handle is not None:
            self.handle.update(self.header)


class Log:
    """A build log: all of it in HTML (scrolled to the end), the last lines in text."""

    def __init__(self, title: str):
        self.title, self.lines = title, list[str]()

    def add(self, line: str) -> None:
        self.lines.append(line)

    def __repr__(self):
        earlier = len(self.lines) - LOG_TAIL
        last = [f"   {line}" for line in self.lines[-LOG_TAIL:]]
        lines = ([f"   … {earlier} earlier lines"] if earlier > 0 else []) + last
        tail = f"; the last {LOG_TAIL}" if earlier > 0 else ""
        return "\n".join([f"{self.title} ({len(self.lines)} lines{tail}):"] + lines)

    def _repr_html_(self):
        # column-reverse keeps the box scrolled to its last line without any script
        return (
            f"<details open><summary>{html.escape(self.title)} ({len(self.lines)} lines)</summary>"
            "<div style='display:flex;flex-direction:column-reverse;max-height:14em;overflow:auto'>"
            f"<pre style='margin:0;{WRAP}'>{html.escape(chr(10).join(self.lines))}</pre></div></details>"
        )


class Layers:
    """Per-layer push progress: the last status of each layer and its size."""

    def __init__(self, title: str):
        self.title, self.layers = title, dict[str, dict]()

    def add(self, event: dict) -> None:
        layer = self.layers.setdefault(event["layer"], {"current": None, "total": None})
        layer["status"] = event["status"]
        if event.get("total"):
            layer["current"], layer["total"] = event["current"], event["total"]

    def __repr__(self):
        rows = [
            f"   {name}  {layer['status']:<22} {size(layer['total'])}".rstrip() for name, layer in self.layers.items()
        ]
        return "\n".join([f"{self.title} ({len(self.layers)} layers):"] + rows)

    def _repr_html_(self):
        rows = []
        for name, layer in self.layers.items():
            done = layer["status"] != "Pushing"
            total = layer["total"] or 1
            value = total if done else min(layer["current"] or 0, total)
            rows.append(
                f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(layer['status'])}</td>"
                f"<td><progress value='{value}' max='{total}'></progress></td>"
                f"<td>{html.escape(size(layer['total']))}</td></tr>"
            )
        return (
            f"<div class='labkit-table'><div class='labkit-table-title'><b>{html.escape(self.title)}</b></div>"
            f"<table>{''.join(rows)}</table></div>"
        )
