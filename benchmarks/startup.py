"""Start-up time of the ``rompy`` command: ours against the reference rompy 0.6.4.

Wall time of whole processes (median of N, after one warm-up run each; ours and the reference
take turns), as a user at a shell sees it. Goal: ours < 0.25 x reference.

Both sides run with a bytecode cache (PYTHONPYCACHEPREFIX=<bench dir>/pycache, with
PYTHONDONTWRITEBYTECODE unset), as an installed package has: an editable checkout under
PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every rompy module on every start.
``--as-is`` keeps the environment unchanged.

    .venv/bin/python benchmarks/startup.py [--quick] [-n 15] [--importtime] [--as-is]
        [--ours-bin .bench/ours-venv/bin]   # a regular install: benchmarks/setup_ours_installed.sh
"""

from __future__ import annotations

import argparse
import os
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
    (
        "rompy validate basic_modelrun.yml",
        ["rompy", "validate", str(common.BASIC_MODELRUN)],
        GOAL_FACTOR,
    ),
]


def process_env(*, as_is: bool) -> dict[str, str]:
    """Return the environment of the timed processes (with a bytecode cache unless ``as_is``)."""
    return dict(os.environ) if as_is else common.child_env()


def _run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise common.BenchmarkError(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def time_commands(
    commands: list[list[str] | None], repeat: int, cwd: Path, env: dict[str, str]
) -> list[float | None]:
    """Return the median wall time (ms) of each command; None stays None.

    One warm-up run each, then the commands take turns, so a change in the machine's load
    touches all of them alike.
    """
    present = [argv for argv in commands if argv is not None]
    times: dict[int, list[float]] = {index: [] for index in range(len(present))}
    for argv in present:
        _run_once(argv, cwd, env)
    for _ in range(repeat):
        for index, argv in enumerate(present):
            times[index].append(_run_once(argv, cwd, env))
    medians = iter(common.median_ms(times[index]) for index in range(len(present)))
    return [None if argv is None else next(medians) for argv in commands]


def _resolve(argv: list[str], *, reference: bool, ours: Path | None) -> list[str] | None:
    if reference:
        program = common.reference_bin(argv[0])
        return None if program is None else [str(program), *argv[1:]]
    return [str(common.ours_bin(argv[0], ours)), *argv[1:]]


def measure(
    repeat: int, cwd: Path, env: dict[str, str], ours_dir: Path | None = None
) -> list[common.Row]:
    """Time every command for ours (from ``ours_dir``) and (if installed) the reference."""
    rows = []
    for label, argv, goal in COMMANDS:
        pair = [
            _resolve(argv, reference=False, ours=ours_dir),
            _resolve(argv, reference=True, ours=None),
        ]
        ours, reference = time_commands(pair, repeat, cwd, env)
        assert ours is not None
        rows.append(common.Row(label, ours, reference, goal))
    return rows


def import_profile(
    cwd: Path, env: dict[str, str], ours_dir: Path | None = None, top: int = 12
) -> list[tuple[str, float]]:
    """Return the top-level packages that ``rompy validate`` spends most import time in (ms)."""
    code = "import sys; from rompy.entrypoints.cli import main; sys.exit(main())"
    argv = [
        str(common.ours_bin("python", ours_dir)),
        "-X",
        "importtime",
        "-c",
        code,
        "validate",
        str(common.BASIC_MODELRUN),
    ]
    subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)  # warm the cache
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
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


def _print_import_profile(cwd: Path, env: dict[str, str], ours_dir: Path | None) -> None:
    profile = import_profile(cwd, env, ours_dir)
    print("\n== ours: import time of `rompy validate` by top-level package (self time summed)")
    for package, millis in profile:
        print(f"  {package:<40} {millis:8.1f} ms")


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="run the commands in the unchanged environment (no bytecode cache set up)",
    )
    parser.add_argument(
        "--ours-bin",
        type=Path,
        default=None,
        help="folder with our rompy and python (default: this interpreter's, i.e. .venv/bin)",
    )
    parser.add_argument(
        "--importtime",
        action="store_true",
        help="also show where ours spends import time (python -X importtime)",
    )


def main() -> int:
    """Measure, print the table and the verdicts; exit 1 only on errors."""
    parser_args = common.parse_args(
        __doc__ or "", default_repeat=15, quick_repeat=3, extra=_add_options
    )

    def body() -> None:
        common.report_reference_status()
        print(f"ours (timed): {common.ours_bin('rompy', parser_args.ours_bin)}")
        env = process_env(as_is=parser_args.as_is)
        cache = env.get("PYTHONPYCACHEPREFIX", "as the environment has it")
        print(f"bytecode cache: {cache}")
        with tempfile.TemporaryDirectory(prefix="rompy-bench-") as tmp:
            rows = measure(parser_args.repeat, Path(tmp), env, parser_args.ours_bin)
            common.print_table(f"start-up: median wall time of {parser_args.repeat} runs", rows)
            if parser_args.importtime:
                _print_import_profile(Path(tmp), env, parser_args.ours_bin)

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
