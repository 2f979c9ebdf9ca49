"""Live displays for streamed work: a build log and per-layer push progress (notebook 03).

While a stream runs, one display is updated in place (an HTML log that scrolls, or a table of
layers). When it ends, that display goes back to its header and the outcome is shown once, as a
new output. Stored outputs therefore hold only the header and the outcome, whose text form is
short and the same on every replay: nbval ignores display updates, so what it compares must not
depend on them.
"""

from __future__ import annotations

import html
import time

LOG_TAIL = 8  # lines of the build log kept in the text form
REFRESH = 0.25  # seconds between live updates


def display(obj, **kwargs):
    import IPython.display

    return IPython.display.display(obj, **kwargs)


def size(value) -> str:
    """Bytes for people, in decimal units as docker prints them: '750 B', '1.9 MB'."""
    if not value:
        return ""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value} B"


class Text:
    """A block of text with an HTML form (a note, a header)."""

    def __init__(self, text: str, markup: str = ""):
        from labkit.ui import status_html

        self.text, self.markup = text, markup or status_html(text)

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        return self.markup


def note(text: str) -> None:
    """An ℹ️ line: neither success nor failure, just what happens and why."""
    display(Text(f"ℹ️ {text}"))


def header(title: str, commands: list[str]) -> Text:
    from labkit.ui import WRAP, mode_mark, words_html

    mode, style = mode_mark()
    lines = [f"⏳ {title}"] + [f"   $ {c}" for c in commands]
    return Text("\n".join(lines), f"{style}<div class='labkit-progress {mode}' style='{WRAP}'><b>⏳ "
                + html.escape(title) + "</b>"
                + "".join(f"<br><code style='{WRAP}'>$ {words_html(c)}</code>" for c in commands) + "</div>")


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
        from labkit.ui import WRAP

        # column-reverse keeps the box scrolled to its last line without any script
        return (f"<details open><summary>{html.escape(self.title)} ({len(self.lines)} lines)</summary>"
                "<div style='display:flex;flex-direction:column-reverse;max-height:14em;overflow:auto'>"
                f"<pre style='margin:0;{WRAP}'>{html.escape(chr(10).join(self.lines))}</pre></div></details>")


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
        rows = [f"   {name}  {layer['status']:<22} {size(layer['total'])}".rstrip()
                for name, layer in self.layers.items()]
        return "\n".join([f"{self.title} ({len(self.layers)} layers):"] + rows)

    def _repr_html_(self):
        rows = []
        for name, layer in self.layers.items():
            done = layer["status"] != "Pushing"
            total = layer["total"] or 1
            value = total if done else min(layer["current"] or 0, total)
            rows.append(f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(layer['status'])}</td>"
                        f"<td><progress value='{value}' max='{total}'></progress></td>"
                        f"<td>{html.escape(size(layer['total']))}</td></tr>")
        return (f"<div class='labkit-table'><div class='labkit-table-title'><b>{html.escape(self.title)}</b></div>"
                f"<table>{''.join(rows)}</table></div>")
