"""SWAN numerics, initial, output, boundary and lock-up commands, and the checks before a run.

Each expected line is written from the SWAN 41.01 command grammar (user manual, chapter 4,
and the keyword parser of 41.01's source), not copied from rompy's output.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from rompy import ConfigError, ModelRun, TimeRange, bootstrap
from rompy.models.swan.components.boundary import BoundSpec, ConstantPar, VariablePar
from rompy.models.swan.components.initial import HotMultiple, HotSingle, Initial, Par, Zero
from rompy.models.swan.components.locations import IJ, XY, Segment
from rompy.models.swan.components.lockup import ComputeNonstat, HotFile
from rompy.models.swan.components.numerics import (
    Accur,
    CSigma,
    CTheta,
    DirImpl,
    Gse,
    Nonstat,
    Numeric,
    NumSetup,
    Prop,
    SigImpl,
    Stat,
    Stopc,
)
from rompy.models.swan.components.output import Points
from rompy.models.swan.components.quantity import Quantities, Quantity
from rompy.models.swan.components.specout import Rel, Spec1d, Spec2d, SpecOut
from rompy.models.swan.context import DeckContext, Delt, Times
from rompy.models.swan.versions import SwanVersion

FIXTURE = Path(__file__).parents[3] / "fixtures" / "swan" / "basin.yml"
REFERENCE = Path("/work/.mirror/rom-py+rompy-swan/repo")
V4101 = SwanVersion.parse("41.01")
PERIOD = TimeRange(start="2023-01-01T00", end="2023-01-01T06", interval="1h")
NONSTAT = DeckContext(version=V4101, period=PERIOD, nonstationary=True)
STAT = DeckContext(version=V4101, period=PERIOD, nonstationary=False)


@pytest.fixture(scope="module")
def app() -> Any:
    return bootstrap()


def basin(**changes: Any) -> dict[str, Any]:
    """The basin fixture's model config (stationary, 2000 m x 1000 m, 20 x 10 meshes)."""
    config: dict[str, Any] = yaml.safe_load(FIXTURE.read_text())["config"]["config"]
    return {**config, **changes}


def nonstationary(**changes: Any) -> dict[str, Any]:
    """The basin as a non-stationary run."""
    startup = {**basin()["startup"], "mode": {"model_type": "mode", "kind": "nonstationary"}}
    lockup = {"compute": {"model_type": "nonstat"}}
    return basin(**{"startup": startup, "lockup": lockup, **changes})


def load(app: Any, config: dict[str, Any]) -> ModelRun:
    period = {"start": "2023-01-01T00", "end": "2023-01-01T06", "interval": "1h"}
    run: ModelRun = app.structure({"run_id": "t", "period": period, "config": config}, ModelRun)
    return run


# --- propagation and numerics ---------------------------------------------------------


def test_prop_gse_writes_the_wave_age_in_its_unit() -> None:
    prop = Prop(scheme=Gse(waveage=Delt(delt=timedelta(days=1), dfmt="day")))

    assert ["PROP GSE waveage=1.0 DAY"] == prop.render(NONSTAT)
    assert ["PROP GSE"] == Prop(scheme=Gse()).render(NONSTAT)


def test_numeric_writes_its_parts_in_the_order_swan_reads_them_over_continued_lines() -> None:
    numeric = Numeric(
        stop=Stopc(dabs=0.05, drel=0.01, curvat=0.05, npnts=99.5, mode=Nonstat(mxitns=3),
                   limiter=0.1),
        dirimpl=DirImpl(cdd=0.5), sigimpl=SigImpl(css=0.5, eps2=1e-4, outp=0, niter=20),
        ctheta=CTheta(cfl=0.9), csigma=CSigma(cfl=0.8), setup=NumSetup(eps2=1e-4, outp=0, niter=20),
    )  # fmt: skip

    assert [
        "NUMERIC STOPC dabs=0.05 drel=0.01 curvat=0.05 npnts=99.5 NONSTATIONARY mxitns=3 "
        "limiter=0.1 &",
        "DIRIMPL cdd=0.5 SIGIMPL css=0.5 eps2=0.0001 outp=0 niter=20 CSIGMA cfl=0.8 "
        "CTHETA cfl=0.9 &",
        "SETUP eps2=0.0001 outp=0 niter=20",
    ] == numeric.render(NONSTAT)  # fmt: skip


def test_numeric_accur_and_single_parts() -> None:
    accur = Accur(drel=0.02, dhoval=0.02, dtoval=0.02, npnts=98.0, mode=Stat(mxitst=50))

    assert ["NUMERIC ACCUR drel=0.02 dhoval=0.02 dtoval=0.02 npnts=98.0 STATIONARY mxitst=50"] == (
        Numeric(stop=accur).render(STAT)
    )
    assert ["NUMERIC DIRIMPL cdd=1.0"] == Numeric(dirimpl=DirImpl(cdd=1.0)).render(STAT)
    assert [] == Numeric().render(STAT)


# --- initial state ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        (Zero(), "INITIAL ZERO"),
        (Par(hs=0.5, per=6.0, dir=270.0, dd=10.0),
         "INITIAL PAR hsig=0.5 per=6.0 dir=270.0 dd=10.0"),
        (HotSingle(fname="hot.txt"), "INITIAL HOTSTART SINGLE fname='hot.txt' FREE"),
        (HotMultiple(fname="hot", format="unformatted"),
         "INITIAL HOTSTART MULTIPLE fname='hot' UNFORMATTED"),
    ],
)  # fmt: skip
def test_initial_kinds(kind: Any, line: str) -> None:
    assert [line] == Initial(kind=kind).render(STAT)


# --- output -----------------------------------------------------------------------------


def test_quantity_writes_the_quantities_then_their_options() -> None:
    quantities = Quantities(
        quantities=[
            Quantity(output=["depth", "hsign"], excv=-9.0),
            Quantity(output=["hswell"], fswell=0.125),
            Quantity(output=["tsec", "dir"], short="t", ref=datetime(2023, 1, 1), coord="frame"),
        ]
    )

    assert [
        "QUANTITY DEPTH HSIGN excv=-9.0",
        "QUANTITY HSWELL fswell=0.125",
        "QUANTITY TSEC DIR short='t' ref=20230101.000000 FRAME",
    ] == quantities.render(STAT)


def test_specout_writes_dimension_frequency_file_and_output_times() -> None:
    spec2d = SpecOut(sname="P1", dim=Spec2d(), fname="p1.spc")
    spec1d = SpecOut(sname="P1", dim=Spec1d(), freq=Rel(), fname="p1.sp1",
                     times=Times(delt=timedelta(minutes=30), dfmt="min"))  # fmt: skip

    assert ["SPECOUT 'P1' SPEC2D 'p1.spc'"] == spec2d.render(STAT)
    assert ["SPECOUT 'P1' SPEC1D REL 'p1.sp1' OUTPUT 20230101.000000 30.0 MIN"] == (
        spec1d.render(NONSTAT)
    )


def test_many_points_continue_over_lines_swan_can_read() -> None:
    lines = Points(sname="P", xp=[1000.0 + i for i in range(12)], yp=[500.0] * 12).render()

    assert (2, True) == (len(lines), all(len(line) <= 100 for line in lines))
    assert lines[0].startswith("POINTS 'P' 1000.0 500.0 1001.0 500.0") and lines[0].endswith(" &")


# --- boundary ---------------------------------------------------------------------------


def test_boundspec_along_a_segment_with_variable_parameters() -> None:
    boundary = BoundSpec(
        location=Segment(points=XY(x=[0.0, 0.0], y=[0.0, 1000.0])),
        data=VariablePar(len=[0.0, 1000.0], hs=[1.0, 1.4], per=[8.0, 9.0], dir=[270.0, 280.0],
                         dd=[20.0, 25.0]),
    )  # fmt: skip

    assert [
        "BOUND SHAPESPEC JONSWAP gamma=3.3 PEAK DSPR POWER",
        "BOUNDSPEC SEGMENT XY 0.0 0.0 0.0 1000.0 VARIABLE PAR len=0.0 hs=1.0 per=8.0 dir=270.0 "
        "dd=20.0 &",  # a point's values stay on one line
        "len=1000.0 hs=1.4 per=9.0 dir=280.0 dd=25.0",
    ] == boundary.render(STAT)


def test_a_segment_of_grid_indices_with_constant_parameters() -> None:
    boundary = BoundSpec(
        location=Segment(points=IJ(i=[0, 0, 20], j=[0, 10, 10])),
        data=ConstantPar(hs=1.0, per=8.0, dir=270.0),
    )

    expected = "BOUNDSPEC SEGMENT IJ 0 0 0 10 20 10 CONSTANT PAR hs=1.0 per=8.0 dir=270.0"
    assert expected == boundary.render(STAT)[1]


# --- lock-up ----------------------------------------------------------------------------


def test_hotfiles_at_several_times_split_the_computation_and_carry_the_time() -> None:
    compute = ComputeNonstat(hotfile=HotFile(fname="hot.txt"), hottimes=[2, -1])

    assert [
        "COMPUTE NONSTATIONARY 20230101.000000 1.0 HR 20230101.020000",
        "HOTFILE fname='hot_20230101T020000.txt' FREE",
        "COMPUTE NONSTATIONARY 20230101.020000 1.0 HR 20230101.060000",
        "HOTFILE fname='hot_20230101T060000.txt' FREE",
    ] == compute.render(NONSTAT)


def test_one_hotfile_at_the_end_keeps_its_name() -> None:
    compute = ComputeNonstat(hotfile=HotFile(fname="hot.txt"))

    assert [
        "COMPUTE NONSTATIONARY 20230101.000000 1.0 HR 20230101.060000",
        "HOTFILE fname='hot.txt' FREE",
    ] == compute.render(NONSTAT)


# --- checks at load ---------------------------------------------------------------------

XY_OFF = {"model_type": "segment", "points": {"model_type": "xy", "x": [0.0, 300.0],
                                              "y": [0.0, 500.0]}}  # fmt: skip
IJ_OFF = {"model_type": "segment", "points": {"model_type": "ij", "i": [0, 5], "j": [0, 5]}}
CONSTANT = {"model_type": "constantpar", "hs": 1.0, "per": 8.0, "dir": 270.0}
VARIABLE = {"model_type": "variablepar", "len": [0.0, 1500.0], "hs": [1.0, 1.0],
            "per": [8.0, 8.0], "dir": [270.0, 270.0]}  # fmt: skip


def boundary(location: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"boundary": {"model_type": "boundspec", "location": location, "data": data}}


@pytest.mark.parametrize(
    ("config", "path", "text"),
    [
        (basin(**boundary(XY_OFF, CONSTANT)), "config.boundary.location.points.x[1]",
         "segment point 1 (300, 500) lies 3 meshes off the computational grid's perimeter"),
        (basin(**boundary(IJ_OFF, CONSTANT)), "config.boundary.location.points.i[1]",
         "use i = 0 or 20, or j = 0 or 10"),
        (basin(**boundary({"model_type": "side", "side": "west"}, VARIABLE)),
         "config.boundary.data.len[1]", "len 1500 lies beyond the end of the boundary location, "
         "which is 1000 long"),
        (basin(**boundary({"model_type": "side", "side": "west"}, {**VARIABLE, "per": [8.0]})),
         "config.boundary.data.per", "per lists 1 values but len lists 2 points"),
        (basin(output={"points": {"model_type": "points", "sname": "P1", "xp": [1.0], "yp": [1.0]},
                       "specout": {"sname": "P2", "fname": "s.spc"}}),
         "config.output.specout.sname", "point set 'P2', which is not defined"),
        (basin(output={"table": {"sname": "COMPGRID", "fname": "t.txt", "output": ["hsign"]}}),
         "config.output.table.sname", "define it with output.points (sname: COMPGRID)"),
        (basin(output={"quantity": {"model_type": "quantities",
                                    "quantities": [{"output": ["hsign", "hsea"]}]}}),
         "config.output.quantity.quantities[0].output[1]",
         "HSEA needs a SWAN later than 41.01; swan_version is 41.01, which does not read it: "
         "leave it out, or raise swan_version"),
        (basin(prop={"scheme": {"model_type": "gse"}}), "config.prop.scheme",
         "use MODE NONSTATIONARY or PROP BSBT"),
    ],
)  # fmt: skip
def test_bad_commands_are_refused_at_load_naming_the_path_and_the_fix(
    app: Any, config: dict[str, Any], path: str, text: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load(app, config)

    assert (path, True) == (raised.value.path, text in raised.value.message), raised.value


def test_a_segment_point_within_half_a_mesh_of_the_perimeter_is_accepted(app: Any) -> None:
    near = {"model_type": "segment", "points": {"model_type": "xy", "x": [40.0, 40.0],
                                                "y": [0.0, 1000.0]}}  # fmt: skip

    run = load(app, basin(**boundary(near, CONSTANT)))

    assert "BOUNDSPEC SEGMENT XY 40.0 0.0 40.0 1000.0" in run.config.deck(run.period)


# --- checks against the run's period ----------------------------------------------------


@pytest.mark.parametrize(
    ("times", "path", "text"),
    [
        ({"tend": "2023-01-01T09:00"}, "config.lockup.compute.times.tend",
         "2023-01-01T09:00:00 lies outside the run's period (2023-01-01T00:00:00 to "
         "2023-01-01T06:00:00)"),
        ({"tbeg": "2022-12-31T23:00"}, "config.lockup.compute.times.tbeg",
         "move it inside the period or widen the period"),
        ({"delt": "25m"}, "config.lockup.compute.times.delt",
         "the time step 0:25:00 does not divide the computed interval 6:00:00"),
    ],
)  # fmt: skip
def test_compute_times_must_lie_in_the_period_and_steps_divide_it(
    app: Any, times: dict[str, Any], path: str, text: str
) -> None:
    run = load(app, nonstationary(lockup={"compute": {"model_type": "nonstat", "times": times}}))

    with pytest.raises(ConfigError) as raised:
        run.config.deck(run.period)

    assert (path, True) == (raised.value.path, text in raised.value.message), raised.value


def test_output_times_must_start_in_the_period(app: Any) -> None:
    table = {"sname": "P1", "fname": "p1.tab", "output": ["hsign"],
             "times": {"tbeg": "2023-01-02T00:00"}}  # fmt: skip
    run = load(app, nonstationary(output={**basin()["output"], "table": table}))

    with pytest.raises(ConfigError, match="lies outside the run's period") as raised:
        run.config.deck(run.period)
    assert "config.output.table.times.tbeg" == raised.value.path


def test_a_hottime_that_is_not_a_computed_time_is_refused(app: Any) -> None:
    compute = {"model_type": "nonstat", "hotfile": {"fname": "hot.txt"}, "hottimes": [6, 7]}
    run = load(app, nonstationary(lockup={"compute": compute}))

    with pytest.raises(ConfigError, match="indices 1 to 6, or -1 for the last") as raised:
        run.config.deck(run.period)
    assert "config.lockup.compute.hottimes[1]" == raised.value.path


# --- rompy-swan's own configs -----------------------------------------------------------


def reference_yaml(path: str) -> dict[str, Any]:
    """A file of rompy-swan 0.11 (read from its git mirror)."""
    if not REFERENCE.exists():
        pytest.skip(f"the rompy-swan mirror is not at {REFERENCE}")
    text = subprocess.run(
        ["git", "-C", str(REFERENCE), "show", f"HEAD:{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    document: dict[str, Any] = yaml.safe_load(text)
    return document


BOTTOM = {"model_type": "inpgrids", "inpgrids": [
    {"model_type": "regular", "grid_type": "bottom", "xpinp": 100.0, "ypinp": -40.0,
     "mxinp": 1, "myinp": 1, "dxinp": 30.0, "dyinp": 30.0, "readinp": {"fname1": "bottom.txt"}},
    {"model_type": "wind", "vel": 5.0, "dir": 270.0},
]}  # fmt: skip
"""Replaces the reference configs' ``data_interface`` input grids (the data layer's part)."""


def test_rompy_swans_declarative_example_loads_and_writes_its_output_and_lockup(app: Any) -> None:
    document = reference_yaml("examples/example_declarative.yml")
    document["config"]["inpgrid"] = BOTTOM

    run = app.structure(document, ModelRun)

    deck = run.config.deck(run.period, run.run_id).splitlines()
    assert [
        "QUANTITY DEPTH HSIGN TPS DIR TM01 excv=-9.0",
        "QUANTITY HSWELL fswell=0.125",
        "SPECOUT 'pts' SPEC2D ABS 'swanspec.nc' OUTPUT 20230101.000000 1.0 HR",
        "COMPUTE STATIONARY 20230101.000000",
        "COMPUTE NONSTATIONARY 20230101.000000 1.0 HR 20230102.000000",
        "HOTFILE fname='hotfile.txt' FREE",
    ] == [line for line in deck if line.startswith(("QUANTITY", "SPECOUT", "COMPUTE", "HOTF"))]


def test_rompy_swans_test_model_loads_its_numerics_initial_and_hottimes(app: Any) -> None:
    config = {**reference_yaml("tests/swan_model.yml"), "model_type": "swan", "inpgrid": BOTTOM}
    config.pop("physics")  # ST6, mud, vegetation...: the physics commands' part
    period = {"start": "2023-01-01T00", "end": "2023-01-02T00", "interval": "1h"}

    run = app.structure({"period": period, "config": config}, ModelRun)

    deck = run.config.deck(run.period).splitlines()
    assert {"PROP GSE waveage=1.0 DAY", "INITIAL HOTSTART SINGLE fname='hotfile.txt' FREE"} < set(
        deck
    )
    assert [
        "COMPUTE STATIONARY 20230101.000000",
        "COMPUTE NONSTATIONARY 20230101.000000 60.0 MIN 20230101.060000",
        "HOTFILE fname='hotfile_20230101T060000.txt' FREE",
        "COMPUTE NONSTATIONARY 20230101.060000 60.0 MIN 20230102.000000",
        "HOTFILE fname='hotfile_20230102T000000.txt' FREE",
        "STOP",
    ] == deck[-6:]
