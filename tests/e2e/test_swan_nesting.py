"""``boundnest1``: spectra at sites become SWAN's spectral boundary, and SWAN carries them in.

Sites round the rompy-swan example's grid hold one JONSWAP-like spectrum of Hs 2 m; with
no wind and deep water (over 1 km), SWAN must bring that Hs to the output points inside
the grid within 3 % (its direction within 3 degrees): a misread boundary file would not.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from rompy import ExecutionSpec, bootstrap
from tests.e2e.conftest import FIXTURES
from tests.engines import require_swan

ROMPY_SWAN = FIXTURES / "swan" / "rompy_swan"
FREQS = np.geomspace(0.04, 0.6, 25)
DIRS = np.arange(0.0, 360.0, 10.0)
HS = 2.0


@pytest.fixture(autouse=True)
def _swan_installed() -> None:
    require_swan()


def spectrum() -> np.ndarray:
    """A spectrum peaked at 0.1 Hz from the south-west (nautical 225), scaled to Hs 2 m."""
    shape_f = np.exp(-((FREQS - 0.1) ** 2) / (2 * 0.015**2))
    spread = np.cos(np.radians((DIRS - 225.0 + 180.0) % 360.0 - 180.0) / 2.0) ** 20
    raw = np.outer(shape_f, spread)
    m0 = (raw * np.gradient(FREQS)[:, None]).sum() * 10.0
    scaled: np.ndarray = raw * (HS / 4.0) ** 2 / m0
    return scaled


def write_spectra(path: Path) -> None:
    """Hourly spectra at sites every half degree on a ring just outside the grid."""
    along_x, along_y = np.arange(109.0, 118.6, 0.5), np.arange(-36.0, -21.4, 0.5)
    lons = [*along_x, *along_x, *np.full(along_y.size, 109.0), *np.full(along_y.size, 118.5)]
    lats = [*np.full(along_x.size, -36.0), *np.full(along_x.size, -21.5), *along_y, *along_y]
    times = pd.date_range("2023-01-01T00", "2023-01-01T06", freq="1h")
    efth = np.broadcast_to(spectrum(), (len(times), len(lons), len(FREQS), len(DIRS)))
    xr.Dataset(
        {"efth": (("time", "site", "freq", "dir"), efth.copy(), {"units": "m2/Hz/deg"})},
        coords={"time": times, "site": np.arange(len(lons)), "freq": FREQS, "dir": DIRS,
                "lon": ("site", lons), "lat": ("site", lats)},
    ).to_netcdf(path)  # fmt: skip


def nested_example(folder: Path) -> dict[str, Any]:
    """rompy-swan's declarative example, without wind, forced by the spectra for 6 hours."""
    document: dict[str, Any] = yaml.safe_load((folder / "example_declarative.yml").read_text())
    document["period"] = {"start": "2023-01-01T00", "end": "2023-01-01T06", "interval": "1h"}
    config = document["config"]
    del config["inpgrid"]["input"]
    quiet = [{"physics": name} for name in ("quadrupl", "windgrowth", "wcapping")]
    config["physics"] = {"deactivate": {"model_type": "offs", "offs": quiet}}
    config["boundary"] = {
        "model_type": "boundnest1", "id": "spectra", "rectangle": "closed",
        "source": {"model_type": "file", "uri": "spectra.nc"},
        "sel_method": "idw", "tolerance": 2.0,
    }  # fmt: skip
    config["lockup"]["compute"]["hotfile"] = None
    return document


def test_spectra_at_sites_reach_inside_the_grid_through_boundnest1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "rompy_swan"
    shutil.copytree(ROMPY_SWAN, folder)
    monkeypatch.chdir(folder)
    write_spectra(folder / "spectra.nc")
    app = bootstrap()
    (run,) = app.runs_from(nested_example(folder))

    outcome = app.run(run, app.structure({"type": "local", "timeout": 300}, ExecutionSpec))

    assert outcome.ok, outcome.message
    deck = (run.staging_dir / "INPUT").read_text()
    assert "BOUNDNEST1 NEST 'spectra.bnd' CLOSED" in deck
    assert (run.staging_dir / "spectra.bnd").read_text().startswith("SWAN")
    table = app.read_outputs(run)["swantable"]
    last = table.isel(time=-1)
    assert np.all(np.abs(last.hs.values - HS) / HS < 0.03), last.hs.values  # all 3 points
    assert np.all(np.abs(last.dir.values - 225.0) < 3.0), last.dir.values
