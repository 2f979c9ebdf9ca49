"""A notebook step, declared once: ``@step("Creating container group {c.container_group}")`` over ``def create(lab)``.

The step's name is the function's name, and so the name of its recording (``recordings/<notebook>/create.json``).
Running it opens that step, turns a known Azure error into a LabError with its fix (:func:`labkit.errors.explain`,
with the step's ``doing`` text, formatted with ``c`` = the lab's config), shows the ⛔ line once and raises.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from labkit import ui
from labkit.errors import LabError

if TYPE_CHECKING:
    from labkit.lab import Lab

F = TypeVar("F", bound=Callable)


def step(doing: str) -> Callable[[F], F]:
    """Make ``fn(lab, ...)`` one recorded step named ``fn.__name__``; ``doing`` names its Azure calls in errors."""

    def declare(fn: F) -> F:
        @functools.wraps(fn)
        def run(lab: Lab, *args, **kwargs):
            with lab.step(fn.__name__), ui.shown(doing.format(c=lab.config)):
                return fn(lab, *args, **kwargs)

        return run  # type: ignore[return-value]

    return declare


def shown(error: LabError, progress=None) -> LabError:
    """``error`` with its ⛔ line shown now (under ``progress``, when a progress box watched the work): raise it."""
    if progress is not None:
        progress.finish(False, error.problem, error.fix)
    else:
        ui.status(False, error.problem, error.fix)
    error.shown = True
    return error
