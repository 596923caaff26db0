"""The SWAN gamma sweep (examples/swan-ensemble) with the real swan.exe: on SLURM as one array.

The sweep runs through ``rompy ensemble run`` with the SLURM engine; each member's own
backend stays the base pipeline's ``local`` (swan.exe runs inside the member's SLURM task).
``sbatch`` is counted through a PATH shim that logs each call and runs the real one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from rompy.application import App, bootstrap
from tests.e2e.conftest import REPO, RunCli
from tests.engines import require_slurm, require_swan

EXAMPLES = REPO / "examples"
GAMMA = "config.config.physics.breaking.gamma"
GAMMAS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]


def sbatch_shim(folder: Path) -> tuple[Path, Path]:
    """Write an ``sbatch`` that logs each call to a counter file; return (bin dir, counter)."""
    real = shutil.which("sbatch")
    assert real is not None
    folder.mkdir()
    counter = folder / "sbatch-calls"
    shim = folder / "sbatch"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{counter}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    return folder, counter


def slurm_sweep(tmp_path: Path) -> Path:
    """The example's ensemble file, copied with ten gammas and the SLURM engine."""
    shutil.copytree(EXAMPLES / "swan", tmp_path / "examples" / "swan")
    folder = tmp_path / "examples" / "swan-ensemble"
    shutil.copytree(EXAMPLES / "swan-ensemble", folder)
    document = yaml.safe_load((folder / "ensemble.yml").read_text())
    document["sweep"]["parameters"] = {GAMMA: GAMMAS}
    document["engine"] = {"type": "slurm", "max_parallel": 4, "job": {"time_limit": "10"}}
    document["results"] = {"output": "sites", "variables": ["hs", "depth"]}
    path = folder / "slurm.yml"
    path.write_text(yaml.safe_dump(document))
    return path


def gathered_hs(app: App, ensemble_file: Path) -> xr.Dataset:
    """The Hs and depth the run gathered across members (results/sites.nc), loaded."""
    spec = app.load_ensemble(ensemble_file)
    results = spec.ensemble_dir / "results"
    assert (results / "sites.png").stat().st_size > 0
    return xr.load_dataset(results / "sites.nc")


@pytest.mark.slurm
@pytest.mark.swan
@pytest.mark.slow
def test_a_ten_member_gamma_sweep_runs_on_slurm_as_one_job_array(
    rompy_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_swan()
    require_slurm()
    ensemble_file = slurm_sweep(tmp_path)
    shim_dir, counter = sbatch_shim(tmp_path / "shim")

    result = rompy_cli(
        "ensemble",
        "run",
        str(ensemble_file.relative_to(tmp_path)),
        env={"PATH": f"{shim_dir}{os.pathsep}{os.environ['PATH']}"},
    )

    assert 0 == result.returncode, result.stderr
    assert "10 done, 0 failed" in result.stdout
    assert "results: " in result.stdout
    calls = counter.read_text().splitlines()
    assert 1 == len(calls), calls
    monkeypatch.chdir(tmp_path)
    gathered = gathered_hs(bootstrap(), ensemble_file)
    assert GAMMAS == sorted(gathered["gamma"].values.tolist())
    shallow = int(gathered["depth"].isel(member=0).argmin("point"))
    hs = gathered["hs"].isel(point=shallow).sortby(gathered["gamma"]).values
    assert np.all(np.diff(hs) >= -1e-3), hs
    assert hs[-1] > hs[0] + 0.1, hs


def test_the_shipped_sweep_plans_five_gamma_members_gathering_hs_at_the_sites(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    app = bootstrap()
    spec = app.load_ensemble(EXAMPLES / "swan-ensemble" / "ensemble.yml")

    plan = app.plan_ensemble(spec)

    assert [0.5, 0.6, 0.7, 0.8, 0.9] == [job.parameters[GAMMA] for job in plan.jobs]
    assert ("sites", ("hs",)) == (spec.results.output, spec.results.variables)  # type: ignore[union-attr]
