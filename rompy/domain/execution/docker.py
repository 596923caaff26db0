"""The Docker execution spec (``type: docker``) and its pure rules.

A :class:`DockerExecution` says which image runs the model (a local image by name, or one
built from a Dockerfile), which command runs inside it, with which resources, mounts,
variables and user. The adapter that acts on it lives in
``rompy.adapters.execution.docker.executor``.

Inside the container the staging dir is always mounted at :data:`DEFAULT_MOUNT_PATH`
(``/rompy/staging``, changeable with ``mount_path``) and the command runs there.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import attrs

from rompy.domain.errors import ConfigError
from rompy.domain.execution.spec import ExecutionSpec, choose_command, to_command
from rompy.domain.model_config import Command

DEFAULT_MOUNT_PATH = "/rompy/staging"
"""Where the staging dir is mounted inside the container, and the command's working dir."""

MIN_MEMORY_BYTES = 6 * 1024 * 1024
"""Docker refuses memory limits below 6 MiB."""

VOLUME_MODES = ("ro", "rw")
"""The access modes a volume may end with."""

PROCESS_COUNT_FLAGS = ("-n", "--n", "-np", "--np", "-c")
"""mpiexec/mpirun options that already set the number of processes."""

_UNIT_FACTORS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_MEMORY_PATTERN = re.compile(r"^\s*(\d+)\s*([kmgt]?)(i?b)?\s*$", re.IGNORECASE)
_IMAGE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]*$")


def memory_to_bytes(text: str) -> int:
    """Convert a Docker memory size (``"2g"``, ``"512m"``, ``"1024"``) to bytes.

    Units are binary (``k`` = 1024) and case-insensitive; a trailing ``b`` or ``ib`` is
    allowed (``"512MiB"``). A bare number is bytes.

    Args:
        text: The size as written in the config.

    Returns:
        The size in bytes.

    Raises:
        ConfigError: The text is not a size (path ``memory``).

    Example:
        >>> memory_to_bytes("2g")
        2147483648
    """
    match = _MEMORY_PATTERN.match(text)
    if match is None:
        raise ConfigError(
            f"{text!r} is not a memory size; write a whole number with an optional unit "
            "k, m, g or t, such as '512m' or '2g'",
            path="memory",
            value=text,
        )
    number, unit, _ = match.groups()
    return int(number) * _UNIT_FACTORS[unit.lower()]


@attrs.frozen(kw_only=True)
class VolumeMount:
    """One extra bind mount, parsed from ``"host:container[:ro|rw]"``.

    Attributes:
        host: The host path as written (relative paths are resolved when the run starts).
        container: The absolute path inside the container.
        read_only: Mount read-only (``:ro``); the default is read-write.

    Example:
        >>> VolumeMount.parse("/data:/app/data:ro").read_only
        True
    """

    host: str
    container: str
    read_only: bool = False

    @classmethod
    def parse(cls, text: str, *, path: str = "volumes") -> VolumeMount:
        """Parse ``"host:container[:ro|rw]"``.

        Args:
            text: The volume as written in the config.
            path: The field path named by errors.

        Raises:
            ConfigError: Missing parts, a relative container path or an unknown mode.
        """
        parts = text.split(":")
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ConfigError(
                f"{text!r} is not a volume; write 'host_path:container_path' with an "
                "optional ':ro' or ':rw'",
                path=path,
                value=text,
            )
        mode = parts[2] if len(parts) == 3 else "rw"
        if mode not in VOLUME_MODES:
            raise ConfigError(
                f"{mode!r} is not a volume mode in {text!r}; end the volume with ':ro' "
                "(read-only) or ':rw' (read-write), or leave the mode out",
                path=path,
                value=text,
            )
        if not parts[1].startswith("/"):
            raise ConfigError(
                f"the container path {parts[1]!r} in {text!r} is relative; container "
                "paths must start with '/'",
                path=path,
                value=text,
            )
        return cls(host=parts[0], container=parts[1], read_only=mode == "ro")

    def __str__(self) -> str:
        """Return the volume in the ``host:container:mode`` form."""
        return f"{self.host}:{self.container}:{'ro' if self.read_only else 'rw'}"


def has_process_count(mpiexec: str) -> bool:
    """Return True when the ``mpiexec`` command already sets the number of processes."""
    for token in shlex.split(mpiexec):
        flag = token.split("=", 1)[0]
        if flag in PROCESS_COUNT_FLAGS:
            return True
    return False


def compose_command(executable: Command, mpiexec: str, cpu: float | None) -> Command:
    """Put the MPI launcher (if any) in front of the model's command.

    When ``mpiexec`` is given, does not already set a process count (``-n``, ``-np``,
    ``--np``, ``-c``) and ``cpu`` is known, ``-np <cpu>`` is added (whole processes, at
    least one). A string command stays a string; an argv tuple stays a tuple.

    Args:
        executable: The model's command.
        mpiexec: The launcher, such as ``"mpirun"`` or ``"mpiexec --bind-to core"``; empty
            for none.
        cpu: The CPUs given to the container.

    Returns:
        The command to run.

    Example:
        >>> compose_command("swan.exe", "mpirun", 4)
        'mpirun -np 4 swan.exe'
    """
    launcher = mpiexec.strip()
    if not launcher:
        return executable
    if cpu is not None and not has_process_count(launcher):
        launcher = f"{launcher} -np {max(1, int(cpu))}"
    if isinstance(executable, str):
        return f"{launcher} {executable}"
    return (*shlex.split(launcher), *executable)


def _to_optional_path(value: Any) -> Path | None:
    return None if value is None else Path(value)


def _to_optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _to_volume_list(value: str | Iterable[str]) -> tuple[str, ...]:
    """Accept a list of volumes, or one volume written as a bare string."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


def _to_optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _check_image(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _IMAGE_PATTERN.match(value):
        raise ConfigError(
            f"{value!r} is not an image name; write a name such as 'swan:41.51' or "
            "'registry.example.org/team/swan:latest' without spaces",
            path=attribute.name,
            value=value,
        )


def _check_cpu(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and value <= 0:
        raise ConfigError(
            f"{value!r} is not a CPU count; give a positive number such as 4 or 0.5",
            path=attribute.name,
            value=value,
        )


def _check_memory(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and memory_to_bytes(value) < MIN_MEMORY_BYTES:
        raise ConfigError(
            f"{value!r} is below Docker's smallest memory limit; give at least '6m'",
            path=attribute.name,
            value=value,
        )


def _check_volumes(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for index, text in enumerate(value):
        VolumeMount.parse(text, path=f"{attribute.name}[{index}]")


def _check_mount_path(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.startswith("/") or value.rstrip("/") == "":
        raise ConfigError(
            f"{value!r} cannot hold the staging dir; give an absolute container path "
            f"other than '/', such as {DEFAULT_MOUNT_PATH!r}",
            path=attribute.name,
            value=value,
        )


def _check_user(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not value.strip():
        raise ConfigError(
            "the user is empty; give a name or 'uid:gid', or leave it out to run as the "
            "calling user",
            path=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class DockerExecution(ExecutionSpec):
    """Run the model inside a Docker container.

    Give exactly one of ``image`` (an image already present on the Docker host: rompy never
    pulls) or ``dockerfile`` (built under a tag derived from its content, and rebuilt only
    when the content changes).

    Attributes:
        image: A local image name, such as ``swan:41.51``.
        dockerfile: The Dockerfile, relative to ``build_context``; without a build context
            its own folder is the context.
        build_context: The folder sent to the build.
        build_args: ``--build-arg`` values.
        executable: The command run inside the container (a string runs through
            ``sh -c``; a list runs as is). None means the model config's default command.
        mpiexec: An MPI launcher put in front of the command; ``-np <cpu>`` is added unless
            it already gives a process count.
        cpu: CPUs the container may use (fractions allowed); also the default ``-np``.
        memory: Memory limit such as ``"2g"``; swap is limited to the same value so the
            limit is real.
        volumes: Extra bind mounts ``"host:container[:ro|rw]"``; host paths must exist when
            the run starts.
        remove_container: Remove the container when the run ends (keep it for debugging).
        user: ``name`` or ``uid:gid`` in the container; None means the calling user's
            ``uid:gid``, so files written into the staging dir belong to the caller.
        mount_path: Where the staging dir is mounted in the container; also the working
            dir of the command.
        timeout: Seconds after which the container is stopped.
        env_vars: Variables set in the container.

    Example:
        >>> DockerExecution(image="swan:41.51", cpu=4, mpiexec="mpirun").command_for("swan.exe")
        'mpirun -np 4 swan.exe'
    """

    type: ClassVar[str] = "docker"
    image: str | None = attrs.field(default=None, validator=_check_image)
    dockerfile: Path | None = attrs.field(default=None, converter=_to_optional_path)
    build_context: Path | None = attrs.field(default=None, converter=_to_optional_path)
    build_args: dict[str, str] = attrs.field(factory=dict)
    executable: Command | None = attrs.field(default=None, converter=to_command)
    mpiexec: str = ""
    cpu: float | None = attrs.field(
        default=None, converter=_to_optional_float, validator=_check_cpu
    )
    memory: str | None = attrs.field(
        default=None, converter=_to_optional_text, validator=_check_memory
    )
    volumes: tuple[str, ...] = attrs.field(
        default=(), converter=_to_volume_list, validator=_check_volumes
    )
    remove_container: bool = True
    user: str | None = attrs.field(default=None, validator=_check_user)
    mount_path: str = attrs.field(default=DEFAULT_MOUNT_PATH, validator=_check_mount_path)

    @classmethod
    def example(cls) -> DockerExecution:
        """Return a starter spec (used by ``rompy backends create``)."""
        return cls(
            image="rompy-test/busybox:latest",
            executable="cat INPUT",
            cpu=1,
            memory="512m",
            timeout=3600,
        )

    def __attrs_post_init__(self) -> None:
        """Check that the image comes from exactly one place."""
        if (self.image is None) == (self.dockerfile is None):
            given = "both" if self.image is not None else "neither"
            raise ConfigError(
                f"give exactly one of 'image' (a local image) or 'dockerfile' (an image "
                f"built by rompy); {given} was given",
                path="image",
                value=self.image,
            )
        self._check_volume_targets()
        if self.image is not None:
            self._check_no_build_settings()
        elif self.build_context is not None and self.dockerfile is not None:
            self._check_relative_dockerfile(self.dockerfile)

    def _check_volume_targets(self) -> None:
        staging = self.mount_path.rstrip("/")
        for index, mount in enumerate(self.mounts):
            if mount.container.rstrip("/") == staging:
                raise ConfigError(
                    f"the volume {str(mount)!r} would hide the staging dir mounted at "
                    f"{self.mount_path!r}; mount it elsewhere or change mount_path",
                    path=f"volumes[{index}]",
                    value=str(mount),
                )

    def _check_no_build_settings(self) -> None:
        if self.build_context is not None or self.build_args:
            raise ConfigError(
                "'build_context' and 'build_args' only apply with 'dockerfile'; remove "
                "them or build from a Dockerfile instead of naming an image",
                path="build_context" if self.build_context is not None else "build_args",
            )

    @staticmethod
    def _check_relative_dockerfile(dockerfile: Path) -> None:
        if dockerfile.is_absolute():
            raise ConfigError(
                f"{str(dockerfile)!r} is absolute; with a build_context give the "
                "Dockerfile relative to it",
                path="dockerfile",
                value=str(dockerfile),
            )

    @property
    def memory_bytes(self) -> int | None:
        """The memory limit in bytes, or None for no limit."""
        return None if self.memory is None else memory_to_bytes(self.memory)

    @property
    def mounts(self) -> tuple[VolumeMount, ...]:
        """The extra bind mounts, parsed."""
        return tuple(VolumeMount.parse(text) for text in self.volumes)

    def cpu_count(self) -> int | None:
        """Return the whole CPUs given to the container (None with ``mpiexec``: MPI uses them)."""
        if self.cpu is None or self.mpiexec:
            return None
        return max(1, int(self.cpu))

    def command_for(self, default_command: Command | None) -> Command:
        """Return the command to run: ``executable`` (or the model's default) with ``mpiexec``.

        Args:
            default_command: The model config's command.

        Raises:
            ConfigError: Neither the spec nor the model gives a command.
        """
        command = choose_command(self.executable, default_command, field="executable")
        return compose_command(command, self.mpiexec, self.cpu)
