"""The newer SWAN physics commands run in the real ``swan.exe`` (41.01); what it cannot read is
refused before a run, and written anyway it really fails there.

Expected values come from the obstacle's definition (transmitted Hs = trcoef x incident Hs),
not from an earlier run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rompy import bootstrap
from tests.e2e.conftest import FIXTURES, RunCli
from tests.e2e.test_swan import basin, table_values
from tests.engines import require_swan

TRCOEF = 0.25
"""The obstacle's transmission coefficient (transmitted over incoming Hs)."""


@pytest.fixture(autouse=True)
def _swan_installed() -> None:
    require_swan()


def rompy_swan_physics() -> dict[str, Any]:
    """The ``physics:`` block of rompy-swan's tests/swan_model.yml."""
    block: dict[str, Any] = yaml.safe_load(
        (FIXTURES / "swan" / "rompy_swan_physics.yml").read_text()
    )
    return block["physics"]


NEW_PHYSICS: dict[str, Any] = {
    "gen": {"model_type": "gen3", "source_terms": {"model_type": "komen"}},
    "wcapping": {"model_type": "komen", "cds2": 2.36e-5, "stpm": 3.02e-3},
    "quadrupl": {"iquad": 2, "lambd": 0.25},
    "breaking": {"model_type": "constant", "alpha": 1.0, "gamma": 0.73},
    "friction": {"model_type": "jonswap", "cfjon": 0.038},
    "triad": {"model_type": "triad", "itriad": 1, "trfac": 0.65, "cutfr": 2.5},
    "vegetation": {"height": [1.0, 0.5], "diamtr": [0.001, 0.001], "nstems": [1, 1],
                   "drag": [1.0, 0.5]},
    "limiter": {"ursell": 10.0, "qb": 1.0},
    "obstacle": {"model_type": "obstacles", "obstacles": [{
        "model_type": "obstacle",
        "transmission": {"model_type": "transm", "trcoef": TRCOEF},
        "reflection": {"reflc": 0.5},
        "reflection_type": {"model_type": "rspec"},
        "line": {"xp": [1005.0, 1005.0], "yp": [-10.0, 1010.0]},
    }]},
    "setup": {"supcor": 0.0},
    "diffraction": {"idiffr": 1, "smpar": 0.0, "smnum": 0},
}  # fmt: skip
"""New commands 41.01 reads, across the basin (the obstacle spans its width; the vegetation is
sparse, so the wave reaching the obstacle is nearly the 1 m boundary wave). MUD is left out:
in this 20 m basin 41.01 computes Hs = 0 everywhere with it (it damps as expected in 2 m)."""

POINTS = {"model_type": "points", "sname": "LINE", "xp": [200.0, 1500.0, 1800.0],
          "yp": [500.0] * 3}  # fmt: skip
OUTPUT = {
    "points": POINTS,
    "table": {"model_type": "table", "sname": "LINE", "format": "noheader", "fname": "line.tab",
              "output": ["hsign", "setup"]},
}  # fmt: skip


def test_a_deck_with_the_new_commands_runs_to_a_normal_end_in_swan_4101(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the run's output_dir is relative
    app = bootstrap()
    spec = app.load_pipeline(basin(tmp_path, physics=NEW_PHYSICS, output=OUTPUT))

    result = app.pipeline(spec)

    assert result.ok, result.message
    staging = spec.config.staging_dir
    deck = (staging / "INPUT").read_text()
    assert all(word in deck for word in ("WCAPPING KOMEN", "VEGETATION height=1.0", "LIMITER",
               "OBSTACLE TRANSM", "SETUP", "DIFFRACTION"))  # fmt: skip
    assert (staging / "norm_end").is_file()
    assert "** Error" not in (staging / "PRINT").read_text()
    (incident, _), *behind = table_values(staging / "line.tab")
    assert 0.8 < incident < 1.3  # the 1 m boundary wave, with some reflected energy
    assert all(abs(hs - TRCOEF * 1.0) <= 0.1 for hs, _ in behind), (incident, behind)


def test_rompy_swans_physics_is_refused_for_4101_before_running(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    result = rompy_cli("validate", str(basin(tmp_path, physics=rompy_swan_physics())))

    assert 2 == result.returncode, result.stderr
    assert "config.config.physics.gen.source_terms.model_type" in result.stderr
    assert "GEN3 ST6 needs SWAN 41.20 or later; swan_version is 41.01" in result.stderr


def test_the_same_physics_written_for_4145_really_fails_in_swan_4101(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    physics = {key: value for key, value in rompy_swan_physics().items() if key != "obstacle"}
    app = bootstrap()  # (OBSTACLE FIG is left out: 41.01 crashes on it rather than report it)
    spec = app.load_pipeline(basin(tmp_path, physics=physics, swan_version="41.45"))

    result = app.pipeline(spec)

    assert not result.ok  # 41.01 reports the keywords, then stops with a crash
    printed = (spec.config.staging_dir / "PRINT").read_text()
    assert all(f"Illegal keyword: {word}" in printed for word in ("ST6", "SSWELL", "NEGATINP"))
