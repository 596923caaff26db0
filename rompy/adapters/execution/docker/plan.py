"""Planning a Docker run: the container's command, user, mounts, environment and limits.

Pure resolution from an :class:`~rompy.ports.execution.ExecutionRequest` to a
:class:`ContainerPlan`, plus the check that every mounted host path exists. Nothing here talks
to the daemon; docker-py is only imported to build the ``Mount`` values of the create call.
"""

from __future__ import annotations

import os
import re
import shlex
import uuid
from pathlib import Path
from typing import Any

import attrs

from rompy.adapters.spec_check import require_spec
from rompy.domain.errors import ConfigError, StagingError
from rompy.domain.execution.docker import DockerExecution
from rompy.domain.model_config import Command
from rompy.ports.execution import ExecutionRequest

RUN_ID_LABEL = "org.rompy.run-id"
"""Label carrying the run id on every container rompy creates."""

_NAME_UNSAFE = re.compile(r"[^a-zA-Z0-9_.-]+")


@attrs.frozen(kw_only=True)
class BindMount:
    """A host folder mounted into the container.

    Attributes:
        source: Absolute host path.
        target: Absolute container path.
        read_only: Mount read-only.
    """

    source: str
    target: str
    read_only: bool = False


@attrs.frozen(kw_only=True)
class ContainerPlan:
    """Everything needed to create the container, resolved from a request.

    Attributes:
        name: The container name (``rompy-<run id>-<8 hex digits>``).
        entrypoint: The program (``sh -c`` for string commands).
        command: Its arguments.
        display: The command as the user wrote it, for logs and messages.
        user: ``name`` or ``uid:gid`` inside the container.
        working_dir: The container working dir (the staging mount).
        environment: Variables set in the container.
        mounts: The staging dir first, then the spec's volumes.
        nano_cpus: CPU limit in billionths of a CPU, or None.
        memory_bytes: Memory (and memory+swap) limit, or None.
        run_id: The run id, put on the container as a label.
    """

    name: str
    entrypoint: tuple[str, ...]
    command: tuple[str, ...]
    display: str
    user: str
    working_dir: str
    environment: dict[str, str]
    mounts: tuple[BindMount, ...]
    nano_cpus: int | None
    memory_bytes: int | None
    run_id: str

    def create_options(self, image: str) -> dict[str, Any]:
        """Return the keyword arguments of ``client.containers.create`` for ``image``."""
        from docker.types import Mount

        options: dict[str, Any] = {
            "image": image,
            "name": self.name,
            "entrypoint": list(self.entrypoint),
            "command": list(self.command),
            "user": self.user,
            "working_dir": self.working_dir,
            "environment": dict(self.environment),
            "labels": {RUN_ID_LABEL: self.run_id},
            "mounts": [
                Mount(target=m.target, source=m.source, type="bind", read_only=m.read_only)
                for m in self.mounts
            ],
            "detach": True,
        }
        if self.nano_cpus is not None:
            options["nano_cpus"] = self.nano_cpus
        if self.memory_bytes is not None:
            options["mem_limit"] = self.memory_bytes
            options["memswap_limit"] = self.memory_bytes
        return options


def plan_container(request: ExecutionRequest) -> ContainerPlan:
    """Resolve the container of ``request``: command, user, mounts, environment, limits.

    Raises:
        ConfigError: No command, or a volume's host path does not exist.
        StagingError: The staging dir does not exist.
        TypeError: The request's spec is not a :class:`DockerExecution`.
    """
    spec = docker_spec(request)
    command = spec.command_for(request.default_command)
    entrypoint, arguments = _entrypoint(command)
    return ContainerPlan(
        name=container_name(request.run_id),
        entrypoint=entrypoint,
        command=arguments,
        display=command if isinstance(command, str) else shlex.join(command),
        user=spec.user or f"{os.getuid()}:{os.getgid()}",
        working_dir=spec.mount_path,
        environment={key: str(value) for key, value in spec.env_vars.items()},
        mounts=resolve_mounts(spec, request.staging_dir),
        nano_cpus=None if spec.cpu is None else round(spec.cpu * 1e9),
        memory_bytes=spec.memory_bytes,
        run_id=request.run_id,
    )


def container_name(run_id: str) -> str:
    """Return a fresh container name for ``run_id`` (safe characters, unique suffix)."""
    slug = _NAME_UNSAFE.sub("-", run_id).strip("-._")[:40] or "run"
    return f"rompy-{slug}-{uuid.uuid4().hex[:8]}"


def resolve_mounts(spec: DockerExecution, staging_dir: Path) -> tuple[BindMount, ...]:
    """Return the staging mount and the spec's volumes with absolute, existing host paths.

    Raises:
        StagingError: The staging dir does not exist.
        ConfigError: A volume's host path does not exist (path ``backend.volumes[i]``).
    """
    if not staging_dir.is_dir():
        raise StagingError.missing(staging_dir)
    mounts = [BindMount(source=str(staging_dir.resolve()), target=spec.mount_path)]
    for index, volume in enumerate(spec.mounts):
        host = Path(volume.host).expanduser().resolve()
        if not host.exists():
            raise ConfigError(
                f"the host path {volume.host!r} of volume {str(volume)!r} does not exist; "
                "create it or fix the volume",
                path=f"backend.volumes[{index}]",
                value=spec.volumes[index],
            )
        mounts.append(
            BindMount(source=str(host), target=volume.container, read_only=volume.read_only)
        )
    return tuple(mounts)


def docker_spec(request: ExecutionRequest) -> DockerExecution:
    """Return the request's spec, which must be a :class:`DockerExecution`."""
    return require_spec(request.spec, DockerExecution, "DockerExecutor")


def _entrypoint(command: Command) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if isinstance(command, str):
        return ("sh", "-c"), (command,)
    return (command[0],), tuple(command[1:])
