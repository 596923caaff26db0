"""SWAN commands render SWAN 41.01's syntax; bad values name the command and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rompy import ConfigError, ModelRun, TimeRange, UnknownTagError, bootstrap
from rompy.models.swan.components.boundary import BoundSpec, ConstantPar, Side
from rompy.models.swan.components.cgrid import CgridRegular, GridRegular, Spectrum
from rompy.models.swan.components.inpgrid import InpgridRegular, ReadInp
from rompy.models.swan.components.output import Block, Points, Table
from rompy.models.swan.components.physics import Gen3, Janssen, Physics, Quadrupl
from rompy.models.swan.components.startup import Coordinates, Project, Set, Spherical
from rompy.models.swan.context import DeckContext
from rompy.models.swan.versions import SwanVersion

FIXTURE = Path(__file__).parents[3] / "fixtures" / "swan" / "basin.yml"
V4101 = SwanVersion.parse("41.01")
PERIOD = TimeRange(start="2023-01-01T00", end="2023-01-02T00", interval="1h")
NONSTAT = DeckContext(version=V4101, period=PERIOD, nonstationary=True)
STAT = DeckContext(version=V4101, period=PERIOD, nonstationary=False)


@pytest.fixture(scope="module")
def app() -> Any:
    return bootstrap()


def basin_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(FIXTURE.read_text())["config"]
    return config


def test_startup_commands() -> None:
    assert (
        "PROJECT 'bay' '0001' 'first line'"
        == Project(name="bay", nr="0001", title1="first line").render()
    )
    assert "SET level=0.5 depmin=0.05 NAUTICAL" == Set(level=0.5, depmin=0.05).render()
    assert "COORDINATES SPHERICAL CCM" == Coordinates(kind=Spherical()).render()


def test_cgrid_regular_counts_meshes_and_writes_the_spectrum() -> None:
    grid = GridRegular(xp=110.0, yp=-35.2, alp=4.0, xlen=7.5, ylen=12.5, mx=14, my=24)
    cgrid = CgridRegular(grid=grid, spectrum=Spectrum(mdc=36, flow=0.04, fhigh=1.0))

    assert [
        "CGRID REGULAR xpc=110.0 ypc=-35.2 alpc=4.0 xlenc=7.5 ylenc=12.5 mxc=14 myc=24 "
        "CIRCLE mdc=36 flow=0.04 fhigh=1.0"
    ] == cgrid.render(STAT)
    assert (15, 25) == (grid.as_regular_grid().nx, grid.as_regular_grid().ny)


def test_a_stationary_scalar_grid_writes_no_time_or_vector_headers() -> None:
    bottom = InpgridRegular(
        grid_type="bottom", xpinp=0.0, ypinp=0.0, mxinp=1, myinp=1, dxinp=10.0, dyinp=10.0,
        excval=-99.0, readinp=ReadInp(fname1="bottom.txt", fac=-1.0, idla=3),
    )  # fmt: skip

    assert [
        "INPGRID BOTTOM REGULAR xpinp=0.0 ypinp=0.0 alpinp=0.0 mxinp=1 myinp=1 dxinp=10.0 "
        "dyinp=10.0 EXCEPTION excval=-99.0",
        "READINP BOTTOM fac=-1.0 fname1='bottom.txt' idla=3 nhedf=0 FREE",
    ] == bottom.render(STAT)


def test_a_wind_grid_reads_vector_headers() -> None:
    readinp = ReadInp(fname1="wind.txt")

    assert "nhedvec=0" in readinp.render("wind", nonstationary=True)
    assert "nhedt=0" in readinp.render("wind", nonstationary=True)


def test_boundspec_writes_the_shape_then_the_side_and_parameters() -> None:
    boundary = BoundSpec(location=Side(side="west"), data=ConstantPar(hs=1.0, per=8.0, dir=270.0))

    assert [
        "BOUND SHAPESPEC JONSWAP gamma=3.3 PEAK DSPR POWER",
        "BOUNDSPEC SIDE WEST CCW CONSTANT PAR hs=1.0 per=8.0 dir=270.0",
    ] == boundary.render(STAT)


def test_physics_for_4101_leaves_out_the_drag_keyword_it_does_not_know() -> None:
    physics = Physics(gen=Gen3(source_terms=Janssen(cds1=4.5)), quadrupl=Quadrupl(iquad=2))

    assert ["GEN3 JANSSEN cds1=4.5", "QUADRUPL iquad=2"] == physics.render(STAT)
    assert "GEN3 KOMEN DRAG WU" == Gen3().render(SwanVersion.parse("41.45"))


def test_a_drag_formula_41_01_does_not_know_is_refused_naming_the_version() -> None:
    with pytest.raises(ConfigError, match=r"needs SWAN 41\.41 or later.*41\.01"):
        Gen3(source_terms=Janssen(wind_drag="fit")).render(V4101)


def test_nonstationary_output_gets_output_times_from_the_period() -> None:
    table = Table(sname="P1", fname="p1.tab", output=["hsign", "tps"])
    block = Block(fname="hs.nc", output=["hsign"])

    assert ["TABLE 'P1' HEADER 'p1.tab' HSIGN TPS OUTPUT 20230101.000000 1.0 HR"] == (
        table.render(NONSTAT)
    )
    assert ["BLOCK 'COMPGRID' NOHEADER 'hs.nc' HSIGN OUTPUT 20230101.000000 1.0 HR"] == (
        block.render(NONSTAT)
    )


def test_points_are_written_on_one_line() -> None:
    assert ["POINTS 'P1' 1.0 2.0 3.0 4.0"] == Points(
        sname="P1", xp=[1.0, 3.0], yp=[2.0, 4.0]
    ).render()


def test_the_fixture_loads_and_renders_a_whole_deck(app: Any) -> None:
    run = app.structure({"run_id": "basin", "config": basin_config()["config"]}, ModelRun)

    deck = run.config.deck(run.period, run.run_id).splitlines()

    assert ("PROJECT 'basin' '01'", "COMPUTE", "STOP") == (deck[1], deck[-2], deck[-1])


@pytest.mark.parametrize(
    ("change", "path", "text"),
    [
        ({"physics": {"gen": {"model_type": "gen4"}}}, "config.physics.gen.model_type",
         "one of: GEN1, GEN2, GEN3, gen1, gen2, gen3"),
        ({"output": {"table": {"sname": "nowhere", "fname": "t.txt", "output": ["hsign"]}}},
         "config.output.table.sname", "not defined"),
        ({"inpgrid": {"model_type": "inpgrids", "inpgrids": [{"model_type": "wind", "vel": 1,
          "dir": 0}]}, "physics": {"gen": {"model_type": "gen3"}},
          "lockup": {"compute": {"model_type": "nonstat"}}}, "config.lockup.compute",
         "MODE NONSTATIONARY"),
    ],
)  # fmt: skip
def test_bad_decks_are_refused_naming_command_and_field(
    app: Any, change: dict[str, Any], path: str, text: str
) -> None:
    config = {**basin_config()["config"], **change}

    with pytest.raises(ConfigError) as raised:
        app.structure({"config": config}, ModelRun)

    assert (path, True) == (raised.value.path, text in str(raised.value))


def test_gen3_without_wind_is_refused(app: Any) -> None:
    config = basin_config()["config"]
    config["inpgrid"]["inpgrids"] = config["inpgrid"]["inpgrids"][:1]

    with pytest.raises(ConfigError, match="GEN3 physics with no wind") as raised:
        app.structure({"config": config}, ModelRun)
    assert "config.physics.gen" == raised.value.path


def test_a_computational_grid_outside_the_bottom_grid_is_refused(app: Any) -> None:
    config = basin_config()["config"]
    config["inpgrid"]["inpgrids"][0]["dxinp"] = 1000.0

    with pytest.raises(ConfigError, match="leaves the bottom input grid") as raised:
        app.structure({"config": config}, ModelRun)
    assert "config.inpgrid.inpgrids[0]" == raised.value.path


def test_the_old_tag_swanconfig_loads_the_same_model(app: Any) -> None:
    config = {**basin_config()["config"], "model_type": "swanconfig"}

    run = app.structure({"config": config}, ModelRun)

    assert "swan.exe" == run.config.default_command()


def test_an_unknown_tag_is_an_unknown_tag_error(app: Any) -> None:
    config = {**basin_config()["config"], "cgrid": {"model_type": "curvilinear"}}
    with pytest.raises((UnknownTagError, ConfigError), match="curvilinear"):
        app.structure({"config": config}, ModelRun)
