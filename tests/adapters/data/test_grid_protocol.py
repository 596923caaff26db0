"""A grid that is not a RegularGrid (a small unstructured mesh) crosses the data ports.

The mesh below is what a SCHISM-like plugin would bring: nodes, and an outer boundary given
as node indices. Real NetCDF files are cropped to it and sampled along its boundary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs
import numpy as np
import xarray as xr

from rompy import Bbox, Grid, ModelConfig, ModelRun, bootstrap, hookimpl
from rompy.adapters.data.staging import LocalDataStager
from rompy.domain.data.sources import FileSource
from rompy.domain.data.specs import DataBoundary, DataGrid, DataItem
from rompy.domain.time import TimeRange
from rompy.ports.data import StageRequest
from tests.adapters.data_samples import field_value, linear_field

PERIOD = TimeRange(start="2023-01-01T03", end="2023-01-01T12")


@attrs.frozen
class TriangleMesh:
    """An unstructured mesh: node coordinates and its outer boundary as node indices."""

    node_x: tuple[float, ...]
    node_y: tuple[float, ...]
    outline: tuple[int, ...]

    @property
    def x(self) -> Any:
        return np.asarray(self.node_x)

    @property
    def y(self) -> Any:
        return np.asarray(self.node_y)

    def bbox(self, buffer: float = 0.0) -> Bbox:
        tight = Bbox(
            minx=min(self.node_x), miny=min(self.node_y), maxx=max(self.node_x),
            maxy=max(self.node_y),
        )  # fmt: skip
        return tight.expand(buffer)

    def boundary_points(self, spacing: float | None = None) -> tuple[Any, Any]:
        return self.x[list(self.outline)], self.y[list(self.outline)]

    def contains(self, x: float, y: float) -> bool:
        return self.bbox().contains(x, y)


MESH = TriangleMesh(
    node_x=(111.0, 113.0, 112.0, 112.0),
    node_y=(-34.0, -34.0, -32.5, -33.5),
    outline=(0, 1, 2),
)


@attrs.frozen(kw_only=True)
class MeshModel(ModelConfig):
    """A model config whose grid is the mesh."""

    model_type: ClassVar[str] = "mesh_model"
    wind: str = ""
    variables: dict[str, Any] = attrs.field(factory=dict)

    def template_source(self) -> str:
        return "rompy:templates/base"

    def data_items(self) -> tuple[DataItem, ...]:
        return (DataItem(name="wind", spec=DataGrid(source=FileSource(uri=self.wind))),)

    def model_grid(self) -> Grid | None:
        return MESH


def stage_into(staging: Path, item: DataItem) -> xr.Dataset:
    stager = LocalDataStager(registry=bootstrap(load_entry_points=False).plugins.registry)
    staged = stager.stage(
        StageRequest(items=(item,), grid=MESH, period=PERIOD, staging_dir=staging)
    )
    staging.mkdir(parents=True)
    stager.commit(staged, staging)
    with xr.open_dataset(staging / item.output_name) as dataset:
        return dataset.load()


def test_the_mesh_is_a_grid() -> None:
    assert isinstance(MESH, Grid)


def test_gridded_data_is_cropped_to_the_mesh_bbox(tmp_path: Path) -> None:
    linear_field().to_netcdf(tmp_path / "wind.nc")
    item = DataItem(name="wind", spec=DataGrid(source=FileSource(uri=tmp_path / "wind.nc")))

    dataset = stage_into(tmp_path / "staging", item)

    assert (111.0, 113.0, -34.0, -32.5) == (
        float(dataset.longitude.min()),
        float(dataset.longitude.max()),
        float(dataset.latitude.min()),
        float(dataset.latitude.max()),
    )


def test_boundary_data_is_sampled_at_the_mesh_boundary_nodes(tmp_path: Path) -> None:
    linear_field().to_netcdf(tmp_path / "wind.nc")
    item = DataItem(name="bnd", spec=DataBoundary(source=FileSource(uri=tmp_path / "wind.nc")))

    dataset = stage_into(tmp_path / "staging", item)

    expected = [field_value(x, y, 3) for x, y in zip(*MESH.boundary_points(), strict=True)]
    assert expected == dataset.u10.isel(time=0).values.tolist()


class MeshPlugin:
    """Registers the mesh model."""

    @hookimpl
    def rompy_register_model_configs(self, register: Any) -> None:
        register(MeshModel)


def test_a_model_config_with_a_mesh_generates_cropped_forcing(tmp_path: Path) -> None:
    linear_field().to_netcdf(tmp_path / "wind.nc")
    app = bootstrap(load_entry_points=False, extra_plugins=[("mesh", MeshPlugin())])
    run = app.structure(
        {
            "run_id": "mesh",
            "output_dir": str(tmp_path / "out"),
            "period": {"start": "2023-01-01T03", "end": "2023-01-01T12"},
            "config": {"model_type": "mesh_model", "wind": str(tmp_path / "wind.nc")},
        },
        ModelRun,
    )

    result = app.generate(run)

    with xr.open_dataset(result.staging_dir / "wind.nc") as dataset:
        assert (4, 5) == (dataset.sizes["latitude"], dataset.sizes["longitude"])
