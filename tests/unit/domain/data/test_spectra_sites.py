"""Sites inside a box: the candidates of a spectral boundary."""

from __future__ import annotations

import numpy as np
import pytest

from rompy.domain.data.spectra_sites import sites_within
from rompy.domain.grid import Bbox

BOX = Bbox(minx=110.0, miny=-32.0, maxx=112.0, maxy=-30.0)


def test_sites_on_the_edges_of_the_box_are_inside() -> None:
    xs, ys = np.array([110.0, 112.0, 111.0]), np.array([-32.0, -30.0, -31.0])
    assert [0, 1, 2] == sites_within(xs, ys, BOX).tolist()


@pytest.mark.parametrize(("x", "y"), [(109.9, -31.0), (112.1, -31.0), (111.0, -29.9),
                                      (111.0, -32.1)])  # fmt: skip
def test_sites_just_outside_the_box_are_left_out(x: float, y: float) -> None:
    assert [] == sites_within(np.array([x]), np.array([y]), BOX).tolist()


def test_longitudes_are_compared_round_the_globe() -> None:
    box = Bbox(minx=179.0, miny=-1.0, maxx=181.0, maxy=1.0)
    xs, ys = np.array([-180.0, 180.5, 178.0]), np.zeros(3)
    assert [0, 1] == sites_within(xs, ys, box).tolist()
