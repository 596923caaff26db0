"""The local data stager: check every item, write them all, then hand them to the staging dir.

All-or-nothing: every item is prepared and checked before any byte is written, and the
problems of all items are reported together. Items are then written concurrently (at most
``limit`` at a time) into a private folder next to the staging dir; the generate service
renders the template and :meth:`LocalDataStager.commit` renames the files into the staging
dir. A failure at any point removes the private folder (and the parent folders it created).

With a cache, an item whose content key is known is hard-linked from the cache instead of
being written, and a freshly written item is added to it.

Example:
    >>> stager = LocalDataStager(registry=registry)  # doctest: +SKIP
    >>> request = StageRequest(items=items, staging_dir=Path("out/run1"))  # doctest: +SKIP
    >>> staged = stager.stage(request)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from rompy.adapters.data.parallel_fetch import fetch_all
from rompy.adapters.data.placement import remove_tree
from rompy.adapters.sibling_folders import new_sibling_folder
from rompy.domain.data.sources import SourceSpec
from rompy.domain.data.specs import DataItem
from rompy.domain.errors import ConfigError, DataSourceError, RompyError, StagingError
from rompy.domain.time import TimeWindow
from rompy.log import get_logger
from rompy.ports.data import (
    DataCache,
    DataHandler,
    DataRequest,
    KeyedDataHandler,
    PreparedData,
    SourceOpener,
    StagedData,
    StageRequest,
    cache_key,
    source_record,
)
from rompy.ports.registry import Registry

log = get_logger(__name__)

DEFAULT_LIMIT = 4
"""Data items written at once."""


class RegistryOpener:
    """A SourceOpener dispatching on the source spec's class through the registry."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._openers: dict[type, SourceOpener[Any]] = {}

    def _opener(self, spec: SourceSpec) -> SourceOpener[Any]:
        kind = type(spec)
        if kind not in self._openers:
            self._openers[kind] = self._registry.source_opener_for(spec)
        return self._openers[kind]

    def open(self, spec: SourceSpec) -> Any:
        """Open ``spec`` with the opener registered for its class."""
        return self._opener(spec).open(spec)

    def open_within(self, spec: SourceSpec, window: TimeWindow | None) -> Any:
        """Open ``spec`` for a time window; openers that can skip files are told it."""
        opener = self._opener(spec)
        within = getattr(opener, "open_within", None)
        return within(spec, window) if callable(within) else opener.open(spec)

    def identity(self, spec: SourceSpec) -> str:
        """The identity of ``spec`` from the opener registered for its class."""
        return self._opener(spec).identity(spec)


class LocalDataStager:
    """Stages data items on the local filesystem; implements the DataStager port.

    Args:
        registry: Gives the handler of each data spec and the opener of each source.
        cache: Content-addressed store of written items, or ``None``.
        limit: Most items written at once.
    """

    def __init__(
        self, *, registry: Registry, cache: DataCache | None = None, limit: int = DEFAULT_LIMIT
    ) -> None:
        self._registry = registry
        self._cache = cache
        self._limit = limit

    def check(self, request: StageRequest) -> tuple[PreparedData, ...]:
        """Prepare every item (or find it in the cache); write nothing.

        Raises:
            ConfigError: Two items write the same file, or one item's spec does not fit.
            DataSourceError: Items fail; one failure is raised as it is, several together.
        """
        _refuse_duplicate_outputs(request)
        opener = RegistryOpener(self._registry)
        prepared: list[PreparedData] = []
        failures: list[tuple[str, RompyError]] = []
        for item in request.items:
            try:
                prepared.append(self._prepare(item, request, opener))
            except (DataSourceError, ConfigError) as error:
                failures.append((item.name, _naming_item(error, item)))
        _raise_failures(failures)
        for ready in prepared:
            log.info("data_checked", summary=ready.summary)
        return tuple(prepared)

    def _prepare(
        self, item: DataItem, request: StageRequest, opener: RegistryOpener
    ) -> PreparedData:
        """Prepare ``item``, unless the cache holds it under a key known before opening it."""
        handler = self._registry.data_handler_for(item.spec)
        item_request = request.request_for(item)
        early = self._early_parts(handler, item_request, request.use_cache, opener)
        output = Path(item.output_name)
        if early is not None and self._holds(_key(early, output)):
            return PreparedData(
                item=item,
                payload=None,
                outputs=(output,),
                cache_parts=early,
                summary=f"{item.name}: in the data cache",
                from_cache=True,
            )
        ready = handler.prepare(item_request, opener)
        return ready if early is None else attrs.evolve(ready, cache_parts=early)

    def _early_parts(
        self, handler: DataHandler, request: DataRequest, use_cache: bool, opener: RegistryOpener
    ) -> Mapping[str, str] | None:
        if self._cache is None or not use_cache or not isinstance(handler, KeyedDataHandler):
            return None
        return handler.key_parts(request, opener)

    def _holds(self, key: str) -> bool:
        return self._cache is not None and self._cache.lookup(key) is not None

    def stage(self, request: StageRequest) -> StagedData:
        """Check all items, then write them into a new folder next to the staging dir.

        Raises:
            DataSourceError: An item fails its check or its write; nothing is left behind.
            StagingError: The folder cannot be created.
        """
        if not request.items:
            return StagedData()
        prepared = self.check(request)
        created = _create_parents(request.staging_dir.parent)
        workdir = new_sibling_folder(request.staging_dir, "data")
        opener = RegistryOpener(self._registry)
        try:
            fetches = {
                ready.item.name: _bound_write(self._writer(ready, workdir, request, opener))
                for ready in prepared
            }
            files = fetch_all(fetches, limit=self._limit)
        except BaseException:
            remove_tree(workdir)
            _remove_empty(created)
            raise
        facts = {ready.item.name: ready.facts for ready in prepared if ready.facts}
        sources = tuple(source_record(ready) for ready in prepared)
        return StagedData(
            workdir=workdir, files=files, created_dirs=created, facts=facts, sources=sources
        )

    def _writer(
        self, ready: PreparedData, workdir: Path, request: StageRequest, opener: RegistryOpener
    ) -> Callable[[], tuple[Path, ...]]:
        handler = self._registry.data_handler_for(ready.item.spec)
        cache = self._cache if request.use_cache and ready.cache_parts is not None else None
        if cache is None or len(ready.outputs) != 1:
            return lambda: handler.write(ready, workdir)

        def produce() -> PreparedData:
            if not ready.from_cache:
                return ready
            return handler.prepare(request.request_for(ready.item), opener)

        return lambda: _write_through_cache(handler, ready, produce, workdir, cache)

    def commit(self, staged: StagedData, staging_dir: Path) -> tuple[Path, ...]:
        """Rename the staged files into ``staging_dir``; refuse to overwrite.

        Raises:
            StagingError: A staged file's name is already taken in ``staging_dir``.
        """
        if staged.workdir is None:
            return ()
        taken = [path for path in staged.all_files if os.path.lexists(staging_dir / path)]
        if taken:
            self.discard(staged)
            raise StagingError(
                f"data file(s) {', '.join(map(str, taken))} would overwrite files the template "
                f"wrote in {staging_dir}; give the data items other file names"
            )
        for path in staged.all_files:
            (staging_dir / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged.workdir / path, staging_dir / path)
        remove_tree(staged.workdir)
        return staged.all_files

    def discard(self, staged: StagedData) -> None:
        """Remove the staged files, their folder and the parents it created."""
        if staged.workdir is not None:
            remove_tree(staged.workdir)
        _remove_empty(staged.created_dirs)


def _bound_write(write: Callable[[], tuple[Path, ...]]) -> Callable[[], tuple[Path, ...]]:
    """Turn unexpected write failures into DataSourceErrors (nothing else escapes)."""

    def run() -> tuple[Path, ...]:
        try:
            return write()
        except RompyError:
            raise
        except (OSError, ValueError, RuntimeError, KeyError) as error:
            raise DataSourceError(f"writing failed: {type(error).__name__}: {error}") from error

    return run


def _key(parts: Mapping[str, str], output: Path) -> str:
    return cache_key({**parts, "output": output.as_posix()})


def _write_through_cache(
    handler: DataHandler,
    ready: PreparedData,
    produce: Callable[[], PreparedData],
    workdir: Path,
    cache: DataCache,
) -> tuple[Path, ...]:
    """Link the item from the cache, or write it (preparing it if it was not) and store it."""
    assert ready.cache_parts is not None
    (output,) = ready.outputs
    key = _key(ready.cache_parts, output)
    destination = workdir / output
    destination.parent.mkdir(parents=True, exist_ok=True)
    if cache.fetch(key, destination):
        log.info("data_cache_hit", item=ready.item.name, key=key[:12])
        return ready.outputs
    written = handler.write(produce(), workdir)
    parts = {**ready.cache_parts, "output": output.as_posix(), "item": ready.item.name}
    cache.store(key, destination, parts=parts)
    log.info("data_cache_stored", item=ready.item.name, key=key[:12])
    return written


def _refuse_duplicate_outputs(request: StageRequest) -> None:
    owners: dict[str, str] = {}
    for item in request.items:
        earlier = owners.setdefault(item.output_name, item.name)
        if earlier != item.name:
            raise ConfigError(
                f"data items {earlier!r} and {item.name!r} both write {item.output_name!r}; "
                "give one of them another id or filename",
                path=item.config_path,
            )


def _naming_item(error: RompyError, item: DataItem) -> RompyError:
    """The same error, naming the item.

    A ConfigError's path (relative to the item's spec) gains the item's place in the config
    (``config.data.<name>``); other errors' messages start with the item's name, or with its
    place when it is not under ``config.data``.
    """
    name = item.name
    named = (f"{name}:", f"{name} ")
    if isinstance(error, ConfigError):
        if error.path.startswith("config."):
            return error
        item_path = item.config_path
        path = f"{item_path}.{error.path}" if error.path else item_path
        message = error.message.removeprefix(f"{name}: ")
        return type(error)(message, path=path, value=error.value)
    text = str(error)
    if item.path:  # an item outside config.data is named by its place
        text = f"{item.path}: {text}"
    elif text.startswith(named):
        return error
    else:
        text = f"{name}: {text}"
    renamed = type(error)(text)
    renamed.__cause__ = error
    return renamed


def _raise_failures(failures: list[tuple[str, RompyError]]) -> None:
    if not failures:
        return
    if len(failures) == 1:
        raise failures[0][1]
    lines = "\n".join(f"  - {error}" for _, error in failures)
    raise DataSourceError(f"{len(failures)} data items cannot be staged:\n{lines}")


def _create_parents(folder: Path) -> tuple[Path, ...]:
    missing = tuple(path for path in (folder, *folder.parents) if not os.path.lexists(path))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StagingError(f"cannot create output dir {folder}: {error}") from error
    return missing


def _remove_empty(folders: tuple[Path, ...]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
