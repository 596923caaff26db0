"""End-to-end time of the SWAN example pipeline, and the share of it that is SWAN itself.

Runs ``app.pipeline`` on ``examples/swan/pipeline.yml`` (generate, the real ``swan.exe``
through the local executor, the ``swan_summary`` postprocessor with its plots) N times in
one process, after one warm-up, and splits each run into SWAN's own wall time (the model
process, as the executor measured it) and the rest (rompy: rendering, staging, judging,
reading outputs and plotting). Goal: rompy's share <= 10 % of the total.

    .venv/bin/python benchmarks/swan_example.py [--quick] [-n 5]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common as common

GOAL_SHARE = 0.10
PIPELINE = common.REPO_ROOT / "examples" / "swan" / "pipeline.yml"


def run_once(app: object, spec: object) -> tuple[float, float]:
    """Return (total, swan) seconds of one pipeline run; a failed run is a BenchmarkError."""
    start = time.perf_counter()
    result = app.pipeline(spec)  # type: ignore[attr-defined]
    total = time.perf_counter() - start
    if not result.ok or result.outcome is None:
        raise common.BenchmarkError(f"the example failed: {result.message}")
    return total, result.outcome.duration


def main() -> int:
    """Measure and print the medians and rompy's share."""
    args = common.parse_args(__doc__ or "", default_repeat=5, quick_repeat=2)

    def body() -> None:
        import attrs

        import rompy

        common.quiet_our_logging()
        with tempfile.TemporaryDirectory(prefix="rompy-swan-bench-") as tmp:
            os.chdir(common.REPO_ROOT)
            app = rompy.bootstrap()
            spec = app.load_pipeline(PIPELINE)
            spec = attrs.evolve(spec, config=attrs.evolve(spec.config, output_dir=Path(tmp)))
            run_once(app, spec)
            samples = [run_once(app, spec) for _ in range(args.repeat)]
        total = statistics.median(sample[0] for sample in samples)
        swan = statistics.median(sample[1] for sample in samples)
        share = (total - swan) / total
        verdict = "GOAL MET" if share <= GOAL_SHARE else "GOAL MISSED"
        print(f"SWAN example, median of {args.repeat} runs ({os.cpu_count()} cpus)")
        print(f"  total {total:.3f} s; swan.exe {swan:.3f} s; rompy {total - swan:.3f} s")
        print(f"  rompy's share {share:.1%} (goal <= {GOAL_SHARE:.0%}): {verdict}")

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
