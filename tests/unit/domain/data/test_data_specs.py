"""Tests of data specs, source specs, crop windows and coverage rules (pure values)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.application import bootstrap
from rompy.domain.data.coverage import (
    check_space_coverage,
    covering_bounds,
    format_moment,
    resolve_time_bounds,
)
from rompy.domain.data.sources import (
    FileSource,
    IntakeSource,
    WavespectraSource,
    is_local,
    uri_protocol,
)
from rompy.domain.data.specs import (
    BoundaryWaveStation,
    DataBlob,
    DataGrid,
    DataItem,
    DataLink,
    DataPoint,
    DataSpec,
    TimeWindow,
    crop_window,
)
from rompy.domain.errors import ConfigError, DataSourceError, UnknownTagError
from rompy.domain.grid import Bbox, RegularGrid
from rompy.domain.model_config import BaseConfig
from rompy.domain.model_run import ModelRun
from rompy.domain.time import TimeRange

APP = bootstrap(load_entry_points=False)
GRID = RegularGrid(x0=110, y0=-35, dx=0.5, dy=0.5, nx=5, ny=3)
PERIOD = TimeRange(start="2023-01-01T03", end="2023-01-01T12")
WIND = FileSource(uri="wind.nc")
HOURS = [datetime(2023, 1, 1) + timedelta(hours=step) for step in range(25)]


def load_data(data: dict[str, Any]) -> DataSpec:
    return APP.structure(data, DataSpec)


# --- loading from the reference YAML shapes ---------------------------------------------


def test_a_reference_data_grid_loads_with_its_file_source() -> None:
    spec = load_data(
        {
            "model_type": "grid",
            "id": "wind",
            "source": {"model_type": "file", "uri": "era5.nc"},
            "variables": ["u10", "v10"],
            "coords": {"x": "lon", "y": "lat"},
            "buffer": 1,
            "time_buffer": [1, 2],
        }
    )
    assert isinstance(spec, DataGrid)
    assert (FileSource(uri="era5.nc"), ("u10", "v10"), "lon", 1.0, (1, 2)) == (
        spec.source,
        spec.variables,
        spec.coords.x,
        spec.buffer,
        spec.time_buffer,
    )


def test_an_unknown_source_tag_lists_the_known_ones() -> None:
    with pytest.raises(UnknownTagError, match="csv, dataset, file, intake, wavespectra"):
        load_data({"model_type": "grid", "source": {"model_type": "ftp", "uri": "x"}})


def test_a_data_spec_without_model_type_says_which_ones_exist() -> None:
    with pytest.raises(ConfigError, match=r"missing 'model_type'.*boundary"):
        load_data({"source": {"model_type": "file", "uri": "x"}})


def test_unknown_keys_in_a_data_spec_are_refused() -> None:
    with pytest.raises(ConfigError, match="bufer"):
        load_data({"model_type": "grid", "source": {"model_type": "file", "uri": "x"}, "bufer": 1})


def test_a_run_with_data_round_trips_through_plain_data() -> None:
    config = BaseConfig(
        grid=GRID,
        data={
            "wind": DataGrid(source=WIND, variables=["u10"], time_buffer=[1, 1]),
            "mesh": DataBlob(source="/data/mesh.txt"),
        },
    )
    run = ModelRun(run_id="r1", period=PERIOD, config=config)
    assert run == APP.structure(APP.unstructure(run), ModelRun)


# --- data specs -------------------------------------------------------------------------


@pytest.mark.parametrize("uri", ["https://example.org/a.nc", "s3://bucket/a.nc", "memory://a"])
def test_link_is_refused_for_remote_sources(uri: str) -> None:
    with pytest.raises(ConfigError, match="only possible for local files"):
        DataBlob(source=uri, link=True)


def test_link_is_allowed_for_local_paths() -> None:
    assert DataBlob(source=Path("/data/a.nc"), link=True).link


def test_data_link_links_by_default() -> None:
    assert DataLink(source="/data/a.nc").link


@pytest.mark.parametrize("value", [[1], [1, -1], [1.5, 0], "1,2", [True, 0]])
def test_time_buffer_needs_two_non_negative_whole_numbers(value: Any) -> None:
    with pytest.raises(ConfigError, match="time_buffer"):
        DataGrid(source=WIND, time_buffer=value)


def test_a_negative_buffer_is_refused() -> None:
    with pytest.raises(ConfigError, match="buffer must be"):
        DataGrid(source=WIND, buffer=-1)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (DataItem(name="wind", spec=DataGrid(source=WIND)), "wind.nc"),
        (DataItem(name="wind", spec=DataGrid(source=WIND, id="era5")), "era5.nc"),
        (DataItem(name="wind", spec=DataGrid(source=WIND), filename="in/w.nc"), "in/w.nc"),
        (DataItem(name="mesh", spec=DataBlob(source="https://h.org/d/mesh.grd")), "mesh.grd"),
        (DataItem(name="bnd", spec=BoundaryWaveStation(source=WIND, output_format="swan")),
         "bnd.bnd"),
    ],
)  # fmt: skip
def test_each_item_knows_the_file_it_writes(item: DataItem, expected: str) -> None:
    assert expected == item.output_name


@pytest.mark.parametrize("filename", ["/etc/passwd", "../outside.nc", "a/../../b.nc"])
def test_an_output_path_leaving_the_staging_dir_is_refused(filename: str) -> None:
    with pytest.raises(ConfigError, match="relative file path"):
        DataItem(name="wind", spec=DataGrid(source=WIND), filename=filename)


def test_base_config_exposes_its_data_items_in_order_and_its_grid() -> None:
    config = BaseConfig(grid=GRID, data={"b": DataGrid(source=WIND), "a": DataPoint(source=WIND)})
    assert (["b", "a"], GRID) == ([item.name for item in config.data_items()], config.model_grid())


# --- source specs -----------------------------------------------------------------------


def test_a_list_of_uris_is_kept_as_a_tuple() -> None:
    assert ("a.nc", "b.nc") == FileSource(uri=["a.nc", Path("b.nc")]).uris


def test_an_empty_uri_list_is_refused() -> None:
    with pytest.raises(ConfigError, match="empty list"):
        FileSource(uri=[])


@pytest.mark.parametrize("fields", [{}, {"catalog_uri": "cat.yaml", "catalog_yaml": "sources: {}"}])
def test_intake_needs_exactly_one_catalog(fields: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="exactly one of catalog_uri"):
        IntakeSource(dataset_id="era5", **fields)


def test_wavespectra_reader_must_be_a_read_function_name() -> None:
    with pytest.raises(ConfigError, match="read_swan"):
        WavespectraSource(uri="spec.nc", reader="os.system")


@pytest.mark.parametrize(
    ("uri", "protocol", "local"),
    [
        ("/data/a.nc", "file", True),
        ("file:///data/a.nc", "file", True),
        ("https://h.org/a.nc", "https", False),
        ("zip://a.nc::/data/b.zip", "zip", False),
        ("simplecache::s3://b/a.nc", "simplecache", False),
    ],
)
def test_uri_protocols_are_read_from_the_text(uri: str, protocol: str, local: bool) -> None:
    assert (protocol, local) == (uri_protocol(uri), is_local(uri))


# --- crop windows -----------------------------------------------------------------------


def test_grid_data_crops_to_the_grid_box_grown_by_the_buffer() -> None:
    window = crop_window(DataGrid(source=WIND, buffer=1), GRID, PERIOD)
    assert (Bbox(minx=109, miny=-36, maxx=113, maxy=-33), GRID.bbox()) == (
        window.bbox,
        window.needed,
    )


def test_the_time_window_carries_the_period_and_buffer_steps() -> None:
    window = crop_window(DataGrid(source=WIND, time_buffer=[2, 3]), GRID, PERIOD)
    assert TimeWindow(start=PERIOD.start, end=PERIOD.end, steps_before=2, steps_after=3) == (
        window.time
    )


def test_point_data_is_not_cropped_in_space() -> None:
    assert crop_window(DataPoint(source=WIND), GRID, PERIOD).bbox is None


def test_crop_data_false_gives_an_empty_window() -> None:
    window = crop_window(DataGrid(source=WIND, crop_data=False), GRID, PERIOD)
    assert (None, None) == (window.bbox, window.time)


# --- coverage rules ---------------------------------------------------------------------


def test_covering_bounds_keep_the_cells_enclosing_the_range() -> None:
    assert (0.5, 1.5) == covering_bounds([0.0, 0.5, 1.0, 1.5, 2.0], 0.7, 1.2)


def test_covering_bounds_on_cell_edges_keep_exactly_those_cells() -> None:
    assert (0.5, 1.5) == covering_bounds([0.0, 0.5, 1.0, 1.5, 2.0], 0.5, 1.5)


def test_covering_bounds_clip_a_buffer_beyond_the_data() -> None:
    assert (0.0, 2.0) == covering_bounds([0.0, 0.5, 1.0, 1.5, 2.0], -5, 9)


@given(
    st.lists(st.integers(-1000, 1000), min_size=2, unique=True).map(sorted),
    st.floats(-1000, 1000),
    st.floats(0, 500),
)
def test_covering_bounds_always_enclose_the_range_inside_the_data(
    values: list[int], low: float, width: float
) -> None:
    floats = [float(value) for value in values]
    low = min(max(low, floats[0]), floats[-1])
    high = min(low + width, floats[-1])
    start, stop = covering_bounds(floats, low, high)
    assert start <= low + 1e-6 and stop >= high - 1e-6


def test_space_coverage_shortfall_says_where_and_by_how_much() -> None:
    with pytest.raises(DataSourceError) as caught:
        check_space_coverage("wind", "longitude", [110.0, 115.0], 109.5, 116)
    assert (
        "wind covers longitude 110 to 115; the grid needs 109.5 to 116 "
        "(0.5 more below and 1 more above)"
    ) == str(caught.value)


def test_time_bounds_on_steps_are_the_period_itself() -> None:
    window = TimeWindow(start=HOURS[3], end=HOURS[12])
    assert (HOURS[3], HOURS[12]) == resolve_time_bounds(HOURS, window, what="wind")


def test_time_bounds_between_steps_take_the_enclosing_steps() -> None:
    window = TimeWindow(start=HOURS[3] + timedelta(minutes=30), end=HOURS[12] - timedelta(1 / 48))
    assert (HOURS[3], HOURS[12]) == resolve_time_bounds(HOURS, window, what="wind")


def test_time_buffer_adds_exactly_the_asked_steps() -> None:
    window = TimeWindow(start=HOURS[3], end=HOURS[12], steps_before=2, steps_after=3)
    assert (HOURS[1], HOURS[15]) == resolve_time_bounds(HOURS, window, what="wind")


def test_a_period_beyond_the_data_says_until_when_and_how_much_more() -> None:
    window = TimeWindow(start=datetime(2023, 1, 1), end=datetime(2023, 1, 3))
    with pytest.raises(DataSourceError) as caught:
        resolve_time_bounds(HOURS, window, what="wind")
    assert (
        "wind covers 2023-01-01T00 to 2023-01-02T00; the run needs until 2023-01-03T00 (1d more)"
    ) == str(caught.value)


def test_a_buffer_beyond_the_data_says_how_many_steps_exist() -> None:
    window = TimeWindow(start=HOURS[1], end=HOURS[12], steps_before=3)
    with pytest.raises(DataSourceError, match=r"needs 3 step.*before 2023-01-01T01.*has only 1"):
        resolve_time_bounds(HOURS, window, what="wind")


def test_format_moment_keeps_minutes_only_when_needed() -> None:
    assert ["2023-01-01T06", "2023-01-01T06:30"] == [
        format_moment(datetime(2023, 1, 1, 6)),
        format_moment(datetime(2023, 1, 1, 6, 30)),
    ]
