"""The ``labkit`` command for instructors.

    labkit cleanup [--expired | --older-than DAYS] [--owner NAME] [--yes]
    labkit class-smoke --learners N

``cleanup`` finds the course's resource groups by tag across the subscription (a whole class), shows
them, and deletes them only with ``--yes`` (a dry run otherwise). It uses ``LABKIT_MODE`` like the
notebooks: set ``LABKIT_MODE=live`` to act on your subscription; the default, replay, shows a recorded
class. ``class-smoke`` executes the whole workbook in replay for N generated learners and reports failures.
"""

from __future__ import annotations

import argparse
import sys

from labkit import __version__
from labkit.errors import LabError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labkit", description="Instructor tools for the AKS course workbook.")
    parser.add_argument("--version", action="version", version=f"labkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    clean = commands.add_parser("cleanup", help="find the class's resource groups by tag and delete them",
                                description="Dry run unless --yes: lists the course's resource groups (tag "
                                            "course=aks-workbook) that match, then deletes them with --yes.")
    age = clean.add_mutually_exclusive_group()
    age.add_argument("--expired", action="store_true", help="only groups whose 'expires' tag is before today")
    age.add_argument("--older-than", type=float, metavar="DAYS", help="only groups created DAYS or more days ago")
    clean.add_argument("--owner", help="only this learner's groups (the 'owner' tag)")
    clean.add_argument("--yes", action="store_true", help="really delete (without it: a dry run)")
    clean.set_defaults(run=cleanup)
    smoke = commands.add_parser("class-smoke", help="run the whole workbook in replay for N generated learners",
                                description="Executes every notebook with papermill, in replay, once per generated "
                                            "learner (learner001, …), and reports each failure.")
    smoke.add_argument("--learners", type=int, default=3, metavar="N", help="how many learners (default 3)")
    smoke.add_argument("--keep", metavar="DIR", help="keep the executed notebooks in DIR")
    smoke.set_defaults(run=class_smoke)
    return parser


def class_smoke(args) -> int:
    """Exit 0 when every learner's run of every notebook succeeded, 1 otherwise."""
    import tempfile
    import time
    from pathlib import Path

    from labkit.notebooks import class_smoke as run, workbook

    paths = workbook()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        report = run(args.learners, paths, Path(args.keep or scratch))
    failed = {learner: errors for learner, errors in report.items() if errors}
    for learner, errors in failed.items():
        for line in errors:
            print(f"⛔ {learner}: {line}")
    print(f"{'✅' if not failed else '⛔'} {len(report) - len(failed)} of {len(report)} learners ran all "
          f"{len(paths)} notebooks in replay ({time.monotonic() - started:.0f} s).")
    return 1 if failed else 0


def cleanup(args) -> int:
    """List (and with --yes delete) the selected groups; exit 1 if anything is left afterwards."""
    import labkit
    from labkit import cleanup as clean
    from labkit import costs

    lab = labkit.open_lab("cli-cleanup")
    if lab.mode == "replay":
        print("Replay mode: this is a recorded class, nothing is deleted. Set LABKIT_MODE=live to act on your "
              "subscription.")
    with lab.step("find"):
        now = costs.now(lab)
        groups = clean.class_groups(lab, owner=args.owner, expired=args.expired, older_than=args.older_than, now=now)
    what = "expired " if args.expired else f"older than {args.older_than:g} days " if args.older_than else ""
    print(f"{len(groups)} {what}resource group(s) tagged course=aks-workbook"
          + (f" and owner={args.owner}" if args.owner else "") + f" (today {now:%Y-%m-%d}):")
    for g in groups:
        note = f"node group of cluster {g['node_of']}: goes with it" if g["node_of"] else "delete"
        print(f"  {g['name']:<45} owner {g['owner']:<12} created {g['created'] or '?':<10} "
              f"expires {g['expires'] or '?':<10} {note}")
    if not args.yes or not groups:
        print("Dry run: nothing deleted." + (" Add --yes to delete these." if groups else ""))
        return 0
    failed = clean.delete_groups(lab, groups)
    left = clean.leftovers(lab, groups)
    for name in left:
        print(f"  still there: {name}" + (" (its delete failed: run again)" if name in failed else ""))
    print(f"Deleted {sum(not g['node_of'] for g in groups) - len(failed)} group(s); {len(left)} left.")
    return 1 if left else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except LabError as err:
        print(f"⛔ {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
