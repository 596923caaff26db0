"""Model configurations: a tagged family on ``model_type``.

A model config says which template tree renders the model's input files, which variables the
template sees (as ``config``), which command runs the model by default and how to tell that a
run really succeeded. Plugins add configs for other models (SWAN, SCHISM, ...) by subclassing
:class:`ModelConfig` and registering the class through ``rompy_register_model_configs``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from rompy.domain.data.specs import DataItem, DataSpec
from rompy.domain.grid import RegularGrid
from rompy.domain.grid_protocol import Grid
from rompy.domain.success import FileView, SuccessCheck

Command = str | tuple[str, ...]
"""A command: a string run by the shell, or an argv tuple run directly."""

BASE_TEMPLATE = "rompy:templates/base"
"""The package-resource reference of the built-in ``base`` template."""


@attrs.frozen(kw_only=True)
class ModelConfig:
    """Base class of every model configuration.

    Subclasses set ``model_type`` (the tag users write in YAML) and usually ``template``.
    """

    model_type: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    """Optional modules the adapter for this class needs (shown by ``rompy plugins``)."""

    def template_source(self) -> str:
        """Return the template reference (folder, ``package:path`` resource or fsspec URL)."""
        raise NotImplementedError

    def default_command(self) -> Command | None:
        """Return the command that runs this model when the backend gives none."""
        return None

    def command_for(self, cpus: int | None) -> Command | None:
        """Return the command that runs this model on a backend giving it ``cpus`` CPUs.

        ``cpus`` is the backend's CPU count (``ExecutionSpec.cpu_count()``: SLURM's
        ``cpus_per_task``, Docker's ``cpu``, local ``cpus``), None when it says nothing.
        A model that runs threads (SWAN's OpenMP build) overrides this to use them; the
        default is :meth:`default_command` whatever the count.
        """
        return self.default_command()

    def check_success(self, outputs: FileView) -> SuccessCheck:
        """Judge from the staging directory whether the run succeeded (default: it did)."""
        return SuccessCheck.passed()

    def data_items(self) -> tuple[DataItem, ...]:
        """Return the input data the model needs written into the staging dir (default none).

        Model plugins override this to expose their forcing fields (wind, boundary, ...),
        choosing each item's file name.
        """
        return ()

    def model_grid(self) -> Grid | None:
        """Return the grid data items are cropped to (default none: no spatial crop).

        Any :class:`~rompy.domain.grid_protocol.Grid` will do: a regular grid, or a plugin's
        curvilinear grid or unstructured mesh.
        """
        return None


@attrs.frozen(kw_only=True)
class BaseConfig(ModelConfig):
    """The built-in ``base`` model: a template tree plus free template variables.

    Attributes:
        template: Template reference; the default renders an ``INPUT`` file as the reference
            rompy's ``base`` template does.
        checkout: Accepted for compatibility with the reference rompy (git templates); unused.
        variables: Free variables for the template, seen as ``config.variables``.
        grid: The model grid gridded data is cropped to.
        data: Input data by name, written into the staging dir as ``<name>.nc`` (or the
            source's base name for blobs).

    Example:
        >>> BaseConfig(variables={"arg1": "foo"}).variables["arg1"]
        'foo'
    """

    model_type: ClassVar[str] = "base"
    template: str = BASE_TEMPLATE
    checkout: str | None = "main"
    variables: dict[str, Any] = attrs.field(factory=dict)
    grid: RegularGrid | None = None
    data: dict[str, DataSpec] = attrs.field(factory=dict)

    def template_source(self) -> str:
        """Return the configured template reference."""
        return self.template

    def data_items(self) -> tuple[DataItem, ...]:
        """Return one item per entry of ``data``, in order."""
        return tuple(DataItem(name=name, spec=spec) for name, spec in self.data.items())

    def model_grid(self) -> Grid | None:
        """Return ``grid``."""
        return self.grid
