"""Running a parsed command and turning errors into one message and an exit code."""

from __future__ import annotations

import argparse
import sys
import traceback

from rompy.domain.errors import ConfigError, PluginFailedError, RompyError


def _message(error: RompyError) -> str:
    text = str(error).strip() or type(error).__name__
    if isinstance(error, ConfigError | PluginFailedError):
        return f"error: {text}"
    return f"error: {type(error).__name__.removesuffix('Error').lower() or 'rompy'}: {text}"


def run_reporting_errors(args: argparse.Namespace) -> int:
    """Run the command ``args`` names; print one line for an error and return its exit code."""
    from rompy.entrypoints.logging_setup import configure_logging

    configure_logging(verbose=args.verbose, quiet=args.quiet, log_format=args.log_format)
    try:
        from rompy.entrypoints.commands import dispatch

        return dispatch(args)
    except RompyError as error:
        if args.debug:
            traceback.print_exc()
        print(_message(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        print(
            f"internal error: {type(error).__name__}: {error} (rerun with --debug for details)",
            file=sys.stderr,
        )
        return 1
