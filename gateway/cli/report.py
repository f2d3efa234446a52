"""`brigade report`: an operation's after-action report as files, and its totals."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.bootstrap import open_store
from gateway.settings import Settings

if TYPE_CHECKING:
    import argparse


def write_report(args: argparse.Namespace) -> int:
    """Find the operations, fold, write the files, print the totals."""
    from gateway.cli import progress
    from replay.report import (
        OperationAmbiguous,
        OperationNotFound,
        build_report,
        file_stem,
        find_operation,
    )

    brigade = open_store(Settings())
    try:
        try:
            operations = [find_operation(brigade, ref) for ref in args.operation]
        except (OperationNotFound, OperationAmbiguous) as error:
            print(f"brigade: {error} [{error.code}]", file=sys.stderr)
            return 1
        with progress.events() as shown:
            report = build_report(brigade, operations, progress=shown)
    finally:
        brigade.close()
    default = "brigade-report-" + file_stem(operations)
    paths = report.write(Path(args.out or default), generated_at=datetime.now(UTC))
    data = report.data
    for operation in data["operations"]:
        print(f"{operation['name']} ({operation['id']})")
    print(f"as of field time {data['as_of']}, log position {data['position']}")
    for key, value in data["totals"].items():
        print(f"  {data['labels'][key]['en']:<34} {value}")
    for measure, found in data["response_times"].items():
        summary = f"n={found['n']} median={found['median']} p90={found['p90']}"
        print(f"  {measure:<34} {summary} (seconds)")
    for path in paths:
        print(f"wrote {path}")
    return 0
