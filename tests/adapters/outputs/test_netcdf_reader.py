"""The base model's outputs, written by a real command, read back through ``app.read_outputs``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rompy import DataSourceError, ExecutionSpec, ModelRun, StagingError, bootstrap

WRITE_OUTPUT = (
    "import numpy as np, xarray as xr; "
    "xr.Dataset({'hs': ('time', np.array([1.0, 1.5, 2.0]))}).to_netcdf('outputs/waves.nc')"
)


def base_run(tmp_path: Path) -> ModelRun:
    app = bootstrap(load_entry_points=False)
    return app.structure(
        {"run_id": "netcdf", "output_dir": str(tmp_path), "config": {"model_type": "base"}},
        ModelRun,
    )


def test_the_netcdf_files_a_run_wrote_under_outputs_are_read_by_name(tmp_path: Path) -> None:
    app = bootstrap(load_entry_points=False)
    run = base_run(tmp_path)
    command = [sys.executable, "-c", WRITE_OUTPUT]
    backend = app.structure({"type": "local", "command": command}, ExecutionSpec)
    assert app.run(run, backend).ok

    outputs = app.read_outputs(run)

    with outputs["waves"] as waves:
        assert [1.0, 1.5, 2.0] == waves.hs.values.tolist()
    assert ["waves"] == sorted(outputs)


def test_a_run_that_wrote_no_outputs_says_where_they_were_looked_for(tmp_path: Path) -> None:
    app = bootstrap(load_entry_points=False)
    run = base_run(tmp_path)
    app.generate(run)

    with pytest.raises(DataSourceError, match=r"nothing matches outputs/\*\.nc"):
        app.read_outputs(run)


def test_a_file_that_is_not_netcdf_is_a_data_source_error(tmp_path: Path) -> None:
    app = bootstrap(load_entry_points=False)
    run = base_run(tmp_path)
    app.generate(run)
    (run.staging_dir / "outputs" / "broken.nc").write_text("not netcdf")

    with pytest.raises(DataSourceError, match=r"broken\.nc cannot be read"):
        app.read_outputs(run)


def test_a_run_never_generated_is_a_staging_error(tmp_path: Path) -> None:
    with pytest.raises(StagingError, match="does not exist"):
        bootstrap(load_entry_points=False).read_outputs(base_run(tmp_path))
