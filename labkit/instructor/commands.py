"""The instructor's subcommands of ``labkit``: ``preflight`` and ``class provision | deprovision | status``.

They use ``LABKIT_MODE`` like the notebooks: replay (the default) shows the recorded class, ``live`` acts on
your subscription, ``record`` also saves the answers under ``recordings/instructor-*``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from labkit.config import DEFAULT_VM_SIZE

EXIT = """exit status:
  0  every check passed (preflight); nothing refused (provision); every group went (deprovision --yes);
     nothing forgotten (status)
  1  a check failed, a group was refused or left, or a lab is forgotten
  2  a usage error or a lab error"""
REPLAY = (
    "Replay mode: this is the recorded class; nothing in Azure is read or changed. Set LABKIT_MODE=live to "
    "act on your subscription."
)


def add_commands(commands) -> None:
    """Add ``preflight`` and ``class`` (with its three subcommands) to the ``labkit`` parser."""
    from labkit.instructor.preflight import OTHER_REGIONS, SESSION_HOURS
    from labkit.instructor.status import IDLE_HOURS

    raw = argparse.RawDescriptionHelpFormatter
    pre = commands.add_parser(
        "preflight",
        help="before class: will N learners fit in this subscription and region?",
        description="Reads only: providers, vCPU quota, the node size, what the region offers, "
        "the session's cost; each ⛔ with its fix.",
        epilog=EXIT,
        formatter_class=raw,
    )
    pre.add_argument("--learners", type=_count, required=True, metavar="N", help="how many learners")
    pre.add_argument("--region", required=True, help="the class's region, e.g. eastus")
    pre.add_argument("--vm-size", default=DEFAULT_VM_SIZE, help=f"the node size (default {DEFAULT_VM_SIZE})")
    pre.add_argument("--hours", type=float, default=SESSION_HOURS, help=f"session length (default {SESSION_HOURS:g})")
    pre.add_argument(
        "--try",
        dest="others",
        default=",".join(OTHER_REGIONS),
        metavar="R1,R2",
        help=f"other regions to try (default {','.join(OTHER_REGIONS)})",
    )
    pre.set_defaults(run=preflight)
    klass = commands.add_parser("class", help="one resource group per learner; the class's status").add_subparsers(
        dest="class_command", required=True
    )
    prov = klass.add_parser(
        "provision",
        help="a tagged group per learner, Contributor on it for that learner only",
        description="Dry run unless --yes. Writes each learner's settings file to OUT/<prefix>/learner.json.",
        epilog=EXIT,
        formatter_class=raw,
    )
    prov.add_argument(
        "--roster",
        type=Path,
        required=True,
        help="CSV: prefix,user[,suffix] (user: Entra ID object id or sign-in name)",
    )
    prov.add_argument("--class", dest="class_name", required=True, help="the class's name (tag class=NAME)")
    prov.add_argument("--region", required=True)
    prov.add_argument("--vm-size", default=DEFAULT_VM_SIZE)
    prov.add_argument("--days", type=int, default=1, help="days until the groups expire (default 1)")
    prov.add_argument("--out", type=Path, default=None, help="where to write the settings (default ./class-NAME)")
    prov.add_argument("--yes", action="store_true", help="really create (without it: a dry run)")
    prov.set_defaults(run=provision)
    deprov = klass.add_parser(
        "deprovision",
        help="delete the class's groups (tag class=NAME) and all in them",
        description="Dry run unless --yes.",
        epilog=EXIT,
        formatter_class=raw,
    )
    deprov.add_argument("--class", dest="class_name", required=True)
    deprov.add_argument("--yes", action="store_true", help="really delete (without it: a dry run)")
    deprov.set_defaults(run=deprovision)
    stat = klass.add_parser(
        "status",
        help="each learner's cluster, registry, containers, age, cost, forgotten",
        epilog=EXIT,
        formatter_class=raw,
    )
    stat.add_argument("--class", dest="class_name", help="one class (tag class=NAME); default: the whole course")
    stat.add_argument("--html", type=Path, help="also write the table as an HTML page here")
    stat.add_argument(
        "--idle-hours",
        type=float,
        default=IDLE_HOURS,
        help=f"running with no change this long counts as forgotten (default {IDLE_HOURS:g})",
    )
    stat.set_defaults(run=status)


def _count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of learners: give 1 or more")
    return int(text)


def _open(notebook: str, **params):
    import labkit

    lab = labkit.open_lab(notebook, **params)
    if lab.policy.replaying:
        print(REPLAY)
    for note in lab.notes:
        print(f"ℹ {note}")
    return lab


def preflight(args) -> int:
    from labkit.instructor import preflight as checks

    lab = _open("instructor-preflight", region=args.region, vm_size=args.vm_size)
    others = tuple(r.strip() for r in args.others.split(",") if r.strip())
    found, fit = checks.preflight(lab, args.learners, hours=args.hours, others=others)
    c = lab.config
    print(
        f"Preflight for {args.learners} learners in {c.region}, nodes {c.vm_size} "
        f"({checks.NODES_PER_LEARNER} at peak per learner: "
        + ", ".join(f"{n} {what}" for what, n in checks.PEAK_NODES)
        + "):"
    )
    print(checks.table(found))
    print(
        f"The class fits in: {', '.join(fit)}."
        if fit
        else f"The class fits in none of {', '.join(r for r in others if r != c.region) or 'the other regions'} either."
    )
    ok = all(check.ok for check in found)
    move = f" or move the class to {fit[0]}" if fit else ""
    print("✅ Ready." if ok else f"⛔ Not ready: apply each fix above{move}, then run preflight again.")
    return 0 if ok else 1


def provision(args) -> int:
    from labkit.instructor import provision as seats
    from labkit.instructor.roster import read_roster

    lab = _open("instructor-provision", region=args.region, vm_size=args.vm_size)
    roster = args.roster
    if lab.policy.replaying:
        roster = lab.recorder.root / "instructor-provision" / "roster.csv"
        print(f"ℹ Replay provisions the recorded roster ({roster.name}); yours is used in live mode.")
    out = args.out or Path(f"class-{seats.check_class(args.class_name)}")
    taken = seats.provision(
        lab, read_roster(roster), args.class_name, days=args.days, yes=args.yes, out=out if args.yes else None
    )
    for s in taken:
        print(
            f"  {s.config.prefix:<12} {s.config.resource_group:<24} {s.group}"
            + (f" · {s.role}" if s.role else "")
            + (" · exists, not tagged for this class: left alone" if s.group == seats.REFUSED else "")
        )
    if args.yes:
        print(
            f"Settings for each learner: {out}/<prefix>/learner.json (put it in their lab folder, ~/.labkit/, "
            "or point LABKIT_HOME at its folder)."
        )
    else:
        print("Dry run: nothing was created. Add --yes to create these.")
    return 1 if any(s.group == seats.REFUSED for s in taken) else 0


def deprovision(args) -> int:
    from labkit.cleanup import shown
    from labkit.instructor.provision import deprovision as run

    lab = _open("instructor-deprovision")
    groups, outcomes = run(lab, args.class_name, yes=args.yes)
    print(f"{len(groups)} resource group(s) tagged course=aks-workbook and class={shown(args.class_name)}:")
    for g in groups:
        expires = shown(g.expires, 16) or "?"
        print(f"  {shown(g.name, 90):<30} owner {shown(g.owner, 24):<12} expires {expires}")
    if not args.yes or not groups:
        print("Dry run: nothing was deleted." + (" Add --yes to delete these." if groups else ""))
        return 0
    for o in outcomes:
        print(f"  {shown(o.name, 90):<30} {o.state}" + (f": {shown(o.why, 120)}" if not o.went else ""))
    return 0 if all(o.went for o in outcomes) else 1


def status(args) -> int:
    from labkit.instructor import status as view

    lab = _open("instructor-status")
    rows = view.class_status(lab, args.class_name, idle_hours=args.idle_hours)
    print(view.table(rows))
    lost = [r for r in rows if r.forgotten]
    print(f"{len(rows)} lab(s), {len(lost)} forgotten, ≈ ${sum(r.cost for r in rows):.2f} so far (estimate).")
    if args.html:
        title = f"Class {args.class_name}" if args.class_name else "The course's labs"
        args.html.write_text(view.html_page(rows, title), encoding="utf-8")
        print(f"HTML page: {args.html}")
    return 1 if lost else 0
