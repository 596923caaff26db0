"""The ``base`` model's output reader: the NetCDF files its command wrote under ``outputs/``.

The base model is a template plus a command, so rompy cannot know what the command writes;
by convention its outputs are the NetCDF files in the staging dir's ``outputs/`` folder (the
built-in template creates it), each read as one dataset named after the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rompy.adapters.xarray_engines import engine_for, load_xarray
from rompy.domain.errors import DataSourceError
from rompy.ports.outputs import OutputRequest

OUTPUTS_FOLDER = "outputs"
"""The staging dir's folder the base model's outputs go to."""


class NetcdfOutputReader:
    """Reads ``<staging>/outputs/*.nc`` into datasets by file stem; an ``OutputReader``.

    Args:
        pattern: Glob of the output files, relative to the staging dir.
    """

    def __init__(self, pattern: str = f"{OUTPUTS_FOLDER}/*.nc") -> None:
        """Keep the pattern; nothing is read until :meth:`read`."""
        self.pattern = pattern

    def read(self, request: OutputRequest) -> Mapping[str, Any]:
        """Open every matching file lazily (close the datasets when done with them).

        Raises:
            DataSourceError: No file matches, or a file is not readable NetCDF.
        """
        xr = load_xarray()

        paths = sorted(request.staging_dir.glob(self.pattern))
        if not paths:
            raise DataSourceError(
                f"run {request.run_id!r} has no outputs: nothing matches {self.pattern} in "
                f"{request.staging_dir}; the base model's command writes its NetCDF outputs there"
            )
        outputs: dict[str, Any] = {}
        for path in paths:
            try:
                outputs[path.stem] = xr.open_dataset(path, engine=engine_for("netcdf4"))
            except (OSError, ValueError) as error:
                raise DataSourceError(f"output {path} cannot be read as NetCDF: {error}") from error
        return outputs
