"""Checks that a real engine is here, for the tests that need one (Docker, SLURM).

A missing engine fails the test under ``CI=true`` (CI must run every engine test) and skips
it elsewhere, with the reason and the script that starts the engine.

Example:
    >>> @pytest.fixture(scope="session")
    ... def docker_engine() -> None:
    ...     require_docker()
"""

from __future__ import annotations

import os
import subprocess
from typing import NoReturn

import pytest

DOCKER_TEST_IMAGE = "rompy-test/busybox:latest"
"""The image scripts/engines/docker.sh builds locally (no registry) for the tests."""

USABLE_SLURM_NODE_STATES = frozenset({"idle", "mixed", "allocated", "completing"})
"""``sinfo`` node states in which a node can take a test job."""

PROBE_TIMEOUT = 60.0
"""Seconds an engine's probe command may take before the engine counts as missing."""


def in_ci() -> bool:
    """Return True when the tests run under CI (``CI=true``)."""
    return os.environ.get("CI") == "true"


def engine_missing(engine: str, reason: str) -> NoReturn:
    """Fail the current test under ``CI=true``, skip it elsewhere.

    Args:
        engine: The engine's name, such as ``"Docker"``.
        reason: What is missing and how to get it.
    """
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the {engine} engine must be available)")
    pytest.skip(reason)


def _output_of(*command: str) -> str | None:
    """Return the stdout of ``command``, or None when it is missing, fails or hangs."""
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def require_docker(image: str = DOCKER_TEST_IMAGE) -> None:
    """Fail (CI) or skip unless a Docker daemon answers and holds ``image`` locally."""
    if _output_of("docker", "info") is None:
        engine_missing(
            "Docker", "no Docker daemon answers `docker info`; run scripts/engines/docker.sh"
        )
    if _output_of("docker", "image", "inspect", image) is None:
        engine_missing("Docker", f"the image {image} is missing; run scripts/engines/docker.sh")


def slurm_node_states() -> set[str]:
    """Return the node states ``sinfo`` reports (empty when no cluster answers)."""
    output = _output_of("sinfo", "--noheader", "--format=%T")
    return set(output.split()) if output is not None else set()


def require_slurm() -> None:
    """Fail (CI) or skip unless a SLURM cluster with a usable node answers ``sinfo``."""
    states = slurm_node_states()
    if not states & USABLE_SLURM_NODE_STATES:
        engine_missing(
            "SLURM",
            f"no usable SLURM node (sinfo states: {sorted(states)}); run scripts/engines/slurm.sh",
        )


def require_swan() -> None:
    """Fail (CI) or skip unless the ``swan.exe`` that scripts/engines/swan.sh builds is on PATH."""
    import shutil

    if shutil.which("swan.exe") is None:
        engine_missing("SWAN", "swan.exe is not on PATH; run scripts/engines/swan.sh")
