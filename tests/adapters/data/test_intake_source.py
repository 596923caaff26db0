"""Tests of the intake opener on real catalogs and NetCDF files written by xarray."""

from __future__ import annotations

import builtins
import functools
import importlib.util
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from rompy.adapters.data.sources.intake import IntakeOpener, netcdf_engine
from rompy.domain.data.sources import IntakeSource
from rompy.domain.errors import DataSourceError

pytest.importorskip("intake")
pytest.importorskip("intake_xarray")

V1_CATALOG = """
metadata:
  version: 1
sources:
  wind_nc4:
    description: NetCDF4 (HDF5) file, as most data is today
    driver: netcdf
    args:
      urlpath: '{{ CATALOG_DIR }}/wind4.nc'
  wind_nc3:
    driver: netcdf
    args:
      urlpath: '{{ CATALOG_DIR }}/wind3.nc'
      chunks: {time: 2}
  wind_by_class:
    driver: intake_xarray.netcdf.NetCDFSource
    args:
      urlpath: '{{ CATALOG_DIR }}/wind4.nc'
      xarray_kwargs: {decode_times: true}
  wind_by_name:
    driver: netcdf
    parameters:
      flavour: {description: which file, type: str, default: wind3}
    args:
      urlpath: '{{ CATALOG_DIR }}/{{ flavour }}.nc'
  wind_glob:
    driver: netcdf
    args:
      urlpath: '{{ CATALOG_DIR }}/daily_*.nc'
      xarray_kwargs: {combine: by_coords}
"""


def _wind(start: str = "2023-01-01", periods: int = 4) -> xr.Dataset:
    times = pd.date_range(start, periods=periods, freq="6h")
    values = np.arange(periods * 3 * 5, dtype=float).reshape(periods, 3, 5)
    return xr.Dataset(
        {"u10": (("time", "latitude", "longitude"), values)},
        coords={"time": times, "latitude": [-33.0, -32.0, -31.0], "longitude": np.arange(5.0)},
    )


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    _wind().to_netcdf(tmp_path / "wind4.nc", engine="netcdf4")
    _wind().to_netcdf(tmp_path / "wind3.nc", engine="scipy")
    _wind("2023-01-01", 4).to_netcdf(tmp_path / "daily_1.nc", engine="netcdf4")
    _wind("2023-01-02", 4).to_netcdf(tmp_path / "daily_2.nc", engine="netcdf4")
    path = tmp_path / "catalog.yaml"
    path.write_text(V1_CATALOG)
    return path


def _open(catalog: Path, dataset_id: str, **kwargs: Any) -> Any:
    spec = IntakeSource(catalog_uri=str(catalog), dataset_id=dataset_id, kwargs=kwargs)
    return IntakeOpener().open(spec)


# --- v1-style catalogs -------------------------------------------------------------------------


def test_a_netcdf4_file_under_driver_netcdf_is_read(catalog: Path) -> None:
    assert _wind().u10.values.tolist() == _open(catalog, "wind_nc4").u10.values.tolist()


def test_a_netcdf3_file_under_driver_netcdf_is_read(catalog: Path) -> None:
    assert _wind().u10.values.tolist() == _open(catalog, "wind_nc3").u10.values.tolist()


def test_a_driver_given_by_class_path_is_read(catalog: Path) -> None:
    assert _wind().u10.values.tolist() == _open(catalog, "wind_by_class").u10.values.tolist()


def test_the_data_is_opened_lazily_with_dask(catalog: Path) -> None:
    assert _open(catalog, "wind_nc4").u10.chunks is not None


def test_the_entrys_own_chunks_are_kept(catalog: Path) -> None:
    assert ((2, 2), (3,), (5,)) == _open(catalog, "wind_nc3").u10.chunks


def test_kwargs_set_the_entrys_user_parameters(catalog: Path) -> None:
    (catalog.parent / "wind3.nc").unlink()

    opened = _open(catalog, "wind_by_name", flavour="wind4")

    assert _wind().u10.values.tolist() == opened.u10.values.tolist()


def test_a_glob_of_files_is_combined_along_time(catalog: Path) -> None:
    assert 8 == _open(catalog, "wind_glob").sizes["time"]


def test_an_inline_catalog_is_read(catalog: Path) -> None:
    text = V1_CATALOG.replace("{{ CATALOG_DIR }}", str(catalog.parent))
    spec = IntakeSource(catalog_yaml=text, dataset_id="wind_nc4")

    assert (4, 3, 5) == IntakeOpener().open(spec).u10.shape


# --- bad input ---------------------------------------------------------------------------------


def test_an_unknown_dataset_id_lists_the_known_ones(catalog: Path) -> None:
    with pytest.raises(DataSourceError) as caught:
        _open(catalog, "wave")

    assert (
        "dataset_id 'wave' is not in intake catalog "
        f"{catalog}; it has: wind_by_class, wind_by_name, wind_glob, wind_nc3, wind_nc4"
    ) == str(caught.value)


def test_a_missing_catalog_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"intake catalog .*nothing\.yaml not found"):
        _open(tmp_path / "nothing.yaml", "wind")


def test_a_catalog_that_is_not_yaml_is_an_error(tmp_path: Path) -> None:
    spec = IntakeSource(catalog_yaml="sources: [unclosed", dataset_id="wind")

    with pytest.raises(DataSourceError, match="is not a valid catalog"):
        IntakeOpener().open(spec)


def test_a_catalog_without_sources_is_an_error(tmp_path: Path) -> None:
    spec = IntakeSource(catalog_yaml="metadata: {}\nwind: 1\n", dataset_id="wind")

    with pytest.raises(DataSourceError, match="is not a valid catalog"):
        IntakeOpener().open(spec)


def test_an_uninstalled_driver_is_named(tmp_path: Path) -> None:
    text = "sources:\n  wind:\n    driver: grib_magic\n    args: {urlpath: x.grib}\n"

    with pytest.raises(DataSourceError, match="uses driver 'grib_magic', which is not installed"):
        IntakeOpener().open(IntakeSource(catalog_yaml=text, dataset_id="wind"))


def test_a_missing_data_file_is_an_error_naming_the_dataset(catalog: Path) -> None:
    (catalog.parent / "wind4.nc").unlink()

    with pytest.raises(DataSourceError, match="cannot read intake dataset 'wind_nc4'"):
        _open(catalog, "wind_nc4")


def test_without_intake_the_error_names_the_extra(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_intake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "intake" or name.startswith("intake."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_intake)

    with pytest.raises(DataSourceError, match=r"pip install 'rompy\[intake\]'"):
        _open(catalog, "wind_nc4")


# --- engine choice and identity ----------------------------------------------------------------


def test_a_local_netcdf4_file_gets_the_netcdf4_engine(catalog: Path) -> None:
    assert "netcdf4" == netcdf_engine(str(catalog.parent / "wind4.nc"))


def test_a_netcdf3_file_keeps_the_readers_engine(catalog: Path) -> None:
    assert None is netcdf_engine(str(catalog.parent / "wind3.nc"))


def test_the_identity_changes_when_the_data_file_changes(catalog: Path) -> None:
    spec = IntakeSource(catalog_uri=str(catalog), dataset_id="wind_nc4")
    before = IntakeOpener().identity(spec)
    data = catalog.parent / "wind4.nc"
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 1_000_000))

    assert before != IntakeOpener().identity(spec)


def test_the_identity_changes_when_any_file_of_a_glob_changes(catalog: Path) -> None:
    spec = IntakeSource(catalog_uri=str(catalog), dataset_id="wind_glob")
    before = IntakeOpener().identity(spec)
    data = catalog.parent / "daily_2.nc"
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 1_000_000))

    assert before != IntakeOpener().identity(spec)


def test_the_identity_differs_between_entries(catalog: Path) -> None:
    opener = IntakeOpener()
    first = opener.identity(IntakeSource(catalog_uri=str(catalog), dataset_id="wind_nc4"))
    second = opener.identity(IntakeSource(catalog_uri=str(catalog), dataset_id="wind_by_class"))

    assert first != second


# --- catalogs over HTTP ------------------------------------------------------------------------


@pytest.fixture
def served(catalog: Path) -> Iterator[str]:
    handler = functools.partial(QuietFiles, directory=str(catalog.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host!s}:{port}"
    server.shutdown()
    server.server_close()


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return None


def test_a_catalog_is_read_from_a_url(served: str) -> None:
    spec = IntakeSource(catalog_uri=f"{served}/catalog.yaml", dataset_id="wind_nc3")

    assert _wind().u10.values.tolist() == IntakeOpener().open(spec).u10.values.tolist()


def test_an_unreachable_catalog_url_is_an_error_naming_it() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), QuietFiles) as closed:
        port = closed.server_address[1]
    url = f"http://127.0.0.1:{port}/catalog.yaml"

    with pytest.raises(DataSourceError, match=f"intake catalog {url}"):
        IntakeOpener().open(IntakeSource(catalog_uri=url, dataset_id="wind"))


def test_a_remote_netcdf4_file_without_h5netcdf_names_the_package(
    served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)

    with pytest.raises(DataSourceError, match="pip install h5netcdf"):
        netcdf_engine(f"{served}/wind4.nc")


def test_a_remote_netcdf4_file_gets_the_h5netcdf_engine(
    served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())

    assert "h5netcdf" == netcdf_engine(f"{served}/wind4.nc")
