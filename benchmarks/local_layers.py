"""Where a local run of a trivial command spends its time, layer by layer.

Each layer is timed in interleaved rounds (every round runs every layer once, in order), so
a change in the machine's load touches all alike; the median of each is printed:

    subprocess.run(["true"])                  the bare engine of orchestration_overhead.py
    ... capture_output=True                   the same, output captured (context)
    Popen, two pipes, own session, cwd        what the local executor asks of the OS
    LocalExecutor.execute                     the adapter: defaults, a timeout, output inherited
    app.run(..., skip_generate=True)          the whole use case, the same three ways

A last line gives our Python alone: ``app.run`` with ``subprocess.Popen`` replaced by a
process that has already ended, timed in a tight loop (so with warm caches; after a real
process the same code runs slower).

    .venv/bin/python benchmarks/local_layers.py [--quick] [-n 2000]
"""

from __future__ import annotations

import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common as common
from orchestration_overhead import INHERITED_OUTPUT, backend_spec, make_app_and_run


def _popen_with_pipes(staging: Path) -> Callable[[], object]:
    """Run ``true`` as the executor does: two pipes read by one ``poll()``, own session, cwd."""

    def run() -> object:
        (out, out_end), (err, err_end) = os.pipe(), os.pipe()
        try:
            process = subprocess.Popen(
                ("true",), cwd=staging, stdout=out_end, stderr=err_end, start_new_session=True
            )
        finally:
            os.close(out_end)
            os.close(err_end)
        poller, open_pipes = select.poll(), {out, err}
        for descriptor in open_pipes:
            poller.register(descriptor, select.POLLIN)
        while open_pipes:
            for descriptor, _ in poller.poll():
                if not os.read(descriptor, 65536):
                    poller.unregister(descriptor)
                    open_pipes.discard(descriptor)
                    os.close(descriptor)
        return process.wait()

    return run


def layers(workdir: Path) -> dict[str, Callable[[], object]]:
    """The layers to time, by label."""
    from rompy.ports.execution import ExecutionRequest

    app, run = make_app_and_run(workdir / "layers")
    field_sets = ({}, {"timeout": 600}, INHERITED_OUTPUT)
    specs = [backend_spec(app, "local", ["true"], **fields) for fields in field_sets]
    requests = [
        ExecutionRequest(run_id=run.run_id, staging_dir=run.staging_dir, spec=spec)
        for spec in specs
    ]
    executor = app.context.registry.executor_for(specs[0])
    return {
        'subprocess.run(["true"])': lambda: subprocess.run(["true"], check=False),
        "  same, capture_output=True (context)": lambda: subprocess.run(
            ["true"], capture_output=True, check=False
        ),
        "Popen, two pipes read by poll(), own session, cwd": _popen_with_pipes(run.staging_dir),
        "LocalExecutor.execute (no timeout)": lambda: executor.execute(requests[0]),
        "LocalExecutor.execute (timeout 600 s)": lambda: executor.execute(requests[1]),
        "LocalExecutor.execute (output inherited)": lambda: executor.execute(requests[2]),
        "app.run (no timeout)": lambda: app.run(run, specs[0], skip_generate=True),
        "app.run (timeout 600 s)": lambda: app.run(run, specs[1], skip_generate=True),
        "app.run (output inherited)": lambda: app.run(run, specs[2], skip_generate=True),
    }


def time_layers(timed: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each layer over ``rounds`` interleaved rounds (after one warm-up)."""
    samples: dict[str, list[float]] = {label: [] for label in timed}
    for turn in range(rounds + 1):
        for label, layer in timed.items():
            start = time.perf_counter()
            layer()
            if turn:
                samples[label].append(time.perf_counter() - start)
    return {label: statistics.median(values) for label, values in samples.items()}


class _EndedProcess:
    """Stands in for ``subprocess.Popen``: a process that ended with exit code 0 at once."""

    pid = 2**22 + 12345  # beyond pid_max: no such process group
    returncode: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.returncode = None

    def wait(self, timeout: float | None = None) -> int:
        self.returncode = 0
        return 0

    def poll(self) -> int:
        return self.wait()


def python_alone(workdir: Path, number: int = 5000) -> float:
    """Seconds of our Python per ``app.run`` with a process that ended at once (warm)."""
    app, run = make_app_and_run(workdir / "python")
    spec = backend_spec(app, "local", ["true"])
    real_popen = subprocess.Popen
    setattr(subprocess, "Popen", _EndedProcess)  # noqa: B010  (mypy refuses a plain assignment)
    try:
        best = min(
            timeit.repeat(lambda: app.run(run, spec, skip_generate=True), number=number, repeat=5)
        )
    finally:
        setattr(subprocess, "Popen", real_popen)  # noqa: B010
    return best / number


def main() -> int:
    """Time the layers and print them."""
    args = common.parse_args(__doc__ or "", default_repeat=2000, quick_repeat=200)

    def body() -> None:
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"python {sys.version.split()[0]}; {os.cpu_count()} cpus, load average {load}")
        with tempfile.TemporaryDirectory(prefix="rompy-layers-") as tmp:
            medians = time_layers(layers(Path(tmp)), args.repeat)
            alone = python_alone(Path(tmp))
        bare = medians['subprocess.run(["true"])']
        print(f"\n== a local run of `true`, layer by layer: median of {args.repeat} rounds")
        for label, seconds in medians.items():
            print(f"  {seconds * 1000:7.3f} ms  {seconds / bare:5.2f} x  {label}")
        print(f"\n  {alone * 1e6:7.1f} us  our Python per app.run (process ended at once, warm)")

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
