"""The Docker execution spec: validation, volume and memory parsing, MPI composition."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rompy.domain.errors import ConfigError
from rompy.domain.execution.docker import (
    DEFAULT_MOUNT_PATH,
    DockerExecution,
    VolumeMount,
    compose_command,
    memory_to_bytes,
)
from rompy.domain.execution.spec import ExecutionSpec

REFERENCE_YAML = """
type: docker
image: "python:3.9-slim"
timeout: 7200
cpu: 4
memory: "2g"
executable: 'bash -c "echo ''Hello from Docker!''"'
mpiexec: ""
volumes: ["/tmp:/tmp:rw"]
env_vars: {MODEL_THREADS: "4", DATA_DIR: "/app/data"}
remove_container: true
user: "root"
"""

MIB = 1024 * 1024


def reference_spec() -> DockerExecution:
    data = yaml.safe_load(REFERENCE_YAML)
    assert "docker" == data.pop("type")
    return DockerExecution(**data)


# --- the reference config ------------------------------------------------------------------


def test_docker_spec_is_an_execution_spec_tagged_docker() -> None:
    assert issubclass(DockerExecution, ExecutionSpec)
    assert "docker" == DockerExecution.type


def test_reference_config_keeps_image_timeout_and_user() -> None:
    spec = reference_spec()

    assert ("python:3.9-slim", 7200, "root") == (spec.image, spec.timeout, spec.user)


def test_reference_config_limits_four_cpus_and_two_gibibytes() -> None:
    spec = reference_spec()

    assert (4.0, 2 * 1024**3) == (spec.cpu, spec.memory_bytes)


def test_reference_config_unquotes_the_yaml_executable() -> None:
    assert "bash -c \"echo 'Hello from Docker!'\"" == reference_spec().executable


def test_reference_config_parses_its_volume_read_write() -> None:
    expected = (VolumeMount(host="/tmp", container="/tmp", read_only=False),)

    assert expected == reference_spec().mounts


def test_reference_config_keeps_env_vars_and_remove_container() -> None:
    spec = reference_spec()

    assert {"MODEL_THREADS": "4", "DATA_DIR": "/app/data"} == spec.env_vars
    assert spec.remove_container is True


def test_defaults_mount_the_staging_dir_at_the_documented_path_as_the_caller() -> None:
    spec = DockerExecution(image="busybox")

    assert (DEFAULT_MOUNT_PATH, None, True) == (spec.mount_path, spec.user, spec.remove_container)


# --- image or dockerfile -------------------------------------------------------------------


def test_image_and_dockerfile_together_are_refused_naming_both() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", dockerfile=Path("Dockerfile"))

    assert "image" in str(caught.value) and "dockerfile" in str(caught.value)


def test_neither_image_nor_dockerfile_is_refused_naming_both() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution()

    assert "image" in str(caught.value) and "dockerfile" in str(caught.value)


def test_a_dockerfile_alone_is_accepted_as_a_path() -> None:
    spec = DockerExecution(dockerfile="docker/Dockerfile", build_args={"V": "1"})

    assert Path("docker/Dockerfile") == spec.dockerfile


def test_build_args_with_an_image_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", build_args={"V": "1"})

    assert "build_args" == caught.value.path


def test_an_absolute_dockerfile_inside_a_build_context_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(dockerfile="/abs/Dockerfile", build_context="ctx")

    assert "dockerfile" == caught.value.path


@pytest.mark.parametrize("image", ["", "my image", "-dash"])
def test_malformed_image_names_are_refused(image: str) -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image=image)

    assert "image" == caught.value.path


# --- resources and other fields ------------------------------------------------------------


@pytest.mark.parametrize("cpu", [0, -1, -0.5])
def test_non_positive_cpu_is_refused(cpu: float) -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", cpu=cpu)

    assert "cpu" == caught.value.path


def test_non_positive_timeout_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", timeout=0)

    assert "timeout" == caught.value.path


@pytest.mark.parametrize("memory", ["lots", "2x", "1.5g", "-2g", "g"])
def test_malformed_memory_is_refused_at_load(memory: str) -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", memory=memory)

    assert "memory" == caught.value.path


def test_memory_below_docker_minimum_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", memory="1m")

    assert "6m" in str(caught.value)


def test_memory_given_as_a_yaml_number_means_bytes() -> None:
    assert 64 * MIB == DockerExecution(image="busybox", memory=64 * MIB).memory_bytes


def test_relative_mount_path_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", mount_path="work")

    assert "mount_path" == caught.value.path


def test_empty_user_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", user=" ")

    assert "user" == caught.value.path


# --- memory sizes --------------------------------------------------------------------------


@given(
    number=st.integers(min_value=0, max_value=10**6),
    unit=st.sampled_from([("", 1), ("k", 1024), ("m", MIB), ("g", 1024**3), ("t", 1024**4)]),
    upper=st.booleans(),
    suffix=st.sampled_from(["", "b", "ib"]),
)
def test_memory_sizes_convert_with_binary_units(
    number: int, unit: tuple[str, int], upper: bool, suffix: str
) -> None:
    letter, factor = unit
    text = f"{number}{letter}{suffix if letter else ''}"

    assert number * factor == memory_to_bytes(text.upper() if upper else text)


@given(text=st.text(alphabet="0123456789kmgtbi.-x ", max_size=8))
def test_memory_parser_either_converts_or_raises_a_config_error(text: str) -> None:
    try:
        value = memory_to_bytes(text)
    except ConfigError as error:
        assert text == error.value
    else:
        assert value >= 0


# --- volumes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/data:/app/data", VolumeMount(host="/data", container="/app/data", read_only=False)),
        ("/data:/app/data:ro", VolumeMount(host="/data", container="/app/data", read_only=True)),
        ("./in:/in:rw", VolumeMount(host="./in", container="/in", read_only=False)),
    ],
)
def test_volumes_parse_into_host_container_and_mode(text: str, expected: VolumeMount) -> None:
    assert expected == VolumeMount.parse(text)


def test_a_bad_volume_mode_names_the_volume_index() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", volumes=["/a:/a", "/b:/b:rx"])

    assert "volumes[1]" == caught.value.path
    assert "'rx'" in str(caught.value)


@pytest.mark.parametrize("text", ["/data", ":/app", "/data:", "/a:/b:ro:extra"])
def test_volumes_without_both_paths_are_refused(text: str) -> None:
    with pytest.raises(ConfigError):
        VolumeMount.parse(text)


def test_a_relative_container_path_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        VolumeMount.parse("/data:app")

    assert "relative" in str(caught.value)


def test_a_missing_host_path_is_accepted_at_load_time() -> None:
    spec = DockerExecution(image="busybox", volumes=["/no/such/dir/anywhere:/x:ro"])

    assert "/no/such/dir/anywhere" == spec.mounts[0].host


path_text = st.text(alphabet="abcxyz_-./", min_size=1, max_size=12)


@given(host=path_text, container=path_text, read_only=st.booleans())
def test_a_volume_written_out_parses_back_equal(host: str, container: str, read_only: bool) -> None:
    mount = VolumeMount(host=host, container="/" + container, read_only=read_only)

    assert mount == VolumeMount.parse(str(mount))


# --- mpiexec composition -------------------------------------------------------------------


def test_without_mpiexec_the_command_is_unchanged() -> None:
    assert "swan.exe" == compose_command("swan.exe", "", 4)


def test_mpiexec_gets_the_cpu_count_as_np() -> None:
    assert "mpirun -np 4 swan.exe" == compose_command("swan.exe", "mpirun", 4)


@pytest.mark.parametrize(
    "mpiexec", ["mpirun -np 8", "mpiexec -n 8", "mpirun --np=8", "mpirun -c 8", "mpirun --n 8"]
)
def test_mpiexec_with_a_process_count_is_not_given_a_second_one(mpiexec: str) -> None:
    assert f"{mpiexec} swan.exe" == compose_command("swan.exe", mpiexec, 4)


def test_mpiexec_options_are_kept_before_the_added_count() -> None:
    expected = "mpirun --bind-to core -np 2 swan.exe"

    assert expected == compose_command("swan.exe", "mpirun --bind-to core", 2)


def test_an_argv_command_stays_an_argv_with_the_launcher_split() -> None:
    expected = ("mpirun", "-np", "2", "swan.exe", "INPUT")

    assert expected == compose_command(("swan.exe", "INPUT"), "mpirun", 2)


def test_a_fractional_cpu_gives_at_least_one_process() -> None:
    assert "mpirun -np 1 m" == compose_command("m", "mpirun", 0.5)


def test_without_a_cpu_count_mpiexec_is_used_as_written() -> None:
    assert "mpirun m" == compose_command("m", "mpirun", None)


@given(count=st.integers(min_value=1, max_value=512), cpu=st.integers(min_value=1, max_value=64))
def test_composition_never_duplicates_the_process_count(count: int, cpu: int) -> None:
    composed = compose_command(("model",), f"mpirun -np {count}", cpu)

    assert 1 == composed.count("-np")


def test_command_for_uses_the_model_default_when_no_executable() -> None:
    spec = DockerExecution(image="busybox", mpiexec="mpirun", cpu=2)

    assert "mpirun -np 2 swan.exe" == spec.command_for("swan.exe")


def test_command_for_prefers_the_spec_executable() -> None:
    spec = DockerExecution(image="busybox", executable=["run.sh", "--fast"])

    assert ("run.sh", "--fast") == spec.command_for("swan.exe")


def test_command_for_without_any_command_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox").command_for(None)

    assert "backend.executable" == caught.value.path


def test_a_volume_over_the_staging_mount_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        DockerExecution(image="busybox", volumes=["/data:/in", f"/data:{DEFAULT_MOUNT_PATH}/"])

    assert "volumes[1]" == caught.value.path


def test_a_single_volume_string_is_one_volume() -> None:
    assert ("/data:/in:ro",) == DockerExecution(image="busybox", volumes="/data:/in:ro").volumes
