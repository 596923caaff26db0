"""The ``archive``, ``validate`` and ``transfer`` postprocessor specs and their pure rules.

Each spec picks files of the staging dir with glob patterns, matched against the file's
path relative to the staging dir with ``/`` separators:

- ``*`` matches any run of characters inside one folder name (never a ``/``),
- ``?`` matches one character, ``[abc]`` / ``[!abc]`` one character of (not of) a set,
- ``**`` as a whole path part matches any number of folders, and everything when it ends
  the pattern.

So ``*.nc`` picks NetCDF files at the top of the staging dir, ``**/*.nc`` picks them at any
depth, and ``**`` picks every file. Destinations may contain ``{run_id}``, replaced by the
run's id. The adapters that act on these specs live in ``rompy.adapters``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar, Literal

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.postprocess.spec import PostprocessSpec

ArchiveFormat = Literal["tar.gz", "zip"]
"""The archive formats rompy writes."""

ARCHIVE_SUFFIXES: dict[str, ArchiveFormat] = {".tar.gz": "tar.gz", ".tgz": "tar.gz", ".zip": "zip"}
"""Destination endings that tell the archive format."""

TransferPolicy = Literal["fail", "continue"]
"""What a transfer does when a destination fails: stop there, or try the others."""

ALL_FILES = ("**",)
"""The include patterns that pick every file."""

MANIFEST_NAME = "SHA256SUMS"
"""The manifest's name inside an archive (``<sha256>  <relative path>`` lines)."""

DIGEST_SUFFIX = ".sha256"
"""Appended to an archive's destination to name the file holding the archive's digest."""

RUN_ID_PLACEHOLDER = "{run_id}"
"""The placeholder replaced by the run's id in destinations."""

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a glob pattern (see the module docs) into a regular expression.

    Use ``fullmatch`` on a relative path with ``/`` separators.

    Example:
        >>> bool(compile_pattern("**/*.nc").fullmatch("out/a.nc"))
        True
        >>> bool(compile_pattern("*.nc").fullmatch("out/a.nc"))
        False
    """
    parts = pattern.split("/")
    regex = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:[^/]+/)*"
        else:
            regex += _part_regex(part) + ("" if last else "/")
    return re.compile(regex, re.DOTALL)


def _part_regex(part: str) -> str:
    """The regex of one path part: ``*``, ``?`` and ``[...]`` never match ``/``."""
    regex, index = "", 0
    while index < len(part):
        char = part[index]
        index += 1
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif char == "[" and (end := _class_end(part, index)) > 0:
            regex += "(?!/)" + _class_regex(part[index:end])
            index = end + 1
        else:
            regex += re.escape(char)
    return regex


def _class_end(part: str, start: int) -> int:
    """Index of the ``]`` closing a set opened before ``start``, or -1 when unclosed."""
    index = start + 1 if part[start : start + 1] == "!" else start
    index += 1 if part[index : index + 1] == "]" else 0
    return part.find("]", index)


def _class_regex(content: str) -> str:
    negated = content.startswith("!")
    body = content[1:] if negated else content
    escaped = "".join(char if char == "-" else re.escape(char) for char in body)
    return f"[{'^' if negated else ''}{escaped}]"


def matches_any(relative_path: str, patterns: Iterable[str]) -> bool:
    """Return True when ``relative_path`` matches one of ``patterns``.

    Example:
        >>> matches_any("logs/run.log", ["*.nc", "logs/*"])
        True
    """
    return any(compile_pattern(pattern).fullmatch(relative_path) for pattern in patterns)


def select_paths(
    relative_paths: Iterable[str], include: Iterable[str], exclude: Iterable[str] = ()
) -> list[str]:
    """Return the sorted paths matching an ``include`` pattern and no ``exclude`` pattern.

    Example:
        >>> select_paths(["a.nc", "b.log", "c.nc"], ["*.nc"], ["c.*"])
        ['a.nc']
    """
    included = [compile_pattern(pattern) for pattern in include]
    excluded = [compile_pattern(pattern) for pattern in exclude]
    return sorted(
        path
        for path in relative_paths
        if any(p.fullmatch(path) for p in included) and not any(p.fullmatch(path) for p in excluded)
    )


def render_destination(template: str, run_id: str) -> str:
    """Replace ``{run_id}`` in a destination by the run's id.

    Example:
        >>> render_destination("archives/{run_id}.tar.gz", "demo")
        'archives/demo.tar.gz'
    """
    return template.replace(RUN_ID_PLACEHOLDER, run_id)


def archive_format_of(destination: str) -> ArchiveFormat | None:
    """Return the archive format a destination's ending tells, or None.

    Example:
        >>> archive_format_of("s3://bucket/run.tgz")
        'tar.gz'
    """
    lowered = destination.lower()
    for suffix, archive_format in ARCHIVE_SUFFIXES.items():
        if lowered.endswith(suffix):
            return archive_format
    return None


def _to_tuple(value: Any) -> Any:
    """Read one text as a list of one, and a list as a tuple; leave the rest to validators."""
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


def _check_list(attribute: attrs.Attribute[Any], value: Any, what: str) -> None:
    if not isinstance(value, tuple):
        raise ConfigError(
            f"{value!r} is not a list; give {what} or a list of them",
            path=attribute.name,
            value=value,
        )


def _pattern_problem(pattern: str) -> str:
    if not pattern.strip():
        return "it is empty"
    if pattern.startswith("/"):
        return "it is absolute; patterns are relative to the staging dir"
    if ".." in pattern.split("/"):
        return "'..' would leave the staging dir"
    if pattern.endswith("/"):
        return f"it names a folder; write {pattern + '**'!r} for the files inside it"
    return ""


def _check_patterns(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    _check_list(attribute, value, "a glob pattern such as '*.nc'")
    for index, pattern in enumerate(value):
        problem = _pattern_problem(pattern) if isinstance(pattern, str) else "it is not text"
        if problem:
            raise ConfigError(
                f"{pattern!r} is not a usable glob pattern ({problem}); write a pattern "
                "relative to the staging dir, such as '*.nc' or 'outputs/**'",
                path=f"{attribute.name}[{index}]",
                value=pattern,
            )


def _check_some_patterns(
    instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]
) -> None:
    _check_list(attribute, value, "a file name or glob pattern")
    if not value:
        raise ConfigError(
            f"{attribute.name} is empty; list at least one file name or glob pattern",
            path=attribute.name,
            value=value,
        )
    _check_patterns(instance, attribute, value)


def check_destination(value: Any, path: str) -> None:
    """Check that ``value`` is a destination: one line of text, ``{run_id}`` its only placeholder.

    Args:
        value: The destination as written.
        path: The field path named by errors.

    Raises:
        ConfigError: The destination is empty, spans lines or has an unknown placeholder.
    """
    if not isinstance(value, str) or not value.strip() or "\n" in value or "\r" in value:
        raise ConfigError(
            f"{value!r} is not a destination; give a local path or an fsspec URL on one "
            "line, such as 'archives/{run_id}.tar.gz' or 's3://bucket/{run_id}/'",
            path=path,
            value=value,
        )
    unknown = [name for name in _PLACEHOLDER.findall(value) if name != "run_id"]
    if unknown:
        raise ConfigError(
            f"{value!r} has the unknown placeholder {{{unknown[0]}}}; only {{run_id}} is "
            "replaced (by the run's id)",
            path=path,
            value=value,
        )


def _check_archive_destination(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_destination(value, attribute.name)
    if value.endswith("/"):
        raise ConfigError(
            f"{value!r} ends with '/'; give the archive's file name, such as "
            f"'{value}{{run_id}}.tar.gz'",
            path=attribute.name,
            value=value,
        )


def _check_format(
    instance: ArchivePostprocess, attribute: attrs.Attribute[Any], value: Any
) -> None:
    told = archive_format_of(instance.destination)
    if value is None and told is None:
        raise ConfigError(
            f"cannot tell the archive format of {instance.destination!r}; set format to "
            "'tar.gz' or 'zip', or end the destination with .tar.gz, .tgz or .zip",
            path=attribute.name,
            value=value,
        )
    if value is not None and value not in ARCHIVE_SUFFIXES.values():
        raise ConfigError(
            f"{value!r} is not an archive format; use 'tar.gz' or 'zip'",
            path=attribute.name,
            value=value,
        )
    if value is not None and told is not None and value != told:
        raise ConfigError(
            f"format {value!r} contradicts the destination {instance.destination!r}, which "
            f"ends like a {told} archive; change one of them, or leave format out",
            path=attribute.name,
            value=value,
        )


def _pattern_field(default: tuple[str, ...] = ()) -> Any:
    return attrs.field(default=default, converter=_to_tuple, validator=_check_patterns)


@attrs.frozen(kw_only=True)
class ArchivePostprocess(PostprocessSpec):
    """Pack chosen outputs into one ``tar.gz`` or ``zip`` archive, with a SHA-256 manifest.

    The archive is deterministic: entries sorted by path, fixed times, owners and modes, so
    the same outputs always give the same archive digest.

    Attributes:
        destination: The archive's local path or fsspec URL; ``{run_id}`` is replaced.
        format: ``tar.gz`` or ``zip``; by default told by the destination's ending.
        include: Glob patterns of the files to pack (default: every file).
        exclude: Glob patterns of files to leave out.
        overwrite: Replace an existing archive; without it an existing one is never touched.
        manifest: Add ``SHA256SUMS`` inside the archive and write the archive's own digest
            next to it, in ``<destination>.sha256``.
    """

    type: ClassVar[str] = "archive"
    destination: str = attrs.field(validator=_check_archive_destination)
    format: ArchiveFormat | None = attrs.field(default=None, validator=_check_format)
    include: tuple[str, ...] = _pattern_field(ALL_FILES)
    exclude: tuple[str, ...] = _pattern_field()
    overwrite: bool = False
    manifest: bool = True

    @property
    def archive_format(self) -> ArchiveFormat:
        """The format written: ``format`` if set, else the one the destination tells."""
        told = self.format or archive_format_of(self.destination)
        if told is None:  # pragma: no cover - refused by the validator
            raise ConfigError("no archive format", path="format")
        return told


@attrs.frozen(kw_only=True)
class ValidatePostprocess(PostprocessSpec):
    """Check that expected outputs exist (and are not empty).

    Attributes:
        expected: File names or glob patterns relative to the staging dir; each must match
            at least one file.
        non_empty: Also require every matching file to hold at least one byte.
    """

    type: ClassVar[str] = "validate"
    expected: tuple[str, ...] = attrs.field(converter=_to_tuple, validator=_check_some_patterns)
    non_empty: bool = True


def _check_destinations(
    instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]
) -> None:
    _check_list(attribute, value, "a local path or fsspec URL")
    if not value:
        raise ConfigError(
            "destinations is empty; list at least one local path or fsspec URL",
            path=attribute.name,
            value=value,
        )
    for index, destination in enumerate(value):
        check_destination(destination, f"{attribute.name}[{index}]")
        if destination in value[:index]:
            raise ConfigError(
                f"{destination!r} is listed twice; list each destination once",
                path=f"{attribute.name}[{index}]",
                value=destination,
            )


def _check_policy(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in ("fail", "continue"):
        raise ConfigError(
            f"{value!r} is not a failure policy; use 'fail' (stop at the first failing "
            "destination) or 'continue' (try every destination)",
            path=attribute.name,
            value=value,
        )


def _check_allow_partial(instance: Any, attribute: attrs.Attribute[Any], value: bool) -> None:
    if value and instance.on_failure != "continue":
        raise ConfigError(
            "allow_partial needs on_failure: continue (with 'fail' the transfer stops at "
            "the first failing destination); set on_failure: continue or drop allow_partial",
            path=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class TransferPostprocess(PostprocessSpec):
    """Copy chosen outputs to one or more destinations, keeping their relative paths.

    Every copy is checked after writing (its size, and its SHA-256 on local disks).

    Attributes:
        destinations: Local folders or fsspec URLs; ``{run_id}`` is replaced.
        include: Glob patterns of the files to copy (default: every file).
        exclude: Glob patterns of files to leave out.
        on_failure: ``fail`` stops at the first failing destination; ``continue`` tries
            every destination and reports each.
        allow_partial: With ``continue``, succeed when at least one destination got
            every file.
        overwrite: Replace existing files; without it a destination holding any of the
            files is refused untouched.
    """

    type: ClassVar[str] = "transfer"
    destinations: tuple[str, ...] = attrs.field(converter=_to_tuple, validator=_check_destinations)
    include: tuple[str, ...] = _pattern_field(ALL_FILES)
    exclude: tuple[str, ...] = _pattern_field()
    on_failure: TransferPolicy = attrs.field(default="fail", validator=_check_policy)
    allow_partial: bool = attrs.field(default=False, validator=_check_allow_partial)
    overwrite: bool = False
