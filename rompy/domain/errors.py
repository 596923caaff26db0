"""The error hierarchy of rompy.

Every error the library raises on purpose derives from :class:`RompyError`. The CLI maps
them to exit codes: input errors (:class:`ConfigError` and its kin) exit with 2, a failed
run or stage (:class:`RunFailedError`) exits with 1. The library itself never exits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class RompyError(Exception):
    """Base of every error rompy raises on purpose."""

    exit_code: int = 2


class ConfigError(RompyError, ValueError):
    """A configuration value is wrong.

    Args:
        message: What is wrong and how to fix it.
        path: Dotted path of the offending field (``config.period.end``), if known.
        value: The offending value, if known.
    """

    def __init__(self, message: str, *, path: str = "", value: Any = None) -> None:
        self.message = message
        self.path = path
        self.value = value
        super().__init__(self.__str__())

    def with_path_prefix(self, prefix: str) -> ConfigError:
        """Return a copy of this error whose path is prefixed by ``prefix``."""
        path = f"{prefix}.{self.path}" if self.path else prefix
        return type(self)(self.message, path=path, value=self.value)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class UnknownTagError(ConfigError):
    """A tagged family (``model_type``, ``type``) got a tag nobody registered."""


class PluginError(RompyError):
    """A plugin is broken: clashing tags, bad hook implementation."""


class DataSourceError(RompyError):
    """Forcing or input data cannot be found, read, or does not cover the run."""


class TemplateError(RompyError):
    """A template cannot be rendered (undefined variable, path escaping the staging dir)."""


class StagingError(RompyError):
    """The staging directory cannot be prepared without losing user files."""

    @classmethod
    def missing(cls, staging_dir: Path | str) -> StagingError:
        """The error for a run whose staging dir does not exist (it was never generated)."""
        return cls(f"staging dir {staging_dir} does not exist; generate the run before running it")


class PostprocessError(RompyError):
    """A postprocess step cannot do its work.

    A destination exists or is unusable, or a copy differs from its source; postprocessors
    report it in their result.
    """

    exit_code = 1


class ExecutorUnavailableError(RompyError):
    """The engine an executor needs (Docker daemon, SLURM, a binary) is not available."""

    exit_code = 1


class RunFailedError(RompyError):
    """A run or pipeline stage failed.

    Args:
        message: What failed.
        outcome: The outcome value of the failed stage, if any.
        stage: The pipeline stage that failed (``generate``, ``run``, ``postprocess``).
    """

    exit_code = 1

    def __init__(self, message: str, *, outcome: Any = None, stage: str = "") -> None:
        self.outcome = outcome
        self.stage = stage
        super().__init__(message)


class PluginFailedError(RompyError):
    """A plugin's own code failed: a bug in that plugin, not a mistake in the user's input.

    Args:
        plugin: The plugin's name (its entry-point name).
        during: What it was doing: the hook (``rompy_before_run``) or the step
            (``reading config.config``).
        error: The exception its code raised.
    """

    exit_code = 1

    def __init__(self, plugin: str, during: str, error: BaseException) -> None:
        self.plugin = plugin
        self.during = during
        self.error = error
        super().__init__(
            f"plugin {plugin!r} failed in {during}: {type(error).__name__}: {error}; this is a "
            f"bug in the plugin, not in your input: report it to the plugin's authors, or "
            f"disable the plugin with ROMPY_DISABLED_PLUGINS={plugin}"
        )
