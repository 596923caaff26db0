"""Generate time of the SWAN example: ours against the reference rompy-swan 0.11.1.

The generate step only (config load, forcing crop and write, deck render; not the SWAN run):

- cold: ``rompy generate`` in a fresh process, N times (after one warm-up run each; ours and
  the reference take turns), python start-up and imports included: what a user waits for.
  Both log at their defaults; ours runs with ``--no-cache`` (the reference has no cache).
- warm: N generates in one process after a warm-up, each from the YAML file to a written
  staging dir (ours: ``app.load_run`` + ``app.generate(run, use_cache=False)``; the
  reference: ``ModelRun(**yaml).generate()``), both logging at WARNING.

Both sides read the same bottom (``depth(y, x)``, 41 x 31) and wind (``u10``, ``v10`` on
5 x 4 points, 2 hourly times) NetCDF files, written here, through rompy-swan's
``data_interface`` block of ``benchmarks/swan_reference/example.yml``; our example's
``inpgrid`` is rewritten to that same block. While our SWAN model does not take a
``data_interface`` yet, ours generates the example as it is (text grids copied as data
items) and the script says so. Goal: ours < 0.5 x reference.

    benchmarks/setup_rompy_swan.sh      # once: rompy-swan==0.11.1 in .bench/rompy-swan-venv
    .venv/bin/python benchmarks/swan_generate.py [--quick] [-n 5]
"""

from __future__ import annotations

import copy
import os
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as common

GOAL_FACTOR = 0.5
VENV = "rompy-swan-venv"
NOT_INSTALLED = "rompy-swan not installed: run benchmarks/setup_rompy_swan.sh"
PIPELINE = common.REPO_ROOT / "examples" / "swan" / "pipeline.yml"
REFERENCE_CONFIG = Path(__file__).resolve().parent / "swan_reference" / "example.yml"

REFERENCE_WARM_SCRIPT = r"""
import importlib.metadata, json, sys, time
from pathlib import Path
import yaml
from rompy.model import ModelRun

config_path, out_dir, repeat = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])

def one(name):
    start = time.perf_counter()
    with open(config_path) as stream:
        document = yaml.safe_load(stream)
    document["output_dir"] = str(out_dir / name)
    staging = ModelRun(**document).generate()
    elapsed = time.perf_counter() - start
    if not (Path(staging) / "INPUT").is_file():
        raise SystemExit(f"no INPUT file in {staging}")
    return elapsed

one("warm_up")
times = [one(f"bench_{index:04d}") for index in range(repeat)]
versions = {name: importlib.metadata.version(name) for name in ("rompy", "rompy-swan")}
print(json.dumps({"versions": versions, "times": times}))
"""


@dataclass(frozen=True)
class Case:
    """The two configs being generated, and which shape ours has."""

    ours: Path
    reference: Path
    shape: str


def write_forcing(directory: Path) -> dict[str, Path]:
    """Write the bottom and wind NetCDF files; return them by placeholder name."""
    import numpy as np
    import pandas as pd
    import xarray as xr

    x, y = np.arange(0.0, 4001.0, 100.0), np.arange(0.0, 3001.0, 100.0)
    depth = 30.0 - 28.0 * x[np.newaxis, :] / 4000.0 + 0.0 * y[:, np.newaxis]
    bottom = xr.Dataset({"depth": (("y", "x"), depth)}, coords={"x": x, "y": y})
    xw, yw = np.arange(0.0, 4001.0, 1000.0), np.arange(0.0, 3001.0, 1000.0)
    times = pd.date_range("2023-01-01T00:00", periods=2, freq="1h")
    speed = 10.0 + 2.0 * yw[np.newaxis, :, np.newaxis] / 3000.0 + 0.0 * xw
    towards = np.radians(20.0)  # from 250 degrees (nautical), as in the example
    u10 = np.broadcast_to(speed * np.cos(towards), (2, yw.size, xw.size))
    v10 = np.broadcast_to(speed * np.sin(towards), (2, yw.size, xw.size))
    dims = ("time", "y", "x")
    wind = xr.Dataset(
        {"u10": (dims, u10.copy()), "v10": (dims, v10.copy())},
        coords={"time": times, "y": yw, "x": xw},
    )
    files = {"BOTTOM_NC": directory / "bottom.nc", "WIND_NC": directory / "wind.nc"}
    bottom.to_netcdf(files["BOTTOM_NC"])
    wind.to_netcdf(files["WIND_NC"])
    return files


def reference_document(forcing: dict[str, Path]) -> dict[str, Any]:
    """The reference config, with the forcing files filled in."""
    import yaml

    text = string.Template(REFERENCE_CONFIG.read_text()).substitute(
        {name: str(path) for name, path in forcing.items()}
    )
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def with_data_interface(pipeline: dict[str, Any], inpgrid: dict[str, Any]) -> dict[str, Any]:
    """Our pipeline with its input grids read through ``inpgrid`` (a ``data_interface``).

    The text grids the example copied as ``data`` items are no longer read, so they go.
    """
    rewritten = copy.deepcopy(pipeline)
    model = rewritten["config"]["config"]
    model["inpgrid"] = copy.deepcopy(inpgrid)
    model.pop("data", None)
    return rewritten


def absolute_sources(pipeline: dict[str, Any]) -> dict[str, Any]:
    """Our pipeline with relative ``data`` sources made absolute (from the repository root)."""
    rewritten = copy.deepcopy(pipeline)
    for item in rewritten["config"]["config"].get("data", {}).values():
        source = item.get("source")
        if isinstance(source, str) and not Path(source).is_absolute():
            item["source"] = str(common.REPO_ROOT / source)
    return rewritten


def prepare(app: Any, directory: Path) -> Case:
    """Write the forcing and both configs into ``directory``; pick the shape ours can load."""
    import yaml

    from rompy import RompyError

    reference = reference_document(write_forcing(directory))
    reference_path = directory / "reference.yml"
    reference_path.write_text(yaml.safe_dump(reference, sort_keys=False))
    pipeline = yaml.safe_load(PIPELINE.read_text())
    ours = with_data_interface(pipeline, reference["config"]["inpgrid"])
    shape = "data_interface (the same inpgrid block and NetCDF files as the reference)"
    try:
        app.runs_from(ours)
    except RompyError as error:
        first_line = str(error).splitlines()[0]
        shape = f"the example as it is (text grids as data items); data_interface: {first_line}"
        ours = absolute_sources(pipeline)
    ours_path = directory / "ours.yml"
    ours_path.write_text(yaml.safe_dump(ours, sort_keys=False))
    return Case(ours=ours_path, reference=reference_path, shape=shape)


def _run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise common.BenchmarkError(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


@dataclass(frozen=True)
class ColdCommand:
    """One side's ``rompy generate``: ``--output-dir <run dir>/<side>`` is added per run."""

    argv: list[str]
    side: str
    env: dict[str, str]

    def into(self, run_dir: Path) -> list[str]:
        """The argv of one run writing under ``run_dir``."""
        return [*self.argv, "--output-dir", str(run_dir / self.side)]


def time_cold(commands: list[ColdCommand], repeat: int, cwd: Path) -> list[list[float]]:
    """Return the seconds of each command's ``repeat`` runs (one warm-up each; they alternate)."""
    for command in commands:
        _run_once(command.into(cwd / "cold" / "warm_up"), cwd, command.env)
    times: list[list[float]] = [[] for _ in commands]
    for index in range(repeat):
        run_dir = cwd / "cold" / f"run_{index:04d}"
        for samples, command in zip(times, commands, strict=True):
            samples.append(_run_once(command.into(run_dir), cwd, command.env))
    return times


def cold_commands(case: Case) -> list[ColdCommand]:
    """Our ``rompy generate`` and (if installed) the reference's, each with its environment."""
    ours = [str(common.ours_bin("rompy")), "generate", str(case.ours), "--no-cache"]
    commands = [ColdCommand(ours, "ours", common.child_env())]
    reference = common.reference_bin("rompy", VENV)
    if reference is not None:
        # Without PYTHONPATH: it may point at this repository, whose rompy/ is ours.
        env = {k: v for k, v in common.child_env().items() if k != "PYTHONPATH"}
        argv = [str(reference), "generate", str(case.reference)]
        commands.append(ColdCommand(argv, "reference", env))
    return commands


def time_warm_ours(app: Any, case: Case, out_dir: Path, repeat: int) -> list[float]:
    """Return the seconds of ``repeat`` load-and-generate calls in this process, after a warm-up."""
    import attrs

    def one(name: str) -> float:
        start = time.perf_counter()
        run = attrs.evolve(app.load_run(case.ours), output_dir=out_dir / name)
        result = app.generate(run, use_cache=False)
        elapsed = time.perf_counter() - start
        if not (result.staging_dir / "INPUT").is_file():
            raise common.BenchmarkError(f"no INPUT file in {result.staging_dir}")
        return elapsed

    one("warm_up")
    return [one(f"bench_{index:04d}") for index in range(repeat)]


def time_warm_reference(case: Case, out_dir: Path, repeat: int) -> dict[str, Any] | None:
    """Return the reference's warm times and versions, or None when it is not installed."""
    if common.reference_bin("python", VENV) is None:
        return None
    out_dir.mkdir(parents=True)
    return common.run_reference_script(
        REFERENCE_WARM_SCRIPT, str(case.reference), str(out_dir), str(repeat), cwd=out_dir,
        venv=VENV,
    )  # fmt: skip


def staging_files(staging: Path, required: tuple[str, ...]) -> dict[str, int]:
    """The files of a staging dir and their sizes in bytes; a missing ``required`` one fails."""
    files = {p.name: p.stat().st_size for p in sorted(staging.iterdir()) if p.is_file()}
    missing = [name for name in required if not files.get(name)]
    if missing:
        raise common.BenchmarkError(f"{staging} lacks (or has empty) {', '.join(missing)}")
    return files


def print_decks(directory: Path, reference: bool) -> None:
    """Print the files (and sizes) each side wrote in its first timed cold run.

    The reference must have written its deck and both grid files, or it was not timed doing
    the same work.
    """
    sides = [("ours", directory / "ours" / "bay", ("INPUT",))]
    if reference:
        grids = ("INPUT", "bottom.grd", "wind.grd")
        sides.append(("reference", directory / "reference" / "bay", grids))
    print("\nfiles of one generate (bytes):")
    for side, staging, required in sides:
        files = staging_files(staging, required)
        listed = ", ".join(f"{name} {size}" for name, size in files.items())
        print(f"  {side:<10} INPUT {files['INPUT']}; all: {listed}")


def table_rows(label: str, ours: list[float], reference: list[float] | None) -> list[common.Row]:
    """Median (with the goal) and min rows of one measurement."""
    rows = []
    for stat, pick in (("median", common.median_ms), ("min", lambda s: min(s) * 1000.0)):
        rows.append(
            common.Row(
                f"{label} ({stat})",
                pick(ours),
                None if reference is None else pick(reference),
                GOAL_FACTOR if stat == "median" else None,
            )
        )
    return rows


def report_status() -> bool:
    """Print the machine's load and which rompy-swan is used (or how to install it)."""
    common.report_machine()
    python = common.reference_bin("python", VENV)
    print(f"rompy-swan reference: {python}" if python else NOT_INSTALLED)
    return python is not None


def measure(repeat: int, directory: Path) -> None:
    """Prepare the configs, time cold and warm generates, print the tables and the decks."""
    import rompy

    common.quiet_our_logging()
    app = rompy.bootstrap()
    installed = report_status()
    case = prepare(app, directory)
    print(f"ours generates: {case.shape}")
    cold = time_cold(cold_commands(case), repeat, directory)
    warm_ours = time_warm_ours(app, case, directory / "warm" / "ours", repeat)
    warm_reference = time_warm_reference(case, directory / "warm" / "reference", repeat)
    if warm_reference is not None:
        print(f"reference versions: {warm_reference['versions']}")
    cold_reference = cold[1] if installed else None
    rows = table_rows("cold: rompy generate, fresh process", cold[0], cold_reference)
    reference_times = None if warm_reference is None else warm_reference["times"]
    rows += table_rows("warm: load + generate in-process", warm_ours, reference_times)
    common.print_table(f"SWAN example generate: {repeat} runs each after a warm-up", rows)
    print_decks(directory / "cold" / "run_0000", installed)


def main() -> int:
    """Measure, print the table and the verdicts; exit 1 only on errors."""
    args = common.parse_args(__doc__ or "", default_repeat=5, quick_repeat=2)

    def body() -> None:
        with tempfile.TemporaryDirectory(prefix="rompy-swan-generate-") as tmp:
            os.chdir(tmp)
            measure(args.repeat, Path(tmp))

    return common.main_guard(body)


if __name__ == "__main__":
    sys.exit(main())
