"""The ``labkit`` command for instructors.

    labkit cleanup [--expired | --older-than DAYS | --all] [--owner NAME] [--yes]
    labkit class-smoke --learners N
    labkit preflight --learners N --region R [--vm-size S]
    labkit class provision --roster FILE --class NAME --region R [--yes]
    labkit class deprovision --class NAME [--yes]
    labkit class status [--class NAME] [--html FILE]

``cleanup`` finds the course's resource groups by tag across the subscription (a whole class), shows
them, and deletes them only with ``--yes`` (a dry run otherwise); it tries every selected group, and its
exit status says whether all went (see ``CLEANUP_EXIT``). It uses ``LABKIT_MODE`` like the notebooks: set
``LABKIT_MODE=live`` to act on your subscription; the default, replay, shows a recorded class.
``class-smoke`` executes the whole workbook in replay for N generated learners and reports failures.
"""

from __future__ import annotations

import argparse
import sys

from labkit import __version__
from labkit.errors import LabError

CLEANUP_EXIT = """exit status:
  0  the dry run listed its selection; or, with --yes, every selected group is gone
  1  with --yes: a group's delete was refused or failed, a group is still there, or a
     group was left out because a date tag the selection needs is not a date
  2  a usage error (such as an empty --owner) or a lab error"""


def _owner(text: str) -> str:
    """An owner tag to select by: not empty (an empty owner once meant the whole class)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty owner selects nobody: give the learner's owner tag, e.g. --owner alice, or leave --owner out"
        )
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labkit", description="Instructor tools for the AKS course workbook.")
    parser.add_argument("--version", action="version", version=f"labkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    clean = commands.add_parser(
        "cleanup",
        help="find the class's resource groups by tag and delete them",
        description="Dry run unless --yes: lists the course's resource groups (tag "
        "course=aks-workbook) that match, then deletes them with --yes.",
        epilog=CLEANUP_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    age = clean.add_mutually_exclusive_group()
    age.add_argument("--expired", action="store_true", help="only groups whose 'expires' tag is before today")
    age.add_argument("--older-than", type=float, metavar="DAYS", help="only groups created DAYS or more days ago")
    age.add_argument("--all", action="store_true", help="every group tagged for the course (the whole class)")
    clean.add_argument("--owner", type=_owner, help="only this learner's groups (the 'owner' tag; not empty)")
    clean.add_argument("--yes", action="store_true", help="really delete (without it: a dry run)")
    clean.set_defaults(run=cleanup)
    smoke = commands.add_parser(
        "class-smoke",
        help="run the whole workbook in replay for N generated learners",
        description="Executes every notebook with papermill, in replay, once per generated "
        "learner (learner001, …), and reports each failure.",
    )
    smoke.add_argument(
        "--learners", type=_at_least_one, default=3, metavar="N", help="how many learners, 1 or more (default 3)"
    )
    smoke.add_argument("--keep", metavar="DIR", help="keep the executed notebooks in DIR")
    smoke.set_defaults(run=class_smoke)
    from labkit.instructor.commands import add_commands

    add_commands(commands)  # preflight, class provision | deprovision | status
    return parser


def _at_least_one(text: str) -> int:
    """A count of learners: a whole number, 1 or more (0 learners would pass without testing anything)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of learners: give 1 or more, e.g. --learners 3")
    return int(text)


def class_smoke(args) -> int:
    """Exit 0 when every learner's run of every notebook succeeded and showed what it should, 1 otherwise."""
    import tempfile
    import time
    from pathlib import Path

    from labkit.notebooks import class_smoke as run
    from labkit.notebooks import workbook

    paths = workbook()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        report = run(args.learners, paths, Path(args.keep or scratch))
    failed = {learner: errors for learner, errors in report.items() if errors}
    for learner, errors in failed.items():
        for line in errors:
            print(f"⛔ {learner}: {line}")
    print(
        f"{'✅' if not failed else '⛔'} {len(report) - len(failed)} of {len(report)} learners ran all "
        f"{len(paths)} notebooks in replay ({time.monotonic() - started:.0f} s)."
    )
    return 1 if failed else 0


def cleanup(args) -> int:
    """List (and with --yes delete) the selected groups; exit 0 if all went, 1 if not (see CLEANUP_EXIT)."""
    from collections import Counter

    if args.yes and not (args.expired or args.older_than is not None or args.owner or args.all):
        print(
            "labkit cleanup: --yes deletes only a selection: give --expired, --older-than DAYS or --owner NAME, "
            "or --all for every group tagged for the course (the whole class).",
            file=sys.stderr,
        )
        return 2

    import labkit
    from labkit import cleanup as clean

    lab = labkit.open_lab("cli-cleanup")
    note, shown = (clean.REPLAY_NOTE if lab.policy.replaying else ""), clean.shown
    if lab.policy.replaying:
        print(
            "Replay mode: this is a recorded class, nothing is deleted. Set LABKIT_MODE=live to act on your "
            "subscription."
        )
    now, groups, unreadable = clean.find_class_groups(
        lab, owner=args.owner, expired=args.expired, older_than=args.older_than
    )
    what = "expired " if args.expired else f"older than {args.older_than:g} days " if args.older_than else ""
    print(
        f"{len(groups)} {what}resource group(s) tagged course=aks-workbook"
        + (f" and owner={shown(args.owner)}" if args.owner else "")
        + f" (today {now:%Y-%m-%d}):"
    )
    for g in groups:
        action = f"node group of cluster {shown(g.node_of)}: goes with it" if g.node_of else "delete"
        print(
            f"  {shown(g.name, 90):<45} owner {shown(g.owner, 24):<12} created "
            f"{shown(g.created, 16) or '?':<10} expires {shown(g.expires, 16) or '?':<10} {action}"
        )
    for g, why in unreadable:
        print(f"  ⚠ {shown(g.name, 90)}: {why}: left out")
    if not args.yes or not groups:
        print("Dry run: nothing was deleted." + (" Add --yes to delete these." if groups else ""))
        lab.finish()  # record mode: the run completed, its recordings replace the previous ones
        return 0
    outcomes = clean.delete_groups(lab, groups)
    left = clean.leftovers(lab, groups)
    print("Outcome:")
    for o in outcomes:
        print(f"  {shown(o.name, 90):<45} {o.state}" + (f": {shown(o.why, 120)}" if not o.went else "") + note)
    for name in left:
        print(f"  still there: {shown(name, 90)}")
    count = Counter(o.state for o in outcomes)
    print(
        f"{count[clean.DELETED]} deleted, {count[clean.GONE]} already gone, {count[clean.REFUSED]} refused, "
        f"{count[clean.FAILED]} failed; {len(left)} still there." + note
    )
    lab.finish()
    return 0 if not left and not unreadable and all(o.went for o in outcomes) else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except LabError as err:
        print(f"⛔ {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
