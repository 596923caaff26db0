"""The shipped SWAN example (the README's main job) runs the real SWAN and plots it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

from tests.e2e.conftest import REPO, RunCli
from tests.engines import require_swan

EXAMPLE = REPO / "examples" / "swan"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """The example copied under ``tmp_path`` as it sits in the repository."""
    shutil.copytree(EXAMPLE, tmp_path / "examples" / "swan")
    return tmp_path / "examples" / "swan"


def test_the_example_inputs_are_what_its_script_writes(example_copy: Path) -> None:
    for name in ("bathymetry.nc", "wind.nc"):
        (example_copy / "inputs" / name).unlink()

    subprocess.run([sys.executable, str(example_copy / "make_inputs.py")], check=True)

    for name in ("bathymetry.nc", "wind.nc"):
        shipped = xr.load_dataset(EXAMPLE / "inputs" / name)
        xr.testing.assert_identical(shipped, xr.load_dataset(example_copy / "inputs" / name))


def test_the_example_runs_swan_and_writes_its_summary_and_plots(
    rompy_cli: RunCli, tmp_path: Path, example_copy: Path
) -> None:
    require_swan()

    result = rompy_cli("pipeline", "examples/swan/pipeline.yml")

    assert 0 == result.returncode, result.stderr
    assert [
        "pipeline bay: ok; results in output/swan/bay",
        "  summary and plots in output/swan/bay/summary: summary.txt, bay_hs.png, sites_hs.png",
    ] == result.stdout.splitlines()
    summary = tmp_path / "output" / "swan" / "bay" / "summary"
    lines = (summary / "summary.txt").read_text().splitlines()
    assert lines[1].startswith("bay.nc: max Hs ") and len(lines) == 5
    staging = tmp_path / "output" / "swan" / "bay"
    assert (staging / "bottom.grd").is_file() and (staging / "wind.grd").is_file()
    for plot in ("bay_hs.png", "sites_hs.png"):
        assert (summary / plot).read_bytes().startswith(PNG_SIGNATURE)
