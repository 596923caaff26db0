"""``data_interface`` fields: loaded from rompy-swan's YAML, rendered from the staged facts."""

from __future__ import annotations

from typing import Any

import pytest

from rompy import ConfigError, TimeRange
from rompy.domain.data.sources import FileSource
from rompy.models.swan.components.data_interface import (
    DataInterface,
    SwanDataGrid,
    inpgrid_from_facts,
)
from rompy.models.swan.context import DeckContext
from rompy.models.swan.versions import SwanVersion

PERIOD = TimeRange(start="2023-01-01T00", end="2023-01-01T06", interval="1h")
NONSTAT = DeckContext(version=SwanVersion.parse("41.01"), period=PERIOD, nonstationary=True)
STAT = DeckContext(version=SwanVersion.parse("41.01"), period=PERIOD, nonstationary=False)
BOTTOM_FACTS = {"xp": 109.0, "yp": -36.0, "mx": 40, "my": 60, "dx": 0.25, "dy": 0.25}
WIND_TIMES = {
    "tbeg": "2023-01-01T00:00:00",
    "tend": "2023-01-01T06:00:00",
    "delt": 10800.0,
    "count": 3,
}


def field(var: str, **fields: Any) -> SwanDataGrid:
    z2 = {"z2": "v10"} if var in ("wind", "current") else {}
    return SwanDataGrid(source=FileSource(uri=f"{var}.nc"), var=var, z1="z", **{**z2, **fields})


def test_a_bottom_renders_its_grid_and_fac_without_time_headers() -> None:
    facts = {**BOTTOM_FACTS, "excval": -99.0, "times": None}

    lines = inpgrid_from_facts(field("bottom", fac=-1.0), facts, NONSTAT).render(NONSTAT)

    assert [
        "INPGRID BOTTOM REGULAR xpinp=109.0 ypinp=-36.0 alpinp=0.0 mxinp=40 myinp=60 "
        "dxinp=0.25 dyinp=0.25 EXCEPTION excval=-99.0",
        "READINP BOTTOM fac=-1.0 fname1='bottom.grd' idla=3 nhedf=0 FREE",
    ] == lines


def test_a_wind_with_times_reads_one_time_line_per_time_in_a_nonstationary_run() -> None:
    facts = {**BOTTOM_FACTS, "excval": None, "times": WIND_TIMES}

    lines = inpgrid_from_facts(field("wind"), facts, NONSTAT).render(NONSTAT)

    assert [
        "INPGRID WIND REGULAR 109.0 -36.0 0.0 40 60 0.25 0.25 "
        "NONSTATIONARY 20230101.000000 3.0 HR 20230101.060000",
        "READINP WIND fac=1.0 fname1='wind.grd' idla=3 nhedf=0 nhedt=1 nhedvec=1 FREE",
    ] == lines


def test_a_stationary_run_skips_the_first_time_line_and_reads_one_time() -> None:
    facts = {**BOTTOM_FACTS, "excval": None, "times": WIND_TIMES}

    lines = inpgrid_from_facts(field("wind"), facts, STAT).render(STAT)

    assert lines[1] == "READINP WIND fac=1.0 fname1='wind.grd' idla=3 nhedf=1 nhedvec=1 FREE"
    assert "NONSTATIONARY" not in lines[0]


def test_the_step_is_written_in_the_largest_unit_that_divides_it() -> None:
    times = {**WIND_TIMES, "delt": 1800.0, "tend": "2023-01-01T01:00:00"}
    facts = {**BOTTOM_FACTS, "excval": None, "times": times}

    (inpgrid, _) = inpgrid_from_facts(field("wlevel"), facts, NONSTAT).render(NONSTAT)

    assert inpgrid.endswith("NONSTATIONARY 20230101.000000 30.0 MIN 20230101.010000")


def test_each_field_becomes_a_data_item_named_by_its_var_and_placed_in_the_config() -> None:
    interface = DataInterface(bottom=field("bottom"), input=[field("wind"), field("wlevel")])

    items = interface.data_items()

    assert [("bottom", "bottom.grd", "config.inpgrid.bottom"),
            ("wind", "wind.grd", "config.inpgrid.input[0]"),
            ("wlevel", "wlevel.grd", "config.inpgrid.input[1]")] == [
        (item.name, item.output_name, item.config_path) for item in items
    ]  # fmt: skip
    assert interface.has_wind()


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: DataInterface(bottom=field("wlevel")), "bottom.var"),
        (lambda: DataInterface(input=[field("wind"), field("wind")]), "input[1].var"),
        (lambda: field("wind", z2=None), "z2"),
        (lambda: field("bottom", z2="other"), "z2"),
        (lambda: field("bottom", fac=0.0), "fac"),
    ],
)
def test_inconsistent_fields_are_refused_naming_the_field(make: Any, path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make()
    assert path == caught.value.path


def test_a_deck_without_staged_facts_says_to_generate_the_run() -> None:
    interface = DataInterface(bottom=field("bottom"))

    with pytest.raises(ConfigError, match="generate the run") as caught:
        interface.render(STAT)
    assert "config.inpgrid.bottom" == caught.value.path
