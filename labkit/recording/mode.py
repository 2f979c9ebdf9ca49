"""The lab's mode, read once by :func:`labkit.lab.open_lab` into a :class:`Policy` everything else consults.

replay answers from the recordings (no network, no waiting: its clock is virtual and moves only when labkit
sleeps, so a timeout ends a wait the same way in every mode); live talks to Azure; record is live and writes
sanitized recordings. Nothing outside this package and the session compares a mode with a literal.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field


class Mode(enum.StrEnum):
    """The three modes; a ``str`` so settings, environment variables and JSON carry it as its word."""

    REPLAY = "replay"
    LIVE = "live"
    RECORD = "record"


class RealClock:
    """Seconds as they pass."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class VirtualClock:
    """Replay's clock: it stands still until labkit sleeps, then moves on by the sleep at once."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self) -> float:
        return self.seconds

    def sleep(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)


BANNERS = {  # the Mode row of notebook 00's lab table
    Mode.REPLAY: "replay — the recorded lab's answers, shown with your names: nothing is created or billed, no network",
    Mode.LIVE: "live — your subscription: resources are real and cost money",
    Mode.RECORD: "record — your subscription, and the answers are saved (scrubbed) under recordings/",
}


@dataclass(frozen=True)
class Policy:
    """What the mode decides: where answers come from, the clock, whether prices and the ledger are the lab's own."""

    mode: Mode
    clock: RealClock | VirtualClock = field(compare=False)

    @classmethod
    def of(cls, mode: str | Mode) -> Policy:
        mode = Mode(mode)
        return cls(mode, VirtualClock() if mode is Mode.REPLAY else RealClock())

    @property
    def replaying(self) -> bool:
        """Answers come from the recordings: nothing is created, billed or waited for."""
        return self.mode is Mode.REPLAY

    @property
    def recording(self) -> bool:
        """Live answers are also written, sanitized, as recordings."""
        return self.mode is Mode.RECORD

    @property
    def reads_live_prices(self) -> bool:
        """Only live reads today's prices; replay and record keep the dated table (recordings stay stable)."""
        return self.mode is Mode.LIVE

    @property
    def keeps_ledger_file(self) -> bool:
        """The cost ledger is a file in the lab folder (live, record); replay's lives as long as the session."""
        return not self.replaying

    @property
    def banner(self) -> str:
        return BANNERS[self.mode]

    def sleep(self, seconds: float) -> None:
        """Wait between polls: for real, or (replay) by moving the virtual clock on."""
        self.clock.sleep(seconds)
