"""The ``docker`` executor: run the model in a container on a Docker host.

The staging dir is bind-mounted at the spec's ``mount_path`` (``/rompy/staging`` by default)
and is the command's working dir; by default the container runs as the calling user's
``uid:gid`` so files it writes there belong to the caller. A string command runs as
``sh -c <command>``, an argv as is; either replaces the image's entrypoint, so the spec's
command is exactly what runs. The container's stdout and stderr are followed line by line,
streamed to the log and saved under ``<staging>/logs/``. On timeout the container is stopped
(SIGTERM, then SIGKILL after a grace period). The container is removed at the end unless the
spec keeps it. :meth:`DockerExecutor.start` returns once the container runs, with a handle
that follows it and can stop it. rompy never pulls images
(see :mod:`rompy.adapters.execution.docker.images`).

docker-py is imported when a run starts, not when rompy is imported.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import attrs

from rompy.adapters.execution.docker.images import ResolvedImage, resolve_image
from rompy.adapters.execution.docker.plan import ContainerPlan, docker_spec, plan_container
from rompy.adapters.execution.output import OutputRecorder
from rompy.adapters.execution.report import failure_message, log_process_finished
from rompy.domain.errors import ExecutorUnavailableError
from rompy.domain.execution.docker import DockerExecution
from rompy.log import get_logger
from rompy.ports.execution import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    TIMED_OUT,
    ExecutionHandle,
    ExecutionRequest,
    RunOutcome,
)
from rompy.ports.handles import FinishedHandle, ThreadedHandle, wait_or_cancel

log = get_logger(__name__)

EXECUTOR_TYPE = "docker"
"""The ``type`` tag reported in outcomes."""

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
"""Where docker-py looks for the daemon when ``DOCKER_HOST`` is not set."""

SIGNAL_EXIT_BASE = 128
"""Container exit codes above this mean the main process was killed by signal (code - 128)."""


@attrs.frozen(kw_only=True)
class _Ending:
    status: str
    exit_code: int | None
    message: str = ""
    oom_killed: bool = False


def connect(base_url: str | None = None) -> Any:
    """Return a docker-py client connected to the daemon (``DOCKER_HOST`` by default).

    Raises:
        ExecutorUnavailableError: docker-py is not installed or the daemon does not answer.
    """
    docker = _import_docker()
    import requests

    where = base_url or os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_HOST
    try:
        client = docker.DockerClient(base_url=base_url) if base_url else docker.from_env()
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        raise ExecutorUnavailableError(
            f"cannot reach the Docker daemon at {where}: start dockerd "
            f"(scripts/engines/docker.sh); cause: {_short_reason(error)}"
        ) from error
    return client


class DockerExecutor:
    """Runs :class:`~rompy.domain.execution.docker.DockerExecution` specs in Docker containers.

    Args:
        base_url: The daemon's address (``unix:///var/run/docker.sock``); None follows
            ``DOCKER_HOST`` like the ``docker`` CLI.
        stop_grace: Seconds between SIGTERM and SIGKILL when a container is stopped.
        drain_timeout: Seconds to wait, once the container ended, for its log streams.

    Example:
        >>> outcome = DockerExecutor().execute(request)  # doctest: +SKIP
    """

    def __init__(
        self, *, base_url: str | None = None, stop_grace: float = 10.0, drain_timeout: float = 10.0
    ) -> None:
        """Configure where the daemon is and how containers are stopped."""
        self.base_url = base_url
        self.stop_grace = stop_grace
        self.drain_timeout = drain_timeout

    def execute(self, request: ExecutionRequest) -> RunOutcome:
        """Run the request in a container and describe what happened (:meth:`start` + wait).

        Raises:
            ConfigError: No command, or a volume's host path does not exist.
            StagingError: The staging dir does not exist.
            ExecutorUnavailableError: The daemon does not answer or the image is missing.
            ImageBuildError: The spec's Dockerfile does not build.
            KeyboardInterrupt: Re-raised after the container has been stopped.
        """
        return wait_or_cancel(self.start(request))

    def start(self, request: ExecutionRequest) -> ExecutionHandle:
        """Create and start the request's container; return at once with a handle on it.

        A thread of the handle follows the container (its logs, the spec's timeout), judges
        its end and removes it (unless the spec keeps it); ``cancel()`` stops it (SIGTERM,
        then SIGKILL after ``stop_grace``) and the outcome is ``cancelled``.

        Raises:
            ConfigError, StagingError, ExecutorUnavailableError, ImageBuildError: As
                :meth:`execute`, before anything runs.
        """
        plan = plan_container(request)
        client = connect(self.base_url)
        try:
            image = resolve_image(client, docker_spec(request))
            started = _Started(request=request, plan=plan, image=image)
            log.info(
                "process_started",
                run_id=request.run_id,
                executor=EXECUTOR_TYPE,
                command=plan.display,
                image=image.reference,
                container=plan.name,
                env_keys=sorted(plan.environment),
            )
            recorder = OutputRecorder(staging_dir=request.staging_dir, name=request.run_id)
            recorder.open()
        except BaseException:
            client.close()
            raise
        return self._follow_container(client, started, recorder)

    def _follow_container(
        self, client: Any, started: _Started, recorder: OutputRecorder
    ) -> ExecutionHandle:
        spec = docker_spec(started.request)
        try:
            container, refusal = _create_and_start(client, started.plan, started.image.reference)
        except BaseException:
            recorder.close()
            client.close()
            raise
        if refusal is not None:
            self._close(client, container, spec, recorder)
            return FinishedHandle(started.outcome(refusal, spec, recorder))

        def follow(cancelled: threading.Event) -> RunOutcome:
            try:
                with recorder:
                    ending = self._run(container, spec, started.plan.name, recorder, cancelled)
            finally:
                self._close(client, container, spec, None)
            return started.outcome(ending, spec, recorder)

        def stop() -> None:
            log.warning("run_cancelled", run_id=started.request.run_id, container=container.name)
            self._stop(container)

        return ThreadedHandle(started.request.run_id, follow, stop=stop, executor=EXECUTOR_TYPE)

    def _close(
        self, client: Any, container: Any, spec: DockerExecution, recorder: OutputRecorder | None
    ) -> None:
        try:
            if container is not None:
                self._dispose(container, spec.remove_container)
        finally:
            if recorder is not None:
                recorder.close()
            client.close()

    def _run(
        self,
        container: Any,
        spec: DockerExecution,
        name: str,
        recorder: OutputRecorder,
        cancelled: threading.Event,
    ) -> _Ending:
        pumps = [_follow(container, recorder, stream) for stream in ("stdout", "stderr")]
        timed_out = self._wait(container, spec.timeout)
        for pump in pumps:
            pump.join(self.drain_timeout)
        container.reload()
        if cancelled.is_set() and not timed_out:
            fate = f"kept as {name}" if not spec.remove_container else "removed"
            message = f"cancelled; the container was stopped and {fate}"
            exit_code = container.attrs["State"].get("ExitCode")
            return _Ending(status=CANCELLED, exit_code=exit_code, message=message)
        return _judge(container.attrs["State"], timed_out, spec, name, recorder)

    def _wait(self, container: Any, timeout: float | None) -> bool:
        """Wait for the container to end; stop it and return True when ``timeout`` passes."""
        import requests

        clock = time.monotonic()
        try:
            container.wait(timeout=timeout)
        except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError) as error:
            if timeout is None or time.monotonic() - clock < timeout * 0.9:
                raise ExecutorUnavailableError(
                    f"lost the Docker daemon while waiting for container {container.name}: "
                    f"{_short_reason(error)}"
                ) from error
            log.warning("run_timeout_expired", container=container.name, timeout=timeout)
            self._stop(container)
            return True
        return False

    def _stop(self, container: Any) -> None:
        """SIGTERM the container, then SIGKILL it after the grace period (whole seconds)."""
        container.stop(timeout=math.ceil(self.stop_grace))

    def _dispose(self, container: Any, remove: bool) -> None:
        """Remove the container, or make sure a kept one is no longer running."""
        import docker.errors
        import requests

        try:
            if remove:
                container.remove(force=True)
                return
            container.reload()
            if container.status == "running":
                self._stop(container)
            log.info("container_kept", container=container.name)
        except docker.errors.NotFound:
            return
        except (docker.errors.APIError, requests.exceptions.RequestException) as error:
            log.warning(
                "container_cleanup_failed", container=container.name, error=_short_reason(error)
            )


@attrs.frozen(kw_only=True)
class _Started:
    """A container run as it starts: its request, plan, image and start time."""

    request: ExecutionRequest
    plan: ContainerPlan
    image: ResolvedImage
    started_at: datetime = attrs.field(factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    clock: float = attrs.field(factory=time.monotonic)

    def outcome(
        self, ending: _Ending, spec: DockerExecution, recorder: OutputRecorder
    ) -> RunOutcome:
        """Describe the run that ended with ``ending`` (and log it)."""
        outcome = RunOutcome(
            run_id=self.request.run_id,
            executor=EXECUTOR_TYPE,
            status=ending.status,
            exit_code=ending.exit_code,
            started_at=self.started_at,
            duration=time.monotonic() - self.clock,
            stdout_path=recorder.stdout_path,
            stderr_path=recorder.stderr_path,
            message=ending.message,
            details=_details(self.plan, self.image, ending, spec, recorder),
        )
        log_process_finished(log, outcome, EXECUTOR_TYPE)
        return outcome


def _create_and_start(client: Any, plan: ContainerPlan, image: str) -> tuple[Any, _Ending | None]:
    """Create and start the container; the ending says why Docker refused (None: started)."""
    import docker.errors

    try:
        container = client.containers.create(**plan.create_options(image))
    except docker.errors.APIError as error:
        return None, _Ending(status=FAILED, exit_code=None, message=_refused("create", error))
    try:
        container.start()
    except docker.errors.APIError as error:
        container.reload()
        exit_code = container.attrs["State"].get("ExitCode")
        return container, _Ending(
            status=FAILED, exit_code=exit_code, message=_refused("start", error)
        )
    return container, None


def _follow(container: Any, recorder: OutputRecorder, stream: str) -> threading.Thread:
    """Start a daemon thread recording the container's ``stream`` line by line."""

    def pump() -> None:
        import docker.errors
        import requests

        try:
            chunks = container.logs(
                stream=True, follow=True, stdout=stream == "stdout", stderr=stream == "stderr"
            )
            record_chunks(recorder, stream, chunks)
        except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
            log.debug("container_logs_closed", stream=stream, error=_short_reason(error))

    thread = threading.Thread(target=pump, name=f"rompy-docker-{stream}", daemon=True)
    thread.start()
    return thread


def record_chunks(recorder: OutputRecorder, stream: str, chunks: Iterable[bytes]) -> None:
    """Record byte chunks (cut anywhere) on ``stream``, then end the stream."""
    for chunk in chunks:
        recorder.feed(stream, chunk)
    recorder.end(stream)


def _judge(
    state: dict[str, Any],
    timed_out: bool,
    spec: DockerExecution,
    name: str,
    recorder: OutputRecorder,
) -> _Ending:
    exit_code = state.get("ExitCode")
    oom_killed = bool(state.get("OOMKilled"))
    if timed_out:
        fate = f"kept as {name}" if not spec.remove_container else "removed"
        message = f"timed out after {spec.timeout:g} seconds; the container was stopped and {fate}"
        return _Ending(status=TIMED_OUT, exit_code=exit_code, message=message)
    if oom_killed:
        limit = f" (limit {spec.memory})" if spec.memory else ""
        message = f"killed: out of memory{limit}"
        return _Ending(status=FAILED, exit_code=exit_code, message=message, oom_killed=True)
    if exit_code == 0:
        return _Ending(status=SUCCEEDED, exit_code=0)
    message = failure_message(_as_returncode(exit_code), recorder.last_lines("stderr"))
    return _Ending(status=FAILED, exit_code=exit_code, message=message)


def _details(
    plan: ContainerPlan,
    image: ResolvedImage,
    ending: _Ending,
    spec: DockerExecution,
    recorder: OutputRecorder,
) -> dict[str, Any]:
    return {
        "command": plan.display,
        "image": image.reference,
        "image_id": image.image_id,
        "image_digest": image.digest,
        "image_built": image.built,
        "container_name": plan.name,
        "container_kept": not spec.remove_container,
        "user": plan.user,
        "oom_killed": ending.oom_killed,
        **recorder.summary(),
    }


def _refused(action: str, error: Any) -> str:
    return f"Docker could not {action} the container: {_short_reason(error)}"


def _as_returncode(exit_code: Any) -> int:
    """Turn a container exit code into a process return code (negative for 128+signal)."""
    code = int(exit_code) if exit_code is not None else 1
    return -(code - SIGNAL_EXIT_BASE) if SIGNAL_EXIT_BASE < code < SIGNAL_EXIT_BASE + 65 else code


def _short_reason(error: BaseException) -> str:
    text = str(getattr(error, "explanation", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _import_docker() -> Any:
    try:
        import docker
    except ImportError as error:
        raise ExecutorUnavailableError(
            "the docker executor needs the docker package: pip install 'rompy[docker]'"
        ) from error
    return docker
