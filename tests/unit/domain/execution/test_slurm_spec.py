"""The SLURM execution spec and its batch scripts: validation, time limits, rendering."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rompy.domain.errors import ConfigError
from rompy.domain.execution.slurm import SlurmExecution, parse_time_limit
from rompy.domain.execution.slurm_script import (
    EXIT_CODE_FILE,
    ArrayTask,
    expand_filename_pattern,
    output_patterns,
    pattern_shell_word,
    render_array_script,
    render_batch_script,
)
from rompy.domain.execution.spec import ExecutionSpec
from rompy.ports.registry import EXECUTORS, RegistryBuilder
from rompy.serialization import make_converter, structure, unstructure

REFERENCE_YAML = """
type: "slurm"
queue: "general"
timeout: 3600
nodes: 1
ntasks: 1
cpus_per_task: 2
time_limit: "01:00:00"
job_name: "rompy_basic_job"
output_file: "slurm-%j.out"
error_file: "slurm-%j.err"
env_vars: {OMP_NUM_THREADS: "2", MODEL_DEBUG: "false"}
command: "python -c \\"print('SLURM job executed successfully')\\""
"""

GPU_EXAMPLE: dict[str, Any] = {
    "queue": "gpu",
    "timeout": 7200,
    "nodes": 2,
    "ntasks": 8,
    "cpus_per_task": 4,
    "time_limit": "02:00:00",
    "account": "research_project",
    "qos": "high",
    "reservation": "special_reservation",
    "output_file": "slurm-%j.out",
    "error_file": "slurm-%j.err",
    "job_name": "gpu_simulation",
    "mail_type": "BEGIN,END,FAIL",
    "mail_user": "researcher@domain.com",
    "additional_options": ["--gres=gpu:v100:2", "--exclusive"],
    "env_vars": {"OMP_NUM_THREADS": "4", "DATA_PATH": "/shared/data"},
    "command": "python /app/run_simulation.py --config config.json",
}

STAGING = Path("/scratch/runs/my run")


def reference_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(REFERENCE_YAML)
    return data


def reference_spec() -> SlurmExecution:
    data = reference_data()
    assert "slurm" == data.pop("type")
    return SlurmExecution(**data)


def directives(script: str) -> dict[str, str | None]:
    """The ``#SBATCH`` options of a script, values unquoted as sbatch reads them."""
    found: dict[str, str | None] = {}
    for line in script.splitlines():
        if line.startswith("#SBATCH "):
            name, equals, value = line.removeprefix("#SBATCH ").partition("=")
            found[name] = shlex.split(value)[0] if equals else None
    return found


def body(script: str) -> list[str]:
    return [line for line in script.splitlines() if line and not line.startswith("#")]


# --- the reference config ------------------------------------------------------------------


def test_slurm_spec_is_an_execution_spec_tagged_slurm() -> None:
    assert issubclass(SlurmExecution, ExecutionSpec)
    assert "slurm" == SlurmExecution.type


def test_reference_config_keeps_queue_timeout_and_resources() -> None:
    spec = reference_spec()

    assert ("general", 3600, 1, 1, 2) == (
        spec.queue,
        spec.timeout,
        spec.nodes,
        spec.ntasks,
        spec.cpus_per_task,
    )


def test_reference_config_keeps_job_name_and_output_patterns() -> None:
    spec = reference_spec()

    assert ("rompy_basic_job", "slurm-%j.out", "slurm-%j.err") == (
        spec.job_name,
        spec.output_file,
        spec.error_file,
    )


def test_reference_config_unquotes_the_yaml_command() -> None:
    assert "python -c \"print('SLURM job executed successfully')\"" == reference_spec().command


def test_reference_config_time_limit_is_one_hour() -> None:
    assert 3600 == reference_spec().time_limit_seconds


def test_reference_config_structures_through_the_converter_by_its_tag() -> None:
    builder = RegistryBuilder()
    builder.add(EXECUTORS, SlurmExecution, "test")
    converter = make_converter(builder.freeze())

    assert reference_spec() == structure(converter, reference_data(), ExecutionSpec)


def test_a_full_spec_round_trips_through_the_converter() -> None:
    builder = RegistryBuilder()
    builder.add(EXECUTORS, SlurmExecution, "test")
    converter = make_converter(builder.freeze())
    spec = SlurmExecution(**GPU_EXAMPLE, memory="4G", poll_interval=0.5)

    assert spec == structure(converter, unstructure(converter, spec), ExecutionSpec)


def test_the_gpu_example_of_the_reference_keeps_its_extra_options() -> None:
    spec = SlurmExecution(**GPU_EXAMPLE)

    assert ("--gres=gpu:v100:2", "--exclusive") == spec.additional_options


def test_defaults_are_one_node_one_task_one_cpu_one_hour_and_two_second_polls() -> None:
    spec = SlurmExecution()

    assert (1, 1, 1, 3600, 2.0, None) == (
        spec.nodes,
        spec.ntasks,
        spec.cpus_per_task,
        spec.time_limit_seconds,
        spec.poll_interval,
        spec.partition_name,
    )


# --- validation ----------------------------------------------------------------------------


def test_partition_is_another_name_for_queue() -> None:
    assert "debug" == SlurmExecution(partition="debug").partition_name


def test_queue_and_partition_together_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(queue="a", partition="b")

    assert "partition" == caught.value.path


@pytest.mark.parametrize("field", ["nodes", "ntasks", "cpus_per_task"])
@pytest.mark.parametrize("value", [0, -1, True])
def test_counts_below_one_are_refused_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(**{field: value})

    assert (field, value) == (caught.value.path, caught.value.value)


@pytest.mark.parametrize("memory", ["4G", "500M", "1024", "2t", "64k"])
def test_slurm_memory_sizes_are_accepted(memory: str) -> None:
    assert memory == SlurmExecution(memory=memory).memory


@pytest.mark.parametrize("memory", ["4 GB", "G4", "1.5G", "", "lots"])
def test_other_memory_texts_are_refused(memory: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(memory=memory)

    assert "memory" == caught.value.path


def test_a_list_of_known_mail_types_is_accepted() -> None:
    assert "END,fail" == SlurmExecution(mail_type="END,fail").mail_type


def test_an_unknown_mail_type_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(mail_type="END,SOMETIMES")

    assert "mail_type" == caught.value.path


@pytest.mark.parametrize("option", ["-p debug", "exclusive", "--", "--gres gpu:1", "--a=1\nb"])
def test_additional_options_must_be_long_options_on_one_line(option: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(additional_options=[option])

    assert "additional_options[0]" == caught.value.path


@pytest.mark.parametrize(
    ("option", "field"), [("--time=5", "time_limit"), ("--job-name=x", "job_name")]
)
def test_additional_options_rompy_always_sets_name_their_field(option: str, field: str) -> None:
    with pytest.raises(ConfigError, match=f"backend.{field}"):
        SlurmExecution(additional_options=["--exclusive", option])


@pytest.mark.parametrize("option", ["--array=0-3", "--chdir=/tmp", "--wrap=true"])
def test_additional_options_managed_by_rompy_are_refused(option: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(additional_options=[option])

    assert option == caught.value.value


def test_an_additional_option_may_give_memory_when_the_field_is_unset() -> None:
    spec = SlurmExecution(additional_options=["--mem=64G"])

    assert ("--mem", "64G") in spec.sbatch_options()


def test_an_additional_option_repeating_a_set_field_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(queue="debug", additional_options=["--partition=other"])

    assert "additional_options[0]" == caught.value.path


@pytest.mark.parametrize("name", ["1ST", "A-B", "A B", ""])
def test_environment_variable_names_must_be_identifiers(name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(env_vars={name: "x"})

    assert f"env_vars.{name}" == caught.value.path


@pytest.mark.parametrize("field", ["job_name", "account", "queue", "output_file"])
def test_text_options_spanning_lines_are_refused(field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(**{field: "a\nb"})

    assert field == caught.value.path


@pytest.mark.parametrize("field", ["poll_interval", "timeout"])
def test_non_positive_intervals_are_refused(field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(**{field: 0})

    assert field == caught.value.path


def test_an_argv_command_becomes_a_tuple() -> None:
    assert ("swan.exe", "INPUT") == SlurmExecution(command=["swan.exe", "INPUT"]).command


# --- time limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30", 30 * 60),
        ("90", 90 * 60),
        ("5:30", 5 * 60 + 30),
        ("01:00:00", 3600),
        ("36:00:00", 36 * 3600),
        ("2-0", 2 * 86400),
        ("1-12", 86400 + 12 * 3600),
        ("1-02:30", 86400 + 2 * 3600 + 30 * 60),
        ("3-04:05:06", 3 * 86400 + 4 * 3600 + 5 * 60 + 6),
    ],
)
def test_slurm_time_limit_formats_give_seconds(text: str, seconds: int) -> None:
    assert seconds == parse_time_limit(text)


@pytest.mark.parametrize(
    "text",
    ["", "0", "00:00:00", "1:2:3:4", "1-2-3", "-5", "1:60", "1:00:60", "1-24", "a:b", "1h", "1.5"],
)
def test_other_time_limit_texts_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        SlurmExecution(time_limit=text)

    assert ("time_limit", text) == (caught.value.path, caught.value.value)


@given(
    days=st.integers(0, 30),
    hours=st.integers(0, 23),
    minutes=st.integers(0, 59),
    seconds=st.integers(1, 59),
)
def test_any_days_hours_minutes_seconds_limit_parses_to_its_seconds(
    days: int, hours: int, minutes: int, seconds: int
) -> None:
    text = f"{days}-{hours:02d}:{minutes:02d}:{seconds:02d}"

    assert days * 86400 + hours * 3600 + minutes * 60 + seconds == parse_time_limit(text)


@given(hours=st.integers(0, 500), minutes=st.integers(0, 59), seconds=st.integers(1, 59))
def test_any_hours_minutes_seconds_limit_parses_to_its_seconds(
    hours: int, minutes: int, seconds: int
) -> None:
    assert hours * 3600 + minutes * 60 + seconds == parse_time_limit(
        f"{hours}:{minutes:02d}:{seconds:02d}"
    )


# --- file name patterns --------------------------------------------------------------------


def test_file_name_tokens_are_expanded() -> None:
    values = {"j": "42", "x": "run", "A": "40", "a": "2"}

    assert "/s/run-42-40_2-100%.out" == expand_filename_pattern("/s/%x-%j-%A_%a-100%%.out", values)


def test_a_file_name_token_without_value_gives_no_path() -> None:
    assert expand_filename_pattern("/s/%N-%j.out", {"j": "42"}) is None


def test_a_file_name_token_with_a_width_gives_no_path() -> None:
    assert expand_filename_pattern("/s/%5j.out", {"j": "42"}) is None


def test_a_shell_word_reads_tokens_from_slurm_variables_and_keeps_spaces() -> None:
    word = pattern_shell_word("/my runs/o-%A_%a-%%.log")

    assert ["/my runs/o-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}-%.log"] == shlex.split(word)


def test_default_output_files_are_in_the_staging_logs_folder() -> None:
    expected = (f"{STAGING}/logs/run1.stdout.log", f"{STAGING}/logs/run1.stderr.log")

    assert expected == output_patterns(SlurmExecution(), STAGING, "run1")


def test_relative_output_files_are_inside_the_staging_dir_and_absolute_ones_kept() -> None:
    spec = SlurmExecution(output_file="slurm-%j.out", error_file="/var/log/%j.err")

    assert (f"{STAGING}/slurm-%j.out", "/var/log/%j.err") == output_patterns(spec, STAGING, "r")


def test_a_percent_sign_in_the_staging_dir_is_escaped_for_slurm() -> None:
    stdout, _ = output_patterns(SlurmExecution(), Path("/s/100%"), "r")

    assert "/s/100%/logs/r.stdout.log" == expand_filename_pattern(stdout, {})


# --- the batch script ----------------------------------------------------------------------


def full_spec() -> SlurmExecution:
    return SlurmExecution(**GPU_EXAMPLE, memory="4G")


def test_the_batch_script_is_a_bash_script() -> None:
    script = render_batch_script(SlurmExecution(), STAGING, "true", "job")

    assert "#!/bin/bash" == script.splitlines()[0]


def test_the_batch_script_asks_for_every_set_option() -> None:
    script = render_batch_script(full_spec(), STAGING, "true", "gpu_simulation")

    assert {
        "--job-name": "gpu_simulation",
        "--chdir": str(STAGING),
        "--output": f"{STAGING}/slurm-%j.out",
        "--error": f"{STAGING}/slurm-%j.err",
        "--partition": "gpu",
        "--nodes": "2",
        "--ntasks": "8",
        "--cpus-per-task": "4",
        "--time": "02:00:00",
        "--mem": "4G",
        "--account": "research_project",
        "--qos": "high",
        "--reservation": "special_reservation",
        "--mail-type": "BEGIN,END,FAIL",
        "--mail-user": "researcher@domain.com",
        "--gres": "gpu:v100:2",
        "--exclusive": None,
    } == directives(script)


def test_the_batch_script_leaves_out_unset_options() -> None:
    script = render_batch_script(SlurmExecution(), STAGING, "true", "job")

    assert not {"--partition", "--mem", "--account", "--qos", "--mail-user"} & set(
        directives(script)
    )


def test_directive_values_with_spaces_and_quotes_are_quoted_as_sbatch_reads_them() -> None:
    name = """it's a "test" $HOME # not a comment"""
    script = render_batch_script(SlurmExecution(), STAGING, "true", name)

    assert name == directives(script)["--job-name"]


def test_all_directives_come_before_the_first_command() -> None:
    script = render_batch_script(full_spec(), STAGING, "true", "job")
    lines = script.splitlines()
    first_command = lines.index(body(script)[0])

    assert all(not line.startswith("#SBATCH") for line in lines[first_command:])


def test_environment_variables_are_exported_with_their_exact_values() -> None:
    spec = SlurmExecution(env_vars={"GREETING": 'it\'s "quoted" $HOME', "N": "2"})
    exports = [line for line in body(render_batch_script(spec, STAGING, "true", "j"))]

    assert ["export", 'GREETING=it\'s "quoted" $HOME'] == shlex.split(exports[0])
    assert ["export", "N=2"] == shlex.split(exports[1])


def test_the_script_changes_into_the_staging_dir_before_running() -> None:
    lines = body(render_batch_script(SlurmExecution(), STAGING, "true", "j"))

    assert ["cd", str(STAGING), "||", "exit", "1"] == shlex.split(lines[0])


def test_a_string_command_runs_through_bash_unchanged() -> None:
    command = 'echo "it\'s" | tr a-z A-Z; exit 3'
    lines = body(render_batch_script(SlurmExecution(), STAGING, command, "j"))

    assert ["bash", "-c", command] in [shlex.split(line) for line in lines]


def test_an_argv_command_runs_with_each_argument_quoted() -> None:
    command = ("swan.exe", "my input", "it's")
    lines = body(render_batch_script(SlurmExecution(), STAGING, command, "j"))

    assert list(command) in [shlex.split(line) for line in lines]


def test_the_script_exits_with_the_command_status_and_records_it() -> None:
    lines = body(render_batch_script(SlurmExecution(), STAGING, ("model",), "j"))
    after = lines[lines.index("model") + 1 :]

    assert [
        "rompy_exit_code=$?",
        f'echo "$rompy_exit_code" > {EXIT_CODE_FILE}',
        'exit "$rompy_exit_code"',
    ] == after


def test_the_script_never_exits_early_on_errors() -> None:
    script = render_batch_script(SlurmExecution(), STAGING, "false", "j")

    assert "set -e" not in script


def test_a_staging_dir_spanning_lines_is_refused() -> None:
    with pytest.raises(ConfigError):
        render_batch_script(SlurmExecution(), Path("/s/a\nb"), "true", "j")


# --- the job array script ------------------------------------------------------------------


def array_tasks(count: int) -> list[ArrayTask]:
    return [
        ArrayTask(staging_dir=Path(f"/runs/member {i}"), command=f"run {i}", log_name=f"m{i}")
        for i in range(count)
    ]


def bash_array(script: str, name: str) -> list[str]:
    lines = script.splitlines()
    start = lines.index(f"{name}=(")
    end = lines.index(")", start)
    return [shlex.split(line)[0] for line in lines[start + 1 : end]]


def test_the_array_script_asks_for_one_task_per_run_with_a_parallel_limit() -> None:
    script = render_array_script(
        SlurmExecution(),
        array_tasks(10),
        job_name="ens",
        scheduler_log_dir=Path("/l"),
        max_parallel=3,
    )

    assert "0-9%3" == directives(script)["--array"]


def test_the_array_script_without_limit_runs_all_tasks_at_will() -> None:
    script = render_array_script(
        SlurmExecution(), array_tasks(2), job_name="ens", scheduler_log_dir=Path("/l")
    )

    assert "0-1" == directives(script)["--array"]


def test_the_array_script_lists_each_staging_dir_by_task_index() -> None:
    tasks = array_tasks(3)
    script = render_array_script(
        SlurmExecution(), tasks, job_name="e", scheduler_log_dir=Path("/l")
    )

    assert [str(task.staging_dir) for task in tasks] == bash_array(script, "rompy_dirs")


def test_the_array_script_lists_each_command_by_task_index() -> None:
    script = render_array_script(
        SlurmExecution(), array_tasks(2), job_name="e", scheduler_log_dir=Path("/l")
    )

    assert ["bash -c 'run 0'", "bash -c 'run 1'"] == bash_array(script, "rompy_commands")


def test_the_array_script_sends_each_task_output_to_its_staging_dir() -> None:
    script = render_array_script(
        SlurmExecution(), array_tasks(2), job_name="e", scheduler_log_dir=Path("/l")
    )

    assert [f"/runs/member {i}/logs/m{i}.stdout.log" for i in range(2)] == bash_array(
        script, "rompy_stdout"
    )


def test_the_array_script_keeps_slurm_own_task_logs_in_the_given_folder() -> None:
    script = render_array_script(
        SlurmExecution(), array_tasks(2), job_name="ens", scheduler_log_dir=Path("/l")
    )

    assert ("/l/ens-%A_%a.out", "/l/ens-%A_%a.err") == (
        directives(script)["--output"],
        directives(script)["--error"],
    )


def test_the_array_script_indexes_its_task_by_the_array_task_id() -> None:
    script = render_array_script(
        SlurmExecution(), array_tasks(2), job_name="e", scheduler_log_dir=Path("/l")
    )

    assert "rompy_task=${SLURM_ARRAY_TASK_ID:?not a job array task}" in body(script)


@pytest.mark.parametrize(("count", "max_parallel"), [(0, None), (2, 0)])
def test_an_empty_array_or_a_zero_parallel_limit_is_refused(
    count: int, max_parallel: int | None
) -> None:
    with pytest.raises(ConfigError):
        render_array_script(
            SlurmExecution(),
            array_tasks(count),
            job_name="e",
            scheduler_log_dir=Path("/l"),
            max_parallel=max_parallel,
        )
