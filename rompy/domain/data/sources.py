"""Source specs: where a dataset comes from. A tagged family on ``model_type``.

The tags and fields are those users of the reference rompy already write::

    source: {model_type: file, uri: /data/era5_wind.nc}
    source: {model_type: intake, catalog_uri: cat.yaml, dataset_id: era5}
    source: {model_type: wavespectra, reader: read_ww3, uri: spec.nc}
    source: {model_type: csv, filename: tide.csv, tcol: time}

A spec only describes; the adapter registered for its class (through
``rompy_register_sources``) opens it. Plugins add sources by subclassing
:class:`SourceSpec`.

Example:
    >>> FileSource(uri=["a.nc", "b.nc"]).uris
    ('a.nc', 'b.nc')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from rompy.domain.data.file_series import filename_time_pattern
from rompy.domain.errors import ConfigError


def to_uri(value: Any) -> str:
    """Read a path or URL as text.

    Raises:
        ConfigError: The value is not text or a path, or is empty.
    """
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"expected a path or URL, got {value!r}", value=value)
    return value


def to_uris(value: Any) -> str | tuple[str, ...]:
    """Read one path/URL/glob, or a list of them (kept as a tuple).

    Raises:
        ConfigError: An entry is not a path or URL, or the list is empty.
    """
    if isinstance(value, list | tuple):
        if not value:
            raise ConfigError("uri is an empty list; give at least one path or URL", value=value)
        return tuple(to_uri(item) for item in value)
    return to_uri(value)


def _to_kwargs(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a mapping of keyword arguments, got {value!r}", value=value)
    return {str(key): item for key, item in value.items()}


def uri_protocol(uri: str) -> str:
    """Return the fsspec protocol of ``uri`` (``file`` for plain paths).

    For chained URLs (``simplecache::s3://...``) the outermost protocol is returned.

    Example:
        >>> uri_protocol("https://example.org/a.nc"), uri_protocol("/data/a.nc")
        ('https', 'file')
    """
    head = uri.split("::", 1)[0]
    if "://" not in head:
        return "file" if "::" not in uri else head
    protocol = head.split("://", 1)[0].lower()
    return "file" if protocol in {"file", "local"} else protocol


def is_local(uri: str) -> bool:
    """Whether ``uri`` names a file on the local disk (a path or a ``file://`` URL)."""
    return uri_protocol(uri) == "file" and "::" not in uri


def _to_filename_time(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(
            f"filename_time must be text such as '%Y%m%d', got {value!r}",
            path="filename_time",
            value=value,
        )
    filename_time_pattern(value)
    return value


@attrs.frozen(kw_only=True)
class SourceSpec:
    """Base class of every source spec; subclasses set ``model_type``."""

    model_type: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    """Optional modules the opener of this source needs (shown by ``rompy plugins``)."""

    def describe(self) -> str:
        """Return a short description for messages (``file /data/wind.nc``)."""
        return self.model_type


@attrs.frozen(kw_only=True)
class FileSource(SourceSpec):
    """A NetCDF or Zarr dataset at a path or fsspec URL, or several combined along time.

    Attributes:
        uri: A path, URL (``https://``, ``s3://``, ``memory://``, ``zip://a.nc::b.zip``),
            a glob (``/data/wind_*.nc``) or a list of them.
        kwargs: Keyword arguments for ``xarray.open_dataset`` (``engine: zarr`` for Zarr
            stores that do not end in ``.zarr``).
        variable: Keep only this variable.
        chunks: Dask chunk sizes by dimension; the file's own chunking when omitted.
        concat_dim: Dimension along which several files are combined.
        filename_time: Where the file names tell each file's first time, as a ``strftime``
            format searched for in each base name (``%Y%m%d`` finds 2023-01-05 in
            ``era5_20230105.nc``; ``%Y %m %d %H %M %j`` are understood). Each file then
            covers up to the next file's time, and files outside the run period (plus
            ``time_buffer``) are never opened.
    """

    model_type: ClassVar[str] = "file"

    uri: str | tuple[str, ...] = attrs.field(converter=to_uris)
    kwargs: dict[str, Any] = attrs.field(factory=dict, converter=_to_kwargs)
    variable: str | None = None
    chunks: dict[str, int] | None = None
    concat_dim: str = "time"
    filename_time: str | None = attrs.field(default=None, converter=_to_filename_time)

    @property
    def uris(self) -> tuple[str, ...]:
        """The URIs as a tuple (one entry for a single URI or glob)."""
        return self.uri if isinstance(self.uri, tuple) else (self.uri,)

    def describe(self) -> str:
        """Return ``file <first uri>`` (with the count of the others)."""
        first, others = self.uris[0], len(self.uris) - 1
        return f"file {first}" + (f" (and {others} more)" if others else "")


@attrs.frozen(kw_only=True)
class IntakeSource(SourceSpec):
    """An entry of an intake catalog, given by URI or inline YAML.

    Attributes:
        dataset_id: The entry of the catalog to read.
        catalog_uri: Path or URL of the catalog (exactly one of this and ``catalog_yaml``).
        catalog_yaml: The catalog's YAML text.
        kwargs: Keyword arguments for the catalog entry's reader.
    """

    model_type: ClassVar[str] = "intake"
    requires: ClassVar[tuple[str, ...]] = ("intake",)

    dataset_id: str
    catalog_uri: str | None = attrs.field(default=None, converter=attrs.converters.optional(to_uri))
    catalog_yaml: str | None = None
    kwargs: dict[str, Any] = attrs.field(factory=dict, converter=_to_kwargs)

    def __attrs_post_init__(self) -> None:
        """Require exactly one of ``catalog_uri`` and ``catalog_yaml``."""
        if (self.catalog_uri is None) == (self.catalog_yaml is None):
            raise ConfigError(
                "give exactly one of catalog_uri (a path or URL) and catalog_yaml "
                "(the catalog text)",
                path="catalog_uri",
                value=self.catalog_uri,
            )

    def describe(self) -> str:
        """Return ``intake <dataset_id> from <catalog>``."""
        return f"intake {self.dataset_id} from {self.catalog_uri or 'inline catalog'}"


@attrs.frozen(kw_only=True)
class WavespectraSource(SourceSpec):
    """Wave spectra read by a wavespectra reader.

    Attributes:
        uri: Path or URL of the spectra file(s).
        reader: Name of the wavespectra reader (``read_swan``, ``read_ww3``, ...).
        kwargs: Keyword arguments for the reader.
    """

    model_type: ClassVar[str] = "wavespectra"
    requires: ClassVar[tuple[str, ...]] = ("wavespectra",)

    uri: str = attrs.field(converter=to_uri)
    reader: str
    kwargs: dict[str, Any] = attrs.field(factory=dict, converter=_to_kwargs)

    def __attrs_post_init__(self) -> None:
        """Require a ``read_*`` reader name."""
        if not self.reader.startswith("read_") or not self.reader.isidentifier():
            raise ConfigError(
                f"reader {self.reader!r} is not a wavespectra reader name; use one like "
                "read_swan, read_ww3 or read_ncswan",
                path="reader",
                value=self.reader,
            )

    def describe(self) -> str:
        """Return ``wavespectra <reader> <uri>``."""
        return f"wavespectra {self.reader} {self.uri}"


@attrs.frozen(kw_only=True)
class CsvSource(SourceSpec):
    """A point time series in a CSV file; columns become variables.

    Attributes:
        filename: Path or URL of the CSV file.
        tcol: Column holding the times.
        read_csv_kwargs: Keyword arguments for ``pandas.read_csv``.
    """

    model_type: ClassVar[str] = "csv"

    filename: str = attrs.field(converter=to_uri)
    tcol: str = "time"
    read_csv_kwargs: dict[str, Any] = attrs.field(factory=dict, converter=_to_kwargs)

    def describe(self) -> str:
        """Return ``csv <filename>``."""
        return f"csv {self.filename}"


@attrs.frozen(kw_only=True)
class DatasetSource(SourceSpec):
    """An ``xarray.Dataset`` handed over from Python (notebooks, embedding, tests).

    It cannot be written to YAML and is never cached.

    Attributes:
        dataset: The dataset.
        name: A name for messages.
    """

    model_type: ClassVar[str] = "dataset"

    dataset: Any = attrs.field(eq=False, repr=False)
    name: str = "dataset"

    def describe(self) -> str:
        """Return ``dataset <name>``."""
        return f"dataset {self.name}"
