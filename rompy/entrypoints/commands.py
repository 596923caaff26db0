"""The commands behind ``rompy validate|generate|run|postprocess|pipeline``.

Each command loads its config through the application object, calls one service and prints
a short human summary on stdout. Logs go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import attrs

from rompy.application import App, bootstrap
from rompy.domain.errors import ConfigError
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.serialization.documents import classify_document

CONFIG_ENV = "ROMPY_CONFIG"


def read_config_documents(app: App, config: str | None) -> list[Any]:
    """Read the documents of the CONFIG argument, or of ``$ROMPY_CONFIG`` when it is absent.

    ``$ROMPY_CONFIG`` may hold a file path or the YAML/JSON text itself.
    """
    if config is not None:
        return app.load_documents(config)
    value = os.environ.get(CONFIG_ENV, "")
    if not value.strip():
        raise ConfigError(
            "no config given; pass a config file, '-' for stdin, or set ROMPY_CONFIG",
            path="config",
        )
    if "\n" not in value and Path(value).is_file():
        return app.load_documents(value)
    return app.documents_from_text(value, base_dir=Path.cwd(), name=f"${CONFIG_ENV}")


def _with_overrides(run: ModelRun, args: argparse.Namespace) -> ModelRun:
    """Apply ``--output-dir`` and ``--delete-existing`` to ``run``."""
    changes: dict[str, Any] = {}
    if getattr(args, "output_dir", None) is not None:
        changes["output_dir"] = Path(args.output_dir)
    if getattr(args, "delete_existing", None):
        changes["delete_existing"] = True
    return attrs.evolve(run, **changes) if changes else run


def cmd_validate(app: App, args: argparse.Namespace) -> int:
    """Check every document of a model-run or pipeline config."""
    for number, document in enumerate(read_config_documents(app, args.config), start=1):
        if classify_document(document) == "pipeline":
            spec = app.pipeline_from(document)
            run, extra = spec.config, f", backend {spec.backend.type}"
            extra += f", postprocessor {spec.postprocessor.type}"
        else:
            run, extra = app.structure(document, ModelRun), ""
        print(
            f"valid: document {number}: run {run.run_id!r} ({run.config.model_type}), "
            f"{run.period.start:%Y-%m-%dT%H:%M} to {run.period.end:%Y-%m-%dT%H:%M}{extra}"
        )
    return 0


def cmd_generate(app: App, args: argparse.Namespace) -> int:
    """Render the input files of every run in the config."""
    for run in app.runs_from(*read_config_documents(app, args.config)):
        result = app.generate(_with_overrides(run, args), use_cache=not args.no_cache)
        print(f"generated {result.staging_dir} ({len(result.files)} files)")
    return 0


def _backend_for(app: App, args: argparse.Namespace, document: Any) -> ExecutionSpec:
    if args.backend_config:
        return app.load_backend(args.backend_config)
    if classify_document(document) == "pipeline" and "backend" in document:
        return app.structure(document["backend"], ExecutionSpec, path="backend")
    raise ConfigError(
        "no backend given; pass --backend-config FILE (for example a file with 'type: local')",
        path="backend",
    )


def cmd_run(app: App, args: argparse.Namespace) -> int:
    """Generate and run one model run on a backend."""
    documents = read_config_documents(app, args.config)
    failures = 0
    for document in documents:
        run = _with_overrides(app.runs_from(document)[0], args)
        backend = _backend_for(app, args, document)
        if args.dry_run:
            result = app.generate(run, use_cache=not args.no_cache)
            print(f"dry run: generated {result.staging_dir}; would run on {backend.type}")
            continue
        outcome = app.run(
            run, backend, skip_generate=args.skip_generate, use_cache=not args.no_cache
        )
        print(
            f"run {outcome.run_id}: {outcome.status} in {outcome.duration:.1f} s on "
            f"{outcome.executor} (exit code {outcome.exit_code}); outputs in {run.staging_dir}"
        )
        if not outcome.ok:
            print(f"  {outcome.message}")
            failures += 1
    return 1 if failures else 0


def cmd_postprocess(app: App, args: argparse.Namespace) -> int:
    """Postprocess the outputs of every run in the config."""
    spec: Any = app.load_postprocessor(args.processor_config)
    if args.validate_outputs is not None and hasattr(spec, "validate_outputs"):
        spec = attrs.evolve(spec, validate_outputs=args.validate_outputs)
    failures = 0
    for run in app.runs_from(*read_config_documents(app, args.config)):
        result = app.postprocess(_with_overrides(run, args), spec)
        print(f"postprocess {run.run_id}: {'ok' if result.ok else 'failed'}: {result.message}")
        failures += 0 if result.ok else 1
    return 1 if failures else 0


def cmd_pipeline(app: App, args: argparse.Namespace) -> int:
    """Generate, run and postprocess every run in the config."""
    failures = 0
    for document in read_config_documents(app, args.config):
        spec = app.pipeline_from(
            document, backend=args.backend_config, postprocessor=args.processor_config
        )
        spec = attrs.evolve(spec, config=_with_overrides(spec.config, args))
        result = app.pipeline(spec, use_cache=not args.no_cache)
        if result.ok:
            print(f"pipeline {result.run_id}: ok; results in {spec.config.staging_dir}")
            _print_postprocessed(result)
        else:
            print(
                f"pipeline {result.run_id}: failed at stage {result.failed_stage}: {result.message}"
            )
            failures += 1
    return 1 if failures else 0


def _print_postprocessed(result: Any) -> None:
    """Say what the postprocessor wrote, when it wrote files (plots, archives)."""
    processed = result.postprocessed
    if processed is not None and processed.outputs:
        print(f"  {processed.message}: " + ", ".join(Path(path).name for path in processed.outputs))


def dispatch(args: argparse.Namespace) -> int:
    """Build the application and run the command ``args.command``."""
    from rompy.entrypoints import cache_commands, ensemble_commands, info_commands

    app = bootstrap()
    for warning in app.plugins.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    handlers = {
        "validate": cmd_validate,
        "generate": cmd_generate,
        "run": cmd_run,
        "postprocess": cmd_postprocess,
        "pipeline": cmd_pipeline,
        "backends": info_commands.cmd_backends,
        "schema": info_commands.cmd_schema,
        "plugins": info_commands.cmd_plugins,
        "cache": cache_commands.cmd_cache,
        "ensemble": ensemble_commands.cmd_ensemble,
    }
    return handlers[args.command](app, args)
