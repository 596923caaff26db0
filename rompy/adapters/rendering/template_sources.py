r"""Where template trees come from: local folders, package resources and fsspec URLs.

A template reference is one of:

- a local folder (``./my-template``, ``~/templates/swan``, ``C:\templates\swan``);
- a package resource ``package:sub/path`` (``rompy:templates/base``), looked up with
  :func:`importlib.resources.files` in any importable package;
- an fsspec URL (``memory://tpl``, ``file:///abs/tpl``, ``zip://tpl::file:///abs/t.zip``);
  fsspec is imported only when a URL is given.

:func:`open_template` lists the tree once. When the tree's top level holds a folder named
``{{runtime.staging_dir}}`` (the layout of the reference rompy and cookiecutter), that
folder's contents are what lands in the staging dir and its siblings are ignored; otherwise
the whole tree is.

Example:
    >>> tree = open_template("rompy:templates/base")
    >>> [str(entry.target) for entry in tree.entries if not entry.is_dir][0]
    'INPUT'
"""

from __future__ import annotations

import importlib.resources
import re
import stat
from collections.abc import Callable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

from rompy.domain.errors import TemplateError

STAGING_FOLDER_PATTERN = re.compile(r"\{\{\s*runtime\.staging_dir\s*\}\}")
"""Name of the top folder whose contents become the staging dir (cookiecutter layout)."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|::")
_PACKAGE_RESOURCE = re.compile(
    r"^(?P<package>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):(?P<resource>(?![/\\]).*)$"
)

_ROOT = PurePosixPath()

RawEntry = tuple[PurePosixPath, bool, int | None]
"""A walked entry: path relative to the tree root, is-a-folder, permission bits if known."""


@attrs.frozen(kw_only=True)
class TemplateEntry:
    """One file or folder of a template tree.

    Attributes:
        source: Path relative to the template reference; names the entry in messages.
        target: Path relative to the staging dir, before its name is rendered.
        is_dir: Whether the entry is a folder.
        mode: Permission bits of the source file, when the source knows them.
    """

    source: PurePosixPath
    target: PurePosixPath
    is_dir: bool
    mode: int | None = None


@attrs.frozen(kw_only=True)
class TemplateTree:
    """A listed template tree and a way to read its files.

    Attributes:
        reference: The template reference as the user wrote it.
        entries: Folders and files, each parent before its children, sorted by path.
        reader: Reads a file's bytes given its ``source`` path.
    """

    reference: str
    entries: tuple[TemplateEntry, ...]
    reader: Callable[[PurePosixPath], bytes]

    def read_bytes(self, source: PurePosixPath) -> bytes:
        """Return the content of the file at ``source`` (relative to the reference)."""
        return self.reader(source)


def open_template(reference: str) -> TemplateTree:
    """List the template tree that ``reference`` names.

    Args:
        reference: A local folder, a ``package:sub/path`` resource or an fsspec URL.

    Returns:
        The listed tree.

    Raises:
        TemplateError: The reference names nothing, or something that is not a folder.
    """
    if _URL.search(reference):
        root_entries, reader = _open_url(reference)
    else:
        local = Path(reference).expanduser()
        match = _PACKAGE_RESOURCE.match(reference)
        if local.exists() or match is None or _is_windows_drive(match["package"]):
            root = _checked_folder(local, reference)
        else:
            root = _package_resource(reference, match["package"], match["resource"])
        root_entries, reader = list(_walk_traversable(root)), _traversable_reader(root)
    entries = _staging_entries(reference, sorted(root_entries, key=lambda raw: raw[0].parts))
    return TemplateTree(reference=reference, entries=entries, reader=reader)


def _is_windows_drive(package: str) -> bool:
    return len(package) == 1


def _checked_folder(root: Traversable, reference: str) -> Traversable:
    if not root.is_dir():
        problem = "is not a folder" if root.is_file() else "does not exist"
        raise TemplateError(
            f"template {reference} {problem}; give a template folder, a package resource "
            "(package:sub/path) or an fsspec URL"
        )
    return root


def _package_resource(reference: str, package: str, resource: str) -> Traversable:
    try:
        root = importlib.resources.files(package)
    except (ImportError, TypeError) as exc:
        raise TemplateError(
            f"template {reference}: package {package!r} cannot be imported ({exc}); "
            "install it, or give a template folder or fsspec URL"
        ) from exc
    parts = [part for part in resource.replace("\\", "/").split("/") if part]
    return _checked_folder(root.joinpath(*parts) if parts else root, reference)


def _walk_traversable(folder: Traversable, prefix: PurePosixPath = _ROOT) -> Iterator[RawEntry]:
    for child in sorted(folder.iterdir(), key=lambda item: item.name):
        relative = prefix / child.name
        is_dir = child.is_dir()
        yield relative, is_dir, _local_mode(child)
        if is_dir:
            yield from _walk_traversable(child, relative)


def _local_mode(item: Traversable) -> int | None:
    if isinstance(item, Path):
        return stat.S_IMODE(item.stat().st_mode)
    return None


def _traversable_reader(root: Traversable) -> Callable[[PurePosixPath], bytes]:
    def read(source: PurePosixPath) -> bytes:
        return root.joinpath(*source.parts).read_bytes()

    return read


def _open_url(reference: str) -> tuple[list[RawEntry], Callable[[PurePosixPath], bytes]]:
    filesystem, root = _url_to_filesystem(reference)
    if not filesystem.isdir(root):
        raise TemplateError(f"template {reference} does not exist or is not a folder")
    root = root.rstrip("/")
    entries: list[RawEntry] = []
    for path, info in filesystem.find(root, withdirs=True, detail=True).items():
        relative = str(path).rstrip("/")[len(root) :].strip("/")
        if relative:
            mode = info.get("mode")
            bits = stat.S_IMODE(mode) if isinstance(mode, int) else None
            entries.append((PurePosixPath(relative), info.get("type") == "directory", bits))

    def read(source: PurePosixPath) -> bytes:
        content: bytes = filesystem.cat_file(f"{root}/{source.as_posix()}")
        return content

    return entries, read


def _url_to_filesystem(reference: str) -> tuple[Any, str]:
    try:
        import fsspec.core
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency of rompy
        raise TemplateError(
            f"template {reference} is a URL, which needs fsspec: pip install fsspec"
        ) from exc
    try:
        filesystem, root = fsspec.core.url_to_fs(reference)
    except (ImportError, ValueError) as exc:
        raise TemplateError(f"template {reference} cannot be opened: {exc}") from exc
    return filesystem, str(root)


def _staging_entries(reference: str, raw_entries: list[RawEntry]) -> tuple[TemplateEntry, ...]:
    markers = [
        path
        for path, is_dir, _ in raw_entries
        if is_dir and len(path.parts) == 1 and STAGING_FOLDER_PATTERN.fullmatch(path.name)
    ]
    if len(markers) > 1:
        names = ", ".join(marker.name for marker in markers)
        raise TemplateError(f"template {reference} has several staging folders ({names}); keep one")
    marker = markers[0] if markers else None
    entries = []
    for path, is_dir, mode in raw_entries:
        if marker is None:
            target = path
        elif marker in path.parents:
            target = path.relative_to(marker)
        else:
            continue
        entries.append(TemplateEntry(source=path, target=target, is_dir=is_dir, mode=mode))
    return tuple(entries)
