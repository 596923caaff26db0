"""Gathering members' outputs: real NetCDF written and read back by xarray, a real PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from rompy.adapters.ensemble.gather import XarrayResultsGatherer, parameter_names
from rompy.domain.ensemble.results import ResultsSpec
from rompy.domain.errors import DataSourceError
from rompy.ports.ensemble import GatherInput

GAMMA = "config.config.physics.breaking.gamma"


def member_output(tmp_path: Path, member_id: str, gamma: float) -> xr.Dataset:
    """A sites-like table (time, point) whose Hs grows with gamma, read back from NetCDF."""
    hs = np.outer([1.0, 2.0], [0.5, 0.8, 1.1]) * gamma
    dataset = xr.Dataset(
        {"hs": (("time", "point"), hs, {"units": "m"}), "tps": (("time", "point"), hs + 5)},
        coords={"time": np.array(["2020-01-01", "2020-01-02"], "M8[ns]"), "point": [0, 1, 2]},
    )
    path = tmp_path / f"{member_id}.nc"
    dataset.to_netcdf(path)
    return xr.open_dataset(path)


def members(tmp_path: Path, gammas: list[float]) -> list[GatherInput]:
    return [
        GatherInput(
            member_id=f"m-{index:03d}",
            parameters={GAMMA: gamma, "config.period.duration": "1h"},
            outputs={"sites": member_output(tmp_path, f"m-{index:03d}", gamma)},
        )
        for index, gamma in enumerate(gammas)
    ]


def test_the_gathered_netcdf_has_a_member_dimension_carrying_the_parameters(
    tmp_path: Path,
) -> None:
    gammas = [0.5, 0.7, 0.9]
    spec = ResultsSpec(output="sites", variables=["hs"], plot=False)

    files = XarrayResultsGatherer().gather(spec, members(tmp_path, gammas), tmp_path / "results")

    assert (tmp_path / "results" / "sites.nc",) == files
    gathered = xr.open_dataset(files[0])
    assert ["hs"] == list(gathered.data_vars)
    assert {"member": 3, "time": 2, "point": 3} == dict(gathered.sizes)
    assert ["m-000", "m-001", "m-002"] == list(gathered["member"].values)
    assert gammas == list(gathered["gamma"].values)
    assert GAMMA == gathered["gamma"].attrs["parameter"]
    assert ["1h"] * 3 == list(gathered["duration"].values)
    np.testing.assert_allclose(1.1 * 0.9 * 2.0, gathered["hs"].sel(member="m-002")[-1, -1])


def test_the_spread_plot_is_a_png(tmp_path: Path) -> None:
    spec = ResultsSpec(output="sites", variables=["hs", "tps"])

    files = XarrayResultsGatherer().gather(spec, members(tmp_path, [0.5, 0.9]), tmp_path / "out")

    png = tmp_path / "out" / "sites.png"
    assert png in files
    assert b"\x89PNG" == png.read_bytes()[:4]
    assert png.stat().st_size > 1000


def test_a_member_lacking_a_variable_is_refused_by_name(tmp_path: Path) -> None:
    spec = ResultsSpec(output="sites", variables=["hs", "dir"])

    with pytest.raises(DataSourceError, match="member m-000's output 'sites' lacks dir"):
        XarrayResultsGatherer().gather(spec, members(tmp_path, [0.5]), tmp_path / "out")


def test_a_member_lacking_the_output_is_refused_by_name(tmp_path: Path) -> None:
    spec = ResultsSpec(output="bay", variables=["hs"])

    with pytest.raises(DataSourceError, match=r"member m-000 has no output 'bay'.*sites"):
        XarrayResultsGatherer().gather(spec, members(tmp_path, [0.5]), tmp_path / "out")


def test_clashing_parameter_names_keep_enough_of_their_paths() -> None:
    paths = ["a.breaking.gamma", "b.other.gamma", "c.points.xp.0"]

    assert {
        "a.breaking.gamma": "breaking_gamma",
        "b.other.gamma": "other_gamma",
        "c.points.xp.0": "xp_0",
    } == parameter_names(paths)
