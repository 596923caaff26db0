"""Where postprocessors write: a local path or any fsspec URL, written without half-files.

A local file is written under a hidden temporary name in the destination folder and then
moved into place in one step (``os.link`` when it must not replace anything, so an
existing file is never clobbered, ``os.replace`` otherwise). A remote file is written to a
local temporary file first and then uploaded with ``put_file``. fsspec is imported only
when a target is resolved.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from rompy.domain.errors import PostprocessError

_PASSWORD = re.compile(r"(://[^/:@]*:)[^/@]*@")


class DestinationExistsError(PostprocessError):
    """A destination already exists and may not be replaced."""


class DestinationUnavailableError(PostprocessError):
    """A destination URL names a protocol fsspec cannot use here."""


def exists_error(display: str) -> DestinationExistsError:
    """Return the error refusing to replace the existing ``display``."""
    return DestinationExistsError(f"{display} already exists; set overwrite: true to replace it")


def redact(url: str) -> str:
    """Hide a password written in a URL (``sftp://me:secret@host`` → ``sftp://me:***@host``)."""
    return _PASSWORD.sub(r"\1***@", url)


@attrs.frozen(kw_only=True)
class OutputTarget:
    """One destination file or folder.

    Attributes:
        url: The destination as given (after ``{run_id}`` was replaced).
        fs: The fsspec filesystem holding it.
        path: The path inside ``fs``.
    """

    url: str
    fs: Any
    path: str

    @classmethod
    def resolve(cls, url: str) -> OutputTarget:
        """Find the filesystem of ``url`` (a local path or an fsspec URL).

        Raises:
            DestinationUnavailableError: Unknown protocol, or its package is missing.
        """
        from fsspec.core import url_to_fs

        try:
            fs, path = url_to_fs(url)
        except ImportError as error:
            raise DestinationUnavailableError(f"cannot write to {redact(url)}: {error}") from error
        except ValueError as error:
            raise DestinationUnavailableError(f"cannot write to {redact(url)}: {error}") from error
        return cls(url=url, fs=fs, path=path)

    @property
    def local_path(self) -> Path | None:
        """The path on this machine's disk, or None for a remote target."""
        from fsspec.implementations.local import LocalFileSystem

        return Path(self.path) if isinstance(self.fs, LocalFileSystem) else None

    @property
    def display(self) -> str:
        """How results and logs name the target (local path, or URL without password)."""
        local = self.local_path
        return str(local) if local is not None else redact(self.fs.unstrip_protocol(self.path))

    def child(self, relative: str) -> OutputTarget:
        """Return the target ``relative`` (``/``-separated) under this folder target."""
        join = posixpath.join if self.local_path is None else os.path.join
        return OutputTarget(
            url=f"{self.url.rstrip('/')}/{relative}", fs=self.fs, path=join(self.path, relative)
        )

    def with_suffix_added(self, suffix: str) -> OutputTarget:
        """Return the target whose name is this one's with ``suffix`` appended."""
        return OutputTarget(url=self.url + suffix, fs=self.fs, path=self.path + suffix)

    def exists(self) -> bool:
        """Return True when something already exists at the target."""
        local = self.local_path
        if local is None:
            return bool(self.fs.exists(self.path))
        return local.exists() or local.is_symlink()

    def size(self) -> int:
        """Return the size in bytes of the file at the target."""
        local = self.local_path
        return local.stat().st_size if local else int(self.fs.size(self.path))

    def refuse_existing(self) -> None:
        """Raise DestinationExistsError when the target exists."""
        if self.exists():
            raise exists_error(self.display)

    @contextmanager
    def writing(self, *, overwrite: bool) -> Iterator[Path]:
        """Yield a local path to write; on a clean exit it becomes the target.

        Args:
            overwrite: Replace an existing target; otherwise it is left untouched.

        Raises:
            DestinationExistsError: The target exists and ``overwrite`` is False.
            OSError: Writing or moving failed (nothing is left at the target then).
        """
        if not overwrite:
            self.refuse_existing()
        local = self.local_path
        if local is not None:
            with _local_writing(local, overwrite=overwrite, display=self.display) as temporary:
                yield temporary
            return
        with tempfile.TemporaryDirectory(prefix="rompy-") as folder:
            temporary = Path(folder) / posixpath.basename(self.path)
            yield temporary
            self._upload(temporary, overwrite=overwrite)

    def upload(self, source: Path, *, overwrite: bool) -> None:
        """Copy the local file ``source`` to the target.

        Raises:
            DestinationExistsError: The target exists and ``overwrite`` is False.
            OSError: Reading, writing or moving failed.
        """
        if self.local_path is None:
            if not overwrite:
                self.refuse_existing()
            self._upload(source, overwrite=overwrite)
            return
        with self.writing(overwrite=overwrite) as temporary:
            shutil.copyfile(source, temporary)

    def _upload(self, source: Path, *, overwrite: bool) -> None:
        if not overwrite:
            self.refuse_existing()
        parent = posixpath.dirname(self.path)
        if parent:
            self.fs.makedirs(parent, exist_ok=True)
        self.fs.put_file(str(source), self.path)


@contextmanager
def _local_writing(destination: Path, *, overwrite: bool, display: str) -> Iterator[Path]:
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.part")
    try:
        yield temporary
        _place(temporary, destination, overwrite=overwrite, display=display)
    finally:
        temporary.unlink(missing_ok=True)


def _place(temporary: Path, destination: Path, *, overwrite: bool, display: str) -> None:
    """Move ``temporary`` to ``destination`` in one step, never replacing unless told."""
    if overwrite:
        os.replace(temporary, destination)
        return
    try:
        os.link(temporary, destination)
    except FileExistsError as error:
        raise exists_error(display) from error
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if destination.exists():
            raise exists_error(display) from error
        os.replace(temporary, destination)
