"""Built-in registrations of sources (with openers) and data specs (with handlers).

Re-exported by :mod:`rompy.adapters.builtin_plugin`.

Factories import the adapter modules (and so xarray, intake, wavespectra) only when a run
needs them: loading the plugin stays cheap.
"""

from __future__ import annotations

from typing import Any

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
from rompy.ports.data import DataHandler, SourceOpener


def _file_opener() -> SourceOpener[Any]:
    from rompy.adapters.data_sources import FileOpener

    return FileOpener()


def _csv_opener() -> SourceOpener[Any]:
    from rompy.adapters.data_sources import CsvOpener

    return CsvOpener()


def _dataset_opener() -> SourceOpener[Any]:
    from rompy.adapters.data_sources import DatasetOpener

    return DatasetOpener()


def _intake_opener() -> SourceOpener[Any]:
    from rompy.adapters.intake_source import IntakeOpener

    return IntakeOpener()


def _wavespectra_opener() -> SourceOpener[Any]:
    from rompy.adapters.wavespectra_source import WavespectraOpener

    return WavespectraOpener()


def _gridded_handler() -> DataHandler:
    from rompy.adapters.data_handlers import GriddedHandler

    return GriddedHandler()


def _boundary_handler() -> DataHandler:
    from rompy.adapters.data_handlers import BoundaryHandler

    return BoundaryHandler()


def _blob_handler() -> DataHandler:
    from rompy.adapters.data_blob import BlobHandler

    return BlobHandler()


def _spectral_boundary_handler() -> DataHandler:
    from rompy.adapters.spectra_boundary import SpectralBoundaryHandler

    handler: DataHandler = SpectralBoundaryHandler()
    return handler


@hookimpl
def rompy_register_sources(register: RegisterSource) -> None:
    """Register the ``file``, ``csv``, ``dataset``, ``intake`` and ``wavespectra`` sources."""
    register(FileSource, _file_opener)
    register(CsvSource, _csv_opener)
    register(DatasetSource, _dataset_opener)
    register(IntakeSource, _intake_opener)
    register(WavespectraSource, _wavespectra_opener)


@hookimpl
def rompy_register_data(register: RegisterData) -> None:
    """Register the built-in data specs with their handlers.

    Tags: ``data_blob``, ``data_link``, ``point``, ``grid``, ``boundary`` and
    ``boundary_wave_station``.
    """
    register(DataBlob, _blob_handler)
    register(DataLink, _blob_handler)
    register(DataPoint, _gridded_handler)
    register(DataGrid, _gridded_handler)
    register(DataBoundary, _boundary_handler)
    register(BoundaryWaveStation, _spectral_boundary_handler)
