"""The Docker executor against a real Docker daemon and the local rompy-test/busybox image."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rompy.adapters.execution.docker.executor import DockerExecutor, connect, record_chunks
from rompy.adapters.execution.docker.images import ImageBuildError, build_inputs, build_tag
from rompy.adapters.execution.output import OutputRecorder
from rompy.domain.errors import ConfigError, ExecutorUnavailableError, RompyError
from rompy.domain.execution.docker import DEFAULT_MOUNT_PATH, DockerExecution
from rompy.ports.execution import ExecutionRequest, RunOutcome
from tests.engines import DOCKER_TEST_IMAGE, require_docker

TEST_IMAGE = DOCKER_TEST_IMAGE
FIXTURES = Path(__file__).parents[2] / "fixtures" / "docker"
MIB = 1024 * 1024


@pytest.fixture(scope="session")
def requires_docker() -> None:
    """Skip when no Docker daemon answers (fail under CI) or the test image is missing."""
    require_docker(TEST_IMAGE)


@pytest.fixture
def client(requires_docker: None) -> Iterator[Any]:
    docker_client = connect()
    yield docker_client
    docker_client.close()


@pytest.fixture
def executor(requires_docker: None) -> DockerExecutor:
    return DockerExecutor(stop_grace=1.0)


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    path = tmp_path / "staging"
    path.mkdir()
    return path


def run(executor: DockerExecutor, staging: Path, **fields: Any) -> RunOutcome:
    fields.setdefault("image", TEST_IMAGE)
    spec = DockerExecution(**fields)
    return executor.execute(ExecutionRequest(run_id="test-run", staging_dir=staging, spec=spec))


def stdout_of(outcome: RunOutcome) -> str:
    assert outcome.stdout_path is not None
    return outcome.stdout_path.read_text()


def copy_fixture(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name))


# --- a run and its staging dir -------------------------------------------------------------


@pytest.mark.docker
def test_a_run_writes_its_outputs_into_the_staging_dir(
    executor: DockerExecutor, staging: Path
) -> None:
    outcome = run(executor, staging, executable="echo done > result.txt")

    assert (True, "done\n") == (outcome.ok, (staging / "result.txt").read_text())


@pytest.mark.docker
def test_outputs_belong_to_the_calling_user(executor: DockerExecutor, staging: Path) -> None:
    run(executor, staging, executable="echo done > result.txt")

    owner = (staging / "result.txt").stat()
    assert (os.getuid(), os.getgid()) == (owner.st_uid, owner.st_gid)


@pytest.mark.docker
def test_an_explicit_user_runs_the_command_as_that_uid(
    executor: DockerExecutor, staging: Path
) -> None:
    staging.chmod(0o777)

    outcome = run(executor, staging, user="4321:4321", executable="id -u; touch mine")

    assert ("4321\n", 4321) == (stdout_of(outcome), (staging / "mine").stat().st_uid)


@pytest.mark.docker
def test_the_command_runs_in_the_staging_mount(executor: DockerExecutor, staging: Path) -> None:
    outcome = run(executor, staging, executable="pwd")

    assert f"{DEFAULT_MOUNT_PATH}\n" == stdout_of(outcome)


@pytest.mark.docker
def test_an_argv_command_runs_without_a_shell(executor: DockerExecutor, staging: Path) -> None:
    outcome = run(executor, staging, executable=["echo", "$HOME", "a  b"])

    assert "$HOME a  b\n" == stdout_of(outcome)


@pytest.mark.docker
def test_the_model_default_command_runs_when_the_spec_has_none(
    executor: DockerExecutor, staging: Path
) -> None:
    spec = DockerExecution(image=TEST_IMAGE)
    request = ExecutionRequest(
        run_id="test-run", staging_dir=staging, spec=spec, default_command="echo from-model"
    )

    assert "from-model\n" == stdout_of(executor.execute(request))


@pytest.mark.docker
def test_stdout_and_stderr_are_saved_separately(executor: DockerExecutor, staging: Path) -> None:
    outcome = run(executor, staging, executable="echo out; echo err >&2")

    assert outcome.stderr_path is not None
    assert ("out\n", "err\n") == (stdout_of(outcome), outcome.stderr_path.read_text())
    assert staging / "logs" / "test-run.stdout.log" == outcome.stdout_path


@pytest.mark.docker
def test_env_vars_are_visible_in_the_container(executor: DockerExecutor, staging: Path) -> None:
    outcome = run(
        executor,
        staging,
        env_vars={"MODEL_THREADS": "4", "DATA_DIR": "/app/data"},
        executable='echo "$MODEL_THREADS $DATA_DIR"',
    )

    assert "4 /app/data\n" == stdout_of(outcome)


# --- extra volumes -------------------------------------------------------------------------


@pytest.fixture
def shared_data(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "bathymetry.txt").write_text("depth 12\n")
    return folder


@pytest.mark.docker
def test_a_read_only_volume_is_readable(
    executor: DockerExecutor, staging: Path, shared_data: Path
) -> None:
    outcome = run(
        executor,
        staging,
        volumes=[f"{shared_data}:/data:ro"],
        executable="cat /data/bathymetry.txt",
    )

    assert "depth 12\n" == stdout_of(outcome)


@pytest.mark.docker
def test_a_read_only_volume_refuses_writes(
    executor: DockerExecutor, staging: Path, shared_data: Path
) -> None:
    outcome = run(
        executor, staging, volumes=[f"{shared_data}:/data:ro"], executable="touch /data/new"
    )

    assert ("failed", False) == (outcome.status, (shared_data / "new").exists())
    assert "Read-only file system" in outcome.message


@pytest.mark.docker
def test_a_read_write_volume_receives_writes(
    executor: DockerExecutor, staging: Path, shared_data: Path
) -> None:
    run(executor, staging, volumes=[f"{shared_data}:/data"], executable="echo x > /data/new")

    assert "x\n" == (shared_data / "new").read_text()


def test_a_missing_volume_host_path_is_a_config_error_naming_the_volume(
    staging: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "not-there"

    with pytest.raises(ConfigError) as caught:
        run(
            DockerExecutor(),
            staging,
            volumes=["/tmp:/t", f"{missing}:/data:ro"],
            executable="true",
        )

    assert "backend.volumes[1]" == caught.value.path


# --- resources -----------------------------------------------------------------------------

ALLOCATE_200_MB = "dd if=/dev/zero of=/dev/null bs=200M count=1"


@pytest.mark.docker
def test_the_memory_limit_kills_a_process_allocating_more_and_reports_oom(
    executor: DockerExecutor, staging: Path
) -> None:
    outcome = run(executor, staging, memory="32m", executable=ALLOCATE_200_MB)

    assert ("failed", "killed: out of memory (limit 32m)") == (outcome.status, outcome.message)
    assert outcome.details["oom_killed"] is True


@pytest.mark.docker
def test_without_a_memory_limit_the_same_allocation_succeeds(
    executor: DockerExecutor, staging: Path
) -> None:
    outcome = run(executor, staging, executable=ALLOCATE_200_MB)

    assert ("succeeded", False) == (outcome.status, outcome.details["oom_killed"])


@pytest.mark.docker
def test_limits_reach_the_container_with_swap_equal_to_memory(
    executor: DockerExecutor, staging: Path, client: Any
) -> None:
    outcome = run(
        executor, staging, cpu=0.5, memory="64m", remove_container=False, executable="true"
    )
    container = client.containers.get(outcome.details["container_name"])
    try:
        host = container.attrs["HostConfig"]
        actual = (host["NanoCpus"], host["Memory"], host["MemorySwap"])
    finally:
        container.remove(force=True)

    assert (500_000_000, 64 * MIB, 64 * MIB) == actual


# --- timeouts ------------------------------------------------------------------------------


def containers_named(client: Any, name: str) -> list[Any]:
    return [c for c in client.containers.list(all=True) if c.name == name]


@pytest.mark.docker
def test_a_timeout_stops_the_container_and_removes_it(
    executor: DockerExecutor, staging: Path, client: Any
) -> None:
    outcome = run(executor, staging, timeout=1, executable="sleep 60")

    assert ("timed_out", []) == (
        outcome.status,
        containers_named(client, outcome.details["container_name"]),
    )
    assert outcome.duration < 30


@pytest.mark.docker
def test_a_timeout_keeps_the_stopped_container_when_asked(
    executor: DockerExecutor, staging: Path, client: Any
) -> None:
    outcome = run(executor, staging, timeout=1, remove_container=False, executable="sleep 60")
    name = outcome.details["container_name"]
    kept = containers_named(client, name)
    for container in kept:
        container.remove(force=True)

    assert ("timed_out", ["exited"]) == (outcome.status, [c.status for c in kept])
    assert name in outcome.message


# --- failures ------------------------------------------------------------------------------


@pytest.mark.docker
def test_a_failing_command_reports_its_exit_code_and_stderr_tail(
    executor: DockerExecutor, staging: Path
) -> None:
    command = "for i in $(seq 1 30); do echo problem-$i >&2; done; exit 3"

    outcome = run(executor, staging, executable=command)

    assert ("failed", 3) == (outcome.status, outcome.exit_code)
    assert "exit code 3" in outcome.message
    assert "problem-30" in outcome.message


@pytest.mark.docker
def test_a_command_missing_from_the_image_fails_with_exit_code_127(
    executor: DockerExecutor, staging: Path
) -> None:
    outcome = run(executor, staging, executable=["no-such-model"])

    assert ("failed", 127) == (outcome.status, outcome.exit_code)
    assert "no-such-model" in outcome.message


@pytest.mark.docker
def test_the_outcome_names_the_image_id_and_the_container(
    executor: DockerExecutor, staging: Path, client: Any
) -> None:
    outcome = run(executor, staging, executable="true")

    assert client.images.get(TEST_IMAGE).id == outcome.details["image_id"]
    assert outcome.details["container_name"].startswith("rompy-test-run-")


@pytest.mark.docker
def test_a_missing_image_is_a_clear_error_and_is_never_pulled(
    executor: DockerExecutor, staging: Path
) -> None:
    image = f"rompy-test/not-built-{uuid.uuid4().hex[:8]}:latest"

    with pytest.raises(ExecutorUnavailableError) as caught:
        run(executor, staging, image=image, executable="true")

    assert f"image {image} is not present locally" in str(caught.value)
    assert "docker load" in str(caught.value)


def test_an_unreachable_daemon_is_a_clear_error(staging: Path, tmp_path: Path) -> None:
    address = f"unix://{tmp_path}/no-daemon.sock"

    with pytest.raises(ExecutorUnavailableError) as caught:
        run(DockerExecutor(base_url=address), staging, executable="true")

    assert f"cannot reach the Docker daemon at {address}" in str(caught.value)
    assert "scripts/engines/docker.sh" in str(caught.value)


# --- images built from a Dockerfile --------------------------------------------------------


@pytest.fixture
def built_tags(client: Any) -> Iterator[list[str]]:
    tags: list[str] = []
    yield tags
    for tag in tags:
        client.images.remove(tag, force=True)


@pytest.mark.docker
def test_a_dockerfile_is_built_under_its_deterministic_tag_then_reused(
    executor: DockerExecutor, staging: Path, tmp_path: Path, built_tags: list[str]
) -> None:
    greeting = f"hi-{uuid.uuid4().hex}"  # a fresh build arg, so the first run must build
    fields: dict[str, Any] = {
        "image": None,
        "dockerfile": "Dockerfile",
        "build_context": copy_fixture("greeting", tmp_path),
        "build_args": {"GREETING": greeting},
        "executable": "cat /opt/rompy/greeting",
    }
    expected_tag = build_tag(build_inputs(DockerExecution(**fields)))
    built_tags.append(expected_tag)

    first = run(executor, staging, **fields)
    second = run(executor, staging, **fields)

    assert re.fullmatch(r"rompy-build/greeting:[0-9a-f]{12}", expected_tag)
    assert (expected_tag, True, f"{greeting}\n") == (
        first.details["image"],
        first.details["image_built"],
        stdout_of(first),
    )
    assert (expected_tag, False) == (second.details["image"], second.details["image_built"])
    assert first.details["image_id"] == second.details["image_id"]


@pytest.mark.docker
def test_a_failing_build_raises_with_the_build_log_tail(
    executor: DockerExecutor, staging: Path, tmp_path: Path
) -> None:
    context = copy_fixture("broken", tmp_path)

    with pytest.raises(ImageBuildError) as caught:
        run(executor, staging, image=None, dockerfile=context / "Dockerfile", executable="true")

    assert isinstance(caught.value, RompyError)
    assert "about to fail on purpose" in str(caught.value)
    assert caught.value.build_log


def test_a_missing_dockerfile_is_a_config_error(staging: Path, tmp_path: Path) -> None:
    spec = DockerExecution(dockerfile="Dockerfile.missing", build_context=tmp_path)

    with pytest.raises(ConfigError) as caught:
        build_inputs(spec)

    assert "backend.dockerfile" == caught.value.path


def tag_of(context: Path, **build_args: str) -> str:
    spec = DockerExecution(dockerfile="Dockerfile", build_context=context, build_args=build_args)
    return build_tag(build_inputs(spec))


def test_the_build_tag_is_the_same_for_the_same_inputs(tmp_path: Path) -> None:
    context = copy_fixture("greeting", tmp_path)

    assert tag_of(context, GREETING="a") == tag_of(context, GREETING="a")


def test_the_build_tag_changes_with_a_build_arg(tmp_path: Path) -> None:
    context = copy_fixture("greeting", tmp_path)

    assert tag_of(context, GREETING="a") != tag_of(context, GREETING="b")


def test_the_build_tag_changes_with_a_context_file(tmp_path: Path) -> None:
    context = copy_fixture("greeting", tmp_path)
    before = tag_of(context)

    (context / "message.txt").write_text("changed\n")

    assert before != tag_of(context)


def test_the_build_tag_ignores_files_the_dockerignore_excludes(tmp_path: Path) -> None:
    context = copy_fixture("greeting", tmp_path)
    (context / ".dockerignore").write_text("scratch/\n")
    before = tag_of(context)

    (context / "scratch").mkdir()
    (context / "scratch" / "notes.txt").write_text("not sent to the build\n")

    assert before == tag_of(context)


# --- log streaming -------------------------------------------------------------------------


def test_chunks_cut_anywhere_are_recorded_as_whole_lines(tmp_path: Path) -> None:
    chunks = [b"fir", b"st\nsec", b"ond\n", b"third"]

    with OutputRecorder(staging_dir=tmp_path, name="r", stream=False) as recorder:
        record_chunks(recorder, "stdout", chunks)

    assert ["first", "second", "third"] == recorder.last_lines("stdout")
