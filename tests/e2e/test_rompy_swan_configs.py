"""Configs written for rompy-swan 0.11 load unchanged and run in the real SWAN.

The fixtures are rompy-swan's ``examples/example_declarative.yml`` and
``tests/swan_model.yml``, with only their intake catalog pointed at local stand-ins for
GEBCO and ERA5 (``make_sources.py``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xarray as xr
import yaml

from rompy import ConfigError, ExecutionSpec, TimeRange, bootstrap
from rompy.models.swan.config import SwanConfig
from rompy.models.swan.context import DeckContext
from rompy.models.swan.versions import SwanVersion
from tests.e2e.conftest import FIXTURES
from tests.engines import require_swan

ROMPY_SWAN = FIXTURES / "swan" / "rompy_swan"


@pytest.fixture
def fixtures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixtures copied to ``tmp_path``, the working dir (their paths are relative)."""
    folder = tmp_path / "rompy_swan"
    shutil.copytree(ROMPY_SWAN, folder)
    monkeypatch.chdir(folder)
    return folder


def test_the_stand_in_sources_are_what_their_script_writes(fixtures: Path) -> None:
    for name in ("gebco.nc", "era5.nc"):
        (fixtures / name).unlink()

    subprocess.run([sys.executable, str(fixtures / "make_sources.py")], check=True)

    for name in ("gebco.nc", "era5.nc"):
        expected = xr.load_dataset(ROMPY_SWAN / name)
        xr.testing.assert_identical(expected, xr.load_dataset(fixtures / name))


def test_the_declarative_example_crops_its_intake_sources_and_runs_to_a_normal_end(
    fixtures: Path,
) -> None:
    require_swan()
    app = bootstrap()
    run = app.load_run(fixtures / "example_declarative.yml")

    backend = app.structure({"type": "local", "timeout": 300}, ExecutionSpec)
    outcome = app.run(run, backend)

    assert outcome.ok, outcome.message
    deck = (run.staging_dir / "INPUT").read_text()
    assert "INPGRID BOTTOM REGULAR xpinp=108.0 ypinp=-36.25" in deck  # 1 degree buffer
    assert "READINP WIND fac=1.0 fname1='wind.grd' idla=3 nhedf=0 nhedt=1 nhedvec=1" in deck
    table = app.read_outputs(run)["swantable"]
    assert 3 == table.sizes["point"] and float(table.hs.max()) > 0.5


def load_body(app: Any, text: str) -> SwanConfig:
    """A config body (no model_type, as rompy-swan's test file is) structured as SWAN's."""
    document = {"model_type": "swan", **yaml.safe_load(text)}
    config = app.structure(document, SwanConfig, path="config")
    assert isinstance(config, SwanConfig)
    return config


def test_the_test_model_loads_for_the_version_it_was_written_for(fixtures: Path) -> None:
    app = bootstrap()
    document = yaml.safe_load((fixtures / "swan_model.yml").read_text())

    written_for = {**document, "swan_version": "41.45"}
    with pytest.raises(ConfigError) as caught:  # SETUP in spherical coordinates: SWAN refuses
        load_body(app, yaml.safe_dump(written_for))
    assert "config.physics.setup" == caught.value.path
    del written_for["physics"]["setup"]

    config = load_body(app, yaml.safe_dump(written_for))

    assert ["bottom", "wind"] == [item.name for item in config.data_items()]
    physics = config.physics.render(_context(config)) if config.physics else []
    assert any(line.startswith("GEN3 ST6") for line in physics)
    lockup = config.lockup.render(_context(config))
    assert 2 == sum(line.startswith("COMPUTE NONSTATIONARY") for line in lockup)  # hottimes


def test_the_test_model_is_refused_for_41_01_naming_what_it_does_not_read(
    fixtures: Path,
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_body(bootstrap(), (fixtures / "swan_model.yml").read_text())

    assert "needs SWAN" in str(caught.value) and "swan_version is 41.01" in str(caught.value)
    assert caught.value.path.startswith("config.physics.")


def _context(config: SwanConfig) -> Any:
    period = TimeRange(start="2023-01-01T00", end="2023-01-02T00", interval="1h")
    version = SwanVersion.parse(config.swan_version)
    return DeckContext(version=version, period=period, nonstationary=config.nonstationary)
