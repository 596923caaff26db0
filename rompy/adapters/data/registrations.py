"""Built-in registrations of sources (with openers) and data specs (with handlers).

Re-exported by :mod:`rompy.adapters.builtin_plugin`.

Factories import the adapter modules (and so xarray, intake, wavespectra) only when a run
needs them: loading the plugin stays cheap.
"""

from __future__ import annotations

from rompy.adapters.lazy_factory import LazyFactory
from rompy.domain.data.sources import (
    CsvSource,
    DatasetSource,
    FileSource,
    IntakeSource,
    WavespectraSource,
)
from rompy.domain.data.specs import (
    BoundaryWaveStation,
    DataBlob,
    DataBoundary,
    DataGrid,
    DataLink,
    DataPoint,
)
from rompy.hookspecs import RegisterData, RegisterSource, hookimpl


@hookimpl
def rompy_register_sources(register: RegisterSource) -> None:
    """Register the ``file``, ``csv``, ``dataset``, ``intake`` and ``wavespectra`` sources."""
    register(FileSource, LazyFactory("rompy.adapters.data.sources.files:FileOpener"))
    register(CsvSource, LazyFactory("rompy.adapters.data.sources.files:CsvOpener"))
    register(DatasetSource, LazyFactory("rompy.adapters.data.sources.files:DatasetOpener"))
    register(IntakeSource, LazyFactory("rompy.adapters.data.sources.intake:IntakeOpener"))
    register(
        WavespectraSource, LazyFactory("rompy.adapters.data.sources.wavespectra:WavespectraOpener")
    )


@hookimpl
def rompy_register_data(register: RegisterData) -> None:
    """Register the built-in data specs with their handlers.

    Tags: ``data_blob``, ``data_link``, ``point``, ``grid``, ``boundary`` and
    ``boundary_wave_station``.
    """
    register(DataBlob, LazyFactory("rompy.adapters.data.handlers.blob:BlobHandler"))
    register(DataLink, LazyFactory("rompy.adapters.data.handlers.blob:BlobHandler"))
    register(DataPoint, LazyFactory("rompy.adapters.data.handlers.gridded:GriddedHandler"))
    register(DataGrid, LazyFactory("rompy.adapters.data.handlers.gridded:GriddedHandler"))
    register(DataBoundary, LazyFactory("rompy.adapters.data.handlers.gridded:BoundaryHandler"))
    register(
        BoundaryWaveStation,
        LazyFactory("rompy.adapters.data.handlers.spectra_boundary:SpectralBoundaryHandler"),
    )
