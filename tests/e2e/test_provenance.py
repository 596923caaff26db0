"""Run provenance from the command line: manifests of generate and run, and ``rompy verify``.

Generating one config twice gives the same input digests (the base example and the SWAN
example); a local, a docker and a slurm run each record what ran; ``rompy verify`` exits 0
when every input matches, 1 on drift and 2 without a run dir or manifest. The docker and
slurm runs need the real engines (under ``CI=true`` a missing engine fails the test).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.conftest import REPO, RunCli
from tests.e2e.test_backends_same_outputs import BACKENDS, PIPELINE, RUN_ID
from tests.engines import DOCKER_TEST_IMAGE, require_docker, require_slurm, require_swan

QUICKSTART = REPO / "examples" / "quickstart" / "pipeline.yml"
SWAN_EXAMPLE = REPO / "examples" / "swan"
MANIFEST = "rompy-manifest.json"


def manifest(staging: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((staging / MANIFEST).read_text())
    return data


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert 0 == result.returncode, result.stdout + result.stderr
    return result


@pytest.fixture
def swan_copy(tmp_path: Path) -> Path:
    shutil.copytree(SWAN_EXAMPLE, tmp_path / "examples" / "swan")
    return tmp_path / "examples" / "swan"


def test_generating_the_base_example_twice_gives_the_same_input_digests(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    ok(rompy_cli("generate", str(QUICKSTART)))
    first = manifest(tmp_path / "output" / "quickstart")
    ok(rompy_cli("generate", str(QUICKSTART), "--delete-existing"))
    second = manifest(tmp_path / "output" / "quickstart")
    assert (first["inputs"], True) == (second["inputs"], len(first["inputs"]) == 3)


def test_generating_the_swan_example_twice_gives_the_same_input_digests(
    rompy_cli: RunCli, tmp_path: Path, swan_copy: Path
) -> None:
    staging = tmp_path / "output" / "swan" / "bay"
    ok(rompy_cli("generate", "examples/swan/pipeline.yml"))
    first = manifest(staging)
    ok(rompy_cli("generate", "examples/swan/pipeline.yml", "--delete-existing"))
    second = manifest(staging)
    paths = {entry["path"] for entry in first["inputs"]}
    assert (first["inputs"], True) == (second["inputs"], {"INPUT", "wind.grd"} <= paths)


def test_the_swan_example_records_its_data_sources(
    rompy_cli: RunCli, tmp_path: Path, swan_copy: Path
) -> None:
    ok(rompy_cli("generate", "examples/swan/pipeline.yml"))
    sources = manifest(tmp_path / "output" / "swan" / "bay")["sources"]
    identities = {source["name"]: source["identity"] for source in sources}
    assert (["bottom", "wind"], True, True) == (
        sorted(identities),
        "inputs/bathymetry.nc" in identities["bottom"]["source"],
        "Slice(start=-1000.0" in identities["wind"]["ranges"],
    )


@pytest.mark.swan
def test_a_swan_run_records_the_swan_build_and_verifies(
    rompy_cli: RunCli, tmp_path: Path, swan_copy: Path
) -> None:
    require_swan()
    ok(rompy_cli("pipeline", "examples/swan/pipeline.yml"))
    staging = tmp_path / "output" / "swan" / "bay"
    executable = manifest(staging)["model"]["executable"]
    assert ("swan.exe", "41.01", Path(shutil.which("swan.exe") or "").resolve()) == (
        executable["program"],
        executable["build"]["swan_version"],
        Path(executable["path"]),
    )
    assert "all" in ok(rompy_cli("verify", str(staging))).stdout


def test_a_local_run_records_its_outcome_and_command(rompy_cli: RunCli, tmp_path: Path) -> None:
    ok(rompy_cli("run", str(QUICKSTART)))
    data = manifest(tmp_path / "output" / "quickstart")
    assert ("succeeded", "local", "cat INPUT && ls -l", "cat") == (
        data["outcome"],
        data["execution"]["executor"],
        data["execution"]["command"],
        data["model"]["executable"]["program"],
    )
    assert {"logs/quickstart.stdout.log", "logs/quickstart.stderr.log"} == {
        entry["path"] for entry in data["outputs"]
    }


def test_verify_exits_0_for_a_run_whose_inputs_match(rompy_cli: RunCli, tmp_path: Path) -> None:
    ok(rompy_cli("run", str(QUICKSTART)))
    result = rompy_cli("verify", "output/quickstart")
    assert (0, "verified output/quickstart: all 3 inputs match the manifest\n") == (
        result.returncode,
        result.stdout,
    )


def test_verify_exits_1_and_lists_every_drift(rompy_cli: RunCli, tmp_path: Path) -> None:
    ok(rompy_cli("run", str(QUICKSTART)))
    staging = tmp_path / "output" / "quickstart"
    (staging / "INPUT").write_text("edited\n")
    (staging / "datasets" / "readme.md").unlink()
    (staging / "mine.txt").write_text("dropped in\n")
    result = rompy_cli("verify", "output/quickstart")
    kinds = [line.split()[:2] for line in result.stdout.splitlines()[:-1]]
    assert (
        1,
        [["changed", "INPUT"], ["missing", "datasets/readme.md"], ["extra", "mine.txt"]],
    ) == (
        result.returncode,
        kinds,
    )


def test_verify_json_reports_the_drifts(rompy_cli: RunCli, tmp_path: Path) -> None:
    ok(rompy_cli("generate", str(QUICKSTART)))
    (tmp_path / "output" / "quickstart" / "INPUT").write_text("edited\n")
    report = json.loads(rompy_cli("verify", "output/quickstart", "--json").stdout)
    assert (False, ["INPUT"]) == (report["ok"], [drift["path"] for drift in report["drifts"]])


@pytest.mark.parametrize("where", ["nowhere", "."])
def test_verify_exits_2_without_a_run_dir_or_manifest(rompy_cli: RunCli, where: str) -> None:
    result = rompy_cli("verify", where)
    assert (2, "", True) == (
        result.returncode,
        result.stdout,
        result.stderr.startswith("error: ") and "Traceback" not in result.stderr,
    )


@pytest.mark.docker
def test_a_docker_run_records_the_image_it_ran_in(rompy_cli: RunCli, tmp_path: Path) -> None:
    require_docker()
    ok(
        rompy_cli(
            "run",
            str(PIPELINE),
            "--backend-config",
            str(BACKENDS / "docker.yml"),
            "--output-dir",
            "docker",
        )
    )
    image = manifest(tmp_path / "docker" / RUN_ID)["model"]["image"]
    inspected = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}}", DOCKER_TEST_IMAGE],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert (DOCKER_TEST_IMAGE, inspected) == (image["image"], image["image_id"])


@pytest.mark.slurm
def test_a_slurm_run_records_its_job_id(rompy_cli: RunCli, tmp_path: Path) -> None:
    require_slurm()
    ok(
        rompy_cli(
            "run",
            str(PIPELINE),
            "--backend-config",
            str(BACKENDS / "slurm.yml"),
            "--output-dir",
            "slurm",
        )
    )
    data = manifest(tmp_path / "slurm" / RUN_ID)
    command = yaml.safe_load((BACKENDS / "slurm.yml").read_text())["command"]
    assert (True, "succeeded", "slurm", command) == (
        data["execution"]["job_id"].isdigit(),
        data["outcome"],
        data["execution"]["executor"],
        data["execution"]["command"],
    )
