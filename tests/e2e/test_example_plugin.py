"""The example third-party plugin, installed as its own package, used by tag from YAML."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import attrs
import pytest

from tests.e2e.conftest import REPO, RunCli

PLUGIN_PIPELINE = REPO / "examples" / "rompy-example-plugin" / "pipeline.yml"


@pytest.fixture(autouse=True)
def _plugin_installed() -> None:
    if importlib.util.find_spec("rompy_example_plugin") is None:
        pytest.fail(
            "rompy-example-plugin is not installed; scripts/setup-python.sh installs it "
            "(pip install -e examples/rompy-example-plugin)"
        )


def test_plugins_shows_the_example_plugin_and_its_tags(rompy_cli: RunCli) -> None:
    result = rompy_cli("plugins")
    assert "model_type: wave_demo" in result.stdout
    assert "postprocessor type: file_summary" in result.stdout


def test_pipeline_uses_the_plugin_model_and_postprocessor(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    result = rompy_cli("pipeline", str(PLUGIN_PIPELINE))
    assert 0 == result.returncode, result.stderr
    staging = tmp_path / "output" / "example-plugin" / "wave_demo_run"
    table = (staging / "hs.txt").read_text().splitlines()
    assert ["2023-01-01T00:00 2.25", "2023-01-01T06:00 2.25"] == [table[0], table[-1]]
    assert (staging / "SUMMARY.txt").read_text().startswith("hs.txt ")


def test_disabling_the_plugin_makes_its_tag_unknown(rompy_cli: RunCli) -> None:
    result = rompy_cli("validate", str(PLUGIN_PIPELINE), env={"ROMPY_DISABLED_PLUGINS": "example"})
    assert 2 == result.returncode
    assert "wave_demo" in result.stderr


def test_the_plugins_output_reader_turns_its_table_into_a_dataset(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    assert 0 == rompy_cli("pipeline", str(PLUGIN_PIPELINE)).returncode
    import rompy

    app = rompy.bootstrap()
    run = app.load_run(PLUGIN_PIPELINE)
    run = attrs.evolve(run, output_dir=tmp_path / run.output_dir)

    (hs,) = app.read_outputs(run).values()

    assert (2.25, "m", 7) == (float(hs.hs.max()), hs.hs.attrs["units"], hs.sizes["time"])
