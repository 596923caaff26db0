"""rompy embedded in a host program: the host's stdout stays its own, its handlers get events.

Each test runs a real host script in a fresh interpreter: it imports rompy, loads the
quickstart pipeline through ``App`` and runs it (a real local process), exactly as a user's
script would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engines import require_swan

REPO = Path(__file__).resolve().parents[2]

HOST = """
import logging, sys
{configure}
from rompy.application import bootstrap
app = bootstrap()
result = app.pipeline(app.load_pipeline(sys.argv[1]))
assert not result.failed_stage, result.message
print("host-done")
"""


def run_host(tmp_path: Path, configure: str) -> subprocess.CompletedProcess[str]:
    """Run the host script on a copy of the quickstart pipeline inside ``tmp_path``."""
    pipeline = tmp_path / "pipeline.yml"
    shutil.copy(REPO / "examples" / "quickstart" / "pipeline.yml", pipeline)
    script = HOST.format(configure=configure)
    result = subprocess.run(
        [sys.executable, "-c", script, str(pipeline)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert 0 == result.returncode, result.stderr
    return result


def test_a_host_that_configures_no_logging_sees_nothing_from_rompy(tmp_path: Path) -> None:
    result = run_host(tmp_path, configure="")

    assert ("host-done\n", "") == (result.stdout, result.stderr)


def test_a_host_that_configures_logging_gets_the_events_with_context(tmp_path: Path) -> None:
    configure = "logging.basicConfig(level=logging.INFO, format='HOST %(name)s %(message)s')"
    result = run_host(tmp_path, configure=configure)

    lines = result.stderr.splitlines()
    assert "host-done\n" == result.stdout
    assert any(line.startswith("HOST rompy.") and "run_id=quickstart" in line for line in lines)
    assert all(line.startswith("HOST ") for line in lines), result.stderr


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
def test_the_host_level_decides_what_it_receives(tmp_path: Path, level: str) -> None:
    configure = f"logging.basicConfig(level=logging.{level}, format='%(levelname)s %(message)s')"
    result = run_host(tmp_path, configure=configure)

    levels = {line.split(" ", 1)[0] for line in result.stderr.splitlines()}
    if level == "WARNING":
        assert levels <= {"WARNING", "ERROR", "CRITICAL"}, result.stderr
    else:
        assert {"DEBUG", "INFO"} <= levels, result.stderr


SWAN_HOST = """
import sys
from rompy import bootstrap
app = bootstrap()
spec = app.load_pipeline(sys.argv[1])
result = app.pipeline(spec)
assert result.ok, result.message
print("hs", round(float(app.read_outputs(spec.config)["p1"].hs[0]), 2))
"""


def test_a_host_running_swan_and_reading_its_outputs_sees_only_its_own_output(
    tmp_path: Path,
) -> None:
    require_swan()
    for name in ("basin.yml", "bottom.txt"):
        shutil.copy(REPO / "tests" / "fixtures" / "swan" / name, tmp_path / name)

    result = subprocess.run(
        [sys.executable, "-c", SWAN_HOST, str(tmp_path / "basin.yml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )

    assert (0, "") == (result.returncode, result.stderr)
    assert result.stdout.startswith("hs ") and len(result.stdout.splitlines()) == 1
