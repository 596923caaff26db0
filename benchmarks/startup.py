"""Start-up time of the ``rompy`` command: ours against the reference rompy 0.6.4.

Wall time of whole processes (median of N, after one warm-up run each), as a user at a shell
sees it. Goal: ours < 0.25 x reference.

Both sides run with a bytecode cache (PYTHONPYCACHEPREFIX=<bench dir>/pycache, with
PYTHONDONTWRITEBYTECODE unset), as an installed package has: an editable checkout under
PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every rompy module on every start.
``--as-is`` keeps the environment unchanged.

    .venv/bin/python benchmarks/startup.py [--quick] [-n 15] [--importtime]
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
    env = dict(os.environ)
    if not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(common.bench_dir() / "pycache")
    return env


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


def time_command(argv: list[str], repeat: int, cwd: Path, env: dict[str, str]) -> float:
    """Return the median wall time of ``argv`` in ms, after one warm-up run."""
    _run_once(argv, cwd, env)
    return common.median_ms([_run_once(argv, cwd, env) for _ in range(repeat)])


def _resolve(argv: list[str], *, reference: bool) -> list[str] | None:
    if reference:
        program = common.reference_bin(argv[0])
        return None if program is None else [str(program), *argv[1:]]
    return [str(common.ours_bin(argv[0])), *argv[1:]]


def measure(repeat: int, cwd: Path, env: dict[str, str]) -> list[common.Row]:
    """Time every command for ours and (if installed) the reference."""
    rows = []
    for label, argv, goal in COMMANDS:
        ours = time_command(_resolve(argv, reference=False) or [], repeat, cwd, env)
        reference_argv = _resolve(argv, reference=True)
        reference = (
            None if reference_argv is None else time_command(reference_argv, repeat, cwd, env)
        )
        rows.append(common.Row(label, ours, reference, goal))
    return rows


def import_profile(cwd: Path, env: dict[str, str], top: int = 12) -> list[tuple[str, float]]:
    """Return the top-level packages that ``rompy validate`` spends most import time in (ms)."""
    code = "import sys; from rompy.entrypoints.cli import main; sys.exit(main())"
    argv = [
        str(common.ours_bin("python")),
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


def _print_import_profile(cwd: Path, env: dict[str, str]) -> None:
    profile = import_profile(cwd, env)
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
        env = process_env(as_is=parser_args.as_is)
        cache = env.get("PYTHONPYCACHEPREFIX", "as the environment has it")
        print(f"bytecode cache: {cache}")
        with tempfile.TemporaryDirectory(prefix="rompy-bench-") as tmp:
            rows = measure(parser_args.repeat, Path(tmp), env)
            common.print_table(f"start-up: median wall time of {parser_args.repeat} runs", rows)
            if parser_args.importtime:
                _print_import_profile(Path(tmp), env)

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
