"""SWAN's OpenMP build runs with the backend's CPU count as its thread count.

Each backend gives the run 2 CPUs (local ``cpus``, Docker ``cpu``, SLURM ``cpus_per_task``);
the SWAN model then runs ``swanomp.exe`` with ``OMP_NUM_THREADS=2``, which SWAN confirms on
its standard output, and the Hs field matches the serial run's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
import yaml

from rompy import bootstrap
from tests.e2e.test_swan import SWAN_IMAGE, basin, hs_field
from tests.engines import require_docker, require_slurm, require_swan

THREADS_LINE = "Number of threads during execution of parallel region =  2"
"""What swanomp.exe prints when it runs two threads."""

TWO_CPU_BACKENDS: dict[str, dict[str, Any]] = {
    "local": {"type": "local", "cpus": 2, "timeout": 300},
    "docker": {"type": "docker", "image": SWAN_IMAGE, "cpu": 2, "timeout": 300},
    "slurm": {"type": "slurm", "cpus_per_task": 2, "time_limit": "5", "timeout": 300},
}


@pytest.fixture(autouse=True)
def _swan_installed() -> None:
    require_swan()


def run_basin(tmp_path: Path, name: str, backend: dict[str, Any] | None) -> Any:
    """Run the basin pipeline as run ``basin-<name>`` on ``backend`` (None: the file's own)."""
    app = bootstrap()
    backend_file = None
    if backend is not None:
        backend_file = tmp_path / f"{name}.yml"
        backend_file.write_text(yaml.safe_dump(backend))
    spec = app.load_pipeline(basin(tmp_path), backend=backend_file)
    spec = attrs.evolve(spec, config=attrs.evolve(spec.config, run_id=f"basin-{name}"))
    return spec, app.pipeline(spec)


@pytest.mark.parametrize("name", sorted(TWO_CPU_BACKENDS))
def test_two_cpus_run_the_openmp_build_with_two_threads_and_the_serial_hs(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if name == "docker":
        require_docker(SWAN_IMAGE)
    if name == "slurm":
        require_slurm()
    monkeypatch.chdir(tmp_path)
    serial_spec, serial = run_basin(tmp_path, "serial", None)
    spec, result = run_basin(tmp_path, name, TWO_CPU_BACKENDS[name])

    assert (True, True) == (serial.ok, result.ok), (serial.message, result.message)
    assert THREADS_LINE not in Path(serial.outcome.stdout_path).read_text()
    assert THREADS_LINE in Path(result.outcome.stdout_path).read_text()
    serial_hs = hs_field(serial_spec.config.staging_dir)
    assert np.allclose(serial_hs, hs_field(spec.config.staging_dir), rtol=1e-4, equal_nan=True)


def test_threads_set_in_the_config_win_over_the_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = bootstrap()
    spec = app.load_pipeline(basin(tmp_path, threads=1))
    spec = attrs.evolve(spec, backend=attrs.evolve(spec.backend, cpus=2))

    result = app.pipeline(spec)

    assert result.ok, result.message
    assert THREADS_LINE not in Path(result.outcome.stdout_path).read_text()
