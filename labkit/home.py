"""The lab folder (``LABKIT_HOME`` or ``~/.labkit``): private to the learner, written atomically.

It holds what must not be shared: the kubeconfig, the cost ledger and executed live notebooks (both
name the subscription) and ``learner.json``, the learner's settings. The folder is 0700 and its files
0600 on POSIX. Every write goes to a temporary file that replaces the old one, so a killed kernel
leaves the old file or the new one, never half of one; the settings file is also locked while it is
read and rewritten, so notebooks opened at the same moment agree on one suffix.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

from labkit.recording.stepfile import write_atomic

SETTINGS = "learner.json"


def lab_home() -> Path:
    """Where the lab keeps local state: ``LABKIT_HOME`` or ``~/.labkit`` (not created here)."""
    return Path(os.environ.get("LABKIT_HOME") or Path.home() / ".labkit")


def private_home() -> Path:
    """The lab folder, created (or tightened, if an older labkit made it readable to others) as 0700."""
    home = lab_home()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and (home.stat().st_mode & 0o077):
        os.chmod(home, 0o700)
    return home


def private_folder(name: str) -> Path:
    """A 0700 folder inside the lab folder (e.g. ``runs`` for executed live notebooks)."""
    folder = private_home() / name
    folder.mkdir(exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, in a folder only its owner may enter; the file is 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(path, text)  # its temporary file comes from mkstemp, which makes it 0600


def create_private(path: Path) -> Path:
    """Create ``path`` empty as 0600 (or tighten it), so a program that writes it later keeps it private."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if os.name == "posix":
        os.chmod(path, 0o600)
    return path


@contextlib.contextmanager
def locked(path: Path, timeout: float = 30.0):
    """Hold an exclusive lock on ``path`` + ``.lock`` across processes (fcntl on POSIX, msvcrt on Windows)."""
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd, timeout)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _lock(fd: int, timeout: float) -> None:
    if sys.platform != "win32":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)  # waits its turn
        return
    import msvcrt

    deadline = time.monotonic() + timeout
    while True:  # msvcrt's own blocking mode gives up after 10 s; try until the deadline instead
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _unlock(fd: int) -> None:
    if sys.platform != "win32":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


class DamagedSettings(ValueError):
    """The settings file is not the JSON object labkit wrote (truncated, or edited by hand)."""


def read_settings(path: Path) -> dict:
    """The settings file as a dict; ``{}`` when there is none. Raises DamagedSettings when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        raise DamagedSettings(str(err)) from err
    try:
        data = json.loads(text)
    except ValueError as err:
        raise DamagedSettings(f"not JSON ({err})") from err
    if not isinstance(data, dict):
        raise DamagedSettings("not a JSON object")
    return data


def set_aside(path: Path) -> Path:
    """Move a damaged settings file out of the way (kept for the learner to read) and return where it went."""
    kept = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, kept)
    return kept
