"""The class roster: one learner a line, ``prefix,user[,suffix]`` (a header line naming the columns is allowed).

``user`` is the learner's Microsoft Entra ID object id (a GUID) or sign-in name (UPN, ``ana@school.example``);
``suffix`` is optional: provisioning picks one and keeps it in the class file, so a second run finds the same groups.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from labkit.config import check_name_format
from labkit.errors import ConfigError, LabError

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
UPN = re.compile(r"[^@\s,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Learner:
    prefix: str
    user: str
    suffix: str = ""

    @property
    def is_object_id(self) -> bool:
        return bool(GUID.fullmatch(self.user))


def read_roster(path: Path) -> list[Learner]:
    """The learners of a roster file; a LabError naming the line for anything Azure would refuse."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise LabError(
            f"Cannot read the roster {path}: {err.strerror or err}.",
            "give a CSV file with one line per learner: prefix,user (Entra ID object id or sign-in name).",
        ) from err
    learners, seen = [], set()
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#") or (number == 1 and cells[0].lower() == "prefix"):
            continue
        if len(cells) not in (2, 3):
            raise LabError(
                f"Roster line {number} has {len(cells)} columns.", "write prefix,user or prefix,user,suffix."
            )
        prefix, user, suffix = (cells + [""])[:3]
        try:
            check_name_format("prefix", prefix)
            if suffix:
                check_name_format("suffix", suffix)
        except ConfigError as err:
            raise LabError(f"Roster line {number}: {err.problem}", err.fix) from None
        if not (GUID.fullmatch(user) or UPN.fullmatch(user)):
            raise LabError(
                f"Roster line {number}: {user[:60]!r} is neither an Entra ID object id nor a sign-in name.",
                "give the learner's object id (az ad user show --id NAME --query id) or their "
                "sign-in name, e.g. ana@school.example.",
            )
        if prefix in seen:
            raise LabError(
                f"Roster line {number}: prefix {prefix!r} is listed twice.",
                "give every learner their own prefix (Azure names are derived from it).",
            )
        seen.add(prefix)
        learners.append(Learner(prefix, user, suffix))
    if not learners:
        raise LabError(f"The roster {path} lists no learner.", "write one line per learner: prefix,user.")
    return learners
