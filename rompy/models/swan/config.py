"""The SWAN model config: rompy-swan's groups of commands, checked and written as one deck.

``model_type: swan`` (and ``swanconfig``, the tag of rompy-swan's examples). The groups are
written in SWAN's order: start-up, computational grid, input grids, boundary, initial
state, physics, propagation, numerics, output, lock-up. Input files the deck reads (a bottom
grid, a wind file) reach the staging dir as ``data`` items, as for the ``base`` model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from rompy import (
    ConfigError,
    DataItem,
    DataSpec,
    FileView,
    Grid,
    ModelConfig,
    SuccessCheck,
    TimeRange,
)
from rompy.models.swan.components.boundary import BoundSpec
from rompy.models.swan.components.cgrid import CgridRegular
from rompy.models.swan.components.data_interface import DataInterface
from rompy.models.swan.components.initial import Initial
from rompy.models.swan.components.inpgrid import InpgridRegular, Inpgrids, Wind
from rompy.models.swan.components.lockup import ComputeNonstat, Lockup
from rompy.models.swan.components.nesting import Boundnest1
from rompy.models.swan.components.numerics import Gse, Numeric, Prop
from rompy.models.swan.components.output import Output
from rompy.models.swan.components.physics import Gen3, Physics
from rompy.models.swan.components.startup import Mode, Spherical, Startup
from rompy.models.swan.context import DeckContext
from rompy.models.swan.judge import judge_run
from rompy.models.swan.versions import DEFAULT_VERSION, SwanVersion

SWAN_COMMAND = "swan.exe"
"""The program that runs a deck (``INPUT`` in the working dir)."""
SWAN_OPENMP_COMMAND = "swanomp.exe"
"""SWAN's OpenMP build (``make omp``), run with ``OMP_NUM_THREADS`` threads."""


def _check_threads(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate (for attrs) the thread count: None or a whole number of at least 1."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigError(
            f"{value!r} is not a thread count; give a whole number of at least 1, or leave "
            "it out to use the backend's CPUs",
            path=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class SwanConfig(ModelConfig):
    """A SWAN run, described as rompy-swan describes it.

    Attributes:
        template: Accepted for rompy-swan configs; the deck is written in code.
        swan_version: The SWAN version the deck is written for.
        check_grids: Refuse a computational grid that leaves an input grid (turn off only
            to let SWAN itself judge such a deck).
        threads: OpenMP threads. None (the default) takes the backend's CPU count (SLURM
            ``cpus_per_task``, Docker ``cpu``, local ``cpus``): more than one runs
            ``swanomp.exe`` with that many threads, otherwise the serial ``swan.exe``.
            1 always runs ``swan.exe``; N always runs ``swanomp.exe`` with N threads.
        startup: PROJECT, SET, MODE, COORDINATES.
        cgrid: The computational grid.
        inpgrid: Input grids (bottom, wind, ...): read from files the run stages
            (``inpgrids``) or taken from data sources (``data_interface``).
        boundary: A parametric boundary (``boundspec``) or spectra from a source (``boundnest1``).
        initial: The initial state.
        physics: Generation, dissipation and non-linear interactions.
        prop: The propagation scheme.
        numeric: The convergence criterion.
        output: Output locations and files.
        lockup: The computation.
        data: Input files written into the staging dir, by name (see the data page).
    """

    model_type: ClassVar[str] = "swan"
    template: str = "swan:deck-in-code"
    swan_version: str = DEFAULT_VERSION
    check_grids: bool = True
    threads: int | None = attrs.field(default=None, validator=_check_threads)
    startup: Startup = attrs.field(factory=Startup)
    cgrid: CgridRegular
    inpgrid: Inpgrids | DataInterface | None = None
    boundary: BoundSpec | Boundnest1 | None = None
    initial: Initial | None = None
    physics: Physics | None = None
    prop: Prop | None = None
    numeric: Numeric | None = None
    output: Output | None = None
    lockup: Lockup = attrs.field(factory=Lockup)
    data: dict[str, DataSpec] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        """Check what SWAN would refuse or what would run to no purpose."""
        SwanVersion.parse(self.swan_version)
        self._check_mode()
        self._check_wind()
        self._check_commands()
        self._check_physics()
        if self.check_grids:
            self._check_input_grids()

    @property
    def nonstationary(self) -> bool:
        """Whether MODE says non-stationary."""
        mode = self.startup.mode or Mode()
        return mode.kind == "nonstationary"

    def _check_mode(self) -> None:
        if isinstance(self.lockup.compute, ComputeNonstat) and not self.nonstationary:
            raise ConfigError(
                "a non-stationary COMPUTE needs MODE NONSTATIONARY; set startup.mode.kind "
                "to nonstationary, or use lockup.compute.model_type: stat",
                path="lockup.compute",
            )

    def _check_wind(self) -> None:
        gen = self.physics.gen if self.physics else None
        if isinstance(gen, Gen3) and not self._has_wind():
            raise ConfigError(
                "GEN3 physics with no wind: SWAN grows no waves from nothing; give a wind "
                "(inpgrid: a wind grid or a constant wind) or choose another physics.gen",
                path="physics.gen",
            )

    def _check_physics(self) -> None:
        if self.physics is None:
            return
        coordinates = self.startup.coordinates
        spherical = coordinates is not None and isinstance(coordinates.kind, Spherical)
        try:
            self.physics.check(SwanVersion.parse(self.swan_version), spherical=spherical)
        except ConfigError as error:
            raise error.with_path_prefix("physics") from error

    def _has_wind(self) -> bool:
        if isinstance(self.inpgrid, DataInterface):
            return self.inpgrid.has_wind()
        grids = self.inpgrid.inpgrids if self.inpgrid else []
        return any(
            isinstance(grid, Wind) or grid.grid_type in ("wind", "wx", "wy") for grid in grids
        )

    def _check_input_grids(self) -> None:
        box = self.cgrid.bbox()
        if not isinstance(self.inpgrid, Inpgrids):
            return  # the data layer checks that data sources cover the grid
        for index, grid in enumerate(self.inpgrid.inpgrids):
            if not isinstance(grid, InpgridRegular):
                continue
            minx, miny, maxx, maxy = grid.extent()
            inside = minx <= box.minx and miny <= box.miny and box.maxx <= maxx and box.maxy <= maxy
            if not inside:
                raise ConfigError(
                    f"the computational grid ({box.minx:g}, {box.miny:g}) to ({box.maxx:g}, "
                    f"{box.maxy:g}) leaves the {grid.grid_type} input grid ({minx:g}, "
                    f"{miny:g}) to ({maxx:g}, {maxy:g}); widen the input grid",
                    path=f"inpgrid.inpgrids[{index}]",
                )

    def _check_commands(self) -> None:
        """Boundaries on the grid, GSE where SWAN takes it, quantities the version knows."""
        try:
            if isinstance(self.boundary, BoundSpec):
                self.boundary.check_on(self.cgrid.grid)
        except ConfigError as error:
            raise error.with_path_prefix("boundary") from None
        try:
            if self.output is not None:
                self.output.check_version(SwanVersion.parse(self.swan_version))
        except ConfigError as error:
            raise error.with_path_prefix("output") from None
        if isinstance(self.prop.scheme if self.prop else None, Gse) and not self.nonstationary:
            raise ConfigError(
                "PROP GSE counters the garden-sprinkler effect of the S&L scheme, which SWAN "
                "uses in non-stationary runs only; use MODE NONSTATIONARY or PROP BSBT",
                path="prop.scheme",
            )

    def check(self, period: TimeRange) -> None:
        """Refuse what only the run's period shows wrong (the deck calls it first).

        Raises:
            ConfigError: A COMPUTE or output time outside ``period``, or a time step that
                does not divide the computed interval, named from the run
                (``config.lockup.compute.times.tend``).
        """
        try:
            self.lockup.check(period)
        except ConfigError as error:
            raise error.with_path_prefix("config.lockup") from None
        try:
            if self.output is not None and self.nonstationary:
                self.output.check(period)
        except ConfigError as error:
            raise error.with_path_prefix("config.output") from None

    def template_source(self) -> str:
        """The deck is written in code (see :meth:`deck`); this names it in logs."""
        return self.template

    def default_command(self) -> str:
        """``swan.exe`` reads ``INPUT`` in the staging dir."""
        return SWAN_COMMAND

    def command_for(self, cpus: int | None) -> str:
        """Serial ``swan.exe``, or ``swanomp.exe`` with ``threads`` (or ``cpus``) threads.

        Example:
            >>> config.command_for(4)  # doctest: +SKIP
            'env OMP_NUM_THREADS=4 swanomp.exe'
        """
        threads = self.threads if self.threads is not None else cpus
        if threads is None or threads <= 1:
            return SWAN_COMMAND
        return f"env OMP_NUM_THREADS={threads} {SWAN_OPENMP_COMMAND}"

    def data_items(self) -> tuple[DataItem, ...]:
        """One item per entry of ``data``, and one per field of a ``data_interface``."""
        items = tuple(DataItem(name=name, spec=spec) for name, spec in self.data.items())
        if isinstance(self.inpgrid, DataInterface):
            items += self.inpgrid.data_items()
        if isinstance(self.boundary, Boundnest1):
            items += (self.boundary.data_item(),)
        return items

    def model_grid(self) -> Grid | None:
        """The computational grid."""
        coordinates = self.startup.coordinates
        spherical = coordinates is not None and isinstance(coordinates.kind, Spherical)
        return self.cgrid.model_grid(spherical)

    def check_success(self, outputs: FileView) -> SuccessCheck:
        """SWAN exits 0 even when it refused to compute: judge from its own files."""
        expected = self.output.files() if self.output else []
        return judge_run(outputs, expected)

    def deck(
        self, period: TimeRange, run_id: str = "", staged: Mapping[str, Any] | None = None
    ) -> str:
        """The command file (``INPUT``) for a run over ``period`` (checked against it).

        Args:
            period: The run's period.
            run_id: Named in the deck's first line.
            staged: The facts of the staged data items, by name (``data_interface`` grids
                are rendered from them).
        """
        self.check(period)
        context = DeckContext(
            version=SwanVersion.parse(self.swan_version),
            period=period,
            nonstationary=self.nonstationary,
            staged=staged or {},
        )
        lines = [f"$ SWAN {context.version} command file written by rompy for run {run_id}"]
        lines += self._group_lines(context)
        return "\n".join(lines) + "\n"

    def _group_lines(self, context: DeckContext) -> list[str]:
        groups: list[Any] = [
            self.startup, self.cgrid, self.inpgrid, self.boundary, self.initial, self.physics,
            self.prop, self.numeric, self.output, self.lockup,
        ]  # fmt: skip
        return [line for group in groups if group is not None for line in group.render(context)]


@attrs.frozen(kw_only=True)
class SwanConfigComponents(SwanConfig):
    """The same model under rompy-swan's older tag, ``swanconfig``."""

    model_type: ClassVar[str] = "swanconfig"


def deck_files(context: Any) -> dict[str, str]:
    """The files of a SWAN staging dir, for :class:`rompy.FilesRenderer`: the ``INPUT`` deck."""
    config = context["config"]
    runtime = context["runtime"]
    deck = config.deck(runtime["period"], runtime["run_id"], context.get("staged"))
    return {"INPUT": deck}
