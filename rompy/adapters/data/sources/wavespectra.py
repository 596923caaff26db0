"""The ``wavespectra`` source: wave spectra read by a wavespectra reader.

The spec names a reader (``read_ww3``, ``read_ncswan``, ``read_netcdf``, ``read_swan``, ...),
a file, glob or URL, and keyword arguments for the reader. NetCDF readers open lazily (dask
chunks); text formats such as SWAN ASCII are read whole, which is how wavespectra reads them.

wavespectra is imported only when a source is opened; without it the error names
``pip install 'rompy[wavespectra]'``. An unknown reader lists the readers that exist.

Example:
    >>> spec = WavespectraSource(uri="ww3_spec.nc", reader="read_ww3")  # doctest: +SKIP
    >>> WavespectraOpener().open(spec).spec.hs()  # doctest: +SKIP
"""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path
from typing import Any

from rompy.adapters.data.sources.identity import canonical_json, source_identity
from rompy.adapters.xarray_engines import discover_engines, load_xarray
from rompy.domain.data.sources import WavespectraSource, is_local
from rompy.domain.errors import DataSourceError, RompyError
from rompy.log import get_logger

log = get_logger(__name__)

INSTALL_HINT = "pip install 'rompy[wavespectra]'"
_GLOB_CHARS = "*?["


def _import_wavespectra() -> Any:
    try:
        import wavespectra
    except ImportError as error:
        raise DataSourceError(
            f"the wavespectra source needs wavespectra: {INSTALL_HINT}"
        ) from error
    return wavespectra


def available_readers() -> list[str]:
    """Return the names of wavespectra's readers (``read_*``), sorted.

    Raises:
        DataSourceError: wavespectra is not installed.
    """
    wavespectra = _import_wavespectra()
    return sorted(
        name
        for name in dir(wavespectra)
        if name.startswith("read_") and callable(getattr(wavespectra, name))
    )


def reader_function(name: str) -> Any:
    """Return wavespectra's reader called ``name``.

    Raises:
        DataSourceError: No such reader (the message lists the available ones), or
            wavespectra is not installed.
    """
    wavespectra = _import_wavespectra()
    function = getattr(wavespectra, name, None) if name.startswith("read_") else None
    if not callable(function):
        raise DataSourceError(
            f"wavespectra has no reader {name!r}; available: {', '.join(available_readers())}"
        )
    return function


def _local_files(uri: str) -> list[str]:
    """The local files ``uri`` (a path or glob) names, sorted; [] when there are none."""
    path = uri.removeprefix("file://")
    if any(char in path for char in _GLOB_CHARS):
        return sorted(glob.glob(path))
    return [path] if Path(path).exists() else []


def _check_exists(spec: WavespectraSource) -> None:
    if is_local(spec.uri) and not _local_files(spec.uri):
        raise DataSourceError(
            f"spectra file {spec.uri} not found (wavespectra source, reader {spec.reader})"
        )


def _as_dataset(data: Any, spec: WavespectraSource) -> Any:
    xr = load_xarray()

    if isinstance(data, xr.DataArray):
        return data.to_dataset(name=data.name or "efth")
    if not isinstance(data, xr.Dataset):
        raise DataSourceError(
            f"wavespectra.{spec.reader} gave a {type(data).__name__}, not an xarray dataset"
        )
    return data


class WavespectraOpener:
    """Opens ``wavespectra`` source specs (a ``SourceOpener``)."""

    def open(self, spec: WavespectraSource) -> Any:
        """Return the spectra as an ``xarray.Dataset`` in wavespectra's layout.

        Raises:
            DataSourceError: wavespectra is missing, the reader is unknown, the file is
                missing or the reader fails; the message names the reader and the file.
        """
        discover_engines()  # wavespectra readers may let xarray guess the engine
        function = reader_function(spec.reader)
        _check_exists(spec)
        try:
            data = function(spec.uri, **spec.kwargs)
        except RompyError:
            raise
        except Exception as error:
            raise DataSourceError(
                f"cannot read {spec.uri} with wavespectra.{spec.reader}: {error}"
            ) from error
        log.debug("wavespectra_opened", reader=spec.reader, uri=spec.uri)
        return _as_dataset(data, spec)

    def identity(self, spec: WavespectraSource) -> str:
        """Return a cache identity: the reader, its arguments and the identity of the files.

        ``""`` (not cacheable) when a remote server reports no ETag or Last-Modified.

        Raises:
            DataSourceError: A local file is missing.
        """
        _check_exists(spec)
        files = _local_files(spec.uri) if is_local(spec.uri) else [spec.uri]
        identities = [source_identity(name) for name in files]
        if not all(identities):
            return ""
        parts = [spec.reader, spec.kwargs, identities]
        return "wavespectra:" + hashlib.sha256(canonical_json(parts).encode()).hexdigest()
