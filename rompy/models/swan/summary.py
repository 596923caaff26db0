"""The ``swan_summary`` postprocessor: a text summary and PNG plots of a SWAN run.

It reads what SWAN wrote, as SWAN describes it (the postprocessor sees the staging dir, not
the config): every NetCDF BLOCK file with ``hs`` (and ``theta0``), every TABLE file with a
header. It writes into ``<staging>/summary/``:

* ``summary.txt``: the largest Hs of each map and where it is, and Hs at every table point;
* ``<block>_hs.png``: the Hs map with arrows along the mean wave direction;
* ``<table>_hs.png``: Hs at the table's points (over time when there are several times).

Plots are drawn with matplotlib's Agg backend: no display is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs

from rompy import (
    PostprocessRequest,
    PostprocessResult,
    PostprocessSpec,
    engine_for,
    load_xarray,
)
from rompy.models.swan.outputs import read_table_file

SUMMARY_FOLDER = "summary"
"""The folder of the staging dir the summary and plots go to."""

_ARROWS_PER_SIDE = 15


@attrs.frozen(kw_only=True)
class SwanSummarySpec(PostprocessSpec):
    """Summarise a SWAN run: max Hs and where, Hs at the output points, PNG plots.

    Attributes:
        dpi: Resolution of the PNG files.
    """

    type: ClassVar[str] = "swan_summary"
    dpi: int = 100


class SwanSummary:
    """The adapter acting on :class:`SwanSummarySpec`."""

    def process(self, request: PostprocessRequest) -> PostprocessResult:
        """Write the summary and the plots; fail when SWAN wrote nothing to summarise."""
        spec = request.spec
        assert isinstance(spec, SwanSummarySpec)
        blocks = sorted(path for path in request.staging_dir.glob("*.nc") if _is_swan_map(path))
        tables = sorted(request.staging_dir.glob("*.tab"))
        if not blocks and not tables:
            return PostprocessResult(ok=False, message="no SWAN BLOCK (.nc) or TABLE (.tab) file")
        folder = request.staging_dir / SUMMARY_FOLDER
        folder.mkdir(exist_ok=True)
        lines = [f"SWAN run {request.run_id}"]
        written = [_summarise_map(path, folder, spec.dpi, lines) for path in blocks]
        written += [_summarise_table(path, folder, spec.dpi, lines) for path in tables]
        (folder / "summary.txt").write_text("\n".join(lines) + "\n")
        outputs = (str(folder / "summary.txt"), *(str(path) for path in written))
        return PostprocessResult(ok=True, message=f"summary and plots in {folder}", outputs=outputs)


def _is_swan_map(path: Path) -> bool:
    xr = load_xarray()
    try:
        with xr.open_dataset(path, engine=engine_for("netcdf4")) as dataset:
            return "hs" in dataset.data_vars
    except (OSError, ValueError):
        return False


def _summarise_map(path: Path, folder: Path, dpi: int, lines: list[str]) -> Path:
    xr = load_xarray()
    with xr.open_dataset(path, engine=engine_for("netcdf4")) as dataset:
        hs = dataset.hs.load()
        direction = dataset.theta0.load() if "theta0" in dataset else None
    when = ""
    if "time" in hs.dims and hs.sizes["time"] > 1:  # the map of the time of the largest Hs
        index = int(hs.max([dim for dim in hs.dims if dim != "time"]).argmax(dim="time"))
        when = f" at {str(hs.time.values[index])[:19]}"
        hs = hs.isel(time=index)
        direction = None if direction is None else direction.isel(time=index)
    hs = hs.squeeze(drop=True)
    direction = None if direction is None else direction.squeeze(drop=True)
    peak = hs.where(hs == hs.max(), drop=True)
    x, y = float(peak.x.values.ravel()[0]), float(peak.y.values.ravel()[0])
    lines.append(f"{path.name}: max Hs {float(hs.max()):.3f} m{when} at x={x:g}, y={y:g}")
    return _plot_map(hs, direction, folder / f"{path.stem}_hs.png", dpi)


def _plot_map(hs: Any, direction: Any, target: Path, dpi: int) -> Path:
    import numpy as np

    figure, axes = _figure()
    mesh = axes.pcolormesh(hs.x, hs.y, hs.values, shading="auto", cmap="viridis")
    figure.colorbar(mesh, ax=axes, label="Hs (m)")
    if direction is not None:
        step_x = max(1, hs.sizes["x"] // _ARROWS_PER_SIDE)
        step_y = max(1, hs.sizes["y"] // _ARROWS_PER_SIDE)
        going = np.radians(direction.values[::step_y, ::step_x] + 180.0)  # towards
        xs, ys = hs.x.values[::step_x], hs.y.values[::step_y]
        axes.quiver(xs, ys, np.sin(going), np.cos(going), color="white", scale=30)
    axes.set(xlabel="x", ylabel="y", title="Significant wave height and mean direction")
    axes.set_aspect("equal")
    return _save(figure, target, dpi)


def _summarise_table(path: Path, folder: Path, dpi: int, lines: list[str]) -> Path:
    names, rows = read_table_file(path)
    heights = [row[names.index("hs")] for row in rows] if "hs" in names else []
    count = _point_count(path) or len(heights)
    series = [heights[index::count] for index in range(count)] if count else []
    figure, axes = _figure()
    for index, values in enumerate(series, start=1):
        if len(values) == 1:
            lines.append(f"{path.name}: point {index}: Hs {values[0]:.3f} m")
        else:
            last, top = values[-1], max(values)
            lines.append(f"{path.name}: point {index}: Hs {last:.3f} m at the end, max {top:.3f} m")
            axes.plot(range(len(values)), values, marker="o", label=f"point {index}")
    if series and all(len(values) == 1 for values in series):
        axes.bar(range(1, count + 1), [values[0] for values in series])
        axes.set(xlabel="output point")
    else:
        axes.legend()
        axes.set(xlabel="output time (step)")
    axes.set(ylabel="Hs (m)", title=f"Hs at the points of {path.name}")
    return _save(figure, folder / f"{path.stem}_hs.png", dpi)


def _point_count(table: Path) -> int:
    """How many points the table's point set has, from the deck (``POINTS 'SNAME' x y ...``)."""
    header = table.read_text(errors="replace")[:2000]
    name = next((word[6:] for word in header.split() if word.startswith("Table:")), "")
    deck = table.with_name("INPUT")
    if not name or not deck.is_file():
        return 0
    for line in deck.read_text(errors="replace").splitlines():
        words = line.split()
        if len(words) > 2 and words[0] == "POINTS" and words[1].strip("'") == name:
            return (len(words) - 2) // 2
    return 0


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 6))
    return figure, axes


def _save(figure: Any, target: Path, dpi: int) -> Path:
    import matplotlib.pyplot as plt

    figure.savefig(target, dpi=dpi)
    plt.close(figure)
    return target
