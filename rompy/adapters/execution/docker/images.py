"""Finding or building the image a Docker run uses.

rompy never pulls. An image named in the spec must already be on the Docker host; an image
described by a Dockerfile is built under a tag derived from everything that goes into the
build (``rompy-build/<context name>:<12 hex digits>``) and rebuilt only when no image has that
tag yet, so an unchanged context costs one lookup.

docker-py is imported inside the functions that talk to the daemon; this module imports
cheaply.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from rompy.domain.errors import ConfigError, ExecutorUnavailableError
from rompy.domain.execution.docker import DockerExecution
from rompy.log import get_logger

log = get_logger(__name__)

BUILD_REPOSITORY = "rompy-build"
"""Repository prefix of the images rompy builds."""

BUILD_LOG_TAIL = 20
"""How many lines of a failed build's log go into the error message."""

_CHUNK = 1 << 20


class ImageBuildError(ExecutorUnavailableError):
    """Building the run's image from its Dockerfile failed.

    Args:
        message: What failed, with the last lines of the build log.
        build_log: The last lines of the build log.
    """

    def __init__(self, message: str, *, build_log: list[str] | None = None) -> None:
        self.build_log = build_log or []
        super().__init__(message)


@attrs.frozen(kw_only=True)
class ResolvedImage:
    """The image a run uses.

    Attributes:
        reference: The name or tag the container is created from.
        image_id: The image id (``sha256:...``).
        digest: The first repository digest, when the image came from a registry.
        built: True when rompy built the image for this run.
    """

    reference: str
    image_id: str
    digest: str | None
    built: bool


@attrs.frozen(kw_only=True)
class BuildInputs:
    """What goes into a build: the context folder, the Dockerfile and the build args.

    Attributes:
        context: The absolute build context folder.
        dockerfile: The Dockerfile path relative to the context (as Docker expects it).
        build_args: The ``--build-arg`` values.
    """

    context: Path
    dockerfile: str
    build_args: Mapping[str, str]

    @property
    def dockerfile_path(self) -> Path:
        """The absolute path of the Dockerfile."""
        return self.context / self.dockerfile


def resolve_image(client: Any, spec: DockerExecution) -> ResolvedImage:
    """Return the image for ``spec``: the named local image, or one built from its Dockerfile.

    Args:
        client: A connected ``docker.DockerClient``.
        spec: The run's Docker spec.

    Raises:
        ExecutorUnavailableError: The named image is not on the Docker host.
        ImageBuildError: The Dockerfile does not build.
        ConfigError: The build context or Dockerfile does not exist.
    """
    if spec.image is not None:
        return _describe(local_image(client, spec.image), spec.image, built=False)
    inputs = build_inputs(spec)
    tag = build_tag(inputs)
    existing = _find_image(client, tag)
    if existing is not None:
        log.debug("image_reused", tag=tag)
        return _describe(existing, tag, built=False)
    return _describe(build_image(client, inputs, tag), tag, built=True)


def local_image(client: Any, name: str) -> Any:
    """Return the local image ``name``, never pulling it.

    Raises:
        ExecutorUnavailableError: No image of that name is on the Docker host.
    """
    image = _find_image(client, name)
    if image is None:
        raise ExecutorUnavailableError(
            f"image {name} is not present locally and rompy does not pull; build it or "
            "load it (docker load)"
        )
    return image


def build_inputs(spec: DockerExecution) -> BuildInputs:
    """Return the context, Dockerfile and build args of ``spec`` (which has a Dockerfile).

    Without a ``build_context`` the Dockerfile's own folder is the context.

    Raises:
        ConfigError: The context folder or the Dockerfile does not exist.
    """
    if spec.dockerfile is None:
        raise ValueError("build_inputs needs a spec with a dockerfile")
    if spec.build_context is None:
        context, dockerfile = spec.dockerfile.parent, spec.dockerfile.name
    else:
        context, dockerfile = spec.build_context, spec.dockerfile.as_posix()
    context = context.resolve()
    if not context.is_dir():
        raise ConfigError(
            f"the build context {str(context)!r} is not a folder; point build_context at "
            "the folder holding the files the Dockerfile copies",
            path="backend.build_context",
            value=str(context),
        )
    inputs = BuildInputs(context=context, dockerfile=dockerfile, build_args=spec.build_args)
    if not inputs.dockerfile_path.is_file():
        raise ConfigError(
            f"there is no Dockerfile at {str(inputs.dockerfile_path)!r}; give its path "
            "relative to the build context",
            path="backend.dockerfile",
            value=str(spec.dockerfile),
        )
    return inputs


def build_tag(inputs: BuildInputs) -> str:
    """Return the deterministic tag ``rompy-build/<context name>:<digest[:12]>``."""
    return f"{BUILD_REPOSITORY}/{_repository_name(inputs.context)}:{context_digest(inputs)[:12]}"


def context_digest(inputs: BuildInputs) -> str:
    """Return the SHA-256 (hex) of the build: the files sent, the Dockerfile, the build args.

    The files are those Docker itself sends (``.dockerignore`` is honoured), each hashed with
    its relative path and permission bits, in sorted order.
    """
    digest = hashlib.sha256()
    for relative in _context_files(inputs):
        _hash_file(digest, inputs.context, relative)
    digest.update(b"\0dockerfile\0" + inputs.dockerfile.encode())
    digest.update(inputs.dockerfile_path.read_bytes())
    for key, value in sorted(inputs.build_args.items()):
        digest.update(f"\0arg\0{key}={value}".encode())
    return digest.hexdigest()


def build_image(client: Any, inputs: BuildInputs, tag: str) -> Any:
    """Build ``inputs`` under ``tag`` and return the image.

    Raises:
        ImageBuildError: The build failed; the message holds the last build log lines.
    """
    import docker.errors

    log.info("image_build_started", tag=tag, context=str(inputs.context))
    try:
        image, output = client.images.build(
            path=str(inputs.context),
            dockerfile=inputs.dockerfile,
            buildargs=dict(inputs.build_args),
            tag=tag,
            rm=True,
            forcerm=True,
        )
    except docker.errors.BuildError as error:
        raise _build_failure(tag, error.msg, _log_lines(error.build_log)) from error
    except docker.errors.APIError as error:
        raise _build_failure(tag, str(error.explanation or error), []) from error
    for line in _log_lines(output):
        log.debug("image_build_output", tag=tag, line=line)
    log.info("image_built", tag=tag, image_id=image.id)
    return image


def _build_failure(tag: str, reason: str, lines: list[str]) -> ImageBuildError:
    last = lines[-BUILD_LOG_TAIL:]
    text = "\n".join(last) if last else "(no build output)"
    return ImageBuildError(
        f"building image {tag} failed: {reason.strip()}\nlast lines of the build log:\n{text}",
        build_log=last,
    )


def _log_lines(events: Iterable[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for event in events:
        text = event.get("stream") or event.get("error") or ""
        lines.extend(line for line in str(text).splitlines() if line.strip())
    return lines


def _find_image(client: Any, name: str) -> Any | None:
    import docker.errors

    try:
        return client.images.get(name)
    except docker.errors.ImageNotFound:
        return None


def _describe(image: Any, reference: str, *, built: bool) -> ResolvedImage:
    digests = image.attrs.get("RepoDigests") or []
    return ResolvedImage(
        reference=reference,
        image_id=str(image.id),
        digest=str(digests[0]) if digests else None,
        built=built,
    )


def _repository_name(context: Path) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", context.name.lower()).strip("-")
    return name or "context"


def _context_files(inputs: BuildInputs) -> list[str]:
    from docker.utils.build import exclude_paths

    ignore_file = inputs.context / ".dockerignore"
    patterns: list[str] = []
    if ignore_file.is_file():
        lines = ignore_file.read_text().splitlines()
        patterns = [line.strip() for line in lines if line.strip() and line[0] != "#"]
    paths = exclude_paths(str(inputs.context), patterns, dockerfile=inputs.dockerfile)
    return sorted(str(path) for path in paths)


def _hash_file(digest: Any, context: Path, relative: str) -> None:
    path = context / relative
    if path.is_dir() and not path.is_symlink():
        return
    mode = path.lstat().st_mode & 0o777
    digest.update(f"\0file\0{relative}\0{mode:o}\0".encode())
    if path.is_symlink():
        digest.update(os.readlink(path).encode())
        return
    with path.open("rb") as file:
        for block in iter(lambda: file.read(_CHUNK), b""):
            digest.update(block)
