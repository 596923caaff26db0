"""The command line as a user runs it, on the shipped examples and the reference's files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import COMPAT, REPO, RunCli, write

COMPAT_ENV = {"CYCLE": "2023-01-01T00:00:00", "DATA_ROOT": "/tmp"}
RUN_FILES = ["basic_modelrun.yml", "templated_modelrun.yml"]
PIPELINE_FILES = ["basic_pipeline.yml", "basic_pipeline_with_includes.yml"]
BACKEND_FILES = [
    "local_backend.yml",
    "local_backend_examples.yml",
    "docker_backend.yml",
    "slurm_backend.yml",
]


@pytest.mark.parametrize("name", RUN_FILES + PIPELINE_FILES)
def test_every_reference_run_and_pipeline_file_validates(rompy_cli: RunCli, name: str) -> None:
    result = rompy_cli("validate", str(COMPAT / "configs" / name), env=COMPAT_ENV)
    assert 0 == result.returncode, result.stderr
    assert "valid: document 1" in result.stdout


@pytest.mark.parametrize("name", BACKEND_FILES)
def test_every_reference_backend_file_validates(rompy_cli: RunCli, name: str) -> None:
    result = rompy_cli("backends", "validate", str(COMPAT / "configs" / name))
    assert 0 == result.returncode, result.stderr


def test_reference_postprocessor_files_validate(rompy_cli: RunCli) -> None:
    folder = COMPAT / "backends" / "postprocessor_configs"
    for name in ("noop_basic.yml", "noop_advanced.yml"):
        result = rompy_cli("backends", "validate", str(folder / name), "--processor-type", "noop")
        assert 0 == result.returncode, result.stderr


def test_reference_pipeline_runs_end_to_end(rompy_cli: RunCli, tmp_path: Path) -> None:
    result = rompy_cli("pipeline", str(COMPAT / "configs" / "basic_pipeline.yml"))
    assert 0 == result.returncode, result.stderr
    staging = tmp_path / "output" / "cli_test" / "cli_test_backend_run"
    assert "run_id: 'cli_test_backend_run'" in (staging / "INPUT").read_text()
    assert "INPUT" in (staging / "logs" / "cli_test_backend_run.stdout.log").read_text()


def test_quickstart_pipeline_prints_where_results_are(rompy_cli: RunCli, tmp_path: Path) -> None:
    result = rompy_cli("pipeline", str(REPO / "examples" / "quickstart" / "pipeline.yml"))
    assert 0 == result.returncode, result.stderr
    assert str(Path("output") / "quickstart") in result.stdout
    assert "site: quickstart" in (tmp_path / "output" / "quickstart" / "INPUT").read_text()


def test_config_from_stdin(rompy_cli: RunCli) -> None:
    text = (COMPAT / "configs" / "basic_modelrun.yml").read_text()
    result = rompy_cli("validate", "-", stdin=text)
    assert 0 == result.returncode, result.stderr


def test_config_from_the_environment_variable(rompy_cli: RunCli) -> None:
    text = (COMPAT / "configs" / "basic_modelrun.yml").read_text()
    result = rompy_cli("validate", env={"ROMPY_CONFIG": text})
    assert 0 == result.returncode, result.stderr


def test_run_dry_run_generates_without_running(rompy_cli: RunCli, tmp_path: Path) -> None:
    write(tmp_path / "local.yml", "type: local\ncommand: touch ran.txt\n")
    result = rompy_cli(
        "run",
        str(COMPAT / "configs" / "basic_modelrun.yml"),
        "--backend-config",
        "local.yml",
        "--dry-run",
        "--output-dir",
        "dry",
    )
    assert 0 == result.returncode, result.stderr
    staging = tmp_path / "dry" / "cli_test_backend_run"
    assert (staging / "INPUT").exists()
    assert not (staging / "ran.txt").exists()


def test_schema_covers_plugin_classes(rompy_cli: RunCli) -> None:
    result = rompy_cli("schema")
    assert 0 == result.returncode, result.stderr
    text = json.dumps(json.loads(result.stdout))
    for tag in ("base", "local", "docker", "slurm", "noop"):
        assert f'"{tag}"' in text


def test_schema_does_not_overwrite_an_existing_file(rompy_cli: RunCli, tmp_path: Path) -> None:
    mine = write(tmp_path / "schema.json", "mine\n")
    result = rompy_cli("schema", "--output", "schema.json")
    assert 2 == result.returncode
    assert "mine\n" == mine.read_text()


def test_backends_create_writes_a_file_that_validates(rompy_cli: RunCli) -> None:
    created = rompy_cli("backends", "create", "--backend-type", "local", "--output", "l.yml")
    assert 0 == created.returncode, created.stderr
    assert 0 == rompy_cli("backends", "validate", "l.yml").returncode


def test_plugins_lists_the_builtin_plugin(rompy_cli: RunCli) -> None:
    result = rompy_cli("plugins")
    assert 0 == result.returncode, result.stderr
    assert "builtin" in result.stdout
    assert "backend type: local" in result.stdout


def test_version(rompy_cli: RunCli) -> None:
    result = rompy_cli("--version")
    assert result.stdout.startswith("rompy ")


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\nfrom rompy.entrypoints.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('xarray', 'docker', 'intake', 'wavespectra')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]" == result.stdout.strip().splitlines()[-1]


def test_help_builds_its_parser_without_the_application() -> None:
    code = (
        "import sys\nfrom rompy.entrypoints.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "wired = ('rompy.application', 'rompy.services.ensemble', 'attrs')\n"
        "print(sorted(m for m in wired if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]" == result.stdout.strip().splitlines()[-1]


def test_json_log_format_writes_one_json_object_per_line(rompy_cli: RunCli) -> None:
    config = str(COMPAT / "configs" / "basic_modelrun.yml")
    result = rompy_cli("--log-format", "json", "generate", config, "--output-dir", "j")
    assert 0 == result.returncode, result.stderr
    events = [json.loads(line)["event"] for line in result.stderr.splitlines()]
    assert "generate_finished" in events


def test_secrets_in_the_backend_never_reach_the_log(rompy_cli: RunCli, tmp_path: Path) -> None:
    secret = "s3cret-" + "never-logged"
    pipeline = write(
        tmp_path / "secret.yml",
        "config: {run_id: secret, config: {model_type: base}}\n"
        "backend:\n"
        "  type: local\n"
        f"  command: 'API_TOKEN={secret} sh -c \"echo $DB_PASSWORD > used.txt\"'\n"
        f"  env_vars: {{DB_PASSWORD: {secret}, GITHUB_TOKEN: {secret}}}\n",
    )
    result = rompy_cli("-vv", "--log-format", "json", "pipeline", str(pipeline))

    assert 0 == result.returncode, result.stderr
    assert f"{secret}\n" == (tmp_path / "simulations" / "secret" / "used.txt").read_text()
    assert "API_TOKEN=***" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_quiet_hides_info_events(rompy_cli: RunCli) -> None:
    config = str(COMPAT / "configs" / "basic_modelrun.yml")
    result = rompy_cli("-q", "generate", config, "--output-dir", "q")
    assert (0, "") == (result.returncode, result.stderr)


def test_validating_a_config_with_data_does_not_import_array_libraries(tmp_path: Path) -> None:
    config = tmp_path / "run.yml"
    config.write_text(
        "run_id: light\n"
        "config:\n"
        "  model_type: base\n"
        "  data:\n"
        "    wind:\n"
        "      model_type: grid\n"
        "      source: {model_type: file, uri: /data/wind_*.nc, filename_time: '%Y%m%d'}\n"
    )
    code = (
        "import sys\nfrom rompy.entrypoints.cli import main\n"
        f"code = main(['validate', {str(config)!r}])\n"
        "heavy = ('numpy', 'xarray', 'h5py', 'netCDF4', 'jinja2', 'docker')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "0 []" == result.stdout.strip().splitlines()[-1]
