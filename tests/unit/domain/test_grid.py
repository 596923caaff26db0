"""Tests of Bbox and RegularGrid."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rompy.domain.errors import ConfigError
from rompy.domain.grid import Bbox, RegularGrid


def box(minx: float, miny: float, maxx: float, maxy: float) -> Bbox:
    return Bbox(minx=minx, miny=miny, maxx=maxx, maxy=maxy)


UNIT = box(0, 0, 1, 1)

# --- Bbox -------------------------------------------------------------------------------


def test_bbox_measures_width_height_and_center() -> None:
    assert (
        box(1, 1, 5, 3).width,
        box(1, 1, 5, 3).height,
        box(1, 1, 5, 3).center,
    ) == (4.0, 2.0, (3.0, 2.0))


def test_bbox_as_tuple_orders_min_then_max() -> None:
    assert box(1, 2, 3, 4).as_tuple() == (1.0, 2.0, 3.0, 4.0)


@pytest.mark.parametrize(
    ("corners", "field"),
    [((2, 0, 1, 1), "maxx"), ((0, 2, 1, 1), "maxy")],
)
def test_bbox_rejects_an_inverted_box_naming_the_field(
    corners: tuple[float, float, float, float], field: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        box(*corners)
    assert field == caught.value.path


def test_bbox_rejects_a_nan_edge() -> None:
    with pytest.raises(ConfigError, match="finite"):
        box(0, 0, math.nan, 1)


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        (0.5, 0.5, True),
        (0.0, 0.0, True),
        (1.0, 0.3, True),
        (1.0001, 0.5, False),
        (0.5, -0.0001, False),
    ],
)
def test_bbox_contains_points_edges_included(x: float, y: float, expected: bool) -> None:
    assert expected == UNIT.contains(x, y)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (box(0.2, 0.2, 0.8, 0.8), True),
        (box(0, 0, 1, 1), True),
        (box(0.5, 0.5, 1.5, 1.5), False),
        (box(2, 2, 3, 3), False),
    ],
)
def test_bbox_contains_bbox(other: Bbox, expected: bool) -> None:
    assert expected == UNIT.contains_bbox(other)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (box(0.5, 0.5, 1.5, 1.5), True),
        (box(1, 0, 2, 1), True),  # shares an edge
        (box(1, 1, 2, 2), True),  # shares a corner
        (box(0.2, 0.2, 0.8, 0.8), True),  # inside
        (box(1.01, 0, 2, 1), False),
        (box(0, -2, 1, -0.5), False),
    ],
)
def test_bbox_intersects_counting_touching_edges(other: Bbox, expected: bool) -> None:
    assert (expected, expected) == (UNIT.intersects(other), other.intersects(UNIT))


def test_bbox_intersection_is_the_overlap() -> None:
    assert box(0.5, 0.5, 1, 1) == UNIT.intersection(box(0.5, 0.5, 2, 2))


def test_bbox_intersection_of_touching_boxes_is_degenerate() -> None:
    assert box(1, 0, 1, 1) == UNIT.intersection(box(1, 0, 2, 1))


def test_bbox_intersection_of_disjoint_boxes_is_none() -> None:
    assert UNIT.intersection(box(2, 2, 3, 3)) is None


def test_bbox_union_covers_both() -> None:
    assert box(-1, 0, 1, 3) == UNIT.union(box(-1, 2, 0, 3))


def test_bbox_expand_moves_every_edge_out_by_the_buffer() -> None:
    assert box(-0.5, -0.5, 1.5, 1.5) == UNIT.expand(0.5)


def test_bbox_expand_with_negative_buffer_shrinks() -> None:
    assert box(0.25, 0.25, 0.75, 0.75) == UNIT.expand(-0.25)


def test_bbox_expand_refuses_a_buffer_that_would_invert_the_box() -> None:
    with pytest.raises(ConfigError, match="buffer"):
        box(0, 0, 4, 1).expand(-0.6)


def test_bbox_accepts_integers_as_floats() -> None:
    assert isinstance(box(0, 0, 1, 1).minx, float)


coordinates = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def boxes(draw: st.DrawFn) -> Bbox:
    x1, x2, y1, y2 = (draw(coordinates) for _ in range(4))
    return box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


@given(boxes(), boxes())
def test_bbox_union_contains_both_boxes(first: Bbox, second: Bbox) -> None:
    union = first.union(second)
    assert (union.contains_bbox(first), union.contains_bbox(second)) == (True, True)


@given(boxes(), boxes())
def test_bbox_intersection_exists_exactly_when_boxes_intersect(first: Bbox, second: Bbox) -> None:
    assert first.intersects(second) == (first.intersection(second) is not None)


@given(boxes(), boxes())
def test_bbox_intersection_lies_in_both_boxes(first: Bbox, second: Bbox) -> None:
    overlap = first.intersection(second)
    assume(overlap is not None)
    assert overlap is not None
    assert (first.contains_bbox(overlap), second.contains_bbox(overlap)) == (True, True)


@given(boxes(), boxes())
def test_bbox_intersects_is_symmetric(first: Bbox, second: Bbox) -> None:
    assert first.intersects(second) == second.intersects(first)


@given(boxes(), st.floats(min_value=0, max_value=1e3))
def test_bbox_expanded_box_contains_the_original(original: Bbox, buffer: float) -> None:
    assert original.expand(buffer).contains_bbox(original)


@given(boxes())
def test_bbox_contains_its_center_and_corners(bbox: Bbox) -> None:
    points = [bbox.center, (bbox.minx, bbox.miny), (bbox.maxx, bbox.maxy)]
    assert all(bbox.contains(x, y) for x, y in points)


# --- RegularGrid construction -----------------------------------------------------------


def grid(**overrides: object) -> RegularGrid:
    fields: dict[str, object] = {"x0": 0.0, "y0": 0.0, "dx": 1.0, "dy": 1.0, "nx": 3, "ny": 2}
    fields.update(overrides)
    return RegularGrid(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [("dx", 0.0), ("dy", -1.0), ("nx", 1), ("ny", 0), ("nx", 2.5), ("dx", math.inf)],
)
def test_regular_grid_rejects_bad_spacing_or_size_naming_the_field(
    field: str, value: float
) -> None:
    with pytest.raises(ConfigError) as caught:
        grid(**{field: value})
    assert field == caught.value.path


def test_regular_grid_rejects_text_for_a_coordinate_naming_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        grid(x0="east")
    assert caught.value.path == "x0"


def test_regular_grid_accepts_numpy_numbers_as_plain_numbers() -> None:
    regular = grid(nx=np.int64(4), dx=np.float32(0.5))
    assert (int, float) == (type(regular.nx), type(regular.dx))


def test_regular_grid_tag_is_regular() -> None:
    assert RegularGrid.model_type == "regular"


def test_regular_grid_defaults_to_unrotated_wgs84() -> None:
    assert (grid().rot, grid().crs) == (0.0, "EPSG:4326")


# --- RegularGrid geometry ---------------------------------------------------------------


def test_coordinates_have_shape_ny_by_nx() -> None:
    regular = grid(nx=4, ny=3)
    assert (regular.x.shape, regular.y.shape) == ((3, 4), (3, 4))


def test_awkward_float_spacing_gives_exactly_nx_points() -> None:
    regular = grid(x0=0.1, dx=0.1, nx=3)
    np.testing.assert_allclose(regular.x[0], [0.1, 0.2, 0.3], rtol=0, atol=1e-12)


@given(
    st.floats(min_value=-180, max_value=180),
    st.floats(min_value=1e-4, max_value=10),
    st.integers(min_value=2, max_value=500),
)
def test_unrotated_grid_has_nx_points_ending_at_x0_plus_xlen(x0: float, dx: float, nx: int) -> None:
    regular = grid(x0=x0, dx=dx, nx=nx)
    assert (2, nx) == regular.x.shape
    assert math.isclose(x0 + dx * (nx - 1), regular.x[0, -1], rel_tol=1e-12, abs_tol=1e-9)


def test_lengths_span_the_outer_points() -> None:
    regular = grid(dx=0.5, dy=2.0, nx=5, ny=4)
    assert (regular.xlen, regular.ylen) == (2.0, 6.0)


def test_rotation_by_90_degrees_maps_the_x_axis_onto_the_y_axis() -> None:
    regular = grid(x0=10.0, y0=20.0, dx=2.0, nx=4, rot=90)
    np.testing.assert_allclose(regular.x[0], [10.0, 10.0, 10.0, 10.0], atol=1e-12)
    np.testing.assert_allclose(regular.y[0], [20.0, 22.0, 24.0, 26.0], atol=1e-12)


def test_rotation_turns_counter_clockwise_about_the_origin() -> None:
    regular = grid(dx=1.0, nx=2, rot=30)
    expected = (math.cos(math.radians(30)), math.sin(math.radians(30)))
    assert np.allclose(expected, (regular.x[0, 1], regular.y[0, 1]))


def test_corners_are_anticlockwise_from_the_origin() -> None:
    regular = grid(x0=1.0, y0=2.0, dx=1.0, dy=2.0, nx=3, ny=2)
    assert regular.corners() == ((1.0, 2.0), (3.0, 2.0), (3.0, 4.0), (1.0, 4.0))


def test_corners_match_the_corner_nodes_of_the_coordinate_arrays() -> None:
    regular = grid(x0=0.3, y0=-0.7, dx=0.1, dy=0.3, nx=7, ny=5, rot=17.5)
    nodes = [(0, 0), (0, -1), (-1, -1), (-1, 0)]
    expected = tuple((float(regular.x[j, i]), float(regular.y[j, i])) for j, i in nodes)
    assert expected == regular.corners()


def test_bbox_of_unrotated_grid_spans_its_points() -> None:
    regular = grid(x0=110.0, y0=-35.0, dx=0.5, dy=0.25, nx=5, ny=5)
    assert box(110.0, -35.0, 112.0, -34.0) == regular.bbox()


def test_bbox_of_rotated_grid_covers_the_rotated_points() -> None:
    regular = grid(dx=1.0, dy=1.0, nx=2, ny=2, rot=45)
    half_diagonal = math.sqrt(2) / 2
    expected = (-half_diagonal, 0.0, half_diagonal, math.sqrt(2))
    np.testing.assert_allclose(expected, regular.bbox().as_tuple(), atol=1e-12)


def test_bbox_buffer_widens_every_side_by_the_buffer() -> None:
    regular = grid(x0=5.0, y0=5.0, nx=4, ny=3, rot=20)
    tight, wide = regular.bbox().as_tuple(), regular.bbox(buffer=0.5).as_tuple()
    np.testing.assert_allclose([-0.5, -0.5, 0.5, 0.5], np.subtract(wide, tight), atol=1e-12)


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((1.0, 0.5), True),
        ((0.0, 0.0), True),
        ((2.0, 1.0), True),
        ((2.1, 0.5), False),
        ((-0.1, 0.5), False),
        ((1.0, 1.1), False),
    ],
)
def test_unrotated_grid_contains_points_edges_included(
    point: tuple[float, float], expected: bool
) -> None:
    assert expected == grid(nx=3, ny=2).contains(*point)


def test_rotated_grid_contains_points_of_its_rotated_area_only() -> None:
    regular = grid(dx=1.0, dy=1.0, nx=3, ny=3, rot=90)  # covers x in [-2, 0], y in [0, 2]
    assert (regular.contains(-1.0, 1.0), regular.contains(1.0, 1.0)) == (True, False)


@given(st.floats(min_value=-180, max_value=180))
def test_rotated_grid_contains_all_its_nodes(rot: float) -> None:
    regular = grid(x0=150.0, y0=-30.0, dx=0.1, dy=0.2, nx=5, ny=4, rot=rot)
    nodes = zip(regular.x.ravel().tolist(), regular.y.ravel().tolist(), strict=True)
    assert all(regular.contains(x, y) for x, y in nodes)


# --- boundary points --------------------------------------------------------------------


def on_perimeter(regular: RegularGrid, x: float, y: float) -> bool:
    """Whether a world point lies on one of the four sides of the grid."""
    cos, sin = math.cos(math.radians(regular.rot)), math.sin(math.radians(regular.rot))
    east, north = x - regular.x0, y - regular.y0
    along, across = east * cos + north * sin, -east * sin + north * cos
    tol = 1e-9 * max(1.0, regular.xlen, regular.ylen)
    inside = -tol <= along <= regular.xlen + tol and -tol <= across <= regular.ylen + tol
    near_side = min(abs(along), abs(across), abs(along - regular.xlen), abs(across - regular.ylen))
    return inside and near_side <= tol


def steps_between(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Distances between consecutive points, closing the loop."""
    return np.hypot(np.diff(np.append(xs, xs[0])), np.diff(np.append(ys, ys[0])))


def test_boundary_points_default_to_perimeter_nodes_anticlockwise() -> None:
    xs, ys = grid(nx=3, ny=2).boundary_points()
    expected = [(0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1)]
    assert expected == list(zip(xs.tolist(), ys.tolist(), strict=True))


def test_boundary_points_include_each_corner_exactly_once() -> None:
    regular = grid(x0=2.0, y0=3.0, dx=0.3, dy=0.7, nx=6, ny=4, rot=33)
    xs, ys = regular.boundary_points(spacing=0.25)
    points = list(zip(xs.tolist(), ys.tolist(), strict=True))
    assert [points.count(corner) for corner in regular.corners()] == [1, 1, 1, 1]


def test_boundary_points_start_at_the_origin() -> None:
    xs, ys = grid(x0=4.0, y0=5.0, rot=10).boundary_points(spacing=0.3)
    assert (xs[0], ys[0]) == (4.0, 5.0)


def test_boundary_points_run_anticlockwise() -> None:
    xs, ys = grid(nx=5, ny=4, rot=60).boundary_points(spacing=0.5)
    signed_area = 0.5 * np.sum(xs * np.roll(ys, -1) - np.roll(xs, -1) * ys)
    assert signed_area > 0


def test_boundary_points_refuse_a_non_positive_spacing() -> None:
    with pytest.raises(ConfigError) as caught:
        grid().boundary_points(spacing=0.0)
    assert caught.value.path == "spacing"


@given(
    st.floats(min_value=-360, max_value=360),
    st.floats(min_value=0.01, max_value=2),
    st.floats(min_value=0.01, max_value=2),
    st.integers(min_value=2, max_value=40),
    st.integers(min_value=2, max_value=40),
    st.floats(min_value=0.05, max_value=10),
)
def test_boundary_points_respect_spacing_and_lie_on_the_perimeter(
    rot: float, dx: float, dy: float, nx: int, ny: int, spacing: float
) -> None:
    regular = grid(x0=-20.0, y0=45.0, dx=dx, dy=dy, nx=nx, ny=ny, rot=rot)
    xs, ys = regular.boundary_points(spacing=spacing)
    assert steps_between(xs, ys).max() <= spacing + 1e-9
    assert all(on_perimeter(regular, x, y) for x, y in zip(xs.tolist(), ys.tolist(), strict=True))


@given(st.integers(min_value=2, max_value=30), st.integers(min_value=2, max_value=30))
def test_default_boundary_points_count_the_perimeter_nodes(nx: int, ny: int) -> None:
    xs, _ = grid(nx=nx, ny=ny).boundary_points()
    assert 2 * (nx - 1) + 2 * (ny - 1) == len(xs)


@given(st.floats(min_value=-180, max_value=180), st.floats(min_value=0.05, max_value=3))
def test_boundary_points_have_no_duplicates(rot: float, spacing: float) -> None:
    xs, ys = grid(nx=6, ny=5, dx=0.4, dy=0.3, rot=rot).boundary_points(spacing=spacing)
    points = list(zip(xs.tolist(), ys.tolist(), strict=True))
    assert all(
        not math.isclose(0.0, math.dist(a, b), abs_tol=1e-12)
        for a, b in itertools.combinations(points, 2)
    )
