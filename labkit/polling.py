"""The one wait loop: read something until it is done or time is up, on the session's clock.

The clock is the session's (:class:`~labkit.recording.mode.Policy`): real seconds live, virtual seconds in
replay (they pass only when labkit sleeps), so a wait times out after the same number of reads in every mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

DONE_STATES = frozenset({"Succeeded", "Failed", "Canceled"})  # provisioning states an operation ends in

T = TypeVar("T")
_UNREAD = object()


def poll(read: Callable[[], T], done: Callable[[T], bool], *, every: float, timeout: float, clock,
         progress: Callable[[T], None] | None = None, first=_UNREAD,
         wait: Callable[[float], object] | None = None) -> T:
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
