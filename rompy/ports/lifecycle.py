"""The lifecycle-hook port: services tell observers what happens, observers only watch.

Bootstrap passes pluggy's hook relay, which has exactly these methods; tests pass a recorder.
"""

from __future__ import annotations

from typing import Any, Protocol

from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_run import ModelRun
from rompy.ports.execution import RunOutcome
from rompy.ports.postprocessing import PostprocessResult
from rompy.ports.rendering import RenderResult


class _Hook(Protocol):
    def __call__(self, **kwargs: Any) -> Any: ...


class LifecycleHooks(Protocol):
    """Observers of a run's lifecycle (pluggy's ``pm.hook`` satisfies this)."""

    rompy_before_generate: _Hook
    rompy_after_generate: _Hook
    rompy_before_run: _Hook
    rompy_after_run: _Hook
    rompy_before_postprocess: _Hook
    rompy_after_postprocess: _Hook


class NoHooks:
    """Lifecycle hooks that observe nothing."""

    def _ignore(self, **kwargs: Any) -> None:
        return None

    rompy_before_generate = _ignore
    rompy_after_generate = _ignore
    rompy_before_run = _ignore
    rompy_after_run = _ignore
    rompy_before_postprocess = _ignore
    rompy_after_postprocess = _ignore


__all__ = [
    "ExecutionSpec",
    "LifecycleHooks",
    "ModelRun",
    "NoHooks",
    "PostprocessResult",
    "RenderResult",
    "RunOutcome",
]
