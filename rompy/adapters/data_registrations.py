"""Built-in registrations of sources (with openers) and data specs (with handlers).

Re-exported by :mod:`rompy.adapters.builtin_plugin`.

Factories import the adapter modules (and so xarray, intake, wavespectra) only when a run
needs them: loading the plugin stays cheap.
"""

from __future__ import annotations

from rompy.adapters.lazy_factory import LazyFactory
from rompy.domain.data import (
    BoundaryWaveStation,
    DataBlob,
    DataBoundary,
    DataGrid,
    DataLink,
    DataPoint,
)
from rompy.domain.sources import (
    CsvSource,
    DatasetSource,
    FileSource,
    IntakeSource,
    WavespectraSource,
)
from rompy.hookspecs import RegisterData, RegisterSource, hookimpl


@hookimpl
def rompy_register_sources(register: RegisterSource) -> None:
    """Register the ``file``, ``csv``, ``dataset``, ``intake`` and ``wavespectra`` sources."""
    register(FileSource, LazyFactory("rompy.adapters.data_sources:FileOpener"))
    register(CsvSource, LazyFactory("rompy.adapters.data_sources:CsvOpener"))
    register(DatasetSource, LazyFactory("rompy.adapters.data_sources:DatasetOpener"))
    register(IntakeSource, LazyFactory("rompy.adapters.intake_source:IntakeOpener"))
    register(WavespectraSource, LazyFactory("rompy.adapters.wavespectra_source:WavespectraOpener"))


@hookimpl
def rompy_register_data(register: RegisterData) -> None:
    """Register the built-in data specs with their handlers.

    Tags: ``data_blob``, ``data_link``, ``point``, ``grid``, ``boundary`` and
    ``boundary_wave_station``.
    """
    register(DataBlob, LazyFactory("rompy.adapters.data_blob:BlobHandler"))
    register(DataLink, LazyFactory("rompy.adapters.data_blob:BlobHandler"))
    register(DataPoint, LazyFactory("rompy.adapters.data_handlers:GriddedHandler"))
    register(DataGrid, LazyFactory("rompy.adapters.data_handlers:GriddedHandler"))
    register(DataBoundary, LazyFactory("rompy.adapters.data_handlers:BoundaryHandler"))
    register(
        BoundaryWaveStation, LazyFactory("rompy.adapters.spectra_boundary:SpectralBoundaryHandler")
    )
