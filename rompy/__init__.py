"""rompy: set up, run and post-process ocean, wave and coastal models.

Describe a run once (period, model configuration, where it executes) and let rompy render the
model's input files, run it locally, in Docker or on SLURM, check it succeeded and post-process
the outputs.

Example:
    >>> from rompy.bootstrap import bootstrap
    >>> app = bootstrap(load_entry_points=False)  # doctest: +SKIP
    >>> run = app.load_run("run.yml")  # doctest: +SKIP
    >>> app.generate(run).staging_dir  # doctest: +SKIP

Importing this package is cheap: heavy modules load only when used.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str) -> Any:
    """Load ``hookimpl`` lazily, so ``import rompy`` stays cheap."""
    if name == "hookimpl":
        from rompy.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'rompy' has no attribute {name!r}")
