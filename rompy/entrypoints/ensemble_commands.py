"""``rompy ensemble run|status|member``: many members of one base pipeline.

``run`` exits 0 when every member is done, 1 when any failed, 2 on bad input and 130 on
Ctrl-C. ``status`` reads only the ensemble's folder. ``member`` runs one member's job file
(what each SLURM array task runs; internal).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rompy.domain.errors import ConfigError

if TYPE_CHECKING:  # cli.py imports this module to build the parser: `rompy --help` stays light
    from rompy.application import App
    from rompy.services.ensemble import EnsembleReport, MemberReport


def add_ensemble_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``rompy ensemble`` and its subcommands to the parser."""
    ensemble = commands.add_parser("ensemble", help="run many members of one base pipeline")
    sub = ensemble.add_subparsers(dest="ensemble_command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the members not yet done (resumes)")
    run.add_argument("file", help="ensemble file (YAML or JSON)")
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="live progress bar (default: when stderr is a terminal)",
    )
    status = sub.add_parser("status", help="members pending, running, done and failed")
    status.add_argument("file", help="ensemble file (YAML or JSON)")
    status.add_argument("--json", action="store_true", help="print JSON")
    member = sub.add_parser("member", help="run one member's job file (internal: array tasks)")
    member.add_argument("job_file", help="a member's job file (<ensemble>/jobs/<id>.json)")


def cmd_ensemble(app: App, args: argparse.Namespace) -> int:
    """Run the ``rompy ensemble`` subcommand ``args.ensemble_command``."""
    if args.ensemble_command == "member":
        return _cmd_member(args.job_file)
    spec = app.load_ensemble(args.file)
    if args.ensemble_command == "status":
        report = app.ensemble_status(spec)
        if args.json:
            print(json.dumps(report_document(report), indent=2))
        else:
            _print_report(report)
        return 0
    from rompy.entrypoints.ensemble_progress import EnsembleProgress

    plan = app.plan_ensemble(spec)
    progress = EnsembleProgress(len(plan.jobs), live=args.progress)
    try:
        report = app.ensemble_run(spec, plan=plan, on_state=progress)
    finally:
        progress.close()
    _print_report(report)
    return 0 if report.ok else 1


def _cmd_member(job_file: str) -> int:
    from rompy.ports.ensemble import DONE, job_from_document
    from rompy.worker import PipelineMemberRunner

    path = Path(job_file)
    try:
        document = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(f"cannot read the job file {path}: {error}", path="job_file") from error
    state = PipelineMemberRunner(engine="slurm")(job_from_document(document))
    print(f"member {state.member_id}: {state.status} {state.message}".rstrip())
    return 0 if state.status == DONE else 1


def _print_report(report: EnsembleReport) -> None:
    from rompy.ports.ensemble import MEMBER_STATUSES

    counts = report.counts
    listed = ", ".join(f"{counts[status]} {status}" for status in MEMBER_STATUSES)
    print(f"ensemble {report.name}: {len(report.members)} members: {listed}")
    if report.skipped:
        print(f"  skipped {len(report.skipped)} members done before with the same inputs")
    for path in report.results:
        print(f"  results: {path}")
    for member in report.members:
        print("  " + _member_line(member))


def _member_line(member: MemberReport) -> str:
    state = member.state
    values = " ".join(f"{path}={value}" for path, value in member.parameters.items())
    reason = f"  {state.message}" if state.message else ""
    return f"{member.member_id}  {state.status:<7}  {state.duration:7.1f} s  {values}{reason}"


def report_document(report: EnsembleReport) -> dict[str, Any]:
    """Return ``report`` as JSON-ready data (what ``status --json`` prints)."""
    return {
        "name": report.name,
        "counts": report.counts,
        "members": [
            {
                "id": member.member_id,
                "index": member.index,
                "status": member.state.status,
                "duration": member.state.duration,
                "reason": member.state.message,
                "started_at": member.state.started_at,
                "ended_at": member.state.ended_at,
                "parameters": dict(member.parameters),
            }
            for member in report.members
        ],
    }
