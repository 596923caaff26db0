"""The Jinja2 template renderer: a template tree rendered atomically into a staging dir.

Every file of the tree is a Jinja2 template, and so is every file and folder name. Files
that are not UTF-8 text (or hold NUL bytes) are copied verbatim. Templates run in a
:class:`jinja2.sandbox.SandboxedEnvironment` with :class:`jinja2.StrictUndefined`, so a
misspelt variable is an error naming the file and line instead of an empty string.

The tree is written atomically into the staging dir
(:mod:`rompy.adapters.rendering.staging_dir`): a failure never leaves a half-written
staging dir, and an existing one is replaced only when asked.

Example:
    >>> renderer = JinjaRenderer()  # doctest: +SKIP
    >>> renderer.render(RenderRequest(template="rompy:templates/base", context=context,
    ...                               staging_dir=Path("out/run1")))  # doctest: +SKIP
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.sandbox import SandboxedEnvironment

from rompy.adapters.rendering.staging_dir import check_staging_target, write_staging_dir
from rompy.adapters.rendering.template_sources import TemplateEntry, TemplateTree, open_template
from rompy.domain.errors import RompyError, TemplateError
from rompy.domain.model_run import DATE_FORMAT
from rompy.log import get_logger
from rompy.ports.rendering import RenderRequest, RenderResult

log = get_logger(__name__)

_FILENAME_PREFIX = "<rompy-template>/"
_OWNER_READ_WRITE = stat.S_IRUSR | stat.S_IWUSR


def hours(interval: timedelta) -> float:
    """Jinja filter: the length of ``interval`` in hours (``{{ period.interval | hours }}``).

    Example:
        >>> hours(timedelta(days=1))
        24.0
    """
    return interval.total_seconds() / 3600


def strftime(moment: datetime, date_format: str = DATE_FORMAT) -> str:
    """Jinja filter: format ``moment``, by default as rompy dates (``20230101.000000``).

    Example:
        >>> strftime(datetime(2023, 1, 1, 6))
        '20230101.060000'
    """
    return moment.strftime(date_format)


class JinjaRenderer:
    """Renders template trees with Jinja2; implements :class:`~rompy.ports.TemplateRenderer`.

    Extra context: ``_template`` (the template reference) is added when the caller gives
    none. Filters beyond Jinja's own: ``hours`` and ``strftime``.
    """

    def render(self, request: RenderRequest) -> RenderResult:
        """Render ``request.template`` into ``request.staging_dir``.

        Args:
            request: The template, its context, the staging dir and whether to replace it.

        Returns:
            The staging dir and the rendered files relative to it, sorted.

        Raises:
            TemplateError: The template is missing or does not render (undefined variable,
                syntax error, a path escaping the staging dir). Nothing is left behind.
            StagingError: The staging dir exists and ``delete_existing`` is false, or it is
                a folder that must never be replaced (``/``, home, the current directory).
        """
        staging = request.staging_dir
        check_staging_target(request)
        tree = open_template(request.template)
        context = {"_template": request.template, **request.context}
        files = write_staging_dir(request, _TreeWriter(tree, context).write_into)
        log.info(
            "template_rendered",
            template=request.template,
            staging_dir=str(staging),
            files=len(files),
        )
        return RenderResult(staging_dir=staging, files=tuple(sorted(files)))


class _TreeLoader(jinja2.BaseLoader):
    """Serves the tree's files to Jinja by their source path (so ``include`` works too)."""

    def __init__(self, tree: TemplateTree) -> None:
        self.tree = tree
        self.sources: dict[str, str] = {}

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.sources:
            try:
                data = self.tree.read_bytes(PurePosixPath(template))
            except (OSError, ValueError) as exc:
                raise jinja2.TemplateNotFound(template) from exc
            self.sources[template] = data.decode("utf-8")
        return self.sources[template], _FILENAME_PREFIX + template, lambda: True


class _TreeWriter:
    """Renders the entries of one tree into a folder."""

    def __init__(self, tree: TemplateTree, context: Mapping[str, Any]) -> None:
        self.tree = tree
        self.context = context
        self.loader = _TreeLoader(tree)
        self.environment = _make_environment(self.loader)
        self.targets: dict[PurePosixPath, TemplateEntry] = {}

    def write_into(self, workdir: Path) -> list[Path]:
        files = []
        for entry in self.tree.entries:
            target = self._target(entry)
            destination = workdir / target
            if entry.is_dir:
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(self._content(entry))
            if entry.mode is not None:
                destination.chmod((entry.mode & 0o777) | _OWNER_READ_WRITE)
            files.append(Path(target))
        return files

    def _target(self, entry: TemplateEntry) -> PurePosixPath:
        names = [self._render_name(part, entry) for part in entry.target.parts]
        target = _checked_target(entry.source, names)
        earlier = self.targets.setdefault(target, entry)
        if earlier is not entry and not (earlier.is_dir and entry.is_dir):
            raise TemplateError(
                f"template paths {earlier.source} and {entry.source} both render to "
                f"{target.as_posix()!r}; give them names that render differently"
            )
        return target

    def _render_name(self, name: str, entry: TemplateEntry) -> str:
        if "{" not in name:
            return name
        try:
            return self.environment.from_string(name).render(self.context)
        except RompyError:
            raise
        except Exception as exc:
            raise TemplateError(f"template path {entry.source}: {_describe(exc)}") from exc

    def _content(self, entry: TemplateEntry) -> bytes:
        try:
            data = self.tree.read_bytes(entry.source)
        except OSError as exc:
            raise TemplateError(f"template {entry.source} cannot be read: {exc}") from exc
        if b"\0" in data:
            return data
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        name = entry.source.as_posix()
        self.loader.sources[name] = source
        try:
            rendered = self.environment.get_template(name).render(self.context)
        except RompyError:
            raise
        except Exception as exc:
            raise self._content_error(name, exc) from exc
        if "\r\n" in source:
            rendered = rendered.replace("\r\n", "\n").replace("\n", "\r\n")
        return rendered.encode("utf-8")

    def _content_error(self, name: str, exc: Exception) -> TemplateError:
        if isinstance(exc, jinja2.TemplateSyntaxError) and exc.name:
            name, line = exc.name, exc.lineno
        else:
            name, line = _template_frame(exc) or (name, 0)
        where = f"template {name} line {line}" if line else f"template {name}"
        text = self.loader.sources.get(name, "").splitlines()
        snippet = text[line - 1].strip() if 0 < line <= len(text) else ""
        shown = f" in `{snippet[:80]}`" if snippet else ""
        return TemplateError(f"{where}: {_describe(exc)}{shown}")


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory, keyed by Jinja on name and source checksum.

    Each render builds a fresh environment (its loader serves one tree), so without this
    every generate would compile the same templates again.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from memory when this source was compiled before."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep the compiled code of ``bucket``."""
        self._code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE_CACHE = _MemoryBytecodeCache()


def _make_environment(loader: jinja2.BaseLoader) -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,
        bytecode_cache=_BYTECODE_CACHE,
    )
    environment.filters["hours"] = hours
    environment.filters["strftime"] = strftime
    return environment


def _describe(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"syntax error: {exc.message}"
    if isinstance(exc, jinja2.TemplateError):
        return str(exc.message)
    return f"{type(exc).__name__}: {exc}"


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """Return the innermost template file and line in the traceback of ``exc``."""
    found = None
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(_FILENAME_PREFIX):
            found = (filename[len(_FILENAME_PREFIX) :], traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _checked_target(source: PurePosixPath, names: list[str]) -> PurePosixPath:
    rendered = "/".join(names)
    parts = rendered.split("/")
    if any(name.startswith(("/", "\\")) or name[1:2] == ":" for name in names):
        problem = "an absolute path"
    elif ".." in parts:
        problem = "a path with '..'"
    elif any(not part.strip() or part == "." for part in parts):
        raise TemplateError(
            f"template path {source} renders to an empty name ({rendered!r}); give every "
            "variable in the name a non-empty value"
        )
    else:
        return PurePosixPath(rendered)
    raise TemplateError(
        f"template path {source} renders to {rendered!r}, {problem} outside the staging "
        "dir; file and folder names must render to relative paths"
    )
