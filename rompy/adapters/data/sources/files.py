"""Source openers for ``file``, ``csv`` and ``dataset`` sources (xarray over fsspec).

``file`` opens NetCDF and Zarr lazily, from a local path or any fsspec URL (``https://``,
``s3://``, ``memory://``, ``zip://inner.nc::archive.zip``). Nothing but coordinates is read
until the cropped data is written. Without ``chunks`` the data stays in xarray's lazy
backend arrays (no dask graph to build or schedule); with ``chunks`` it is dask-backed.

A glob or a list of files is ordered by each file's first time and joined along
``concat_dim`` (:mod:`~rompy.adapters.data.sources.multifile`): a crop reads only the
hyperslabs of the files it touches, straight from HDF5 after the first file. Remote
NetCDF is downloaded (with retries) to a private temporary file first, because the netCDF
library reads local files only; Zarr is read in place. NetCDF files are opened with a
small HDF5 chunk cache (:func:`bounded_chunk_cache`): a crop of compressed data holds a few
chunks, not 64 MB per variable.

Example:
    >>> FileOpener().open(FileSource(uri="wind.nc"))  # doctest: +SKIP
    <xarray.Dataset> ...
"""

from __future__ import annotations

import contextlib
import functools
import glob
import inspect
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from rompy.adapters.data.netcdf_io import NETCDF_LOCK
from rompy.adapters.data.parallel_fetch import download, with_retries
from rompy.adapters.data.sources.identity import source_identity
from rompy.adapters.data.sources.multifile import (
    CHUNK_CACHE_BYTES,
    DECODE_OPTIONS,
    Part,
    hdf5_reader_available,
    is_hdf5,
    lazy_concat,
    read_like,
)
from rompy.adapters.xarray_engines import engine_for, load_xarray
from rompy.domain.data.file_series import plan_series
from rompy.domain.data.sources import (
    CsvSource,
    DatasetSource,
    FileSource,
    SourceSpec,
    is_local,
    uri_protocol,
)
from rompy.domain.errors import DataSourceError, RompyError
from rompy.domain.time import TimeWindow
from rompy.log import get_logger
from rompy.ports.data import SourceOpener

load_xarray()  # xarray backends found once, their logging side effects undone

log = get_logger(__name__)

_GLOB_CHARACTERS = frozenset("*?[")


@functools.cache
def _download_root() -> tempfile.TemporaryDirectory[str]:
    """The folder remote NetCDF files are downloaded to, for the life of the process."""
    return tempfile.TemporaryDirectory(prefix="rompy-downloads-")


@functools.cache
def _can_skip_indexes() -> bool:
    """Whether this xarray can open a file without building its indexes."""
    return "create_default_indexes" in inspect.signature(xr.open_dataset).parameters


@contextlib.contextmanager
def bounded_chunk_cache(size: int = CHUNK_CACHE_BYTES) -> Iterator[None]:
    """Give variables of the NetCDF files opened or created meanwhile a small chunk cache.

    netCDF-C gives every variable a 64 MB HDF5 chunk cache, kept while the file is open:
    cropping two compressed variables held 130 MB of decompressed chunks. The cache size is
    fixed when a variable is opened or defined, so this sets netCDF-C's default around those
    calls only (under :data:`NETCDF_LOCK`) and restores it after.
    """
    import netCDF4

    with NETCDF_LOCK:
        previous = netCDF4.get_chunk_cache()
        netCDF4.set_chunk_cache(size)
        try:
            yield
        finally:
            netCDF4.set_chunk_cache(*previous)


def _local_path(uri: str) -> Path:
    return Path(uri.removeprefix("file://")).expanduser()


def expand_uris(uris: tuple[str, ...]) -> list[str]:
    """Expand globs (local or remote) into sorted file lists, keeping plain entries.

    Raises:
        DataSourceError: A glob matches nothing.
    """
    expanded: list[str] = []
    for uri in uris:
        if not _GLOB_CHARACTERS & set(uri):
            expanded.append(uri)
            continue
        matches = _glob(uri)
        if not matches:
            raise DataSourceError(f"no file matches {uri!r}")
        expanded.extend(matches)
    return expanded


def _glob(uri: str) -> list[str]:
    if is_local(uri):
        return sorted(glob.glob(str(_local_path(uri))))
    import fsspec

    filesystem, _, paths = fsspec.get_fs_token_paths(uri, expand=False)
    protocol = uri_protocol(uri)
    return sorted(
        f"{protocol}://{path}" if "://" not in path else path for path in filesystem.glob(paths[0])
    )


def is_zarr(uri: str, kwargs: dict[str, Any]) -> bool:
    """Whether ``uri`` is a Zarr store (by ``engine: zarr`` or a ``.zarr`` name)."""
    return kwargs.get("engine") == "zarr" or uri.rstrip("/").endswith(".zarr")


def open_one(uri: str, spec: FileSource, *, indexes: bool = True) -> xr.Dataset:
    """Open one NetCDF file or Zarr store lazily.

    Args:
        uri: The file or store.
        spec: The source (``kwargs``, ``chunks``).
        indexes: Build the coordinate indexes (later files of a series need none).

    Raises:
        DataSourceError: The file is missing, unreachable or not readable as NetCDF/Zarr.
    """
    kwargs = dict(spec.kwargs)
    chunks = None if spec.chunks is None else dict(spec.chunks)
    try:
        if is_zarr(uri, kwargs):
            kwargs.pop("engine", None)
            store: xr.Dataset = xr.open_zarr(uri, chunks=chunks, **kwargs)
            return store
        path = _local_path(uri) if is_local(uri) else _downloaded(uri)
        if not path.exists():
            raise DataSourceError(f"{uri} does not exist")
        if not indexes and _can_skip_indexes():
            kwargs.setdefault("create_default_indexes", False)
        kwargs.setdefault("cache", False)
        kwargs["engine"] = engine_for(kwargs.get("engine", "netcdf4"))
        with bounded_chunk_cache():
            return xr.open_dataset(path, chunks=chunks, **kwargs)
    except RompyError:
        raise
    except FileNotFoundError as error:
        raise DataSourceError(f"{uri} does not exist") from error
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise DataSourceError(f"cannot read {uri} as NetCDF or Zarr: {error}") from error


def _reads_hdf5_directly(spec: FileSource) -> bool:
    """Whether later files of ``spec`` may be read with h5py instead of netCDF-C."""
    options = dict(spec.kwargs)
    engine = options.pop("engine", "netcdf4")
    return (
        spec.chunks is None
        and engine in {"netcdf4", "h5netcdf"}
        and set(options) <= DECODE_OPTIONS
        and hdf5_reader_available()
    )


def _open_later(uri: str, spec: FileSource, first: xr.Dataset) -> xr.Dataset | Part:
    """Open a file after the first of a series, like the first (h5py when possible).

    Raises:
        DataSourceError: The file is missing or unreadable.
    """
    if is_local(uri) and not is_zarr(uri, spec.kwargs) and _reads_hdf5_directly(spec):
        path = _local_path(uri)
        if is_hdf5(path):
            variables = read_like(path, first, spec.concat_dim, spec.kwargs)
            if variables is not None:
                return variables
    return open_one(uri, spec, indexes=spec.chunks is not None)


def _downloaded(uri: str) -> Path:
    name = Path(uri.split("::", 1)[0].rstrip("/")).name or "data.nc"
    destination = Path(tempfile.mkdtemp(dir=_download_root().name)) / name
    if "::" not in uri:
        return download(uri, destination)
    return with_retries(lambda: _copy_chained(uri, destination), url=uri)


def _copy_chained(uri: str, destination: Path) -> Path:
    """Copy a chained fsspec URL (``zip://a.nc::b.zip``) to ``destination`` atomically."""
    import fsspec

    partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
    try:
        with fsspec.open(uri, "rb") as source, partial.open("wb") as target:
            shutil.copyfileobj(source, target, length=1 << 20)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def _first_value(part: Part, dim: str) -> Any:
    if dim in part and part[dim].size:
        return part[dim].values.ravel()[0]
    return np.datetime64("NaT")


def combine(
    first: xr.Dataset, others: Sequence[xr.Dataset | Part], dim: str, what: str
) -> xr.Dataset:
    """Join lazily opened files along ``dim``, ordered by their first value.

    No data is read: dask-backed datasets are concatenated by dask, the others by
    :func:`lazy_concat`.

    Args:
        first: A file opened by xarray: variables without ``dim``, attributes and encodings
            come from it.
        others: The other files: datasets, or the variables that
            :func:`~rompy.adapters.data.sources.multifile.read_like` gives.
        dim: The dimension the files follow each other on.
        what: Name of the data, for messages.

    Raises:
        DataSourceError: A file lacks ``dim`` or the others' grids differ.
    """
    if not others:
        return first
    parts = [first.variables] + [
        item.variables if isinstance(item, xr.Dataset) else item for item in others
    ]
    lacking = [
        index
        for index, part in enumerate(parts)
        if not any(dim in variable.dims for variable in part.values())
    ]
    if lacking:
        raise DataSourceError(
            f"{what}: cannot combine files along {dim!r}: file {lacking[0] + 1} has no "
            f"{dim!r} dimension; set concat_dim to the dimension the files follow each other on"
        )
    if not any(variable.chunks for variable in first.variables.values()):
        ordered = sorted(parts, key=lambda part: _first_value(part, dim))
        return lazy_concat(ordered, dim, what, first)
    datasets = [first, *(item for item in others if isinstance(item, xr.Dataset))]
    ordered_datasets = sorted(datasets, key=lambda dataset: _first_value(dataset.variables, dim))
    try:
        return xr.concat(
            ordered_datasets,
            dim=dim,
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="exact",
            combine_attrs="override",
        )
    except ValueError as error:
        raise DataSourceError(f"{what}: files do not share the same grid: {error}") from error


class FileOpener:
    """Opens ``file`` sources; implements :class:`~rompy.ports.data.SourceOpener`."""

    def open(self, spec: FileSource) -> xr.Dataset:
        """Open the file(s) of ``spec`` lazily; several are combined along ``concat_dim``.

        Raises:
            DataSourceError: A file is missing, unreachable or unreadable, a glob matches
                nothing, or ``variable`` is not in the data.
        """
        return self.open_within(spec, None)

    def open_within(self, spec: FileSource, window: TimeWindow | None) -> xr.Dataset:
        """Open ``spec`` for a time window: with ``filename_time``, only the files it needs.

        Args:
            spec: The source.
            window: The run period and buffer steps; ``None`` opens every file.

        Raises:
            DataSourceError: As :meth:`open`.
            ConfigError: A file name does not match ``filename_time`` (path
                ``source.filename_time``).
        """
        uris = expand_uris(spec.uris)
        plan = plan_series(uris, spec.filename_time, window, spec.describe())
        if plan is None or window is None:
            first, rest = open_one(uris[0], spec), uris[1:]
        else:
            first = open_one(plan.uris[plan.template], spec)
            times = first[spec.concat_dim].values if spec.concat_dim in first.variables else ()
            needed = plan.needed(times, window)
            rest = [plan.uris[index] for index in needed if index != plan.template]
        dataset = combine(first, [_open_later(uri, spec, first) for uri in rest],
                          spec.concat_dim, spec.describe())  # fmt: skip
        log.debug("source_opened", source=spec.describe(), files=len(rest) + 1, of=len(uris))
        if spec.variable is None:
            return dataset
        if spec.variable not in dataset.data_vars:
            raise DataSourceError(
                f"{spec.describe()}: variable {spec.variable!r} is not in the data; it has "
                f"{', '.join(sorted(map(str, dataset.data_vars))) or 'no variables'}"
            )
        return dataset[[spec.variable]]

    def identity(self, spec: FileSource) -> str:
        """Path, size and mtime of every file (URL and ETag remotely); ``""`` if unknown."""
        parts = [source_identity(uri) for uri in expand_uris(spec.uris)]
        return "" if not all(parts) else "|".join(parts)


def open_within(opener: SourceOpener[Any], spec: SourceSpec, window: TimeWindow | None) -> Any:
    """Open ``spec`` with ``opener``, passing the time window to openers that use it.

    Openers with an ``open_within(spec, window)`` method (``file`` sources with
    ``filename_time``) skip the files the window does not need; others just ``open``.
    """
    within = getattr(opener, "open_within", None)
    return within(spec, window) if callable(within) else opener.open(spec)


class CsvOpener:
    """Opens ``csv`` time series; implements :class:`~rompy.ports.data.SourceOpener`."""

    def open(self, spec: CsvSource) -> xr.Dataset:
        """Read the CSV with pandas; columns become variables along ``time``.

        Raises:
            DataSourceError: The file is missing or unreadable, or has no ``tcol`` column.
        """
        import fsspec
        import pandas as pd

        options = {"parse_dates": [spec.tcol], "index_col": spec.tcol, **spec.read_csv_kwargs}
        try:
            with fsspec.open(spec.filename, "rt") as handle:
                frame = pd.read_csv(handle, **options)
        except FileNotFoundError as error:
            raise DataSourceError(f"{spec.filename} does not exist") from error
        except ValueError as error:
            raise DataSourceError(
                f"cannot read {spec.filename} as CSV with time column {spec.tcol!r}: {error}"
            ) from error
        except OSError as error:
            raise DataSourceError(f"cannot read {spec.filename}: {error}") from error
        return xr.Dataset.from_dataframe(frame).rename({frame.index.name or spec.tcol: "time"})

    def identity(self, spec: CsvSource) -> str:
        """Path, size and mtime (URL and ETag remotely)."""
        return source_identity(spec.filename)


class DatasetOpener:
    """Hands over in-memory ``dataset`` sources; implements the SourceOpener port."""

    def open(self, spec: DatasetSource) -> xr.Dataset:
        """Return the dataset (a DataArray becomes a one-variable dataset).

        Raises:
            DataSourceError: The object is not an xarray Dataset or named DataArray.
        """
        data = spec.dataset
        if isinstance(data, xr.DataArray) and data.name is not None:
            return data.to_dataset()
        if not isinstance(data, xr.Dataset):
            raise DataSourceError(
                f"dataset source {spec.name!r} holds a {type(data).__name__}, not an "
                "xarray.Dataset (or a named DataArray)"
            )
        return data

    def identity(self, spec: DatasetSource) -> str:
        """Always ``""``: an in-memory dataset is never cached."""
        return ""
