"""The docs stay true to the code: hooks, commands, tags, the README and the page examples."""

from __future__ import annotations

import argparse
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from mkdocs.exceptions import PluginError

from rompy.application import bootstrap
from rompy.domain.pipeline import PipelineSpec
from rompy.entrypoints.cli import build_parser
from rompy.hookspecs import all_hook_names

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HOOK_FILE = DOCS / "hooks" / "generate_reference.py"

INSTALL_COMMAND = (
    "bash scripts/install.sh     # installs everything (python env, Docker, SLURM, SWAN) "
    "and runs the SWAN example"
)
TEST_COMMAND = (
    "bash scripts/test.sh        # runs the whole test suite (installs what it needs), "
    "linters, type checks, docs build"
)


def load_hook_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_reference", HOOK_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_hook_module()


def read(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def code_blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", markdown, flags=re.S | re.M)


def subcommands(parser: argparse.ArgumentParser) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                yield subparser.prog
                yield from subcommands(subparser)


def registered_tags() -> list[tuple[str, str]]:
    registry = bootstrap(load_entry_points=False).plugins.registry
    return [(family, tag) for family in registry.families for tag in registry.family(family)]


# --- plugins page -------------------------------------------------------------------------


@pytest.mark.parametrize("hook_name", all_hook_names())
def test_every_plugin_hook_is_documented_on_the_plugins_page(hook_name: str) -> None:
    assert f"`{hook_name}(" in read("docs/plugins.md")


def test_the_plugin_page_examples_pass_as_tests(tmp_path: Path) -> None:
    page = read("docs/plugins.md")
    test_files = [block for block in code_blocks(page, "python") if block.startswith("# test_")]
    passed = []
    for source in test_files:
        namespace: dict[str, Any] = {}
        exec(compile(source, "docs/plugins.md", "exec"), namespace)
        for name, function in namespace.items():
            if name.startswith("test_"):
                needs_path = "tmp_path" in function.__code__.co_varnames
                function(tmp_path / name) if needs_path else function()
                passed.append(name)
    assert 3 == len(passed)


# --- generated references ----------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(subcommands(build_parser())))
def test_every_cli_subcommand_appears_in_the_generated_cli_reference(
    hook: ModuleType, command: str
) -> None:
    headings = [line for line in hook.cli_reference().splitlines() if line.startswith("#")]
    assert any(re.match(rf"#+ {re.escape(command)} \{{#", line) for line in headings)


@pytest.mark.parametrize(("family", "tag"), registered_tags())
def test_every_registered_tag_appears_in_the_generated_configuration_reference(
    hook: ModuleType, family: str, tag: str
) -> None:
    headings = [
        line for line in hook.configuration_reference().splitlines() if line.startswith("### ")
    ]
    assert any(line.startswith(f"### `{tag}` (") for line in headings)


@pytest.mark.parametrize("tag", [tag for family, tag in registered_tags() if family == "executors"])
def test_the_executors_page_shows_the_options_of_every_built_in_executor(tag: str) -> None:
    assert f"<!-- rompy:options executors {tag} -->" in read("docs/executors.md")


def test_the_options_table_lists_every_field_of_the_executor(hook: ModuleType) -> None:
    from rompy.domain.execution.docker import DockerExecution

    options = hook.options_table("executors", "docker")
    missing = [
        field.name for field in DockerExecution.__attrs_attrs__ if f"`{field.name}`" not in options
    ]
    assert [] == missing


def test_a_placeholder_is_replaced_by_its_generated_text(hook: ModuleType) -> None:
    page = "Before\n<!-- rompy:cli-reference -->\nAfter\n"
    rendered = hook.on_page_markdown(page, page=None, config=None, files=None)
    assert "<!-- rompy:" not in rendered
    assert "## rompy validate {#cli-rompy-validate}" in rendered


def test_an_unknown_placeholder_stops_the_docs_build(hook: ModuleType) -> None:
    with pytest.raises(PluginError, match="unknown placeholder 'rompy:no-such-thing'"):
        hook.on_page_markdown("<!-- rompy:no-such-thing -->\n", page=None, config=None, files=None)


def test_an_options_placeholder_for_an_unregistered_tag_stops_the_docs_build(
    hook: ModuleType,
) -> None:
    with pytest.raises(PluginError, match="known: docker, local, slurm"):
        hook.options_table("executors", "kubernetes")


def test_a_pipe_outside_code_is_escaped_in_table_cells(hook: ModuleType) -> None:
    assert "a \\| b `c|d`" == hook.escape_cell("a | b `c|d`")


def test_the_benchmark_list_names_each_script_and_how_to_run_it(
    hook: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "render_speed.py").write_text('"""Time to render a template tree."""\n')
    listing = hook.benchmark_list(tmp_path)
    assert "| `render_speed.py` | Time to render a template tree. |" in listing
    assert "`python benchmarks/render_speed.py`" in listing


# --- data and postprocessors pages --------------------------------------------------------

DATA_PAGE = "docs/data.md"
POSTPROCESSORS_PAGE = "docs/postprocessors.md"
EXAMPLE_GRID = {"x0": 112.0, "y0": -32.0, "dx": 0.5, "dy": 0.5, "nx": 9, "ny": 7}
PYTHON_ONLY_SOURCES = {"dataset"}


def tags_of(family: str) -> list[str]:
    return [tag for each_family, tag in registered_tags() if each_family == family]


def data_page_examples() -> list[str]:
    """The YAML blocks of the data page that describe a run or its data (not other files)."""
    blocks = code_blocks(read(DATA_PAGE), "yaml")
    return [block for block in blocks if re.match(r"^(run_id|data):", block, flags=re.M)]


def as_model_run(example: str) -> Any:
    from rompy.domain.model_run import ModelRun

    document = yaml.safe_load(example)
    if "run_id" not in document:
        config = {"model_type": "base", "grid": EXAMPLE_GRID, **document}
        document = {"run_id": "docs", "period": {"start": "2023-01-01", "duration": "1d"}}
        document["config"] = config
    return bootstrap(load_entry_points=False).structure(document, ModelRun)


@pytest.mark.parametrize("tag", tags_of("data") + tags_of("sources"))
def test_every_data_spec_and_source_tag_has_a_section_on_the_data_page(tag: str) -> None:
    assert f"### `{tag}`" in read(DATA_PAGE).splitlines()


@pytest.mark.parametrize("tag", tags_of("postprocessors"))
def test_every_postprocessor_tag_has_a_section_on_the_postprocessors_page(tag: str) -> None:
    assert f"## {tag}" in read(POSTPROCESSORS_PAGE).splitlines()


@pytest.mark.parametrize("example", data_page_examples())
def test_every_yaml_example_on_the_data_page_loads_as_a_model_run(example: str) -> None:
    run = as_model_run(example)
    assert run.config.data


def test_every_data_spec_and_yaml_source_is_used_in_a_data_page_example() -> None:
    used: set[str] = set()
    for example in data_page_examples():
        for spec in as_model_run(example).config.data.values():
            used.add(type(spec).model_type)
            if hasattr(spec, "source") and not isinstance(spec.source, str):
                used.add(type(spec.source).model_type)
    expected = set(tags_of("data")) | (set(tags_of("sources")) - PYTHON_ONLY_SOURCES)
    assert set() == expected - used


@pytest.mark.parametrize("example", code_blocks(read(POSTPROCESSORS_PAGE), "yaml"))
def test_every_yaml_example_on_the_postprocessors_page_loads(example: str) -> None:
    from rompy.domain.postprocess.spec import PostprocessSpec

    document = yaml.safe_load(example)
    spec = bootstrap(load_entry_points=False).structure(document, PostprocessSpec)
    assert document["type"] == type(spec).type


@pytest.mark.parametrize("tag", tags_of("postprocessors"))
def test_the_postprocessors_page_shows_the_options_of_every_built_in_postprocessor(
    tag: str,
) -> None:
    assert f"<!-- rompy:options postprocessors {tag} -->" in read(POSTPROCESSORS_PAGE)


# --- README, quickstart and CI -----------------------------------------------------------


def test_the_readme_starts_with_the_install_and_test_commands() -> None:
    first_block = code_blocks(read("README.md"), "bash")[0]
    assert [INSTALL_COMMAND, TEST_COMMAND] == first_block.splitlines()[:2]
    assert read("README.md").startswith("```bash\n")


def test_the_docs_home_page_shows_the_same_two_commands() -> None:
    blocks = code_blocks(read("docs/index.md"), "bash")
    assert any([INSTALL_COMMAND, TEST_COMMAND] == block.splitlines()[:2] for block in blocks)


def test_ci_runs_the_readme_test_command() -> None:
    commands = [
        line for line in read(".ci/run").splitlines() if line.strip() and not line.startswith("#")
    ]
    assert any("scripts/test.sh" in line for line in commands)


def test_the_readme_yaml_example_is_a_valid_ten_line_pipeline() -> None:
    example = code_blocks(read("README.md"), "yaml")[0]
    spec = bootstrap(load_entry_points=False).structure(yaml.safe_load(example), PipelineSpec)
    assert (10, "demo") == (len(example.splitlines()), spec.config.run_id)


def test_the_docs_home_page_shows_the_quickstart_file_as_it_is() -> None:
    shown = code_blocks(read("docs/index.md"), "yaml")[0]
    assert yaml.safe_load(read("examples/quickstart/pipeline.yml")) == yaml.safe_load(shown)


def test_every_docs_link_in_the_readme_points_to_an_existing_page() -> None:
    links = re.findall(r"\]\((docs/[^)#]+)", read("README.md"))
    missing = [link for link in links if not (ROOT / link).is_file()]
    assert [] == missing
    assert links
