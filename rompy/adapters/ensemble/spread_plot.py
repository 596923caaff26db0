"""The spread plot of a gathered ensemble output: every member's values, coloured by a parameter.

One panel per variable: each member's values against the output's last non-member
dimension (SWAN ``sites``: the output points, at the last time), coloured by the first
swept parameter, over a grey band from the members' minimum to their maximum. matplotlib
is imported only here, drawing on the Agg canvas (no display, no global pyplot state).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rompy.adapters.ensemble.gather import MEMBER_DIM, swept_parameters
from rompy.domain.errors import ExecutorUnavailableError

INSTALL_HINT = "pip install rompy[ensemble]"


def _matplotlib() -> tuple[Any, Any, Any]:
    """Return matplotlib's Figure, Agg canvas and colormaps, or raise with the install hint."""
    try:
        from matplotlib import colormaps
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ExecutorUnavailableError(
            f"the ensemble spread plot needs matplotlib: {INSTALL_HINT}"
        ) from error
    return Figure, FigureCanvasAgg, colormaps


def _profile(variable: Any) -> tuple[Any, str]:
    """Reduce ``variable`` to (member, x): the last index of all but its last dimension."""
    others = [dim for dim in variable.dims if dim != MEMBER_DIM]
    if not others:
        return variable.expand_dims("value", axis=-1), "value"
    x_dim = str(others[-1])
    return variable.isel({dim: -1 for dim in others[:-1]}).transpose(MEMBER_DIM, x_dim), x_dim


def _colours(dataset: Any, colormaps: Any) -> tuple[list[Any], str | None, Any]:
    """Return one colour per member from the first numeric swept parameter (and its name)."""
    cmap = colormaps["viridis"]
    for name in swept_parameters(dataset):
        values = dataset[name].values
        if values.dtype.kind in "iuf":
            low, high = float(values.min()), float(values.max())
            span = (high - low) or 1.0
            return [cmap((float(v) - low) / span) for v in values], name, (low, high)
    count = dataset.sizes[MEMBER_DIM]
    return [cmap(i / max(count - 1, 1)) for i in range(count)], None, None


def _panel(axes: Any, dataset: Any, name: str, colours: list[Any], label: str | None) -> None:
    """Draw one variable's members and their min-max band on ``axes``."""
    profile, x_dim = _profile(dataset[name])
    x = dataset[x_dim].values if x_dim in dataset.coords else range(profile.shape[-1])
    values = profile.values
    axes.fill_between(x, values.min(axis=0), values.max(axis=0), color="0.85", label="min-max")
    for index, colour in enumerate(colours):
        tag = f"{label}={dataset[label].values[index]:g}" if label else None
        axes.plot(x, values[index], marker="o", color=colour, label=tag)
    units = dataset[name].attrs.get("units", "")
    axes.set_ylabel(f"{name} [{units}]" if units else name)
    axes.set_xlabel(x_dim)
    axes.legend(fontsize="small", ncol=2)


def plot_spread(dataset: Any, path: Path) -> Path:
    """Draw the spread of every variable of the gathered ``dataset`` into the PNG ``path``."""
    figure_class, canvas_class, colormaps = _matplotlib()
    names = [str(name) for name in dataset.data_vars]
    figure = figure_class(figsize=(8, 3 * max(len(names), 1)), layout="constrained")
    canvas_class(figure)
    colours, label, _ = _colours(dataset, colormaps)
    for index, name in enumerate(names):
        _panel(figure.add_subplot(len(names), 1, index + 1), dataset, name, colours, label)
    output = dataset.attrs.get("ensemble_output", path.stem)
    figure.suptitle(f"{output}: {dataset.sizes[MEMBER_DIM]} members")
    figure.savefig(path, dpi=100)
    return path
