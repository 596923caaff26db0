"""The commands ``rompy cache list`` and ``rompy cache clear``, and the ``--no-cache`` switch.

The cache folder is ``--cache-dir``, else ``$ROMPY_CACHE_DIR``, else ``~/.cache/rompy``.
Wiring into the parser: ``add_cache_commands(commands)`` in ``build_parser`` and
``"cache": cache_commands.cmd_cache`` in the dispatch table; ``add_no_cache_option(parser)``
on ``generate``/``run``/``pipeline`` gives them ``--no-cache``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rompy.domain.errors import ConfigError

if TYPE_CHECKING:
    from rompy.adapters.data.cache import CacheEntry, DataCache
    from rompy.application import App

_UNITS = ("B", "KB", "MB", "GB", "TB")
_KEY_WIDTH = 12
_SOURCE_WIDTH = 60


def add_cache_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``cache list`` and ``cache clear`` to the ``rompy`` sub-commands."""
    cache = commands.add_parser("cache", help="list or clear the cache of fetched data")
    cache.add_argument(
        "--cache-dir", help="cache folder (default: $ROMPY_CACHE_DIR or ~/.cache/rompy)"
    )
    sub = cache.add_subparsers(dest="cache_command", required=True, metavar="COMMAND")
    listing = sub.add_parser("list", help="list cached entries with their size and age")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    clear = sub.add_parser("clear", help="remove cached entries (all unless --older-than)")
    clear.add_argument(
        "--older-than",
        type=float,
        metavar="DAYS",
        help="remove only entries not used for more than DAYS days",
    )


def add_no_cache_option(parser: argparse.ArgumentParser) -> None:
    """Give a command ``--no-cache``: fetch and crop data afresh, reading and filling no cache."""
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="fetch and crop data afresh; neither read nor fill the data cache",
    )


def human_size(size: int) -> str:
    """Return ``size`` bytes as text (``512 B``, ``1.5 MB``)."""
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def human_age(days: float) -> str:
    """Return an age in days as text (``5 min``, ``3.0 h``, ``2.5 d``)."""
    hours = days * 24
    if hours < 1:
        return f"{round(hours * 60)} min"
    return f"{hours:.1f} h" if hours < 48 else f"{days:.1f} d"


def _source_of(entry: CacheEntry) -> str:
    source = str(entry.parts.get("source", entry.parts.get("name", "")))
    if len(source) <= _SOURCE_WIDTH:
        return source
    return "..." + source[-(_SOURCE_WIDTH - 3) :]


def _format_of(entry: CacheEntry) -> str:
    declared = entry.parts.get("output_format")
    if declared:
        return str(declared)
    name = entry.parts.get("output") or entry.parts.get("name") or ""
    return Path(str(name)).suffix.lstrip(".")


def _cache(args: argparse.Namespace) -> DataCache:
    from rompy.adapters.data.cache import DataCache

    cache_dir = getattr(args, "cache_dir", None)
    return DataCache(Path(cache_dir) if cache_dir else None)


def _entry_data(entry: CacheEntry) -> dict[str, Any]:
    return {
        "key": entry.key,
        "size": entry.size,
        "age_days": round(entry.age_days, 4),
        "last_used": entry.last_used.isoformat(timespec="seconds"),
        "path": str(entry.path),
        "parts": dict(entry.parts),
    }


def _cache_list(cache: DataCache, output_format: str) -> int:
    entries = cache.entries()
    if output_format == "json":
        print(json.dumps([_entry_data(entry) for entry in entries], indent=2, default=str))
        return 0
    print(f"cache: {cache.root}")
    if not entries:
        print("no entries")
        return 0
    print(f"{'key':<{_KEY_WIDTH}}  {'size':>9}  {'age':>8}  {'format':<8}  source")
    for entry in entries:
        fmt = _format_of(entry)
        print(
            f"{entry.key[:_KEY_WIDTH]:<{_KEY_WIDTH}}  {human_size(entry.size):>9}  "
            f"{human_age(entry.age_days):>8}  {fmt:<8}  {_source_of(entry)}"
        )
    total = sum(entry.size for entry in entries)
    print(f"{len(entries)} entries, {human_size(total)}")
    return 0


def _cache_clear(cache: DataCache, older_than: float | None) -> int:
    if older_than is not None and older_than < 0:
        raise ConfigError(
            f"--older-than must be a number of days of at least 0, got {older_than}; "
            "leave it out to clear everything",
            path="older_than",
            value=older_than,
        )
    result = cache.clear(older_than_days=older_than)
    which = "" if older_than is None else f" unused for more than {older_than:g} days"
    print(f"removed {result.removed} entries{which} ({human_size(result.freed)}) from {cache.root}")
    return 0


def cmd_cache(app: App, args: argparse.Namespace) -> int:
    """Run ``rompy cache list|clear``."""
    cache = _cache(args)
    if args.cache_command == "list":
        return _cache_list(cache, args.format)
    return _cache_clear(cache, args.older_than)
