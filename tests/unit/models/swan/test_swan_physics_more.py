"""The physics commands beyond GEN/BREAKING/FRICTION render SWAN's syntax, version by version.

Each expected line is written from the SWAN user manual's command grammar (and, for 41.01,
from its command parser), not from rompy's output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rompy import ConfigError, ModelRun, TimeRange, bootstrap
from rompy.models.swan.components.obstacle_parts import (
    Dangremond,
    Freeboard,
    Goda,
    Line,
    Rdiff,
    Refl,
    Trans1d,
    Transm,
)
from rompy.models.swan.components.physics import (
    BraggFile,
    BraggFt,
    Diffraction,
    Gen3,
    Limiter,
    Mud,
    Negatinp,
    Obstacle,
    ObstacleFig,
    Obstacles,
    Physics,
    Scat,
    Setup,
    SiceD15,
    SiceR19,
    SiceR21b,
    SswellArdhuin,
    SswellRogers,
    SswellZieger,
    St6,
    St6C1,
    St6C2,
    St6C3,
    St6C4,
    St6C5,
    Surfbeat,
    Triad,
    TriadDcta,
    TriadLta,
    TriadSpb,
    Turbulence,
    Vegetation,
    WcappingAb,
    WcappingKomen,
)
from rompy.models.swan.components.physics_nonlinear import DeWit, Eldeberky
from rompy.models.swan.context import DeckContext
from rompy.models.swan.versions import SwanVersion

FIXTURES = Path(__file__).parents[3] / "fixtures" / "swan"
V4101 = SwanVersion.parse("41.01")
V4145 = SwanVersion.parse("41.45")
PERIOD = TimeRange(start="2023-01-01T00", end="2023-01-02T00", interval="1h")
LINE = Line(xp=[100.0, 100.0], yp=[0.0, 500.0])


@pytest.fixture(scope="module")
def app() -> Any:
    return bootstrap()


def basin_run(physics: dict[str, Any], **config: Any) -> dict[str, Any]:
    """The basin fixture's run document with ``physics`` (and other config changes)."""
    run: dict[str, Any] = yaml.safe_load((FIXTURES / "basin.yml").read_text())["config"]
    run["config"] = {**run["config"], "physics": physics, **config}
    return run


def rompy_swan_physics() -> dict[str, Any]:
    """The ``physics:`` block of rompy-swan's tests/swan_model.yml."""
    block: dict[str, Any] = yaml.safe_load((FIXTURES / "rompy_swan_physics.yml").read_text())
    return block["physics"]


# -- GEN3 ST6 ---------------------------------------------------------------------------


def test_st6_with_own_coefficients_writes_every_option() -> None:
    st6 = St6(a1sds=5.7e-7, a2sds=8.0e-6, p1sds=4.0, p2sds=4.0, normalization="down",
              wind_drag="fan", tau="scatau", u10="true10", agrow=True, a=0.0015)  # fmt: skip

    assert (
        "GEN3 ST6 a1sds=5.7e-07 a2sds=8e-06 p1sds=4.0 p2sds=4.0 DOWN FAN SCATAU TRUE10 "
        "AGROW a=0.0015"
    ) == Gen3(source_terms=st6).render(V4145)


@pytest.mark.parametrize(
    ("preset", "line"),
    [
        (St6C1(), "ST6 a1sds=4.7e-07 a2sds=6.6e-06 p1sds=4.0 p2sds=4.0 UP HWANG VECTAU "
                  "U10PROXY windscaling=28.0 AGROW"),
        (St6C2(), "ST6 a1sds=4.7e-07 a2sds=6.6e-06 p1sds=4.0 p2sds=4.0 UP FAN VECTAU "
                  "U10PROXY windscaling=28.0 AGROW"),
        (St6C3(), "ST6 a1sds=2.8e-06 a2sds=3.5e-05 p1sds=4.0 p2sds=4.0 UP HWANG VECTAU "
                  "U10PROXY windscaling=32.0 AGROW"),
        (St6C4(), "ST6 a1sds=2.8e-06 a2sds=3.5e-05 p1sds=4.0 p2sds=4.0 UP HWANG VECTAU "
                  "U10PROXY windscaling=32.0 DEBIAS cdfac=0.89 AGROW"),
        (St6C5(), "ST6 a1sds=6.5e-06 a2sds=8.5e-05 p1sds=4.0 p2sds=4.0 UP HWANG VECTAU "
                  "U10PROXY windscaling=35.0 DEBIAS cdfac=0.89 AGROW"),
    ],
)  # fmt: skip
def test_the_calibrated_st6_sets_write_the_manuals_coefficients(preset: St6, line: str) -> None:
    assert line == preset.render(V4145)


def test_a_calibrated_set_keeps_its_coefficients() -> None:
    with pytest.raises(ConfigError, match="st6c1 fixes a1sds") as raised:
        St6C1(a1sds=1.0e-6)

    assert "a1sds" == raised.value.path


def test_debiasing_is_refused_with_a_drag_other_than_hwang() -> None:
    with pytest.raises(ConfigError, match="hwang drag only") as raised:
        St6(a1sds=1.0e-6, a2sds=1.0e-5, wind_drag="ecmwf", cdfac=0.9)

    assert "cdfac" == raised.value.path


# -- swell, negative input, whitecapping ------------------------------------------------


def test_swell_dissipation_and_negative_input_lines() -> None:
    assert "SSWELL ROGERS cdsv=1.2 feswell=0.007" == SswellRogers(cdsv=1.2, feswell=0.007).render(
        V4145
    )
    assert "SSWELL ARDHUIN cdsv=1.2" == SswellArdhuin(cdsv=1.2).render(V4145)
    assert "SSWELL ZIEGER b1=0.00025" == SswellZieger(b1=0.00025).render(V4145)
    assert "NEGATINP rdcoef=0.04" == Negatinp(rdcoef=0.04).render(V4145)


def test_whitecapping_lines() -> None:
    komen = WcappingKomen(cds2=2.36e-5, stpm=3.02e-3, powst=2.0, delta=1.0, powk=1.0)

    assert "WCAPPING KOMEN cds2=2.36e-05 stpm=0.00302 powst=2.0 delta=1.0 powk=1.0" == (
        komen.render(V4101)
    )
    assert "WCAPPING AB cds2=5e-05 br=0.00175" == WcappingAb(cds2=5.0e-5, br=1.75e-3).render(V4101)
    assert "WCAPPING AB br=0.00175 CURRENT cds3=0.8" == WcappingAb(
        br=1.75e-3, current=True, cds3=0.8
    ).render(V4145)


# -- triads and the limiter -------------------------------------------------------------


def test_the_4101_triad_writes_each_methods_own_coefficients() -> None:
    assert "TRIAD itriad=1 trfac=0.65 cutfr=2.5 urcrit=0.63 urslim=0.01" == Triad(
        itriad=1, trfac=0.65, cutfr=2.5, ucrit=0.63, urslim=0.01
    ).render(V4101)
    assert "TRIAD itriad=2 trfac=1.0 a=0.95 b=-0.75" == Triad(
        itriad=2, trfac=1.0, a=0.95, b=-0.75
    ).render(V4101)


def test_a_coefficient_of_the_other_triad_method_is_refused() -> None:
    with pytest.raises(ConfigError, match="does not belong to itriad 1") as raised:
        Triad(itriad=1, a=0.95)

    assert "a" == raised.value.path


def test_the_keyword_triad_forms_with_biphases() -> None:
    dcta = TriadDcta(trfac=4.4, p=1.3, noncolinear=True, biphase=DeWit(lpar=0.5))
    lta = TriadLta(trfac=0.8, cutfr=2.5, biphase=Eldeberky(urcrit=0.63))

    assert "TRIAD DCTA trfac=4.4 p=1.3 NONC BIPHASE DEWIT lpar=0.5" == dcta.render(V4145)
    assert "TRIAD DCTA COLL" == TriadDcta().render(V4145)
    assert "TRIAD LTA trfac=0.8 cutfr=2.5 BIPHASE ELDEBERKY urcrit=0.63" == lta.render(V4145)
    assert "TRIAD SPB trfac=0.9 a=0.95 b=0.0" == TriadSpb(trfac=0.9, a=0.95, b=0.0).render(V4145)


def test_limiter_line() -> None:
    assert "LIMITER ursell=10.0 qb=1.0" == Limiter(ursell=10.0, qb=1.0).render(V4101)


# -- vegetation, mud, turbulence, sea ice, Bragg ----------------------------------------


def test_vegetation_writes_one_group_per_layer_and_no_iveg_for_4101() -> None:
    two_layers = Vegetation(height=[1.0, 0.5], diamtr=[0.01, 0.005], nstems=[100, 50],
                            drag=[1.0, 0.5])  # fmt: skip

    assert (
        "VEGETATION height=1.0 diamtr=0.01 nstems=100 drag=1.0 "
        "height=0.5 diamtr=0.005 nstems=50 drag=0.5"
    ) == two_layers.render(V4101)
    assert "VEGETATION iveg=2 height=1.0 diamtr=0.1 nstems=1 drag=0.1" == Vegetation(
        iveg=2, height=1.0, diamtr=0.1, drag=0.1
    ).render(V4145)


def test_vegetation_layers_must_match() -> None:
    with pytest.raises(ConfigError, match="one value per layer") as raised:
        Vegetation(height=[1.0, 0.5], diamtr=0.01, drag=[1.0, 0.5], nstems=[1, 1])

    assert "diamtr" == raised.value.path


def test_mud_and_turbulence_lines() -> None:
    assert "MUD layer=2.0 rhom=1300.0 viscm=0.0076" == Mud(
        layer=2.0, rhom=1300.0, viscm=0.0076
    ).render(V4101)
    assert "TURBULENCE ctb=0.01 CURRENT tbcur=0.004" == Turbulence(ctb=0.01, tbcur=0.004).render(
        V4101
    )
    assert "TURBULENCE ctb=0.01" == Turbulence(ctb=0.01, current=False).render(V4101)


def test_tbcur_without_current_is_refused() -> None:
    with pytest.raises(ConfigError, match="tbcur applies to the current option"):
        Turbulence(current=False, tbcur=0.004)


def test_sea_ice_lines() -> None:
    assert "SICE aice=0.5 R19 c2=0.00106 c4=0.023" == SiceR19(
        aice=0.5, c2=1.06e-3, c4=2.3e-2
    ).render(V4145)
    assert "SICE D15 chf=0.1" == SiceD15(chf=0.1).render(V4145)
    assert "SICE R21B chf=2.9 npf=4.5" == SiceR21b(chf=2.9, npf=4.5).render(V4145)


def test_bragg_lines() -> None:
    assert "BRAGG ibrag=1 nreg=200 cutoff=5.0 FT" == BraggFt(ibrag=1, nreg=200, cutoff=5.0).render(
        V4145
    )
    assert "BRAGG nreg=50 FILE fname='ripples.txt' idla=3 mkx=50 dkx=0.1" == BraggFile(
        nreg=50, fname="ripples.txt", idla=3, mkx=50, dkx=0.1
    ).render(V4145)


# -- obstacles --------------------------------------------------------------------------


def test_obstacle_with_transmission_and_diffuse_reflection() -> None:
    obstacle = Obstacle(transmission=Transm(trcoef=0.5), reflection=Refl(reflc=0.5),
                        reflection_type=Rdiff(pown=2), line=LINE)  # fmt: skip

    assert "OBSTACLE TRANSM trcoef=0.5 REFL reflc=0.5 RDIFF pown=2 LINE 100.0 0.0 100.0 500.0" == (
        obstacle.render(V4101)
    )


def test_a_constant_transmission_writes_swans_default_which_4101_requires() -> None:
    assert "OBSTACLE TRANSM trcoef=0.0 LINE 100.0 0.0 100.0 500.0" == Obstacle(
        transmission=Transm(), line=LINE
    ).render(V4101)


def test_dams_freeboard_and_fig() -> None:
    goda = Obstacle(transmission=Goda(hgt=-1.0, alpha=2.6, beta=0.15), line=LINE)
    dam = Obstacle(transmission=Dangremond(hgt=-1.0, slope=30.0, Bk=2.0),
                   freeboard=Freeboard(hgt=-1.0, gammat=1.0, quay=True), line=LINE)  # fmt: skip
    fig = ObstacleFig(alpha1=5.0e-4, hss=2.1, tss=12.0, reflection=Refl(), line=LINE)

    assert "OBSTACLE DAM GODA hgt=-1.0 alpha=2.6 beta=0.15 LINE 100.0 0.0 100.0 500.0" == (
        goda.render(V4101)
    )
    assert (
        "OBSTACLE DAM DANGREMOND hgt=-1.0 slope=30.0 Bk=2.0 FREEBOARD hgt=-1.0 gammat=1.0 "
        "QUAY LINE 100.0 0.0 100.0 500.0"
    ) == dam.render(V4145)
    assert "OBSTACLE FIG alpha1=0.0005 hss=2.1 tss=12.0 REFL LINE 100.0 0.0 100.0 500.0" == (
        fig.render(V4145)
    )
    assert "OBSTACLE TRANS1D 0.1 0.5 LINE 100.0 0.0 100.0 500.0" == Obstacle(
        transmission=Trans1d(trcoef=[0.1, 0.5]), line=LINE
    ).render(V4145)


def test_an_obstacle_that_creates_energy_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"trcoef\^2 \+ reflc\^2 = 1.25 > 1") as raised:
        Obstacle(transmission=Transm(trcoef=0.5), reflection=Refl(), line=LINE)

    assert "reflection.reflc" == raised.value.path


# -- set-up, diffraction, surf beat, scattering, the group ------------------------------


def test_setup_diffraction_surfbeat_and_scat_lines() -> None:
    assert "SETUP supcor=0.0" == Setup(supcor=0.0).render(V4101)
    assert "DIFFRACTION idiffr=1 smpar=0.5 smnum=2 cgmod=1.0" == Diffraction(
        idiffr=True, smpar=0.5, smnum=2, cgmod=1.0
    ).render(V4101)
    assert "SURFBEAT df=0.01 nmax=50000 emin=0.05 LOGARITHMIC" == Surfbeat(
        df=0.01, nmax=50000, emin=0.05, spacing="logarithmic"
    ).render(V4145)
    assert "SCAT iqcm=2 GRID rfac=2.0 TRUNC alpha=1.0 qmax=0.5" == Scat(
        iqcm=2, rfac=2.0, alpha=1.0, qmax=0.5
    ).render(V4145)


def test_the_group_writes_swans_order() -> None:
    physics = Physics(
        setup=Setup(), limiter=Limiter(), mud=Mud(), vegetation=Vegetation(height=1.0,
        diamtr=0.1, drag=0.1), obstacle=Obstacles(obstacles=[Obstacle(line=LINE)]),
        wcapping=WcappingKomen(), gen=Gen3(), diffraction=Diffraction(),
    )  # fmt: skip
    context = DeckContext(version=V4101, period=PERIOD, nonstationary=False)

    assert [
        "GEN3 KOMEN", "WCAPPING KOMEN", "VEGETATION height=1.0 diamtr=0.1 nstems=1 drag=0.1",
        "MUD", "LIMITER", "OBSTACLE LINE 100.0 0.0 100.0 500.0", "SETUP", "DIFFRACTION",
    ] == physics.render(context)  # fmt: skip


# -- rompy-swan's swan_model.yml, loaded ------------------------------------------------


def test_rompy_swans_physics_block_loads_and_renders_for_4145(app: Any, tmp_path: Path) -> None:
    run_file = tmp_path / "run.yml"
    run_file.write_text(yaml.safe_dump(basin_run(rompy_swan_physics(), swan_version="41.45")))
    run = app.load_run(run_file)

    deck = run.config.deck(run.period, run.run_id).splitlines()

    start = 1 + deck.index("BOUNDSPEC SIDE WEST CCW CONSTANT PAR hs=1.0 per=8.0 dir=270.0 dd=20.0")
    assert [
        "GEN3 ST6 a1sds=4.7e-07 a2sds=6.6e-06 p1sds=4.0 p2sds=4.0 UP HWANG VECTAU U10PROXY "
        "windscaling=28.0 AGROW",
        "SSWELL ZIEGER",
        "NEGATINP rdcoef=0.1",
        "WCAPPING AB cds2=5e-05 br=0.00175 CURRENT cds3=0.8",
        "QUADRUPL iquad=2 lambda=0.25",
        "BREAKING CONSTANT alpha=1.0 gamma=0.73",
        "FRICTION COLLINS cfw=0.015",
        "TRIAD DCTA trfac=4.4 COLL",
        "VEGETATION iveg=1 height=1.0 diamtr=0.1 nstems=1 drag=0.1",
        "MUD layer=2.0 rhom=1300.0 viscm=0.0076",
        "SICE R19",
        "TURBULENCE ctb=0.01 CURRENT tbcur=0.004",
        "BRAGG ibrag=1 nreg=200 cutoff=5.0 FT",
        "LIMITER ursell=10.0 qb=1.0",
        "OBSTACLE TRANSM trcoef=0.5 REFL reflc=0.5 LINE 174.1 -39.1 174.2 -39.1 174.3 -39.1",
        "OBSTACLE REFL reflc=1.0 LINE 174.3 -39.1 174.3 -39.3",
        "OBSTACLE FIG alpha1=0.0005 hss=2.1 tss=12.0 LINE 174.1 -39.1 174.2 -39.1 174.3 -39.1",
        "SETUP supcor=0.0",
        "DIFFRACTION idiffr=1",
        "SURFBEAT UNIFORM",
        "SCAT",
        "OFF WCAPPING",
        "OFF BREAKING",
    ] == deck[start : deck.index("PROP BSBT")]


def test_rompy_swans_physics_block_is_refused_for_4101_naming_the_versions(app: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        app.structure(basin_run(rompy_swan_physics()), ModelRun)

    assert "config.physics.gen.source_terms.model_type" == raised.value.path
    assert "GEN3 ST6 needs SWAN 41.20 or later; swan_version is 41.01" in str(raised.value)


def test_setup_in_spherical_coordinates_is_refused(app: Any) -> None:
    spherical = {"model_type": "coordinates", "kind": {"model_type": "spherical"}}
    run = basin_run({"setup": {"supcor": 0.0}})
    run["config"]["startup"] = {**run["config"]["startup"], "coordinates": spherical}

    with pytest.raises(ConfigError, match="spherical coordinates") as raised:
        app.structure(run, ModelRun)

    assert "config.physics.setup" == raised.value.path


ACROSS = {"xp": [500.0, 500.0], "yp": [0.0, 500.0]}
FIG = {"model_type": "fig", "alpha1": 5e-4, "hss": 2.1, "tss": 12.0, "line": ACROSS}
FREEBOARD = {"transmission": {"model_type": "transm"}, "freeboard": {"hgt": 1.0}, "line": ACROSS}


def obstacles(*entries: dict[str, Any]) -> dict[str, Any]:
    """The physics ``obstacle`` group of ``entries`` (``model_type: obstacle`` by default)."""
    listed = [{"model_type": "obstacle", **entry} for entry in entries]
    return {"obstacle": {"model_type": "obstacles", "obstacles": listed}}


@pytest.mark.parametrize(
    ("physics", "path", "since"),
    [
        ({"gen": {"model_type": "gen3", "source_terms": {"model_type": "st6c3"}}},
         "config.physics.gen.source_terms.model_type", "41.20"),
        ({"sswell": {"model_type": "zieger"}}, "config.physics.sswell.model_type", "41.31"),
        ({"negatinp": {"rdcoef": 0.04}}, "config.physics.negatinp.model_type", "41.31"),
        ({"wcapping": {"model_type": "ab", "current": True}}, "config.physics.wcapping.current",
         "41.45"),
        ({"triad": {"model_type": "dcta"}}, "config.physics.triad.model_type", "41.45"),
        ({"vegetation": {"iveg": 2, "height": 1.0, "diamtr": 0.1, "drag": 0.1}},
         "config.physics.vegetation.iveg", "41.41"),
        ({"sice": {"model_type": "R19"}}, "config.physics.sice.model_type", "41.31"),
        ({"bragg": {"model_type": "ft", "nreg": 100}}, "config.physics.bragg.model_type",
         "41.41"),
        (obstacles(FIG), "config.physics.obstacle.obstacles[0].model_type", "41.41"),
        (obstacles(FREEBOARD), "config.physics.obstacle.obstacles[0].freeboard", "41.31"),
        ({"surfbeat": {}}, "config.physics.surfbeat.model_type", "41.41"),
        ({"scat": {"model_type": "scat"}}, "config.physics.scat.model_type", "41.41"),
    ],
)  # fmt: skip
def test_keywords_4101_does_not_read_are_refused_at_their_field(
    app: Any, physics: dict[str, Any], path: str, since: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        app.structure(basin_run(physics), ModelRun)

    assert path == raised.value.path
    assert f"needs SWAN {since} or later; swan_version is 41.01" in str(raised.value)


@pytest.mark.parametrize(
    ("physics", "path", "text"),
    [
        ({"vegetation": {"height": [1.0, 0.5], "diamtr": 0.1, "drag": [1.0, 1.0],
          "nstems": [1, 1]}}, "config.physics.vegetation.diamtr", "one value per layer"),
        ({"negatinp": {"rdcoef": 2.0}}, "config.physics.negatinp.rdcoef", "between 0 and 1"),
        (obstacles({"reflection": {"reflc": 1.5}, "line": ACROSS}),
         "config.physics.obstacle.obstacles[0].reflection.reflc", "between 0 and 1"),
        (obstacles({"line": {"xp": [1.0], "yp": [1.0]}}),
         "config.physics.obstacle.obstacles[0].line.xp", "two or more"),
        ({"turbulence": {"current": False, "tbcur": 0.004}}, "config.physics.turbulence.tbcur",
         "current option"),
        ({"triad": {"model_type": "triad", "itriad": 2, "cutfr": 2.5}},
         "config.physics.triad.cutfr", "does not belong to itriad 2"),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_naming_its_path(
    app: Any, physics: dict[str, Any], path: str, text: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        app.structure(basin_run(physics), ModelRun)

    assert (path, True) == (raised.value.path, text in str(raised.value))
