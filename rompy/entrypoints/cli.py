"""The ``rompy`` command line: parse arguments, call one command, map errors to exit codes.

Exit codes: 0 success, 1 a run or stage failed, 2 bad input (one readable message, no
traceback unless ``--debug``). Parsing imports nothing heavy, so ``rompy --help`` is fast;
commands (and through them xarray, docker-py, ...) load only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rompy._version import __version__
from rompy.entrypoints.cache_commands import add_cache_commands, add_no_cache_option
from rompy.entrypoints.ensemble_commands import add_ensemble_commands

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="count", default=0, help="less log output")
    parser.add_argument(
        "--log-format", choices=["console", "json"], default="console", help="log style"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "config",
        nargs="?",
        help="config file (YAML or JSON; '-' for stdin; default: $ROMPY_CONFIG)",
    )


def _delete_existing_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--delete-existing",
        action="store_true",
        default=None,
        help="replace an existing staging dir (overrides the config's delete_existing)",
    )


def _data_options(parser: argparse.ArgumentParser) -> None:
    _delete_existing_option(parser)
    add_no_cache_option(parser)


def _add_run_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = commands.add_parser("validate", help="check a model-run or pipeline config")
    _config_argument(validate)
    generate = commands.add_parser("generate", help="render a run's input files")
    _config_argument(generate)
    generate.add_argument("--output-dir", help="override output_dir")
    _data_options(generate)
    run = commands.add_parser("run", help="generate and run a model")
    _config_argument(run)
    run.add_argument("--backend-config", help="backend (execution) config file")
    run.add_argument("--output-dir", help="override output_dir")
    _data_options(run)
    run.add_argument("--dry-run", action="store_true", help="generate only; do not run")
    run.add_argument("--skip-generate", action="store_true", help="use the existing staging dir")
    post = commands.add_parser("postprocess", help="postprocess a run's outputs")
    _config_argument(post)
    post.add_argument("--processor-config", required=True, help="postprocessor config file")
    post.add_argument("--output-dir", help="override output_dir")
    post.add_argument(
        "--validate-outputs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check that outputs exist (postprocessors that support it)",
    )
    pipeline = commands.add_parser("pipeline", help="generate, run and postprocess")
    _config_argument(pipeline)
    pipeline.add_argument("--backend-config", help="override the pipeline's backend")
    pipeline.add_argument("--processor-config", help="override the pipeline's postprocessor")
    pipeline.add_argument("--output-dir", help="override output_dir")
    _data_options(pipeline)


def _add_backend_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backends = commands.add_parser("backends", help="list, check and create backend configs")
    sub = backends.add_subparsers(dest="backends_command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="list executors and postprocessors")
    check = sub.add_parser("validate", help="check a backend or postprocessor file")
    check.add_argument("config_file")
    kind = check.add_mutually_exclusive_group()
    kind.add_argument("--backend-type", help="validate as this backend type")
    kind.add_argument("--processor-type", help="validate as this postprocessor type")
    schema = sub.add_parser("schema", help="JSON Schema of one backend type")
    schema.add_argument("--backend-type", required=True)
    schema.add_argument("--format", choices=["json", "yaml"], default="json")
    create = sub.add_parser("create", help="write a starter backend config")
    create.add_argument("--backend-type", required=True)
    create.add_argument("--output", help="file to write (default: stdout)")
    create.add_argument("--format", choices=["json", "yaml"], default="yaml")
    create.add_argument("--with-examples", action="store_true", help="fill example values")
    create.add_argument("--force", action="store_true", help="overwrite an existing --output")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``rompy`` command."""
    parser = argparse.ArgumentParser(
        prog="rompy",
        description="Set up, run and post-process ocean, wave and coastal models.",
    )
    parser.add_argument("--version", action="version", version=f"rompy {__version__}")
    _add_global_options(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run_commands(commands)
    _add_backend_commands(commands)
    schema = commands.add_parser("schema", help="JSON Schema of the whole config")
    schema.add_argument("--output", "-o", help="file to write (default: stdout)")
    schema.add_argument("--format", choices=["json", "yaml"], default="json")
    schema.add_argument("--force", action="store_true", help="overwrite an existing --output")
    commands.add_parser("plugins", help="list plugins and what they register")
    add_cache_commands(commands)
    add_ensemble_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``rompy`` command line; return the exit code."""
    args = build_parser().parse_args(argv)
    from rompy.entrypoints.errors import run_reporting_errors

    return run_reporting_errors(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
