"""The real ``swan.exe`` runs decks with GSE, SIGIMPL/DIRIMPL, QUANTITY, SPECOUT, a segment
boundary with variable parameters, and a second run hot-started from the first's HOTFILE.

Expected values come from what the commands mean (a run started from zero has no waves at
its first output time; a hot-started run starts from where the first ended), not from an
earlier run.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from rompy import bootstrap
from tests.e2e.conftest import FIXTURES
from tests.engines import require_swan

BASIN = FIXTURES / "swan" / "basin.yml"


@pytest.fixture(autouse=True)
def _swan_installed() -> None:
    require_swan()


def model_config(initial: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A 30-minute non-stationary basin run with the commands under test."""
    base = yaml.safe_load(BASIN.read_text())["config"]["config"]
    startup = {**base["startup"], "mode": {"model_type": "mode", "kind": "nonstationary"}}
    times = {"delt": "1m", "dfmt": "min"}
    return {
        **base,
        "startup": startup,
        "cgrid": {**base["cgrid"], "grid": {**base["cgrid"]["grid"], "mx": 10, "my": 5}},
        "boundary": {
            "model_type": "boundspec",
            "shapespec": {"shape": {"model_type": "jonswap"}},
            "location": {"model_type": "segment",
                         "points": {"model_type": "xy", "x": [0.0, 0.0], "y": [0.0, 1000.0]}},
            "data": {"model_type": "variablepar", "len": [0.0, 500.0, 1000.0],
                     "hs": [1.0, 1.2, 1.4], "per": [8.0, 8.5, 9.0],
                     "dir": [270.0, 275.0, 280.0], "dd": [20.0, 20.0, 25.0]},
        },
        "initial": {"model_type": "initial", "kind": initial},
        "prop": {"scheme": {"model_type": "gse", "waveage": {"delt": 600, "dfmt": "sec"}}},
        "numeric": {
            "stop": {"model_type": "stopc", "dabs": 0.05, "drel": 0.01, "curvat": 0.05,
                     "npnts": 99.5, "mode": {"model_type": "nonstat", "mxitns": 3}},
            "dirimpl": {"cdd": 0.5},
            "sigimpl": {"css": 0.5, "eps2": 1e-4, "outp": 0, "niter": 20},
        },
        "output": {
            "points": {"model_type": "points", "sname": "P1", "xp": [1000.0, 1500.0],
                       "yp": [500.0, 500.0]},
            "quantity": {"model_type": "quantities", "quantities": [
                {"output": ["hsign", "tps", "dir"], "excv": -9.0},
                {"output": ["hswell"], "fswell": 0.1},
            ]},
            "table": {"sname": "P1", "format": "noheader", "fname": "p1.tab",
                      "output": ["hsign", "hswell", "tps"], "times": times},
            "specout": {"sname": "P1", "dim": {"model_type": "spec2d"},
                        "freq": {"model_type": "abs"}, "fname": "p1.spc", "times": times},
        },
        "lockup": {"compute": {"model_type": "nonstat", "times": times,
                               "hotfile": {"fname": "hot.txt"}}},
        "data": data,
    }  # fmt: skip


def pipeline(tmp_path: Path, run_id: str, start: str, end: str, config: dict[str, Any]) -> Path:
    """A pipeline file for ``config`` over ``start`` to ``end``, run locally."""
    document = yaml.safe_load(BASIN.read_text())
    document["config"].update(
        run_id=run_id, period={"start": start, "end": end, "interval": "1m"}, config=config
    )
    path = tmp_path / f"{run_id}.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def table_rows(path: Path) -> list[list[float]]:
    """The numbers of a NOHEADER TABLE file."""
    rows = [line.split() for line in path.read_text().splitlines() if not line.startswith("%")]
    return [[float(value) for value in row] for row in rows if row]


def spectra_count(path: Path) -> int:
    """How many 2D spectra a SPECOUT file holds: one per point and time, each a FACTOR block
    with its densities (or ZERO, or NODATA, for a spectrum with none)."""
    lines = path.read_text().splitlines()
    keywords = [line.split()[0] for line in lines if line and not line.startswith(" ")]
    assert {"SWAN", "LOCATIONS", "AFREQ", "NDIR", "VaDens"} <= set(keywords), lines[:12]
    return sum(1 for line in lines if line.strip() in ("FACTOR", "ZERO", "NODATA"))


def test_a_hotstarted_run_continues_from_the_first_runs_hotfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the runs' output_dir is relative
    shutil.copy(BASIN.parent / "bottom.txt", tmp_path / "bottom.txt")
    bottom = {"bottom": {"model_type": "data_blob", "source": "bottom.txt"}}
    app = bootstrap()
    first = app.load_pipeline(pipeline(
        tmp_path, "cold", "2023-01-01T00:00", "2023-01-01T00:30",
        model_config({"model_type": "zero"}, bottom),
    ))  # fmt: skip

    cold = app.pipeline(first)

    assert cold.ok, cold.message
    staging = first.config.staging_dir
    hot = {**bottom, "hot": {"model_type": "data_blob", "source": str(staging / "hot.txt")}}
    second = app.load_pipeline(pipeline(
        tmp_path, "warm", "2023-01-01T00:30", "2023-01-01T01:00",
        model_config({"model_type": "hotsingle", "fname": "hot.txt", "format": "free"}, hot),
    ))  # fmt: skip
    warm = app.pipeline(second)

    assert warm.ok, warm.message
    for run_dir in (staging, second.config.staging_dir):
        deck = (run_dir / "INPUT").read_text()
        assert all(word in deck for word in ("PROP GSE", "SIGIMPL", "DIRIMPL", "QUANTITY",
                                             "SPECOUT", "SEGMENT XY", "VARIABLE PAR"))  # fmt: skip
        assert (run_dir / "norm_end").is_file()
        assert "** Error" not in (run_dir / "PRINT").read_text()
        assert 2 * 31 == spectra_count(run_dir / "p1.spc")  # 2 points, 31 output times
    assert (
        "INITIAL HOTSTART SINGLE fname='hot.txt' FREE"
        in (second.config.staging_dir / "INPUT").read_text()
    )
    cold_rows = table_rows(staging / "p1.tab")
    warm_rows = table_rows(second.config.staging_dir / "p1.tab")
    assert [0.0, 0.0] == [row[0] for row in cold_rows[:2]]  # ZERO: no waves at the start
    assert all(abs(w[0] - c[0]) < 1e-3 for w, c in zip(warm_rows[:2], cold_rows[-2:], strict=True))
    assert all(row[0] > 0.5 for row in warm_rows[:2])  # the hotfile's waves, not zero
