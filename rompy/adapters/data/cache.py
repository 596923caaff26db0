"""A content-addressed on-disk cache of fetched and cropped data.

An entry is keyed on everything that decides its bytes: the source's identity (a local path
with its size and modification time, or a URL with its ETag or Last-Modified), the variables,
the filters, the crop window, the output format and the rompy version. A changed source gives
a new identity, hence a new key: a stale entry is never reused, it just ages out.

Layout under the cache root (``$ROMPY_CACHE_DIR``, else ``~/.cache/rompy``)::

    entries/<key>/data        the cached file (or folder), read-only
    entries/<key>/meta.json   what the key was made of, for ``rompy cache list``
    tmp/                      producers write here, then rename into entries/
    locks/<key>.lock          one producer per key at a time

A hit is a hard link (a copy across file systems) into the staging dir. Cached files are made
read-only so that a model writing into its input cannot corrupt the cache.

Example:
    >>> cache = DataCache(Path("/tmp/cache"))  # doctest: +SKIP
    >>> parts = CacheKeyParts(source=source_identity("wind.nc"))  # doctest: +SKIP
    >>> cache.get_or_create(parts, write_crop, staging / "wind.nc").hit  # doctest: +SKIP
    False
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from rompy._version import __version__
from rompy.adapters.data.placement import (
    exclusive_lock,
    make_read_only,
    place,
    remove_tree,
    tree_size,
)
from rompy.adapters.data.sources.identity import canonical_json, source_identity
from rompy.domain.errors import DataSourceError
from rompy.log import get_logger

log = get_logger(__name__)

__all__ = [
    "CacheEntry",
    "CacheKeyParts",
    "CacheResult",
    "ClearResult",
    "DataCache",
    "canonical_json",
    "default_cache_root",
    "place",
    "source_identity",
]

CACHE_DIR_ENV = "ROMPY_CACHE_DIR"
SECONDS_PER_DAY = 86400.0
STALE_WORK_DAYS = 1.0
_DATA = "data"
_META = "meta.json"
_KEY_PATTERN = re.compile(r"[0-9A-Za-z_-]{8,128}")

Producer = Callable[[Path], None]
"""Writes the entry's content to the path it is given (a file, or a folder it creates)."""


def default_cache_root(environ: Mapping[str, str] | None = None) -> Path:
    """Return the cache root: ``$ROMPY_CACHE_DIR``, else ``~/.cache/rompy``."""
    env = os.environ if environ is None else environ
    configured = env.get(CACHE_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "rompy"


@attrs.frozen(kw_only=True)
class CacheKeyParts:
    """Everything that decides the bytes of a cached entry.

    Attributes:
        source: The source's identity (:func:`source_identity`); empty when it has none
            that would reveal a change, and then the cache is bypassed.
        variables: The variables kept.
        filters: The filters applied, as plain data.
        window: The crop window (bounding box, times, buffers), as plain data.
        output_format: The format written (``netcdf``, ``swan``, ...).
        code_version: The version of the code that writes it.
    """

    source: str
    variables: tuple[str, ...] = ()
    filters: Any = None
    window: Any = None
    output_format: str = ""
    code_version: str = __version__

    @property
    def cacheable(self) -> bool:
        """False when the source has no identity that would reveal a change."""
        return bool(self.source)

    def as_dict(self) -> dict[str, Any]:
        """Return the parts as plain data (what ``meta.json`` records)."""
        return {**attrs.asdict(self), "variables": list(self.variables)}

    def digest(self) -> str:
        """Return the key: the sha256 of the canonical JSON of the parts."""
        return hashlib.sha256(canonical_json(self.as_dict()).encode()).hexdigest()


@attrs.frozen(kw_only=True)
class CacheResult:
    """What :meth:`DataCache.get_or_create` did.

    Attributes:
        key: The entry's key (empty when the cache was bypassed).
        destination: The file or folder now in the staging dir.
        hit: True when an existing entry was reused.
        linked: True when the destination is a hard link, False when it is a copy.
    """

    key: str
    destination: Path
    hit: bool
    linked: bool = False


@attrs.frozen(kw_only=True)
class CacheEntry:
    """One entry, as ``rompy cache list`` shows it.

    Attributes:
        key: The entry's key.
        path: The cached file or folder.
        size: Bytes used.
        last_used: When it was created or last reused (UTC, naive).
        age_days: Days since ``last_used``.
        parts: The key parts recorded when it was created.
    """

    key: str
    path: Path
    size: int
    last_used: datetime
    age_days: float
    parts: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class ClearResult:
    """What :meth:`DataCache.clear` removed.

    Attributes:
        removed: Number of entries removed.
        freed: Bytes freed.
    """

    removed: int
    freed: int


class DataCache:
    """The content-addressed cache of fetched and cropped data.

    Args:
        root: The cache folder; defaults to :func:`default_cache_root`.
        clock: Returns the current time in seconds (tests pass a fake).
    """

    def __init__(self, root: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self._root = (root if root is not None else default_cache_root()).expanduser()
        self._clock = clock

    @property
    def root(self) -> Path:
        """The cache folder."""
        return self._root

    def entry_path(self, key: str) -> Path:
        """Return the path the data of entry ``key`` lives at (whether it exists or not).

        Raises:
            DataSourceError: ``key`` is not a plain hex-like name (it becomes a folder name).
        """
        if not _KEY_PATTERN.fullmatch(key):
            raise DataSourceError(f"invalid cache key {key!r}: use letters, digits, - and _")
        return self._root / "entries" / key / _DATA

    def fetch(self, key: str, destination: Path) -> bool:
        """Link (or copy) entry ``key`` to ``destination``; return False on a miss."""
        entry = self.lookup(key)
        if entry is None:
            return False
        self._touch(entry.parent)
        place(entry, destination)
        log.debug("cache_hit", key=key[:12])
        return True

    def store(self, key: str, written: Path, *, parts: Mapping[str, Any] | None = None) -> None:
        """Keep the file or folder ``written`` as entry ``key`` (linked when possible).

        The entry appears atomically; if another process stored the key first, its entry is
        kept and this one dropped. ``written`` itself stays where it is.
        """
        if self.lookup(key) is not None:
            return

        def link_written(target: Path) -> None:
            place(written, target)

        self._produce_entry(key, dict(parts or {"name": written.name}), link_written)

    def lookup(self, key: str) -> Path | None:
        """Return the data of entry ``key``, or None when there is no such entry."""
        path = self.entry_path(key)
        return path if path.exists() else None

    def get_or_create(
        self, key_parts: CacheKeyParts, producer: Producer, destination: Path
    ) -> CacheResult:
        """Put the data for ``key_parts`` at ``destination``, producing it only on a miss.

        On a hit the entry is hard-linked (or copied) to ``destination``. On a miss
        ``producer`` writes into a temporary path inside the cache, which is renamed into
        place atomically and then linked. Concurrent producers of one key wait on a lock
        file; should two still race, the first rename wins and the other's work is dropped.
        When ``key_parts`` is not cacheable the producer writes straight to
        ``destination`` (atomically too).

        Raises:
            Whatever ``producer`` raises; nothing is left in the cache or at ``destination``.
        """
        if not key_parts.cacheable:
            self._produce_uncached(producer, destination)
            return CacheResult(key="", destination=destination, hit=False)
        key = key_parts.digest()
        hit = self.lookup(key) is not None
        if not hit:
            with exclusive_lock(self._root / "locks" / f"{key}.lock"):
                hit = self.lookup(key) is not None
                if not hit:
                    self._produce_entry(key, key_parts.as_dict(), producer)
        entry = self.entry_path(key)
        self._touch(entry.parent)
        linked = place(entry, destination)
        log.debug("cache_hit" if hit else "cache_stored", key=key[:12], linked=linked)
        return CacheResult(key=key, destination=destination, hit=hit, linked=linked)

    def _produce_uncached(self, producer: Producer, destination: Path) -> None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
        try:
            producer(temporary)
            if destination.is_dir():
                remove_tree(destination)
            os.replace(temporary, destination)
        finally:
            remove_tree(temporary)

    def _produce_entry(self, key: str, parts: Mapping[str, Any], producer: Producer) -> None:
        workdir = self._root / "tmp" / f"{key}.{uuid.uuid4().hex}"
        workdir.mkdir(parents=True)
        try:
            producer(workdir / _DATA)
            if not (workdir / _DATA).exists():
                raise DataSourceError(f"the data producer wrote nothing for cache entry {key}")
            make_read_only(workdir / _DATA)
            meta = {"parts": dict(parts), "created": self._clock()}
            (workdir / _META).write_text(canonical_json(meta))
            final = self.entry_path(key).parent
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(workdir, final)
            except OSError:
                log.debug("cache_race_lost", key=key[:12])
        finally:
            remove_tree(workdir)

    def _remove_stale_work(self) -> None:
        cutoff = self._clock() - STALE_WORK_DAYS * SECONDS_PER_DAY
        for workdir in (self._root / "tmp").glob("*"):
            with contextlib.suppress(OSError):
                if workdir.stat().st_mtime < cutoff:
                    remove_tree(workdir)

    def _touch(self, entry_dir: Path) -> None:
        now = self._clock()
        with contextlib.suppress(OSError):
            os.utime(entry_dir, (now, now))

    def entries(self) -> list[CacheEntry]:
        """Return every complete entry, most recently used first."""
        found = []
        for entry_dir in (self._root / "entries").glob("*"):
            data = entry_dir / _DATA
            if not data.exists():
                continue
            last_used = entry_dir.stat().st_mtime
            found.append(
                CacheEntry(
                    key=entry_dir.name,
                    path=data,
                    size=tree_size(data),
                    last_used=datetime.fromtimestamp(last_used, tz=UTC).replace(tzinfo=None),
                    age_days=max(0.0, (self._clock() - last_used) / SECONDS_PER_DAY),
                    parts=self._read_parts(entry_dir / _META),
                )
            )
        return sorted(found, key=lambda entry: entry.age_days)

    @staticmethod
    def _read_parts(meta_path: Path) -> dict[str, Any]:
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            return {}
        parts = meta.get("parts", {}) if isinstance(meta, dict) else {}
        return parts if isinstance(parts, dict) else {}

    def clear(self, older_than_days: float | None = None) -> ClearResult:
        """Remove every entry, or those not used for more than ``older_than_days`` days.

        Work folders of producers that crashed more than a day ago go too; those of
        producers still running are left alone.
        """
        removed, freed = 0, 0
        for entry in self.entries():
            if older_than_days is not None and entry.age_days <= older_than_days:
                continue
            remove_tree(entry.path.parent)
            with contextlib.suppress(FileNotFoundError):
                (self._root / "locks" / f"{entry.key}.lock").unlink()
            removed, freed = removed + 1, freed + entry.size
        self._remove_stale_work()
        log.info("cache_cleared", removed=removed, freed=freed)
        return ClearResult(removed=removed, freed=freed)
