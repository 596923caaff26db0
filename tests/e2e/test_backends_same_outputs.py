"""One pipeline file, three backends (local, docker, slurm): the same output bytes.

``rompy pipeline tests/fixtures/backends/pipeline.yml --backend-config <backend>.yml`` runs
in its own output dir per backend. Each backend file runs the same command, which writes
``out.txt`` from the generated ``INPUT`` (its SHA-256 without the "Generated: <time>" line,
and its line count). The docker and slurm runs need the real engines: under ``CI=true`` a
missing engine fails these tests, elsewhere they skip.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.conftest import FIXTURES
from tests.engines import require_docker, require_slurm

BACKENDS = FIXTURES / "backends"
PIPELINE = BACKENDS / "pipeline.yml"
RUN_ID = "cli_test_backend_run"
COMMAND_FIELDS = {"local": "command", "docker": "executable", "slurm": "command"}
UNPRIVILEGED_GID = 65534
"""nogroup: when the tests run as root, the docker run's caller takes this gid, so outputs
owned by root:root (the container default) cannot pass for the caller's."""


def run_pipeline(backend: str, workdir: Path, **ids: Any) -> Path:
    """Run ``rompy pipeline`` on ``backend`` into ``workdir/<backend>``; return out.txt.

    ``ids`` (``group=...``) are passed to :func:`subprocess.run` to set the caller's ids.
    """
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rompy",
            "pipeline",
            str(PIPELINE),
            "--backend-config",
            str(BACKENDS / f"{backend}.yml"),
            "--output-dir",
            backend,
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **ids,
    )
    assert 0 == result.returncode, f"{backend}: {result.stdout}\n{result.stderr}"
    return workdir / backend / RUN_ID / "out.txt"


def expected_output(input_file: Path) -> bytes:
    """What the command writes for ``input_file``, computed here without a shell."""
    text = input_file.read_bytes()
    kept = b"".join(line for line in text.splitlines(keepends=True) if b"Generated:" not in line)
    lines = len(text.splitlines())
    return f"{hashlib.sha256(kept).hexdigest()}  -\n{lines} INPUT\n".encode()


def caller_ids() -> dict[str, int]:
    """The ids the docker run's caller takes: its own, with gid nogroup when it is root."""
    return {"group": UNPRIVILEGED_GID} if os.getuid() == 0 else {}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("backends")


@pytest.fixture(scope="module")
def local_output(workdir: Path) -> Path:
    return run_pipeline("local", workdir)


@pytest.fixture(scope="module")
def docker_output(workdir: Path) -> Path:
    require_docker()
    return run_pipeline("docker", workdir, **caller_ids())


@pytest.fixture(scope="module")
def slurm_output(workdir: Path) -> Path:
    require_slurm()
    return run_pipeline("slurm", workdir)


def test_every_backend_file_runs_the_same_command() -> None:
    commands = {
        backend: yaml.safe_load((BACKENDS / f"{backend}.yml").read_text())[field]
        for backend, field in COMMAND_FIELDS.items()
    }

    assert 1 == len(set(commands.values())), commands


def test_the_local_run_writes_outputs_derived_from_its_input(local_output: Path) -> None:
    assert expected_output(local_output.parent / "INPUT") == local_output.read_bytes()


@pytest.mark.docker
def test_the_docker_run_gives_the_same_output_bytes_as_the_local_run(
    local_output: Path, docker_output: Path
) -> None:
    assert local_output.read_bytes() == docker_output.read_bytes()


@pytest.mark.docker
def test_the_docker_run_outputs_belong_to_the_calling_user(docker_output: Path) -> None:
    expected_gid = caller_ids().get("group", os.getgid())
    owner = docker_output.stat()

    assert (os.getuid(), expected_gid) == (owner.st_uid, owner.st_gid)


@pytest.mark.slurm
def test_the_slurm_run_gives_the_same_output_bytes_as_the_local_run(
    local_output: Path, slurm_output: Path
) -> None:
    assert local_output.read_bytes() == slurm_output.read_bytes()
