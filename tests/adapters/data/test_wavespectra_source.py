"""Tests of the wavespectra opener on spectra files written by wavespectra itself."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from rompy.adapters.data.sources.wavespectra import WavespectraOpener, available_readers
from rompy.domain.data.sources import WavespectraSource
from rompy.domain.errors import DataSourceError

pytest.importorskip("wavespectra")

FREQS = np.array([0.05, 0.1, 0.2])
DIRS = np.array([0.0, 90.0, 180.0, 270.0])


def _spectra() -> xr.Dataset:
    times = pd.date_range("2023-01-01", periods=2, freq="h")
    efth = np.arange(2 * 2 * 3 * 4, dtype=float).reshape(2, 2, 3, 4) / 100
    return xr.Dataset(
        {"efth": (("time", "site", "freq", "dir"), efth)},
        coords={
            "time": times, "site": [0, 1], "freq": FREQS, "dir": DIRS,
            "lon": ("site", [110.0, 111.0]), "lat": ("site", [-30.0, -31.0]),
        },
    )  # fmt: skip


@pytest.fixture
def spectra_file(tmp_path: Path) -> Path:
    path = tmp_path / "spectra.nc"
    _spectra().spec.to_netcdf(str(path))
    return path


def _open(uri: Path | str, reader: str = "read_netcdf", **kwargs: Any) -> Any:
    return WavespectraOpener().open(WavespectraSource(uri=str(uri), reader=reader, kwargs=kwargs))


def test_a_netcdf_spectra_file_is_read(spectra_file: Path) -> None:
    opened = _open(spectra_file)

    assert np.allclose(_spectra().efth.values, opened.efth.values, rtol=1e-3)


def test_the_spectra_are_opened_lazily(spectra_file: Path) -> None:
    assert _open(spectra_file).efth.chunks is not None


def test_reader_kwargs_are_passed_on(spectra_file: Path) -> None:
    assert ((1, 1), (2,), (3,), (4,)) == _open(spectra_file, chunks={"time": 1}).efth.chunks


def test_a_swan_ascii_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "spectra.swn"
    _spectra().spec.to_swan(str(path))

    opened = _open(path, "read_swan", as_site=True)

    assert [110.0, 111.0] == opened.lon.values.tolist()


def test_a_glob_is_read(tmp_path: Path) -> None:
    _spectra().isel(time=[0]).spec.to_netcdf(str(tmp_path / "a.nc"))

    assert 1 == _open(tmp_path / "*.nc").sizes["time"]


def test_an_unknown_reader_lists_the_available_ones(spectra_file: Path) -> None:
    with pytest.raises(DataSourceError) as caught:
        _open(spectra_file, "read_grib")

    message = str(caught.value)
    assert message.startswith("wavespectra has no reader 'read_grib'; available: ") and all(
        name in message for name in ("read_ww3", "read_ncswan", "read_netcdf", "read_swan")
    )


def test_the_available_readers_are_wavespectras_read_functions() -> None:
    import wavespectra

    assert wavespectra.read_ww3 in [getattr(wavespectra, name) for name in available_readers()]


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"spectra file .*missing\.nc not found"):
        _open(tmp_path / "missing.nc")


def test_a_file_the_reader_cannot_parse_is_an_error_naming_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "garbage.nc"
    path.write_text("not a netcdf file")

    with pytest.raises(DataSourceError, match=r"with wavespectra\.read_ww3"):
        _open(path, "read_ww3")


def test_without_wavespectra_the_error_names_the_extra(
    spectra_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_wavespectra(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "wavespectra":
            raise ImportError("No module named 'wavespectra'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_wavespectra)

    with pytest.raises(DataSourceError, match=r"pip install 'rompy\[wavespectra\]'"):
        _open(spectra_file)


def test_the_identity_changes_when_the_file_changes(spectra_file: Path) -> None:
    spec = WavespectraSource(uri=str(spectra_file), reader="read_netcdf")
    before = WavespectraOpener().identity(spec)
    stat = spectra_file.stat()
    os.utime(spectra_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    assert before != WavespectraOpener().identity(spec)


def test_the_identity_depends_on_the_reader_arguments(spectra_file: Path) -> None:
    plain = WavespectraSource(uri=str(spectra_file), reader="read_netcdf")
    chunked = WavespectraSource(uri=str(spectra_file), reader="read_netcdf", kwargs={"chunks": {}})

    assert WavespectraOpener().identity(plain) != WavespectraOpener().identity(chunked)
