"""Time to generate the ``base`` model's input files: ours against the reference rompy 0.6.4.

In-process, after one warm-up run: N runs of basic_modelrun.yml, each with its own run_id,
into a temporary folder. Only the generate call is timed (the run object is built before).
Both sides log at WARNING, so neither pays for writing INFO lines. Goal: ours < 0.5 x reference.

    .venv/bin/python benchmarks/generate_base.py [--quick] [-n 20]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import _common as common

GOAL_FACTOR = 0.5

REFERENCE_SCRIPT = r"""
import importlib.metadata, json, sys, time
from pathlib import Path
import yaml
from rompy.model import ModelRun

config_path, out_dir, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(config_path) as stream:
    base = yaml.safe_load(stream)

def one(run_id):
    run = ModelRun(**dict(base, run_id=run_id, output_dir=out_dir))
    start = time.perf_counter()
    staging = run.generate()
    elapsed = time.perf_counter() - start
    if not (Path(staging) / "INPUT").is_file():
        raise SystemExit(f"no INPUT file in {staging}")
    return elapsed

one("warm_up")
times = [one(f"bench_{index:04d}") for index in range(repeat)]
print(json.dumps({"version": importlib.metadata.version("rompy"), "times": times}))
"""


def time_ours(repeat: int, out_dir: Path) -> list[float]:
    """Return the seconds of each of ``repeat`` ``app.generate(run)`` calls, after a warm-up."""
    import attrs

    from rompy.application import bootstrap

    common.quiet_our_logging()
    app = bootstrap()
    base = app.load_run(common.BASIC_MODELRUN)

    def one(run_id: str) -> float:
        run = attrs.evolve(base, run_id=run_id, output_dir=out_dir)
        start = time.perf_counter()
        result = app.generate(run)
        elapsed = time.perf_counter() - start
        if not (result.staging_dir / "INPUT").is_file():
            raise common.BenchmarkError(f"no INPUT file in {result.staging_dir}")
        return elapsed

    one("warm_up")
    return [one(f"bench_{index:04d}") for index in range(repeat)]


def time_reference(repeat: int, out_dir: Path) -> list[float] | None:
    """Return the reference's per-run seconds, or None when it is not installed."""
    if common.reference_bin("python") is None:
        return None
    result = common.run_reference_script(
        REFERENCE_SCRIPT, str(common.BASIC_MODELRUN), str(out_dir), str(repeat), cwd=out_dir
    )
    return [float(seconds) for seconds in result["times"]]


def main() -> int:
    """Measure, print the table and the verdict; exit 1 only on errors."""
    args = common.parse_args(__doc__ or "", default_repeat=20, quick_repeat=3)

    def body() -> None:
        common.report_reference_status()
        with tempfile.TemporaryDirectory(prefix="rompy-bench-") as tmp:
            ours = time_ours(args.repeat, Path(tmp) / "ours")
            (Path(tmp) / "reference").mkdir()
            reference = time_reference(args.repeat, Path(tmp) / "reference")
        row = common.Row(
            "generate base model (per run)",
            common.median_ms(ours),
            None if reference is None else common.median_ms(reference),
            GOAL_FACTOR,
        )
        common.print_table(f"generate: median of {args.repeat} runs after a warm-up", [row])

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
