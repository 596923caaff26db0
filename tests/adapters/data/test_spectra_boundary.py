"""Tests of spectral boundaries: weights, Hs conservation, the handler and wavespectra's writers."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from rompy.adapters.data.cache import DataCache
from rompy.adapters.data.handlers.spectra_boundary import (
    SpectralBoundaryHandler,
    site_distances,
    site_weights,
    spectral_boundary,
    write_spectra,
)
from rompy.adapters.data.sources.wavespectra import WavespectraOpener
from rompy.adapters.data.staging import LocalDataStager
from rompy.application import bootstrap
from rompy.domain.data.sources import DatasetSource, WavespectraSource
from rompy.domain.data.specs import BoundaryWaveStation, DataItem
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.domain.grid import RegularGrid
from rompy.domain.time import TimeRange
from rompy.ports.data import DataRequest, StageRequest

wavespectra = pytest.importorskip("wavespectra")

FREQS = np.geomspace(0.04, 0.5, 16)
DIRS = np.arange(0.0, 360.0, 30.0)
TIMES = pd.date_range("2023-01-01", periods=4, freq="6h")


def _spectrum(hs: float, peak_dir: float) -> np.ndarray:
    """A Gaussian-in-frequency, cos²-in-direction spectrum scaled to the given Hs."""
    shape_f = np.exp(-((FREQS - 0.1) ** 2) / (2 * 0.02**2))
    spread = np.cos(np.radians((DIRS - peak_dir + 180) % 360 - 180) / 2) ** 8
    raw = np.outer(shape_f, spread)
    dfreq = np.gradient(FREQS)
    m0 = (raw * dfreq[:, None]).sum() * 30.0
    scaled: np.ndarray = raw * (hs / 4) ** 2 / m0
    return scaled


def _sites(lons: list[float], lats: list[float], hs: list[float]) -> xr.Dataset:
    """Spectra at sites; site ``i`` has Hs ``hs[i]`` growing by 10 % each time step."""
    efth = np.stack(
        [
            np.stack([_spectrum(h * (1 + 0.1 * t), 180.0 + 20 * i) for i, h in enumerate(hs)])
            for t in range(TIMES.size)
        ]
    )
    return xr.Dataset(
        {"efth": (("time", "site", "freq", "dir"), efth, {"units": "m2/Hz/deg"})},
        coords={
            "time": TIMES, "site": np.arange(len(lons)), "freq": FREQS, "dir": DIRS,
            "lon": ("site", lons), "lat": ("site", lats),
        },
    )  # fmt: skip


GRID = RegularGrid(x0=110.0, y0=-32.0, dx=0.5, dy=0.5, nx=5, ny=5)


# --- distances and weights ---------------------------------------------------------------------


def test_longitude_differences_go_the_short_way_round() -> None:
    distances = site_distances(np.array([359.0]), np.array([0.0]), np.array([1.0]), np.array([0]))

    assert [[2.0]] == distances.tolist()


def test_nearest_gives_each_point_all_the_weight_of_its_closest_site() -> None:
    weights = site_weights(
        np.array([0.0, 10.0]), np.array([0.0, 0.0]), np.array([1.0, 9.0]), np.array([0.0, 0.0]),
        method="nearest", tolerance=5.0,
    )  # fmt: skip

    assert ([0, 1], [[1.0, 0.0], [0.0, 1.0]]) == (weights.sites.tolist(), weights.matrix.tolist())


def test_idw_weights_sites_by_inverse_distance() -> None:
    weights = site_weights(
        np.array([0.0, 3.0]), np.array([0.0, 0.0]), np.array([1.0]), np.array([0.0]),
        method="idw", tolerance=5.0,
    )  # fmt: skip

    assert np.allclose([[2 / 3, 1 / 3]], weights.matrix)


def test_idw_gives_a_site_at_the_point_all_the_weight() -> None:
    weights = site_weights(
        np.array([0.0, 3.0]), np.array([0.0, 0.0]), np.array([3.0]), np.array([0.0]),
        method="idw", tolerance=5.0,
    )  # fmt: skip

    assert ([1], [[1.0]]) == (weights.sites.tolist(), weights.matrix.tolist())


def test_idw_ignores_sites_beyond_the_tolerance() -> None:
    weights = site_weights(
        np.array([0.0, 3.0]), np.array([0.0, 0.0]), np.array([1.0]), np.array([0.0]),
        method="idw", tolerance=1.5,
    )  # fmt: skip

    assert ([0], [[1.0]]) == (weights.sites.tolist(), weights.matrix.tolist())


def test_idw_blends_at_most_max_sites() -> None:
    weights = site_weights(
        np.array([1.0, 2.0, 3.0]), np.zeros(3), np.array([0.0]), np.array([0.0]),
        method="idw", tolerance=5.0, max_sites=2,
    )  # fmt: skip

    assert [0, 1] == weights.sites.tolist()


def test_a_point_with_no_site_in_range_is_an_error_naming_it() -> None:
    with pytest.raises(DataSourceError, match=r"\(5, 0\) nearest site 5 away"):
        site_weights(
            np.array([0.0]), np.array([0.0]), np.array([5.0]), np.array([0.0]), tolerance=1.0
        )


def test_an_unknown_method_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="use one of idw, nearest"):
        site_weights(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), method="bilinear")


# --- spectral_boundary -------------------------------------------------------------------------


def test_a_single_site_conserves_hs_at_every_boundary_point() -> None:
    sites = _sites([111.0], [-31.0], [2.0])
    xs, ys = GRID.boundary_points()

    boundary = spectral_boundary(sites, xs, ys, method="idw", tolerance=5.0)

    expected = np.repeat(sites.spec.hs().values, xs.size, axis=1)
    assert np.allclose(expected, boundary.spec.hs().values, rtol=0.01)


def test_nearest_copies_the_spectrum_of_the_closest_site() -> None:
    sites = _sites([110.0, 112.0], [-32.0, -30.0], [1.0, 3.0])

    boundary = spectral_boundary(
        sites, np.array([110.1, 111.9]), np.array([-32.0, -30.0]), method="nearest"
    )

    assert np.array_equal(sites.efth.values, boundary.efth.values)


def test_idw_blends_the_energy_of_two_sites() -> None:
    sites = _sites([110.0, 112.0], [-31.0, -31.0], [1.0, 3.0])

    boundary = spectral_boundary(sites, np.array([110.5]), np.array([-31.0]), tolerance=5.0)

    expected = 0.75 * sites.efth.isel(site=0) + 0.25 * sites.efth.isel(site=1)
    assert np.allclose(expected.values, boundary.efth.isel(site=0).values)


def test_the_boundary_sites_are_at_the_points() -> None:
    sites = _sites([111.0], [-31.0], [2.0])
    xs, ys = GRID.boundary_points(spacing=1.0)

    boundary = spectral_boundary(sites, xs, ys)

    assert (xs.tolist(), ys.tolist()) == (
        boundary.lon.values.tolist(),
        boundary.lat.values.tolist(),
    )


def test_a_lazy_source_stays_lazy() -> None:
    sites = _sites([111.0], [-31.0], [2.0]).chunk({"time": 1})

    boundary = spectral_boundary(sites, np.array([111.0]), np.array([-31.0]))

    assert boundary.efth.chunks is not None


def test_spectra_without_sites_are_refused() -> None:
    gridded = xr.Dataset({"efth": (("lat", "lon"), np.zeros((2, 2)))})

    with pytest.raises(DataSourceError, match="'site' dimension"):
        spectral_boundary(gridded, np.zeros(1), np.zeros(1))


# --- writers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "reader", "options"),
    [("netcdf", "read_netcdf", {}), ("swan", "read_swan", {"as_site": True})],
)
def test_written_spectra_read_back_with_the_same_hs(
    fmt: str, reader: str, options: dict[str, bool], tmp_path: Path
) -> None:
    sites = _sites([111.0], [-31.0], [2.0])
    boundary = spectral_boundary(sites, np.array([111.0, 111.5]), np.array([-31.0, -31.0]))

    path = write_spectra(boundary, tmp_path / f"boundary.{fmt}", fmt)

    back = getattr(wavespectra, reader)(str(path), **options)
    assert np.allclose(boundary.spec.hs().values, back.spec.hs().values, rtol=0.01)


def test_an_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="netcdf, swan, ww3"):
        write_spectra(_sites([0.0], [0.0], [1.0]), tmp_path / "b.x", "grib")


# --- the handler -------------------------------------------------------------------------------


class Opener:
    """Opens dataset sources, and wavespectra sources with the real opener."""

    def open(self, spec: object) -> Any:
        if isinstance(spec, DatasetSource):
            return spec.dataset
        return WavespectraOpener().open(spec)  # type: ignore[arg-type]

    def identity(self, spec: object) -> str:
        if isinstance(spec, DatasetSource):
            return ""
        return WavespectraOpener().identity(spec)  # type: ignore[arg-type]


def _request(spec: BoundaryWaveStation, period: TimeRange | None = None) -> DataRequest:
    return DataRequest(item=DataItem(name="bnd", spec=spec), grid=GRID, period=period)


def test_the_handler_crops_the_period_and_writes_swan_spectra(tmp_path: Path) -> None:
    spec = BoundaryWaveStation(
        source=DatasetSource(dataset=_sites([111.0], [-31.0], [2.0])),
        output_format="swan", tolerance=5.0,
    )  # fmt: skip
    period = TimeRange(start=datetime(2023, 1, 1, 6), end=datetime(2023, 1, 1, 12))
    handler = SpectralBoundaryHandler()

    prepared = handler.prepare(_request(spec, period), Opener())
    written = handler.write(prepared, tmp_path)

    back = wavespectra.read_swan(str(tmp_path / written[0]), as_site=True)
    assert ([Path("bnd.bnd")], list(TIMES[1:3])) == (list(written), list(back.time.to_index()))


def test_the_handler_refuses_a_period_the_spectra_do_not_cover() -> None:
    spec = BoundaryWaveStation(source=DatasetSource(dataset=_sites([111.0], [-31.0], [2.0])))
    period = TimeRange(start=datetime(2023, 1, 1), end=datetime(2023, 1, 3))

    with pytest.raises(DataSourceError, match="bnd covers 2023-01-01T00 to 2023-01-01T18"):
        SpectralBoundaryHandler().prepare(_request(spec, period), Opener())


def test_the_handler_refuses_spectra_without_efth() -> None:
    renamed = _sites([111.0], [-31.0], [2.0]).rename(efth="energy")
    spec = BoundaryWaveStation(source=DatasetSource(dataset=renamed))

    with pytest.raises(DataSourceError, match="efth not in the spectra; it has energy"):
        SpectralBoundaryHandler().prepare(_request(spec), Opener())


def test_the_handler_needs_a_grid() -> None:
    spec = BoundaryWaveStation(source=DatasetSource(dataset=_sites([111.0], [-31.0], [2.0])))
    request = DataRequest(item=DataItem(name="bnd", spec=spec))

    with pytest.raises(DataSourceError, match="needs the model grid"):
        SpectralBoundaryHandler().prepare(request, Opener())


def test_an_in_memory_source_is_not_cached() -> None:
    spec = BoundaryWaveStation(source=DatasetSource(dataset=_sites([111.0], [-31.0], [2.0])))

    assert None is SpectralBoundaryHandler().prepare(_request(spec), Opener()).cache_parts


def test_a_file_source_gets_cache_parts_naming_its_identity(tmp_path: Path) -> None:
    path = tmp_path / "spectra.nc"
    _sites([111.0], [-31.0], [2.0]).spec.to_netcdf(str(path))
    source = WavespectraSource(uri=str(path), reader="read_netcdf")
    spec = BoundaryWaveStation(source=source)

    prepared = SpectralBoundaryHandler().prepare(_request(spec), Opener())

    assert WavespectraOpener().identity(source) == (prepared.cache_parts or {}).get("source")


def test_key_parts_of_an_in_memory_source_are_none() -> None:
    spec = BoundaryWaveStation(source=DatasetSource(dataset=_sites([111.0], [-31.0], [2.0])))

    assert None is SpectralBoundaryHandler().key_parts(_request(spec), Opener())


def test_key_parts_name_the_source_the_grid_and_the_period(tmp_path: Path) -> None:
    path = tmp_path / "spectra.nc"
    _sites([111.0], [-31.0], [2.0]).spec.to_netcdf(str(path))
    source = WavespectraSource(uri=str(path), reader="read_netcdf")
    period = TimeRange(start=datetime(2023, 1, 1, 6), end=datetime(2023, 1, 1, 12))

    parts = SpectralBoundaryHandler().key_parts(
        _request(BoundaryWaveStation(source=source), period), Opener()
    )

    assert (WavespectraOpener().identity(source), repr(GRID), repr(period)) == (
        (parts or {}).get("source"),
        (parts or {}).get("grid"),
        (parts or {}).get("period"),
    )


def _stage_boundary(stager: LocalDataStager, spec: BoundaryWaveStation, staging: Path) -> bytes:
    request = StageRequest(items=(DataItem(name="bnd", spec=spec),), grid=GRID, staging_dir=staging)
    staged = stager.stage(request)
    staging.mkdir(parents=True)
    stager.commit(staged, staging)
    return (staging / "bnd.nc").read_bytes()


def test_a_cache_hit_does_not_open_the_spectra_again(tmp_path: Path) -> None:
    path = tmp_path / "spectra.nc"
    _sites([111.0], [-31.0], [2.0]).spec.to_netcdf(str(path))
    spec = BoundaryWaveStation(
        source=WavespectraSource(uri=str(path), reader="read_netcdf"), tolerance=5.0
    )
    registry = bootstrap(load_entry_points=False).plugins.registry
    stager = LocalDataStager(registry=registry, cache=DataCache(tmp_path / "cache"))
    first = _stage_boundary(stager, spec, tmp_path / "out" / "one")
    stamp = path.stat()
    path.write_bytes(b"\0" * stamp.st_size)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))

    second = _stage_boundary(stager, spec, tmp_path / "out" / "two")

    assert first == second


# --- buffer: sites near the grid only --------------------------------------------------------


def _spectra_file(tmp_path: Path, lons: list[float], hs: list[float]) -> WavespectraSource:
    path = tmp_path / "spectra.nc"
    _sites(lons, [-31.0] * len(lons), hs).spec.to_netcdf(str(path))
    return WavespectraSource(uri=str(path), reader="read_netcdf")


def _boundary_hs(spec: BoundaryWaveStation) -> np.ndarray:
    boundary = SpectralBoundaryHandler().prepare(_request(spec), Opener()).payload
    hs: np.ndarray = boundary.spec.hs().isel(time=0).values
    return hs


def test_sites_beyond_the_buffered_grid_box_are_not_blended(tmp_path: Path) -> None:
    source = _spectra_file(tmp_path, [111.0, 114.5], [2.0, 8.0])
    spec = BoundaryWaveStation(source=source, buffer=1.0, tolerance=10.0, max_sites=2)

    assert np.allclose(2.0, _boundary_hs(spec), rtol=0.01)


def test_a_wider_buffer_lets_the_far_site_in(tmp_path: Path) -> None:
    source = _spectra_file(tmp_path, [111.0, 114.5], [2.0, 8.0])
    spec = BoundaryWaveStation(source=source, buffer=3.0, tolerance=10.0, max_sites=2)

    assert (_boundary_hs(spec) > 2.1).all()


def test_without_crop_data_every_site_is_a_candidate(tmp_path: Path) -> None:
    source = _spectra_file(tmp_path, [111.0, 114.5], [2.0, 8.0])
    spec = BoundaryWaveStation(
        source=source, buffer=1.0, tolerance=10.0, max_sites=2, crop_data=False
    )

    assert (_boundary_hs(spec) > 2.1).all()


def test_no_site_within_the_buffered_box_is_an_error_saying_what_to_change(
    tmp_path: Path,
) -> None:
    spec = BoundaryWaveStation(source=_spectra_file(tmp_path, [118.0], [2.0]), buffer=1.0)

    with pytest.raises(DataSourceError, match=r"buffer 1, \(109, -33\) to \(113, -29\); raise"):
        SpectralBoundaryHandler().prepare(_request(spec), Opener())
