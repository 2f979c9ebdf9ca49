"""What labkit adds to a notebook's kernel: a LabError is shown as its ⛔ line and its fix.

Without this, a bad parameter (``prefix="Zoe Smith"``) ends as a 40-line traceback through labkit
with the useful line at the bottom. With it, the cell shows the problem and what to do; the traceback
is still there, folded under "Details" (HTML front ends) for whoever wants it. The cell still fails
(Run All, papermill and nbclient stop there). Registered by ``import labkit`` in IPython.
"""

from __future__ import annotations

import html
import traceback

from labkit.errors import LabError


class FoldedTraceback:
    """A traceback shown folded: a <details> block in HTML, one line in plain text."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return "(details: the traceback, folded)"

    def _repr_html_(self):
        return (
            "<details class='labkit-traceback'><summary>Details: where labkit raised this</summary>"
            f"<pre>{html.escape(self.text)}</pre></details>"
        )


def show_lab_error(shell, etype, value, tb, tb_offset=None) -> None:
    """IPython's custom exception handler for LabError: its ⛔ line (unless labkit showed it), then the fold.

    IPython still marks the cell as failed; the handler replaces only what the error looks like.
    """
    from IPython.display import display

    from labkit.ui import StatusLine

    if not getattr(value, "shown", False):
        display(StatusLine(False, value.problem, value.fix))
    display(FoldedTraceback("".join(traceback.format_exception(etype, value, tb))))


def register() -> bool:
    """Show LabErrors plainly in the running IPython kernel (if there is one); True if registered."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((LabError,), show_lab_error)
    return True
