"""Start-up time of the ``rompy`` command: ours against the reference rompy 0.6.4.

Wall time of whole processes (median of N, after one warm-up run each), as a user at a shell
sees it. Goal: ours < 0.25 x reference.

    .venv/bin/python benchmarks/startup.py [--quick] [-n 15] [--importtime]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import _common as common

GOAL_FACTOR = 0.25
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("python -c pass (interpreter floor)", ["python", "-c", "pass"], None),
    ("rompy --help", ["rompy", "--help"], GOAL_FACTOR),
    ("rompy validate basic_modelrun.yml", ["rompy", "validate", str(common.BASIC_MODELRUN)],
     GOAL_FACTOR),
]


def _run_once(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise common.BenchmarkError(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def time_command(argv: list[str], repeat: int, cwd: Path) -> float:
    """Return the median wall time of ``argv`` in ms, after one warm-up run."""
    _run_once(argv, cwd)
    return common.median_ms([_run_once(argv, cwd) for _ in range(repeat)])


def _resolve(argv: list[str], *, reference: bool) -> list[str] | None:
    if reference:
        program = common.reference_bin(argv[0])
        return None if program is None else [str(program), *argv[1:]]
    return [str(common.ours_bin(argv[0])), *argv[1:]]


def measure(repeat: int, cwd: Path) -> list[common.Row]:
    """Time every command for ours and (if installed) the reference."""
    rows = []
    for label, argv, goal in COMMANDS:
        ours = time_command(_resolve(argv, reference=False) or [], repeat, cwd)
        reference_argv = _resolve(argv, reference=True)
        reference = None if reference_argv is None else time_command(reference_argv, repeat, cwd)
        rows.append(common.Row(label, ours, reference, goal))
    return rows


def import_profile(cwd: Path, top: int = 12) -> list[tuple[str, float]]:
    """Return the top-level packages that ``rompy validate`` spends most import time in (ms)."""
    code = "import sys; from rompy.entrypoints.cli import main; sys.exit(main())"
    argv = [str(common.ours_bin("python")), "-X", "importtime", "-c", code,
            "validate", str(common.BASIC_MODELRUN)]
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise common.BenchmarkError(f"importtime run failed:\n{done.stderr}")
    self_us: dict[str, int] = defaultdict(int)
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        self_us[name.strip().split(".")[0]] += int(own)
    ranked = sorted(self_us.items(), key=lambda item: item[1], reverse=True)
    return [(package, micros / 1000.0) for package, micros in ranked[:top]]


def _print_import_profile(cwd: Path) -> None:
    profile = import_profile(cwd)
    print("\n== ours: import time of `rompy validate` by top-level package (self time summed)")
    for package, millis in profile:
        print(f"  {package:<40} {millis:8.1f} ms")


def _add_importtime_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--importtime", action="store_true",
        help="also show where ours spends import time (python -X importtime)",
    )


def main() -> int:
    """Measure, print the table and the verdicts; exit 1 only on errors."""
    parser_args = common.parse_args(
        __doc__ or "", default_repeat=15, quick_repeat=3, extra=_add_importtime_option
    )

    def body() -> None:
        common.report_reference_status()
        with tempfile.TemporaryDirectory(prefix="rompy-bench-") as tmp:
            rows = measure(parser_args.repeat, Path(tmp))
            common.print_table(
                f"start-up: median wall time of {parser_args.repeat} runs", rows
            )
            if parser_args.importtime:
                _print_import_profile(Path(tmp))

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
