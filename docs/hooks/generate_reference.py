"""mkdocs hooks that write the reference parts of the docs from the code itself.

A page asks for generated text with a placeholder, an HTML comment alone on its line:

- ``<!-- rompy:configuration-reference -->``: every config class, from the JSON Schema of
  ``rompy.application.bootstrap(load_entry_points=False).schema()``;
- ``<!-- rompy:options FAMILY TAG -->``: the fields of one registered class, such as
  ``<!-- rompy:options executors docker -->``;
- ``<!-- rompy:cli-reference -->``: every command of ``rompy.entrypoints.cli.build_parser()``;
- ``<!-- rompy:import-contracts -->``: the import-linter contracts of ``pyproject.toml``;
- ``<!-- rompy:benchmarks -->``: the scripts in ``benchmarks/``.

Generated text is never stored in ``docs/``, so it cannot drift from the code. When rompy
cannot be imported, or a placeholder is unknown, the build stops with one message saying why.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository root (this file is ``docs/hooks/generate_reference.py``)."""

PLACEHOLDER = re.compile(
    r"^<!--\s*rompy:(?P<name>[a-z-]+)(?P<args>(?:[ \t]+[\w.-]+)*)\s*-->$", re.M
)
"""A placeholder line: ``<!-- rompy:NAME ARG... -->``."""

FAMILY_TITLES = {
    "model_configs": "Model configs",
    "executors": "Backends (executors)",
    "postprocessors": "Postprocessors",
    "data": "Data",
    "sources": "Data sources",
    "ensemble_engines": "Ensemble engines",
}
"""Section titles of the tagged families, in the order the reference shows them."""

RUN_CLASSES = ("PipelineSpec", "ModelRun", "TimeRange")
"""Classes shown first, in this order, under "Run and pipeline files"."""


# --- the mkdocs event -----------------------------------------------------------------------


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace every ``rompy:`` placeholder of a page by its generated markdown.

    Raises:
        PluginError: A placeholder is unknown, has wrong arguments, or rompy cannot be loaded.
    """
    where = getattr(getattr(page, "file", None), "src_uri", "a page")

    def replace(match: re.Match[str]) -> str:
        name, args = match["name"], match["args"].split()
        generator = GENERATORS.get(name)
        if generator is None:
            known = ", ".join(sorted(GENERATORS))
            raise PluginError(f"{where}: unknown placeholder 'rompy:{name}'; known: {known}")
        try:
            return generator(*args)
        except TypeError as error:
            raise PluginError(f"{where}: placeholder 'rompy:{name}' got {args}: {error}") from error

    return PLACEHOLDER.sub(replace, markdown)


# --- loading rompy --------------------------------------------------------------------------


@cache
def load_app() -> Any:
    """Return ``bootstrap(load_entry_points=False)``: only rompy's own classes, every time.

    Raises:
        PluginError: rompy cannot be imported or bootstrapped (the build must fail loudly).
    """
    try:
        from rompy.application import bootstrap

        return bootstrap(load_entry_points=False)
    except Exception as error:
        raise PluginError(
            f"the reference pages need rompy, but it cannot be loaded: "
            f"{type(error).__name__}: {error}. Install it in the docs environment "
            "(pip install -e '.[dev]') and fix the import error."
        ) from error


# --- markdown helpers -----------------------------------------------------------------------


def escape_cell(text: str) -> str:
    """Return ``text`` safe inside a markdown table cell: one line, pipes escaped.

    Pipes inside code spans are left alone (Python-Markdown does not split on them).
    """
    parts = " ".join(text.split()).split("`")
    return "`".join(
        part if index % 2 else part.replace("|", "\\|") for index, part in enumerate(parts)
    )


def code(value: str) -> str:
    """Return ``value`` as a markdown code span, even when it holds backticks."""
    fence = "``" if "`" in value else "`"
    padding = " " if "`" in value else ""
    return f"{fence}{padding}{value}{padding}{fence}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return a markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(escape_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --- configuration reference ----------------------------------------------------------------


def anchor(definition_name: str) -> str:
    """Return the HTML id of a schema definition's section (``schema-modelrun``)."""
    return "schema-" + re.sub(r"[^a-z0-9]+", "-", definition_name.lower()).strip("-")


def type_text(schema: Mapping[str, Any]) -> str:
    """Describe a JSON Schema fragment in a few words, linking to referenced classes."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{anchor(name)})"
    if "const" in schema:
        return code(json.dumps(schema["const"]))
    if "enum" in schema:
        return "one of " + ", ".join(code(json.dumps(value)) for value in schema["enum"])
    for key in ("oneOf", "anyOf"):
        if key in schema and "type" not in schema:
            return " or ".join(type_text(option) for option in schema[key])
    return _basic_type_text(schema)


def _basic_type_text(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(_basic_type_text({**schema, "type": one}) for one in kind)
    if kind == "string" and "format" in schema:
        return str(schema["format"])
    if kind == "array":
        if "prefixItems" in schema:
            return "[" + ", ".join(type_text(item) for item in schema["prefixItems"]) + "]"
        items = schema.get("items")
        return f"list of {type_text(items)}" if items else "list"
    if kind == "object":
        values = schema.get("additionalProperties")
        return f"mapping of text to {type_text(values)}" if isinstance(values, dict) else "mapping"
    names = {"string": "text", "number": "number", "integer": "integer", "boolean": "boolean"}
    return names.get(str(kind), str(kind)) if kind else "any"


TAG_KEYS = ("type", "model_type")
"""Keys that carry the tag of a tagged class."""


def default_text(name: str, prop: Mapping[str, Any], required: set[str]) -> str:
    """Return the default column of a field: its JSON default, *required* or a dash.

    A default that is a tagged class is shown by its tag only (its own fields are listed in
    its own section).
    """
    if name in required:
        return "*required*"
    if "default" not in prop:
        return "—"
    default = prop["default"]
    if isinstance(default, dict):
        tags = {key: default[key] for key in TAG_KEYS if key in default}
        if tags:
            return code(json.dumps(tags)) + " with its defaults"
    return code(json.dumps(default))


def field_rows(definition: Mapping[str, Any], tag_aliases: set[str]) -> list[tuple[str, ...]]:
    """Return the table rows (field, type, default, description) of one class definition."""
    from rompy.serialization.families import RUN_TYPE

    required = set(definition.get("required", ()))
    rows: list[tuple[str, ...]] = []
    for name, prop in definition.get("properties", {}).items():
        description = prop.get("description", "")
        default = default_text(name, prop, required)
        if prop.get("deprecated"):
            description = f"Older spelling of the tag key, accepted instead of it. {description}"
        elif prop.get("const") == RUN_TYPE and name == "model_type":
            description = "Accepted (and ignored) for files written for the reference rompy."
        elif "const" in prop and not description:
            description = "The tag that selects this class."
        if name in tag_aliases and "const" in prop and not prop.get("deprecated"):
            others = sorted(tag_aliases - {name})
            default = "*required*" + (f" (or {code(others[0])})" if others else "")
            description += " Give this key or its older spelling, not both."
        rows.append((code(name), type_text(prop), default, description.strip()))
    return rows


def class_section(name: str, definition: Mapping[str, Any], title: str, level: int = 3) -> str:
    """Return the markdown section of one schema definition."""
    tag_aliases = {
        key
        for option in definition.get("oneOf", ())
        for key in option.get("required", ())
        if isinstance(option, dict)
    }
    parts = [f"{'#' * level} {title} {{#{anchor(name)}}}", ""]
    if definition.get("description"):
        parts += [definition["description"], ""]
    rows = field_rows(definition, tag_aliases)
    if rows:
        parts += [table(("Field", "Type", "Default", "Description"), rows), ""]
    else:
        parts += ["No fields.", ""]
    return "\n".join(parts)


def _definition_name(cls: type, definitions: Mapping[str, Any]) -> str:
    """Return the ``$defs`` key of ``cls`` (its name, or its dotted path when names clash)."""
    qualified = f"{cls.__module__}.{cls.__qualname__}"
    return qualified if qualified in definitions else cls.__name__


def _family_sections(app: Any, definitions: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield (definition name, markdown) for every registered class, family by family."""
    from rompy.ports.registry import FAMILIES
    from rompy.serialization.families import TAG_ALIASES, TAG_DEFAULTS

    registry = app.plugins.registry
    for family_name, title in FAMILY_TITLES.items():
        family = FAMILIES[family_name]
        intro = [f"## {title} {{#family-{family_name.replace('_', '-')}}}", ""]
        intro.append(f"Chosen by the key {code(family.tag_field)}.")
        if family_name in TAG_ALIASES:
            intro.append(f"The older key {code(TAG_ALIASES[family_name])} is accepted instead.")
        if family_name in TAG_DEFAULTS:
            intro.append(f"Without it, {code(TAG_DEFAULTS[family_name])} is used.")
        yield "", "\n".join([*intro[:2], " ".join(intro[2:]), ""])
        for tag, registration in sorted(registry.family(family_name).items()):
            name = _definition_name(registration.cls, definitions)
            heading = (
                f"{code(tag)} ({registration.cls.__name__}, plugin {code(registration.plugin)})"
            )
            yield name, class_section(name, definitions[name], heading)


def configuration_reference(app: Any | None = None) -> str:
    """Return the markdown of the configuration reference (every class, every field).

    Args:
        app: A bootstrapped application; by default rompy's own classes only.
    """
    from rompy.domain.pipeline import PipelineSpec
    from rompy.serialization.schema import json_schema_for

    app = app if app is not None else load_app()
    schema = app.schema()
    definitions: dict[str, Any] = dict(schema.get("$defs", {}))
    pipeline = json_schema_for(app.plugins.registry, PipelineSpec)
    definitions.update(pipeline.get("$defs", {}))
    parts = ["## Run and pipeline files {#run-and-pipeline-files}", ""]
    shown: set[str] = set()
    for name in RUN_CLASSES:
        if name in definitions:
            parts.append(class_section(name, definitions[name], name))
            shown.add(name)
    for name, section in _family_sections(app, definitions):
        parts.append(section)
        shown.add(name)
    others = sorted(set(definitions) - shown)
    if others:
        parts += ["## Other types {#other-types}", ""]
        parts += [class_section(name, definitions[name], name) for name in others]
    return "\n".join(parts)


def options_table(family_name: str, tag: str) -> str:
    """Return the field table of the class registered as ``tag`` in ``family_name``.

    Raises:
        PluginError: Nothing is registered under that tag.
    """
    from rompy.serialization.schema import json_schema_for

    app = load_app()
    registrations = app.plugins.registry.family(family_name)
    if tag not in registrations:
        known = ", ".join(sorted(registrations)) or "none"
        raise PluginError(f"no {family_name} class is registered as {tag!r}; known: {known}")
    cls = registrations[tag].cls
    schema = json_schema_for(app.plugins.registry, cls)
    definitions = schema.get("$defs", {})
    name = _definition_name(cls, definitions)
    definition = definitions[name]
    aliases = {key for option in definition.get("oneOf", ()) for key in option.get("required", ())}
    rows = field_rows(definition, aliases)
    text = table(("Option", "Type", "Default", "Description"), rows)
    return text.replace("](#schema-", "](reference/configuration.md#schema-")


# --- CLI reference --------------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """Return (name, help, parser) of the direct subcommands of ``parser``."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                found.append((name, helps.get(name, ""), subparser))
    return found


def walk_commands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """Yield (full command, help, parser) for every subcommand, depth first."""
    for _, help_text, subparser in _subcommands(parser):
        yield subparser.prog, help_text, subparser
        yield from walk_commands(subparser)


def usage_text(parser: argparse.ArgumentParser, width: int = 88) -> str:
    """Return the usage line(s) of ``parser`` at a fixed width (not the terminal's)."""
    formatter = argparse.HelpFormatter(prog=parser.prog, width=width)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _option_name(action: argparse.Action) -> str:
    if not action.option_strings:
        name = action.metavar or action.dest
        return f"{name} (optional)" if action.nargs == "?" else str(name)
    if action.nargs == 0:
        return ", ".join(action.option_strings)
    if action.metavar:
        metavar = str(action.metavar)
    elif action.choices:
        metavar = "{" + ",".join(str(choice) for choice in action.choices) + "}"
    else:
        metavar = action.dest.upper()
    return ", ".join(f"{option} {metavar}" for option in action.option_strings)


def _option_row(action: argparse.Action) -> tuple[str, str, str]:
    description = action.help or ""
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        description += " (one of " + ", ".join(code(str(c)) for c in action.choices) + ")"
    if action.required and action.option_strings:
        description += " **Required.**"
    shown = action.default not in (None, False, 0, argparse.SUPPRESS) and action.nargs != 0
    default = code(str(action.default)) if shown else "—"
    return code(_option_name(action)), description.strip(), default


def _option_rows(parser: argparse.ArgumentParser) -> list[tuple[str, str, str]]:
    return [
        _option_row(action)
        for action in parser._actions
        if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction))
    ]


def cli_reference() -> str:
    """Return the markdown of the CLI reference: global options, then every command.

    Raises:
        PluginError: The CLI module cannot be imported.
    """
    try:
        from rompy.entrypoints.cli import build_parser
    except Exception as error:
        raise PluginError(f"cannot import rompy.entrypoints.cli: {error}") from error
    parser = build_parser()
    parts = ["## rompy {#cli-rompy}", "", parser.description or "", ""]
    parts += ["```text", usage_text(parser), "```", ""]
    parts += [table(("Option", "Description", "Default"), _option_rows(parser)), ""]
    for command, help_text, subparser in walk_commands(parser):
        slug = re.sub(r"[^a-z0-9]+", "-", command.lower()).strip("-")
        level = "#" * (command.count(" ") + 1)
        sentence = help_text[:1].upper() + help_text[1:] + "." if help_text else ""
        parts += [f"{level} {command} {{#cli-{slug}}}", "", sentence, ""]
        parts += ["```text", usage_text(subparser), "```", ""]
        rows = _option_rows(subparser)
        if rows:
            parts += [table(("Argument", "Description", "Default"), rows), ""]
    return "\n".join(parts)


# --- architecture and performance -----------------------------------------------------------


def import_contracts(pyproject: Path | None = None) -> str:
    """Return the import-linter contracts of ``pyproject.toml`` as a markdown list."""
    path = pyproject or REPO_ROOT / "pyproject.toml"
    contracts = tomllib.loads(path.read_text())["tool"]["importlinter"]["contracts"]
    parts = []
    for contract in contracts:
        parts.append(f"- **{contract['name']}** ({contract['type']}):")
        if contract["type"] == "layers":
            layers = " → ".join(code(layer) for layer in contract["layers"])
            parts.append(
                f"  from top to bottom, {layers}; a layer may import the layers below it, "
                "never those above, and modules sharing a layer (`a | b`) may not import "
                "each other."
            )
        else:
            sources = ", ".join(code(module) for module in contract.get("source_modules", ()))
            forbidden = ", ".join(code(module) for module in contract.get("forbidden_modules", ()))
            parts.append(f"  {sources} must not import {forbidden}.")
    return "\n".join(parts)


def benchmark_list(folder: Path | None = None) -> str:
    """Return a table of the benchmark scripts (name, what it measures, how to run it)."""
    where = folder or REPO_ROOT / "benchmarks"
    scripts = sorted(path for path in where.glob("*.py") if not path.name.startswith("_"))
    if not scripts:
        return "*No benchmark scripts are in `benchmarks/` yet.*"
    rows = []
    for script in scripts:
        docstring = ast.get_docstring(ast.parse(script.read_text())) or ""
        summary = docstring.strip().split("\n\n", 1)[0]
        rows.append((code(script.name), summary, code(f"python benchmarks/{script.name}")))
    return table(("Script", "What it measures", "Run it with"), rows)


GENERATORS: dict[str, Callable[..., str]] = {
    "configuration-reference": configuration_reference,
    "options": options_table,
    "cli-reference": cli_reference,
    "import-contracts": import_contracts,
    "benchmarks": benchmark_list,
}
"""Placeholder names and the functions that write their markdown."""
