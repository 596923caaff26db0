"""A third-party plugin with bugs: the user is told whose bug it is, not that the YAML is wrong.

The plugin is installed for real: a module and its ``.dist-info`` (with the ``rompy``
entry point) in a folder put on ``PYTHONPATH``, found by :mod:`importlib.metadata` exactly
as a pip-installed plugin is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli, write

PLUGIN = """
from typing import ClassVar

import attrs

from rompy import ModelConfig, hookimpl


def _level(value):
    return value.upper_case()  # the bug: str has no upper_case


@attrs.frozen(kw_only=True)
class FaultyConfig(ModelConfig):
    model_type: ClassVar[str] = "faulty"
    level: str = attrs.field(default="low", converter=_level)
    size: int = 1

    def template_source(self):
        return "rompy:templates/base"


@hookimpl
def rompy_register_model_configs(register):
    register(FaultyConfig)


@hookimpl
def rompy_before_run(run, backend):
    if run.run_id == "explode":
        raise RuntimeError("the hook exploded")
"""


@pytest.fixture
def faulty_env(tmp_path: Path) -> dict[str, str]:
    """Install the faulty plugin into a folder of its own and return the environment for it."""
    site = tmp_path / "site"
    write(site / "faulty_plugin.py", PLUGIN)
    info = site / "faulty_plugin-0.1.dist-info"
    write(info / "METADATA", "Metadata-Version: 2.1\nName: faulty-plugin\nVersion: 0.1\n")
    write(info / "entry_points.txt", "[rompy]\nfaulty = faulty_plugin\n")
    return {"PYTHONPATH": str(site)}


def exploding_pipeline(tmp_path: Path) -> Path:
    """A pipeline whose run id makes the faulty plugin's before-run hook raise."""
    return write(
        tmp_path / "pipeline.yml",
        "config: {run_id: explode, config: {model_type: base}}\n"
        "backend: {type: local, command: 'touch ran'}\n",
    )


def test_a_bug_in_a_plugin_class_names_the_plugin_and_exits_1(
    rompy_cli: RunCli, tmp_path: Path, faulty_env: dict[str, str]
) -> None:
    config = write(tmp_path / "run.yml", "run_id: r\nconfig: {model_type: faulty, level: hi}\n")

    result = rompy_cli("validate", str(config), env=faulty_env)

    assert 1 == result.returncode, result.stderr
    assert "plugin 'faulty' failed in reading" in result.stderr
    assert "AttributeError" in result.stderr and "bug in the plugin" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_mistake_in_the_yaml_for_a_plugin_class_is_still_the_users(
    rompy_cli: RunCli, tmp_path: Path, faulty_env: dict[str, str]
) -> None:
    config = write(tmp_path / "run.yml", "run_id: r\nconfig: {model_type: faulty, size: many}\n")

    result = rompy_cli("validate", str(config), env=faulty_env)

    assert 2 == result.returncode, result.stderr
    assert "config.size" in result.stderr and "plugin" not in result.stderr


def test_a_failing_lifecycle_hook_names_the_plugin_and_the_hook(
    rompy_cli: RunCli, tmp_path: Path, faulty_env: dict[str, str]
) -> None:
    pipeline = exploding_pipeline(tmp_path)

    result = rompy_cli("pipeline", str(pipeline), env=faulty_env)

    assert 1 == result.returncode, result.stderr
    assert "plugin 'faulty' failed in rompy_before_run: RuntimeError: the hook exploded" in (
        result.stderr
    )
    assert "ROMPY_DISABLED_PLUGINS=faulty" in result.stderr
    assert not list(tmp_path.rglob("ran"))


def test_disabling_the_faulty_plugin_lets_the_run_go_ahead(
    rompy_cli: RunCli, tmp_path: Path, faulty_env: dict[str, str]
) -> None:
    pipeline = exploding_pipeline(tmp_path)

    result = rompy_cli(
        "pipeline", str(pipeline), env={**faulty_env, "ROMPY_DISABLED_PLUGINS": "faulty"}
    )

    assert 0 == result.returncode, result.stderr
    assert 1 == len(list(tmp_path.rglob("ran")))
