"""The commands ``rompy backends ...``, ``rompy schema`` and ``rompy plugins``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rompy.application import App
from rompy.domain.errors import ConfigError
from rompy.ports.registry import EXECUTORS, FAMILIES, POSTPROCESSORS, Registration


def _first_doc_line(cls: type) -> str:
    return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


def _render(data: Any, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(data, indent=2, default=str) + "\n"
    from rompy.adapters.config.dumping import dump_yaml

    return dump_yaml(data)


def write_output(text: str, output: str | None, *, force: bool) -> None:
    """Print ``text`` or write it to ``output``; never overwrite a file without ``force``."""
    if output is None:
        print(text, end="")
        return
    target = Path(output)
    if target.exists() and not force:
        raise ConfigError(
            f"{output} already exists; choose another --output or pass --force to overwrite it",
            path="output",
            value=output,
        )
    target.write_text(text)
    print(f"wrote {output}")


def _backends_list(app: App) -> int:
    for family, title in ((EXECUTORS, "Backends (executors)"), (POSTPROCESSORS, "Postprocessors")):
        print(f"{title}:")
        for tag, registration in sorted(app.plugins.registry.family(family).items()):
            print(
                f"  {tag:<12} {_first_doc_line(registration.cls)} [plugin: {registration.plugin}]"
            )
    return 0


def _validate_family(app: App, document: Any, args: argparse.Namespace) -> tuple[str, type]:
    registry = app.plugins.registry
    forced = args.processor_type or args.backend_type
    family = POSTPROCESSORS if args.processor_type else EXECUTORS
    if forced:
        tag = document.get("type", document.get("backend_type", forced))
        if tag != forced:
            raise ConfigError(
                f"file says type {tag!r} but --{'processor' if args.processor_type else 'backend'}"
                f"-type is {forced!r}; make them agree",
                path="type",
                value=tag,
            )
    else:
        tag = document.get("type", document.get("backend_type"))
        if tag in registry.family(POSTPROCESSORS) and tag not in registry.family(EXECUTORS):
            family = POSTPROCESSORS
    data = dict(document)
    if forced and "type" not in data and "backend_type" not in data:
        data["type"] = forced
    spec: Any = app.structure(data, FAMILIES[family].base)
    return str(spec.type), type(spec)


def _backends_validate(app: App, args: argparse.Namespace) -> int:
    from rompy.adapters.config.files import load_documents

    for number, document in enumerate(load_documents(args.config_file), start=1):
        if not isinstance(document, dict):
            raise ConfigError("a backend file must hold a mapping of keys", value=document)
        tag, cls = _validate_family(app, document, args)
        print(f"valid: document {number}: {tag} ({cls.__name__})")
    return 0


def _registration(app: App, backend_type: str) -> Registration:
    registry = app.plugins.registry
    if backend_type in registry.family(POSTPROCESSORS) and backend_type not in registry.family(
        EXECUTORS
    ):
        return registry.lookup(POSTPROCESSORS, backend_type)
    return registry.lookup(EXECUTORS, backend_type)


def _backends_schema(app: App, args: argparse.Namespace) -> int:
    from rompy.serialization.schema import json_schema_for

    registration = _registration(app, args.backend_type)
    print(_render(json_schema_for(app.plugins.registry, registration.cls), args.format), end="")
    return 0


def _starter_data(app: App, cls: type, with_examples: bool) -> dict[str, Any]:
    example = getattr(cls, "example", None)
    if with_examples and callable(example):
        value = example()
    else:
        try:
            value = cls()
        except Exception:
            if not callable(example):
                raise
            value = example()
    data: dict[str, Any] = app.unstructure(value)
    return data


def _backends_create(app: App, args: argparse.Namespace) -> int:
    registration = _registration(app, args.backend_type)
    data = _starter_data(app, registration.cls, args.with_examples)
    write_output(_render(data, args.format), args.output, force=args.force)
    return 0


def cmd_backends(app: App, args: argparse.Namespace) -> int:
    """Run ``rompy backends list|validate|schema|create``."""
    if args.backends_command == "list":
        return _backends_list(app)
    if args.backends_command == "validate":
        return _backends_validate(app, args)
    if args.backends_command == "schema":
        return _backends_schema(app, args)
    return _backends_create(app, args)


def cmd_schema(app: App, args: argparse.Namespace) -> int:
    """Print (or write) the JSON Schema of the whole config, plugin classes included."""
    write_output(_render(app.schema(), args.format), args.output, force=args.force)
    return 0


def cmd_plugins(app: App, args: argparse.Namespace) -> int:
    """List every plugin, its version, what it registers and missing optional modules."""
    for info in app.plugins.plugins:
        print(f"{info.name} {info.version}".rstrip())
        for item in info.registers:
            print(f"  {item}")
        if info.missing:
            hint = ", ".join(info.missing)
            print(f"  missing optional modules: {hint} (pip install 'rompy[{info.missing[0]}]')")
    for warning in app.plugins.warnings:
        print(f"warning: {warning}")
    return 0
