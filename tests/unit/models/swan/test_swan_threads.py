"""The SWAN model picks its serial or OpenMP build from the backend's CPU count."""

from __future__ import annotations

from typing import Any

import pytest

from rompy import ConfigError, ModelRun, bootstrap
from rompy.domain.execution.docker import DockerExecution
from rompy.domain.execution.slurm import SlurmExecution
from rompy.domain.execution.spec import LocalExecution
from rompy.services.execute import execution_request
from tests.unit.models.swan.test_swan_commands import basin_config


@pytest.fixture(scope="module")
def app() -> Any:
    return bootstrap()


def swan_run(app: Any, **changes: Any) -> ModelRun:
    config = {**basin_config()["config"], **changes}
    run: ModelRun = app.structure({"config": config}, ModelRun)
    return run


@pytest.mark.parametrize(
    ("threads", "cpus", "command"),
    [
        (None, None, "swan.exe"),
        (None, 1, "swan.exe"),
        (None, 4, "env OMP_NUM_THREADS=4 swanomp.exe"),
        (1, 4, "swan.exe"),
        (3, None, "env OMP_NUM_THREADS=3 swanomp.exe"),
        (3, 8, "env OMP_NUM_THREADS=3 swanomp.exe"),
    ],
)
def test_threads_come_from_the_config_else_from_the_backend(
    app: Any, threads: int | None, cpus: int | None, command: str
) -> None:
    run = swan_run(app, threads=threads)

    assert command == run.config.command_for(cpus)


@pytest.mark.parametrize(
    ("backend", "cpus"),
    [
        (LocalExecution(), None),
        (LocalExecution(cpus=2), 2),
        (SlurmExecution(cpus_per_task=6), 6),
        (DockerExecution(image="swan", cpu=2.5), 2),
        (DockerExecution(image="swan", cpu=0.5), 1),
        (DockerExecution(image="swan", cpu=4, mpiexec="mpirun"), None),
        (DockerExecution(image="swan"), None),
    ],
)
def test_each_backend_says_how_many_cpus_a_run_gets(backend: Any, cpus: int | None) -> None:
    assert cpus == backend.cpu_count()


def test_the_execution_request_carries_the_command_for_the_backends_cpus(app: Any) -> None:
    run = swan_run(app)

    request = execution_request(run, SlurmExecution(cpus_per_task=2))

    assert "env OMP_NUM_THREADS=2 swanomp.exe" == request.default_command


@pytest.mark.parametrize("threads", [0, -2, True, "many"])
def test_a_bad_thread_count_is_refused_naming_the_field(app: Any, threads: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        swan_run(app, threads=threads)

    assert "config.threads" == raised.value.path


def test_a_bad_local_cpu_count_is_refused_naming_the_field(app: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        app.structure({"type": "local", "cpus": 0}, LocalExecution)

    assert "cpus" == raised.value.path
