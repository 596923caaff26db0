"""The ``intake`` source: a dataset from an intake catalog, read lazily into xarray.

The catalog is given by ``catalog_uri`` (a YAML file path or URL) or inline as
``catalog_yaml``, and the entry by ``dataset_id``. Both intake 2 catalogs and the v1-style
YAML catalogs users already have (``sources:`` entries with ``driver: netcdf`` and
``args:``) are read, through intake 2 and intake-xarray.

One pitfall of intake 2 with intake-xarray 2 is handled here: ``driver: netcdf`` is mapped to
intake's ``NetCDF3`` data type, so xarray is told to use the scipy engine, and a NetCDF4
(HDF5) file fails with "not a valid NetCDF 3 file". Unless the entry names an engine itself,
the opener sniffs the file's first bytes and, for HDF5, picks ``netcdf4`` (local files) or
``h5netcdf`` (remote files, which arrive as file objects).

intake is imported only when a catalog is opened; without it the error names
``pip install 'rompy[intake]'``.

Example:
    >>> spec = IntakeSource(catalog_uri="cat.yaml", dataset_id="era5")  # doctest: +SKIP
    >>> IntakeOpener().open(spec)  # doctest: +SKIP
    <xarray.Dataset> ...
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import os
from typing import Any

from rompy.adapters.data.sources.identity import canonical_json, source_identity
from rompy.adapters.xarray_engines import discover_engines, load_xarray
from rompy.domain.data.sources import IntakeSource, is_local
from rompy.domain.errors import DataSourceError, RompyError
from rompy.log import get_logger

log = get_logger(__name__)

INSTALL_HINT = "pip install 'rompy[intake]'"
INLINE_CATALOGS = "memory://rompy-inline-catalogs"
_HDF5_MAGIC = b"\x89HDF"
_INTAKE_XARRAY_DRIVERS = {"netcdf", "zarr", "opendap", "rasterio", "xarray_image", "remote-xarray"}


def _import_intake() -> Any:
    try:
        import intake
    except ImportError as error:
        raise DataSourceError(
            f"the intake source needs intake and intake-xarray: {INSTALL_HINT}"
        ) from error
    return intake


def _catalog_name(spec: IntakeSource) -> str:
    return spec.catalog_uri or "(inline catalog_yaml)"


def _inline_catalog_url(text: str) -> str:
    """Put inline catalog text in fsspec's memory store; return its URL (content-addressed)."""
    import fsspec

    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    url = f"{INLINE_CATALOGS}/{digest}/catalog.yaml"
    memory = fsspec.filesystem("memory")
    if not memory.exists(url):
        memory.pipe(url, text.encode())
    return url


def open_catalog(spec: IntakeSource) -> Any:
    """Open the catalog of ``spec`` (file, URL or inline text).

    Raises:
        DataSourceError: intake is missing, the catalog is missing or is not a valid catalog.
    """
    intake = _import_intake()
    where = _catalog_name(spec)
    url = (
        spec.catalog_uri
        if spec.catalog_uri is not None
        else _inline_catalog_url(spec.catalog_yaml or "")
    )
    try:
        catalog = intake.open_catalog(url)
        names = list(catalog)
    except FileNotFoundError as error:
        raise DataSourceError(f"intake catalog {where} not found: {error}") from error
    except Exception as error:
        raise DataSourceError(f"intake catalog {where} is not a valid catalog: {error}") from error
    log.debug("intake_catalog_opened", catalog=where, entries=len(names))
    return catalog


def catalog_entry(catalog: Any, spec: IntakeSource) -> Any:
    """Return the source (or reader) of ``spec.dataset_id``, with ``spec.kwargs`` applied.

    ``kwargs`` go to the catalog entry: user parameters and argument overrides.

    Raises:
        DataSourceError: The id is not in the catalog (the message lists those that are), or
            the entry's driver is not installed.
    """
    names = sorted(str(name) for name in catalog)
    if spec.dataset_id not in names:
        raise DataSourceError(
            f"dataset_id {spec.dataset_id!r} is not in intake catalog {_catalog_name(spec)}; "
            f"it has: {', '.join(names) or 'no entries'}"
        )
    try:
        source = catalog[spec.dataset_id]
        if spec.kwargs:
            entry = getattr(source, "_entry", None)
            source = entry(**spec.kwargs) if entry is not None else source(**spec.kwargs)
    except ValueError as error:
        if "No plugins loaded" in str(error):
            raise _missing_driver(spec, str(error)) from error
        raise DataSourceError(f"intake entry {spec.dataset_id!r}: {error}") from error
    return source


def _missing_driver(spec: IntakeSource, message: str) -> DataSourceError:
    driver = message.splitlines()[0].rpartition(":")[2].strip()
    hint = (
        INSTALL_HINT
        if driver in _INTAKE_XARRAY_DRIVERS or driver.startswith("intake_xarray")
        else f"install the intake plugin package that provides driver {driver!r}"
    )
    return DataSourceError(
        f"intake entry {spec.dataset_id!r} in {_catalog_name(spec)} uses driver {driver!r}, "
        f"which is not installed: {hint}"
    )


def _all_files(url: Any, storage_options: dict[str, Any] | None) -> list[str]:
    """Every file ``url`` (a path, glob, pattern or list of them) names; [] if unknown."""
    import fsspec

    if isinstance(url, str):
        url = [url]
    if not isinstance(url, list | tuple) or not all(isinstance(item, str) for item in url):
        return []
    files: list[str] = []
    for item in url:
        if "{" in item:
            from intake.readers.utils import pattern_to_glob

            item = pattern_to_glob(item)
        if not any(char in item for char in "*?["):
            files.append(item)
        elif is_local(item):
            files.extend(sorted(glob.glob(os.path.normpath(item.removeprefix("file://")))))
        else:
            opened = fsspec.open_files(item, **dict(storage_options or {}))
            files.extend(sorted(str(match.full_name) for match in opened))
    return files


def netcdf_engine(url: Any, storage_options: dict[str, Any] | None = None) -> str | None:
    """Return the xarray engine an HDF5 (NetCDF4) file at ``url`` needs, else None.

    A local file gets ``netcdf4``; a remote one ``h5netcdf`` (remote files reach xarray as
    file objects, which the netCDF4 library cannot read). NetCDF3 files, unreadable URLs and
    other formats give None (keep the reader's own choice).

    Raises:
        DataSourceError: A remote NetCDF4 file and h5netcdf is not installed.
    """
    import fsspec

    options = dict(storage_options or {})
    try:
        files = _all_files(url, options)
        if not files:
            return None
        first = files[0]
        with fsspec.open(first, "rb", **options) as handle:
            magic = handle.read(len(_HDF5_MAGIC))
    except Exception as error:
        log.debug("intake_engine_sniff_failed", url=str(url), error=str(error))
        return None
    if magic != _HDF5_MAGIC:
        return None
    if is_local(first):
        return "netcdf4"
    if importlib.util.find_spec("h5netcdf") is None:
        raise DataSourceError(
            f"{first} is a NetCDF4 file read over the network; that needs h5netcdf: "
            "pip install h5netcdf"
        )
    return "h5netcdf"


def _with_engine(reader: Any) -> Any:
    """Return ``reader`` with an explicit engine when intake would pick the wrong one."""
    from intake.readers import datatypes

    data = getattr(reader, "data", None)
    if not isinstance(data, datatypes.NetCDF3) or "engine" in reader.kwargs:
        return reader
    engine = netcdf_engine(data.url, data.storage_options)
    if engine is None:
        return reader
    log.debug("intake_engine_chosen", url=str(data.url), engine=engine)
    return reader(engine=engine)


def read_lazily(source: Any) -> Any:
    """Read an intake source (v1 adapter, intake-xarray source or intake 2 reader) lazily.

    Returns:
        An ``xarray.Dataset`` backed by dask arrays where the reader allows it.
    """
    from intake.readers.readers import BaseReader

    reader = getattr(source, "reader", None)
    if isinstance(reader, BaseReader):
        reader = _with_engine(reader)
        return reader.read() if "chunks" in reader.kwargs else reader(chunks={}).read()
    if isinstance(source, BaseReader):
        return source.read()
    if hasattr(source, "to_dask"):
        return source.to_dask()
    return source.read()


def _as_dataset(data: Any, spec: IntakeSource) -> Any:
    xr = load_xarray()

    if isinstance(data, xr.DataArray):
        return data.to_dataset(name=data.name or spec.dataset_id)
    if not isinstance(data, xr.Dataset):
        raise DataSourceError(
            f"intake entry {spec.dataset_id!r} gave a {type(data).__name__}, "
            "not an xarray dataset; rompy's data specs need gridded or point data"
        )
    return data


class IntakeOpener:
    """Opens ``intake`` source specs (a ``SourceOpener``)."""

    def open(self, spec: IntakeSource) -> Any:
        """Return the entry's data as a lazy ``xarray.Dataset``.

        Raises:
            DataSourceError: intake is missing, the catalog is bad, the id is unknown, or
                the data cannot be read; the message says which and names the catalog.
        """
        discover_engines()  # intake drivers may let xarray guess or use a plugin engine
        source = catalog_entry(open_catalog(spec), spec)
        try:
            data = read_lazily(source)
        except RompyError:
            raise
        except Exception as error:
            raise DataSourceError(
                f"cannot read intake dataset {spec.dataset_id!r} from {_catalog_name(spec)}: "
                f"{error}"
            ) from error
        return _as_dataset(data, spec)

    def identity(self, spec: IntakeSource) -> str:
        """Return a cache identity: the catalog, the entry and the identity of its files.

        ``""`` (not cacheable) when the entry's data location cannot be found or a remote
        server reports no ETag or Last-Modified.
        """
        catalog_part = (
            source_identity(spec.catalog_uri)
            if spec.catalog_uri is not None
            else hashlib.sha256((spec.catalog_yaml or "").encode()).hexdigest()
        )
        source = catalog_entry(open_catalog(spec), spec)
        data = getattr(getattr(source, "reader", source), "data", None)
        options = getattr(data, "storage_options", None)
        files = _all_files(getattr(data, "url", None), options)
        identities = [source_identity(url, storage_options=options) for url in files]
        if not catalog_part or not identities or not all(identities):
            return ""
        parts = [catalog_part, spec.dataset_id, spec.kwargs, identities]
        return "intake:" + hashlib.sha256(canonical_json(parts).encode()).hexdigest()
