"""Write the SWAN example's inputs: a synthetic bay's bathymetry and a wind field.

The bay is 4 km (x, east) by 3 km (y, north): 30 m deep at the open western boundary,
shoaling on a plane towards the eastern coast (2 m), with a shoal of 6 m in its middle.
The wind blows from the west-south-west at 10 m/s, a little stronger in the north. Both
are written in SWAN's free format, rows from the south (``idla=3``); the wind file holds
the x components, then the y components. Run it from anywhere:

    python examples/swan/make_inputs.py
"""

from __future__ import annotations

import math
from pathlib import Path

HERE = Path(__file__).resolve().parent / "inputs"
LENGTH_X, LENGTH_Y = 4000.0, 3000.0
MESHES_X, MESHES_Y = 40, 30
WIND_MESHES_X, WIND_MESHES_Y = 4, 3


def depth(x: float, y: float) -> float:
    """Depth (m) at ``(x, y)``: a plane from 30 m to 2 m, and a shoal near the middle."""
    plane = 30.0 - 28.0 * x / LENGTH_X
    shoal = 12.0 * math.exp(-(((x - 2200.0) / 400.0) ** 2 + ((y - 1500.0) / 500.0) ** 2))
    return round(max(plane - shoal, 1.0), 3)


def wind(y: float) -> tuple[float, float]:
    """Wind components (m/s) at northing ``y``: from 250 degrees (nautical), 10 to 12 m/s."""
    speed = 10.0 + 2.0 * y / LENGTH_Y
    towards = math.radians(90.0 - (250.0 - 180.0))  # from 250 (nautical): towards 20 deg east
    return (round(speed * math.cos(towards), 3), round(speed * math.sin(towards), 3))


def grid_rows(meshes_x: int, meshes_y: int, value: object) -> list[str]:
    """The rows of a field on a regular grid, from the south, as text."""
    rows = []
    for j in range(meshes_y + 1):
        y = LENGTH_Y * j / meshes_y
        xs = [LENGTH_X * i / meshes_x for i in range(meshes_x + 1)]
        rows.append(" ".join(f"{value(x, y):.3f}" for x in xs))  # type: ignore[operator]
    return rows


def main() -> None:
    """Write ``inputs/bathymetry.txt`` and ``inputs/wind.txt``."""
    HERE.mkdir(exist_ok=True)
    (HERE / "bathymetry.txt").write_text("\n".join(grid_rows(MESHES_X, MESHES_Y, depth)) + "\n")
    u_rows = grid_rows(WIND_MESHES_X, WIND_MESHES_Y, lambda x, y: wind(y)[0])
    v_rows = grid_rows(WIND_MESHES_X, WIND_MESHES_Y, lambda x, y: wind(y)[1])
    (HERE / "wind.txt").write_text("\n".join(u_rows + v_rows) + "\n")


if __name__ == "__main__":
    main()
