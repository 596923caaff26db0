"""Load, validate and dump a ModelRun: ours against the reference rompy 0.6.4.

Input: the ``config`` part of basic_pipeline.yml, already a dict. Per object:
  ours       app.structure(d, ModelRun) -> app.unstructure(run) -> YAML text (app.dump_yaml)
  reference  ModelRun.model_validate(d) -> m.model_dump(mode="json") -> yaml.safe_dump
(``mode="json"`` because PyYAML's safe dumper cannot write the Path and datetime objects of a
plain ``model_dump()``; both sides use PyYAML's pure-Python safe dumper, keys unsorted.)
Each stage is timed over a batch of objects; the table shows the median per-object time of
R batches. Goal (ours): no slower than the reference (ratio < 1) for the whole round.

    .venv/bin/python benchmarks/load_dump.py [--quick] [-n 7]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common as common

GOAL_FACTOR = 1.0
BATCH = 500
QUICK_BATCH = 100
STAGES = ("validate (dict -> ModelRun)", "unstructure (-> plain dict)", "YAML dump (-> text)")
TOTAL = "load + validate + dump (per object)"

REFERENCE_SCRIPT = r"""
import json, statistics, sys, time
import yaml
from rompy.model import ModelRun

config_path, repeat, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(config_path) as stream:
    data = yaml.safe_load(stream)["config"]

def per_object(step):
    start = time.perf_counter()
    for _ in range(batch):
        step()
    return (time.perf_counter() - start) / batch

run = ModelRun.model_validate(data)
plain = run.model_dump(mode="json")
steps = {
    "validate": lambda: ModelRun.model_validate(data),
    "unstructure": lambda: run.model_dump(mode="json"),
    "dump": lambda: yaml.safe_dump(plain, sort_keys=False),
    "total": lambda: yaml.safe_dump(
        ModelRun.model_validate(data).model_dump(mode="json"), sort_keys=False),
}
for step in steps.values():
    per_object(step)
times = {name: [per_object(step) for _ in range(repeat)] for name, step in steps.items()}
print(json.dumps({name: statistics.median(values) for name, values in times.items()}))
"""


def _per_object(step: Callable[[], Any], batch: int) -> float:
    start = time.perf_counter()
    for _ in range(batch):
        step()
    return (time.perf_counter() - start) / batch


def time_ours(repeat: int, batch: int) -> dict[str, float]:
    """Return our median per-object seconds of each stage and of the whole round."""
    import yaml

    from rompy.adapters.config.dumping import dump_yaml
    from rompy.application import bootstrap
    from rompy.domain.model_run import ModelRun

    app = bootstrap()
    with common.BASIC_PIPELINE.open() as stream:
        data = yaml.safe_load(stream)["config"]
    run = app.structure(data, ModelRun, path="config")
    plain = app.unstructure(run)
    steps: dict[str, Callable[[], Any]] = {
        "validate": lambda: app.structure(data, ModelRun, path="config"),
        "unstructure": lambda: app.unstructure(run),
        "dump": lambda: dump_yaml(plain),
        "total": lambda: app.dump_yaml(app.structure(data, ModelRun, path="config")),
    }
    for step in steps.values():
        _per_object(step, batch)
    return {
        name: sorted(_per_object(step, batch) for _ in range(repeat))[repeat // 2]
        for name, step in steps.items()
    }


def time_reference(repeat: int, batch: int) -> dict[str, float] | None:
    """Return the reference's median per-object seconds, or None when it is not installed."""
    if common.reference_bin("python") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="rompy-bench-") as tmp:
        result = common.run_reference_script(
            REFERENCE_SCRIPT, str(common.BASIC_PIPELINE), str(repeat), str(batch), cwd=Path(tmp)
        )
    return {name: float(seconds) for name, seconds in result.items()}


def rows(ours: dict[str, float], reference: dict[str, float] | None) -> list[common.Row]:
    """Build the table rows (ms per object); only the whole round carries the goal."""
    keys = ("validate", "unstructure", "dump", "total")
    labels = (*STAGES, TOTAL)
    return [
        common.Row(
            label,
            ours[key] * 1000.0,
            None if reference is None else reference[key] * 1000.0,
            GOAL_FACTOR if key == "total" else None,
        )
        for key, label in zip(keys, labels, strict=True)
    ]


def main() -> int:
    """Measure, print the table and the verdict; exit 1 only on errors."""
    args = common.parse_args(__doc__ or "", default_repeat=7, quick_repeat=3)
    batch = QUICK_BATCH if args.quick else BATCH

    def body() -> None:
        common.report_reference_status()
        ours = time_ours(args.repeat, batch)
        reference = time_reference(args.repeat, batch)
        title = f"load/dump: median of {args.repeat} batches of {batch} objects, ms per object"
        common.print_table(title, rows(ours, reference))

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
