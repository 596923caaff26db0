"""Hook implementations of the example plugin.

rompy finds this module through the ``rompy`` entry-point group declared in this package's
``pyproject.toml``, then calls the hooks below to learn what the plugin adds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, ClassVar

import attrs

from rompy import (
    DataSourceError,
    FileView,
    ModelConfig,
    OutputRequest,
    PostprocessRequest,
    PostprocessResult,
    PostprocessSpec,
    SuccessCheck,
    hookimpl,
)


@attrs.frozen(kw_only=True)
class WaveDemoConfig(ModelConfig):
    """A toy wave "model": a shell script that writes a wave-height table.

    Attributes:
        wave_height: Significant wave height written to the table, in metres.
        location: A label for the site.
    """

    model_type: ClassVar[str] = "wave_demo"
    wave_height: float = 1.5
    location: str = "somewhere"

    def template_source(self) -> str:
        """Return the plugin's own template tree (a package resource)."""
        return "rompy_example_plugin:template"

    def default_command(self) -> str:
        """Run the rendered script."""
        return "sh run.sh"

    def check_success(self, outputs: FileView) -> SuccessCheck:
        """The model succeeded when it wrote ``hs.txt``."""
        if outputs.exists("hs.txt"):
            return SuccessCheck.passed()
        return SuccessCheck.failed("hs.txt was not written")


@attrs.frozen(kw_only=True)
class FileSummarySpec(PostprocessSpec):
    """Write ``SUMMARY.txt`` listing every output file with its size and SHA-256.

    Attributes:
        pattern: Glob of the files to list.
    """

    type: ClassVar[str] = "file_summary"
    pattern: str = "*"


class FileSummary:
    """The adapter acting on :class:`FileSummarySpec`."""

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """List matching files of the staging dir into ``SUMMARY.txt``."""
        spec = request.spec
        assert isinstance(spec, FileSummarySpec)
        lines = [_describe(path, request.staging_dir) for path in _matching(request, spec)]
        if not lines:
            return PostprocessResult(ok=False, message=f"no file matches {spec.pattern!r}")
        summary = request.staging_dir / "SUMMARY.txt"
        summary.write_text("\n".join(lines) + "\n")
        return PostprocessResult(
            ok=True, message=f"{len(lines)} files listed", outputs=(str(summary),)
        )


def _matching(request: PostprocessRequest, spec: FileSummarySpec) -> list[Path]:
    found = sorted(request.staging_dir.rglob(spec.pattern))
    return [path for path in found if path.is_file() and path.name != "SUMMARY.txt"]


def _describe(path: Path, root: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{path.relative_to(root)} {path.stat().st_size} {digest}"


class WaveDemoReader:
    """Reads the ``hs.txt`` table a ``wave_demo`` run wrote into a dataset (an OutputReader)."""

    def read(self, request: OutputRequest) -> dict[str, Any]:
        """Return ``{"hs": Dataset}`` with ``hs`` (metres) over ``time``."""
        import pandas as pd
        import xarray as xr

        table = request.staging_dir / "hs.txt"
        if not table.is_file():
            raise DataSourceError(f"wave_demo run {request.run_id!r} wrote no {table}")
        rows = [line.split() for line in table.read_text().splitlines() if line.strip()]
        times = pd.to_datetime([row[0] for row in rows])
        heights = [float(row[1]) for row in rows]
        hs = xr.DataArray(heights, coords={"time": times}, dims="time", attrs={"units": "m"})
        location = getattr(request.config, "location", "")
        return {"hs": xr.Dataset({"hs": hs}, attrs={"location": location})}


@hookimpl
def rompy_register_model_configs(register: Any) -> None:
    """Add the ``wave_demo`` model."""
    register(WaveDemoConfig)


@hookimpl
def rompy_register_postprocessors(register: Any) -> None:
    """Add the ``file_summary`` postprocessor."""
    register(FileSummarySpec, FileSummary)


@hookimpl
def rompy_register_output_readers(register: Any) -> None:
    """Read ``wave_demo`` outputs with :class:`WaveDemoReader`."""
    register(WaveDemoConfig, WaveDemoReader)
