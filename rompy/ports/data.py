"""The data ports: opening sources, preparing and writing data items, staging them.

Datasets cross these ports as ``Any`` (in practice lazy ``xarray.Dataset`` objects), so that
nothing below the adapters imports xarray.

The generate service uses one :class:`DataStager`:

1. :meth:`DataStager.stage` prepares every item first (open lazily, filter, crop, check
   coverage) and raises one error listing every problem before anything is written; then
   writes all items into a private folder next to the staging dir;
2. the template is rendered (atomically, by the renderer);
3. :meth:`DataStager.commit` moves the files into the rendered staging dir, or
   :meth:`DataStager.discard` removes them if rendering failed.

Example:
    >>> parts = {"source": "file:/data/a.nc:10:1", "ranges": "[]"}
    >>> cache_key(parts) == cache_key(dict(reversed(parts.items())))
    True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs

from rompy.domain.data.sources import SourceSpec
from rompy.domain.data.specs import DataItem
from rompy.domain.errors import PluginError
from rompy.domain.grid_protocol import Grid
from rompy.domain.time import TimeRange

SpecT_contra = TypeVar("SpecT_contra", bound=SourceSpec, contravariant=True)


class SourceOpener(Protocol[SpecT_contra]):
    """Opens the sources of one kind (registered per source class)."""

    def open(self, spec: SpecT_contra) -> Any:
        """Return the source as a lazy ``xarray.Dataset`` (dask-backed where possible).

        Raises:
            DataSourceError: The source is missing, unreachable or unreadable.
        """
        ...

    def identity(self, spec: SpecT_contra) -> str:
        """Return text that changes whenever the source's content may have changed.

        Local files: path, size and modification time of each file; remote files: URL plus
        ETag or Last-Modified; versioned catalogs: their version. ``""`` means the source
        cannot be identified, and data from it is never cached.
        """
        ...


@attrs.frozen(kw_only=True)
class DataRequest:
    """Ask for one data item for a grid and a period.

    Attributes:
        item: The item (name, spec, output file name).
        grid: The model grid; ``None`` means no spatial crop.
        period: The run period; ``None`` means no time crop.
    """

    item: DataItem
    grid: Grid | None = None
    period: TimeRange | None = None


@attrs.frozen(kw_only=True)
class PreparedData:
    """A data item opened, filtered and cropped (lazily), checked and ready to write.

    Attributes:
        item: The item.
        payload: What the handler writes from: usually a lazy ``xarray.Dataset``.
        outputs: The files the item will write, relative to the folder given to ``write``.
        cache_parts: What identifies the written content (source identity, spec, window,
            code version); ``None`` when it must not be cached.
        summary: One line for logs (``wind: 24 times x 11 x 9 from file wind.nc``).
        from_cache: The data cache already holds the outputs (``payload`` is then unused and
            nothing was opened).
        facts: What the handler learned about the data that the model's own files need
            (a SWAN input grid's origin, spacing and times), as plain JSON values; the
            renderer sees them as ``staged[<item name>]``. A handler whose items carry facts
            must prepare every time, so it is not keyed (its ``key_parts`` returns ``None``).
    """

    item: DataItem
    payload: Any = attrs.field(eq=False, repr=False)
    outputs: tuple[Path, ...]
    cache_parts: Mapping[str, str] | None = None
    summary: str = ""
    from_cache: bool = False
    facts: Mapping[str, Any] = attrs.field(factory=dict)


class DataHandler(Protocol):
    """Prepares and writes the data items of one spec class (registered per class)."""

    def prepare(self, request: DataRequest, opener: SourceOpener[Any]) -> PreparedData:
        """Open, filter and crop the item lazily and check it covers what the run needs.

        Writes nothing.

        Raises:
            DataSourceError: The data is missing, does not cover the period or the grid,
                lacks a variable, or crops to nothing; the message says what and by how much.
            ConfigError: The spec is inconsistent with the data (unknown coordinate name).
        """
        ...

    def write(self, prepared: PreparedData, folder: Path) -> tuple[Path, ...]:
        """Write ``prepared.outputs`` under ``folder``, each file atomically.

        Returns:
            The written files, relative to ``folder``.
        """
        ...


@runtime_checkable
class KeyedDataHandler(DataHandler, Protocol):
    """A handler that can name its output's content before reading any data.

    The stager then looks the item up in the cache before opening its source, and a hit
    costs only the source's identity (a ``stat`` or a ``HEAD``).
    """

    def key_parts(
        self, request: DataRequest, opener: SourceOpener[Any]
    ) -> Mapping[str, str] | None:
        """What decides the written bytes, known without reading data; ``None``: uncacheable.

        Usually the source's identity, the spec, the grid and the period it is cropped to,
        the handler and the code version: the output is a pure function of them.
        """
        ...


@attrs.frozen(kw_only=True)
class StageRequest:
    """Ask for all data items of a run to be staged.

    Attributes:
        items: The data items.
        grid: The model grid.
        period: The run period.
        staging_dir: The run's staging dir (the private folder is made next to it).
        use_cache: Reuse and fill the data cache.
    """

    items: tuple[DataItem, ...]
    grid: Grid | None = None
    period: TimeRange | None = None
    staging_dir: Path
    use_cache: bool = True

    def request_for(self, item: DataItem) -> DataRequest:
        """The per-item request for ``item``."""
        return DataRequest(item=item, grid=self.grid, period=self.period)


@attrs.frozen(kw_only=True)
class StagedData:
    """Data written but not yet in the staging dir.

    Attributes:
        workdir: The private folder holding the files (``None`` when there were no items).
        files: Written files by item name, relative to ``workdir`` (and later to the
            staging dir).
        created_dirs: Parent folders created for ``workdir``, deepest first (removed again
            when the data is discarded and they are empty).
        facts: The facts of each item that has some, by item name (see
            :attr:`PreparedData.facts`).
        sources: What each item was made from, for the run manifest: its name, summary,
            whether it came from the data cache, and (when known) the source's identity
            and the crop window (:attr:`PreparedData.cache_parts`), as plain data.
    """

    workdir: Path | None = None
    files: Mapping[str, tuple[Path, ...]] = attrs.field(factory=dict)
    created_dirs: tuple[Path, ...] = ()
    facts: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    sources: tuple[Mapping[str, Any], ...] = ()

    @property
    def all_files(self) -> tuple[Path, ...]:
        """Every written file, sorted."""
        return tuple(sorted(path for paths in self.files.values() for path in paths))


class DataStager(Protocol):
    """Stages all data items of a run, all-or-nothing."""

    def check(self, request: StageRequest) -> tuple[PreparedData, ...]:
        """Prepare and check every item; write nothing.

        Raises:
            DataSourceError: One or more items fail; the message lists every failure.
        """
        ...

    def stage(self, request: StageRequest) -> StagedData:
        """Check every item, then write them all into a new private folder.

        Nothing is left behind on failure.
        """
        ...

    def commit(self, staged: StagedData, staging_dir: Path) -> tuple[Path, ...]:
        """Move the staged files into ``staging_dir``; return them relative to it.

        Raises:
            StagingError: A file of the same name already exists there.
        """
        ...

    def discard(self, staged: StagedData) -> None:
        """Remove the staged files and their private folder."""
        ...


class DataCache(Protocol):
    """A content-addressed store of written data files."""

    def lookup(self, key: str) -> Path | None:
        """Return where entry ``key`` is stored, or ``None`` when there is none."""
        ...

    def fetch(self, key: str, destination: Path) -> bool:
        """Place the entry ``key`` at ``destination`` (hard link or copy); False on a miss."""
        ...

    def store(self, key: str, written: Path, *, parts: Mapping[str, Any] | None = None) -> None:
        """Keep a copy (or hard link) of ``written`` under ``key``; never a partial entry.

        ``parts`` (what the key was made of) is kept beside the entry for listings.
        """
        ...


class NoDataStager:
    """The stager of an application built without one: refuses runs that need data."""

    def _refuse(self, request: StageRequest) -> None:
        names = ", ".join(item.name for item in request.items)
        raise PluginError(
            f"the run needs data ({names}) but this application has no data stager; "
            "build it with rompy.application.bootstrap()"
        )

    def check(self, request: StageRequest) -> tuple[PreparedData, ...]:
        """Pass a run without data items; refuse any other."""
        if request.items:
            self._refuse(request)
        return ()

    def stage(self, request: StageRequest) -> StagedData:
        """Pass a run without data items; refuse any other."""
        if request.items:
            self._refuse(request)
        return StagedData()

    def commit(self, staged: StagedData, staging_dir: Path) -> tuple[Path, ...]:
        """Nothing to move."""
        return staged.all_files

    def discard(self, staged: StagedData) -> None:
        """Nothing to remove."""


def source_record(prepared: PreparedData) -> dict[str, Any]:
    """Return what the run manifest records about one prepared item (plain data)."""
    record: dict[str, Any] = {
        "name": prepared.item.name,
        "output": prepared.item.output_name,
        "summary": prepared.summary,
        "from_cache": prepared.from_cache,
    }
    if prepared.cache_parts is not None:
        record["identity"] = dict(prepared.cache_parts)
    return record


def cache_key(parts: Mapping[str, str]) -> str:
    """Return the cache key of ``parts``: a SHA-256 of their canonical JSON.

    Args:
        parts: Text describing the content (source identity, spec, window, code version).

    Returns:
        64 hexadecimal characters; equal parts give equal keys, in any order.
    """
    canonical = json.dumps(dict(parts), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
