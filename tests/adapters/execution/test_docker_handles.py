"""Handles on Docker runs (``DockerExecutor.start``) against a real Docker daemon."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rompy.adapters.execution.docker.executor import DockerExecutor, connect
from rompy.domain.execution.docker import DockerExecution
from rompy.ports.execution import (
    CANCELLED,
    RUNNING,
    SUCCEEDED,
    ExecutionRequest,
    StartingExecutor,
)
from tests.engines import DOCKER_TEST_IMAGE, require_docker

pytestmark = pytest.mark.docker


@pytest.fixture(scope="session")
def requires_docker() -> None:
    """Skip when no Docker daemon answers (fail under CI) or the test image is missing."""
    require_docker(DOCKER_TEST_IMAGE)


@pytest.fixture
def client(requires_docker: None) -> Iterator[Any]:
    docker_client = connect()
    yield docker_client
    docker_client.close()


@pytest.fixture
def executor(requires_docker: None) -> DockerExecutor:
    return DockerExecutor(stop_grace=1.0)


def make_request(tmp_path: Path, command: str, **fields: Any) -> ExecutionRequest:
    staging = tmp_path / "staging"
    staging.mkdir()
    spec = DockerExecution(image=DOCKER_TEST_IMAGE, executable=command, **fields)
    return ExecutionRequest(run_id="handle-run", staging_dir=staging, spec=spec)


def container_status(client: Any, name: str) -> str | None:
    found = [c for c in client.containers.list(all=True) if c.name == name]
    return found[0].status if found else None


def test_the_docker_executor_starts_runs(executor: DockerExecutor) -> None:
    assert isinstance(executor, StartingExecutor)


def test_a_started_container_runs_to_success(executor: DockerExecutor, tmp_path: Path) -> None:
    handle = executor.start(make_request(tmp_path, "echo written > out.txt"))

    outcome = handle.wait(timeout=120)

    assert outcome is not None
    assert (SUCCEEDED, SUCCEEDED) == (outcome.status, handle.status())
    assert "written\n" == (tmp_path / "staging" / "out.txt").read_text()


def test_a_wait_that_times_out_leaves_the_container_running(
    executor: DockerExecutor, tmp_path: Path, client: Any
) -> None:
    handle = executor.start(make_request(tmp_path, "sleep 60"))
    try:
        assert handle.wait(timeout=0.5) is None
        name = next(c.name for c in client.containers.list() if c.name.startswith("rompy-handle"))
        assert (RUNNING, "running") == (handle.status(), container_status(client, name))
    finally:
        handle.cancel()
        handle.wait(timeout=120)


def test_a_cancelled_container_ends_cancelled_and_is_removed(
    executor: DockerExecutor, tmp_path: Path, client: Any
) -> None:
    handle = executor.start(make_request(tmp_path, "sleep 60"))

    handle.cancel()
    outcome = handle.wait(timeout=120)

    assert outcome is not None
    assert CANCELLED == outcome.status
    assert container_status(client, outcome.details["container_name"]) is None


def test_a_cancelled_container_is_kept_stopped_when_the_spec_keeps_it(
    executor: DockerExecutor, tmp_path: Path, client: Any
) -> None:
    handle = executor.start(make_request(tmp_path, "sleep 60", remove_container=False))

    handle.cancel()
    outcome = handle.wait(timeout=120)

    assert outcome is not None
    name = outcome.details["container_name"]
    try:
        assert (CANCELLED, "exited") == (outcome.status, container_status(client, name))
    finally:
        client.containers.get(name).remove(force=True)
