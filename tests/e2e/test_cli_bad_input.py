"""Bad input: one clear message naming what and where, exit 2 (or 1 for run failures), no
traceback, and nothing the user made is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli, write

RUN = """\
run_id: r1
output_dir: out
period:
  start: 2023-01-01T00:00:00
  end: 2023-01-02T00:00:00
  interval: 1h
config:
  model_type: base
"""


def assert_clean_failure(result: object, code: int, *fragments: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert code == result.returncode, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr


def test_missing_config_file(rompy_cli: RunCli) -> None:
    result = rompy_cli("validate", "nope.yml")
    assert_clean_failure(result, 2, "nope.yml", "not found")


def test_yaml_syntax_error_gives_line_and_column(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "bad.yml", "run_id: r1\nperiod: [unclosed\n")
    result = rompy_cli("validate", "bad.yml")
    assert_clean_failure(result, 2, "bad.yml", "line")


def test_unknown_key_suggests_the_right_one(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "run.yml", RUN.replace("run_id:", "runid:"))
    result = rompy_cli("validate", "run.yml")
    assert_clean_failure(result, 2, "runid", "run_id")


def test_unknown_model_type_lists_known_ones(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "run.yml", RUN.replace("model_type: base", "model_type: swam"))
    result = rompy_cli("validate", "run.yml")
    assert_clean_failure(result, 2, "swam", "base", "config.model_type")


def test_end_before_start_names_the_field(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "run.yml", RUN.replace("2023-01-02T00:00:00", "2022-12-31T00:00:00"))
    result = rompy_cli("validate", "run.yml")
    assert_clean_failure(result, 2, "period.end")


def test_interval_of_a_year_is_refused(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "run.yml", RUN.replace("interval: 1h", "interval: 1y"))
    result = rompy_cli("validate", "run.yml")
    assert_clean_failure(result, 2, "period.interval", "1y")


def test_negative_timeout_is_refused(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "local.yml", "type: local\ntimeout: -5\ncommand: ls\n")
    result = rompy_cli("backends", "validate", "local.yml")
    assert_clean_failure(result, 2, "timeout", "-5")


def test_undefined_variable_is_named(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "run.yml", RUN.replace("run_id: r1", "run_id: ${ROMPY_TEST_UNSET_VAR}"))
    result = rompy_cli("validate", "run.yml")
    assert_clean_failure(result, 2, "ROMPY_TEST_UNSET_VAR")


def test_include_cycle_shows_the_chain(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "a.yml", "x: !include b.yml\n")
    write(tmp_path / "b.yml", "y: !include a.yml\n")
    result = rompy_cli("validate", "a.yml")
    assert_clean_failure(result, 2, "a.yml", "b.yml")


def test_template_with_undefined_variable_leaves_nothing(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "tpl" / "INPUT", "value: {{ config.variables.missing }}\n")
    config = RUN.replace("model_type: base", "model_type: base\n  template: tpl")
    write(tmp_path / "run.yml", config)
    result = rompy_cli("generate", "run.yml")
    assert_clean_failure(result, 2, "INPUT", "missing")
    assert not (tmp_path / "out" / "r1").exists()


def test_template_path_escaping_the_staging_dir_is_refused(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    write(tmp_path / "tpl" / "{{ config.variables.name }}", "boom\n")
    config = "model_type: base\n  template: tpl\n  variables:\n    name: ../escaped"
    write(tmp_path / "run.yml", RUN.replace("model_type: base", config))
    result = rompy_cli("generate", "run.yml")
    assert_clean_failure(result, 2, "escape")
    assert not (tmp_path / "out" / "escaped").exists()


def test_existing_staging_dir_is_not_overwritten(rompy_cli: RunCli, tmp_path: Path) -> None:
    mine = write(tmp_path / "out" / "r1" / "my-notes.txt", "precious\n")
    write(tmp_path / "run.yml", RUN)
    result = rompy_cli("generate", "run.yml")
    assert_clean_failure(result, 2, "already exists")
    assert "precious\n" == mine.read_text()


def test_command_not_found_fails_the_run(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "run.yml", RUN)
    write(tmp_path / "local.yml", "type: local\ncommand: [rompy-no-such-binary-xyz]\n")
    result = rompy_cli("run", "run.yml", "--backend-config", "local.yml")
    assert 1 == result.returncode
    assert "rompy-no-such-binary-xyz" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_skip_generate_without_a_staging_dir_names_the_option(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    write(tmp_path / "run.yml", RUN)
    write(tmp_path / "local.yml", "type: local\ncommand: [true]\n")
    result = rompy_cli("run", "run.yml", "--backend-config", "local.yml", "--skip-generate")
    assert_clean_failure(result, 2, "skip_generate", "without --skip-generate")
    assert not (tmp_path / "out").exists()


def test_skip_generate_with_another_working_dir_still_needs_the_staging_dir(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    write(tmp_path / "run.yml", RUN)
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "local.yml", "type: local\ncommand: [true]\nworking_dir: elsewhere\n")
    result = rompy_cli("run", "run.yml", "--backend-config", "local.yml", "--skip-generate")
    assert_clean_failure(result, 2, "skip_generate", "without --skip-generate")
    assert not (tmp_path / "out").exists()


def test_command_over_its_timeout_is_stopped(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "run.yml", RUN)
    write(tmp_path / "local.yml", "type: local\ncommand: sleep 30\ntimeout: 1\n")
    result = rompy_cli("run", "run.yml", "--backend-config", "local.yml")
    assert 1 == result.returncode
    assert "timed_out" in result.stdout


@pytest.mark.parametrize("command", ["generate", "validate"])
def test_no_config_and_no_environment_variable(rompy_cli: RunCli, command: str) -> None:
    result = rompy_cli(command, env={"ROMPY_CONFIG": ""})
    assert_clean_failure(result, 2, "ROMPY_CONFIG")
