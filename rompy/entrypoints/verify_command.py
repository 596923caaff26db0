"""``rompy verify RUN_DIR``: check a staging dir's inputs against its run manifest.

Exit codes: 0 every input matches, 1 some input changed, went missing or appeared, 2 the
run dir or its manifest does not exist.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rompy.application import App
    from rompy.ports.provenance import Drift, VerifyReport

KIND_WIDTH = 8
"""Width of the kind column (``changed``, ``missing``, ``extra``)."""


def add_verify_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``rompy verify`` to the parser's commands."""
    verify = commands.add_parser(
        "verify", help="check a run dir's input files against its rompy-manifest.json"
    )
    verify.add_argument("run_dir", help="the run's staging dir (<output_dir>/<run_id>)")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")


def drift_line(drift: Drift) -> str:
    """Return one report line: kind, path and (in brackets) the detail."""
    detail = f"  ({drift.detail})" if drift.detail else ""
    return f"{drift.kind:<{KIND_WIDTH}} {drift.path}{detail}"


def summary_line(report: VerifyReport, inputs: int) -> str:
    """Return the last line of the report: all inputs match, or how many drifted how."""
    if report.ok:
        return f"verified {report.run_dir}: all {inputs} inputs match the manifest"
    counts = Counter(drift.kind for drift in report.drifts)
    parts = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    return f"drift in {report.run_dir}: {parts} (of {inputs} inputs in the manifest)"


def report_json(report: VerifyReport) -> str:
    """Return the report as JSON text."""
    drifts = [{"path": d.path, "kind": d.kind, "detail": d.detail} for d in report.drifts]
    data = {"run_dir": str(report.run_dir), "ok": report.ok, "drifts": drifts}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


def cmd_verify(app: App, args: argparse.Namespace) -> int:
    """Verify the run dir ``args.run_dir``; print the drifts and a summary."""
    run_dir = Path(args.run_dir)
    report = app.verify(run_dir)
    if args.json:
        print(report_json(report))
    else:
        manifest = app.read_manifest(run_dir)
        for drift in report.drifts:
            print(drift_line(drift))
        print(summary_line(report, len(manifest.inputs) if manifest else 0))
    return 0 if report.ok else 1
