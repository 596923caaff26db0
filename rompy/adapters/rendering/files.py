"""A renderer for models that write their input files in code rather than from templates.

A model plugin registers, for its config class, a :class:`FilesRenderer` around a function
that turns the render context (``config``, ``runtime``, ``data``) into file contents; the
files are written atomically into the staging dir like a template tree
(:mod:`rompy.adapters.rendering.staging_dir`).

Example:
    >>> def deck(context):
    ...     return {"INPUT": "PROJECT '" + context['runtime']['run_id'] + "'"}
    >>> renderer = FilesRenderer(deck)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from rompy.adapters.rendering.staging_dir import check_staging_target, write_staging_dir
from rompy.domain.errors import TemplateError
from rompy.log import get_logger
from rompy.ports.rendering import RenderRequest, RenderResult

log = get_logger(__name__)

FilesOf = Callable[[Mapping[str, Any]], Mapping[str, str | bytes]]
"""Turns a render context into ``{relative path: text or bytes}``."""


class FilesRenderer:
    """Renders a run by writing the files a function returns; a ``TemplateRenderer``.

    Args:
        files_of: Returns the files for a render context; text is written as UTF-8.
    """

    def __init__(self, files_of: FilesOf) -> None:
        """Keep the function; nothing is written until :meth:`render`."""
        self._files_of = files_of

    def render(self, request: RenderRequest) -> RenderResult:
        """Write the files for ``request.context`` into ``request.staging_dir``.

        Raises:
            TemplateError: A file path is absolute or leaves the staging dir.
            StagingError: The staging dir exists and may not be replaced, or is protected.
        """
        check_staging_target(request)
        contents = {
            _relative(name): data.encode("utf-8") if isinstance(data, str) else data
            for name, data in self._files_of(request.context).items()
        }

        def write(folder: Path) -> list[Path]:
            for name, data in contents.items():
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            return [Path(name) for name in contents]

        files = write_staging_dir(request, write)
        log.info("files_rendered", staging_dir=str(request.staging_dir), files=len(files))
        return RenderResult(staging_dir=request.staging_dir, files=tuple(sorted(files)))


def _relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        raise TemplateError(
            f"file {name!r} is not a relative path inside the staging dir; "
            "give paths such as 'INPUT' or 'inputs/bottom.txt'"
        )
    return path
