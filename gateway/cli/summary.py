"""The views as plain text for the terminal: the board, the numbers, the roster."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from projections.base import View


def summary(views: dict[str, View]) -> list[str]:
    """What the command centre would see now, as lines of text."""
    lines = ["", "Incident board"]
    names = {key: row["name"] for key, row in views["roster"].rows.items()}
    for row in sorted(views["board"].rows.values(), key=lambda r: r["reported_at"]):
        team = ", ".join(
            names.get(v, v) for v in [*row["on_scene"], *row["dispatched"]]
        )
        line = (
            f"  {row['status']:<10} {row['kind']:<16} {row['address']:<20} "
            f"evacuated {row['evacuated']:>3}  rescued {row['rescued']:>2}  {team}"
        )
        lines.append(line.rstrip())
    for stats in views["stats"].rows.values():
        lines.append(
            f"Operation: {stats['incidents']} incidents, "
            f"{stats['dispatches']} dispatches, {stats['dispatches_refused']} refused, "
            f"{stats['evacuated']} evacuated, {stats['rescued']} rescued"
        )
    lines.append("Not dispatchable now")
    for row in views["roster"].rows.values():
        if not row["dispatchable"]:
            lines.append(f"  {row['name']:<10} {row['not_dispatchable_because']}")
    return lines
