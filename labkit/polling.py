"""The one wait loop: read something until it is done or time is up, on the session's clock.

The clock is the session's (:class:`~labkit.recording.mode.Policy`): real seconds live, virtual seconds in
replay (they pass only when labkit sleeps), so a wait times out after the same number of reads in every mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from labkit.lab import Lab

DONE_STATES = frozenset({"Succeeded", "Failed", "Canceled"})  # provisioning states an operation ends in

T = TypeVar("T")
_UNREAD = object()


def poll(
    read: Callable[[], T],
    done: Callable[[T], bool],
    *,
    every: float,
    timeout: float,
    clock,
    progress: Callable[[T], None] | None = None,
    first=_UNREAD,
    wait: Callable[[float], object] | None = None,
) -> T:
    """``read()`` every ``every`` seconds until ``done(value)``, or until ``timeout`` seconds have passed.

    Returns the last value read (the caller tells done from timed out with ``done``). ``progress`` sees each
    value that is not done yet; ``first`` is a value already read (e.g. what a create answered); ``wait``
    replaces the clock's sleep where something else can end the pause early (an SDK poller's ``wait``).
    """
    deadline = clock.now() + timeout
    value = read() if first is _UNREAD else first
    while not done(value) and clock.now() < deadline:
        if progress is not None:
            progress(value)
        (wait or clock.sleep)(every)
        value = read()
    return value


def wait_for(lab: Lab, poller, *, every: float, progress: Callable[[str], None]) -> None:
    """Until an SDK poller is done, its status to ``progress`` every ``every`` seconds at most (the poller's own
    wait, which ends early when the operation does)."""

    def status() -> str:
        return "" if poller.done() else poller.status()

    poll(
        status,
        lambda _: poller.done(),
        every=every,
        timeout=float("inf"),
        clock=lab.policy.clock,
        progress=progress,
        wait=poller.wait,
    )


def track(lab: Lab, start, *, title: str, az: str = "", done: str, next_step: str = "", doing: str = ""):
    """Run a long-running operation: ``start()`` returns an SDK poller; show its progress box until it ends.

    Returns the poller's result. A known Azure error becomes a LabError with its fix (errors.explain), shown once
    as the box's ⛔ line.
    """
    from azure.core.exceptions import AzureError

    from labkit import ui
    from labkit.errors import LabError, explain

    progress = ui.Progress(lab, title, az)
    try:
        poller = start()
        wait_for(lab, poller, every=2, progress=progress.update)
        result = poller.result()
    except AzureError as err:
        friendly = explain(err, doing=doing or title)
        progress.finish(False, getattr(friendly, "problem", str(err)), getattr(friendly, "fix", ""))
        if isinstance(friendly, LabError):  # the kernel's handler then does not show it again
            friendly.shown = True
        raise friendly from err
    state = getattr(result, "provisioning_state", None)
    state = getattr(state, "value", state)  # some SDKs return an enum
    progress.finish(True, done + (f" — provisioning state {state}" if state else ""), next_step)
    return result
