"""``labkit class status``: every learner's lab of the course (or of one class), one row each, found by tags.

Each row is :func:`labkit.status.lab_status`, the learner's own cost cell: cluster, registry, container group,
load balancer, age, cost so far, expiry, forgotten or not. Reads only. The class view prints as a table and
writes an HTML page, the forgotten labs standing out.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from labkit import costs
from labkit.status import HEADINGS, IDLE_HOURS, LabStatus, lab_status
from labkit.steps import step

if TYPE_CHECKING:
    from labkit.lab import Lab


@step("Listing the course's resource groups")
def class_status(lab: Lab, class_name: str | None = None, *, idle_hours: float = IDLE_HOURS) -> list[LabStatus]:
    """Every lab of the course (or of one class), one row each, in group-name order."""
    from labkit.groups import course_groups, of_the_course, parent_group

    groups = [g for g in course_groups(lab) if of_the_course(g)]
    labs = [g for g in groups if not g.node_of and (class_name is None or g.tags.get("class") == class_name)]
    now = costs.now(lab)
    return [
        lab_status(
            lab, g, [n for n in groups if n.node_of and parent_group(n) == g.name.lower()], now, idle_hours=idle_hours
        )
        for g in sorted(labs, key=lambda g: g.name.lower())
    ]


def table(rows: list[LabStatus]) -> str:
    """The class as an aligned text table; a forgotten lab's line starts with ⚠."""
    cells = [HEADINGS] + [r.cells() for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADINGS))]
    lines = []
    for n, row in enumerate(cells):
        mark = "  " if n == 0 or not rows[n - 1].forgotten else "⚠ "
        lines.append(mark + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def html_page(rows: list[LabStatus], title: str) -> str:
    """A page the instructor can open: one row per learner, forgotten ones standing out."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADINGS)
    body = "".join(
        f"<tr class='{'forgotten' if r.forgotten else 'ok'}'>"
        + "".join(f"<td>{html.escape(c)}</td>" for c in r.cells())
        + "</tr>"
        for r in rows
    )
    total = sum(r.cost for r in rows)
    lost = sum(bool(r.forgotten) for r in rows)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px;"
        "text-align:left}tr.forgotten{background:#fdd;font-weight:bold}tr.forgotten td:last-child{color:#a00}"
        "</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{len(rows)} lab(s), {lost} forgotten, ≈ ${total:.2f} so far "
        f"(estimates: {html.escape(costs.table().source)}, read {costs.table().date}).</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n"
    )
