"""The built-in SWAN model drives the real ``swan.exe``: decks run, rejections are reported.

Expected values come from theory, not from an earlier run.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from rompy import bootstrap
from tests.e2e.conftest import FIXTURES, RunCli
from tests.engines import require_docker, require_slurm, require_swan

BASIN = FIXTURES / "swan" / "basin.yml"


@pytest.fixture(autouse=True)
def _swan_installed() -> None:
    require_swan()


def basin(tmp_path: Path, **changes: Any) -> Path:
    """The basin pipeline with ``changes`` to its model config, next to its bottom file."""
    document = yaml.safe_load(BASIN.read_text())
    document["config"]["config"].update(changes)
    shutil.copy(BASIN.parent / "bottom.txt", tmp_path / "bottom.txt")
    path = tmp_path / "pipeline.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def table_values(path: Path) -> list[list[float]]:
    """The numbers of a SWAN TABLE file (comment lines start with %)."""
    rows = [line.split() for line in path.read_text().splitlines() if not line.startswith("%")]
    return [[float(value) for value in row] for row in rows if row]


def test_the_basin_runs_to_a_normal_end_and_writes_its_outputs(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    result = rompy_cli("pipeline", str(basin(tmp_path)))

    assert 0 == result.returncode, result.stderr
    staging = tmp_path / "out" / "basin"
    assert all((staging / name).is_file() for name in ("norm_end", "hsig.nc", "p1.tab"))
    ((hs, tps, direction),) = table_values(staging / "p1.tab")
    assert (0.8 < hs < 1.1, 6.0 < tps < 9.0, direction) == (True, True, 270.0)


def test_the_outputs_read_into_datasets_with_cf_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the config's paths are relative, as a user writes them
    app = bootstrap()
    spec = app.load_pipeline(basin(tmp_path))
    assert app.pipeline(spec).ok

    outputs = app.read_outputs(spec.config)

    table, block = outputs["p1"], outputs["hsig"]
    assert (["hs", "tps", "dir"], ["hs", "tps", "dir"]) == (
        list(table.data_vars),
        list(block.data_vars),
    )
    assert (11, 21) == (block.sizes["y"], block.sizes["x"])
    at_point = float(block.hs.isel(run=0).sel(x=1000.0, y=500.0))
    assert abs(at_point - float(table.hs[0])) < 1e-3  # the same point, two outputs


def narrow_bottom() -> dict[str, Any]:
    """The basin's input grids with a bottom grid a quarter as long as the basin."""
    inpgrid = yaml.safe_load(BASIN.read_text())["config"]["config"]["inpgrid"]
    bottom, wind = inpgrid["inpgrids"]
    return {**inpgrid, "inpgrids": [{**bottom, "dxinp": 500.0}, wind]}


def test_a_deck_swan_rejects_is_a_failed_run_quoting_swan(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    pipeline = basin(tmp_path, inpgrid=narrow_bottom(), check_grids=False)

    result = rompy_cli("pipeline", str(pipeline))

    assert 1 == result.returncode, result.stderr
    assert "failed at stage run" in result.stdout
    assert "SWAN reported errors" in result.stdout and "** " in result.stdout


def test_the_same_deck_is_refused_before_running_without_the_option(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    result = rompy_cli("validate", str(basin(tmp_path, inpgrid=narrow_bottom())))

    assert 2 == result.returncode
    assert "config.config.inpgrid.inpgrids[0]" in result.stderr
    assert "leaves the bottom input grid" in result.stderr


def test_deep_water_without_sources_keeps_the_boundary_hs_along_the_centre_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the run's output_dir is relative
    (tmp_path / "deep.txt").write_text("500. 500.\n500. 500.\n")
    points = [500.0, 1000.0, 1500.0, 2000.0]
    changes = {
        "cgrid": {
            "model_type": "regular",
            "grid": {"xp": 0.0, "yp": 0.0, "xlen": 2000.0, "ylen": 4000.0, "mx": 40, "my": 80},
            "spectrum": {"mdc": 72, "flow": 0.05, "fhigh": 0.5, "msc": 30},
        },
        "inpgrid": {"model_type": "inpgrids", "inpgrids": [{
            "model_type": "regular", "grid_type": "bottom", "xpinp": 0.0, "ypinp": 0.0,
            "mxinp": 1, "myinp": 1, "dxinp": 2000.0, "dyinp": 4000.0,
            "readinp": {"fname1": "deep.txt"},
        }]},
        "boundary": {
            "model_type": "boundspec",
            "shapespec": {"shape": {"model_type": "jonswap"}, "dspr_type": "power"},
            "location": {"model_type": "side", "side": "west"},
            "data": {"model_type": "constantpar", "hs": 1.0, "per": 8.0, "dir": 270.0, "dd": 30.0},
        },
        "physics": {"deactivate": {"model_type": "offs", "offs": [
            {"physics": "wcapping"}, {"physics": "quadrupl"}, {"physics": "windgrowth"},
        ]}},
        "output": {
            "points": {"model_type": "points", "sname": "LINE", "xp": points, "yp": [2000.0] * 4},
            "table": {"model_type": "table", "sname": "LINE", "format": "noheader",
                      "fname": "line.tab", "output": ["hsign"]},
        },
        "data": {"bottom": {"model_type": "data_blob", "source": str(tmp_path / "deep.txt")}},
    }  # fmt: skip
    app = bootstrap()
    spec = app.load_pipeline(basin(tmp_path, **changes))
    result = app.pipeline(spec)

    assert result.ok, result.message
    heights = [row[0] for row in table_values(spec.config.staging_dir / "line.tab")]
    assert all(abs(hs - 1.0) <= 0.03 for hs in heights), heights


def hs_field(staging: Path) -> Any:
    """The Hs map a run wrote (hsig.nc), loaded."""
    import xarray as xr

    with xr.open_dataset(staging / "hsig.nc") as dataset:
        return dataset.hs.load()


SWAN_IMAGE = "rompy/swan:41.01"
"""The image scripts/engines/swan_image.sh builds around the installed swan.exe."""

BACKENDS: dict[str, dict[str, Any]] = {
    "docker": {"type": "docker", "image": SWAN_IMAGE, "timeout": 300},
    "slurm": {"type": "slurm", "time_limit": "5", "timeout": 300, "poll_interval": 0.5},
}


def test_local_docker_and_slurm_runs_give_identical_hs_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_docker(SWAN_IMAGE)
    require_slurm()
    monkeypatch.chdir(tmp_path)
    app = bootstrap()
    specs = {"local": app.load_pipeline(basin(tmp_path))}
    for name, backend in BACKENDS.items():
        (tmp_path / f"{name}.yml").write_text(yaml.safe_dump(backend))
        spec = app.load_pipeline(basin(tmp_path), backend=tmp_path / f"{name}.yml")
        specs[name] = attrs.evolve(spec, config=attrs.evolve(spec.config, run_id=f"basin-{name}"))

    results = {name: app.pipeline(spec) for name, spec in specs.items()}

    assert {name: True for name in specs} == {name: r.ok for name, r in results.items()}, {
        name: r.message for name, r in results.items()
    }
    assert ["local", "docker", "slurm"] == [r.outcome.executor for r in results.values()]
    fields = [hs_field(spec.config.staging_dir) for spec in specs.values()]
    assert all(fields[0].equals(field) for field in fields[1:])


def test_depth_limited_breaking_keeps_hs_below_gamma_times_depth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the run's output_dir is relative
    gamma, depth = 0.73, 1.0
    (tmp_path / "flat.txt").write_text(f"{depth} {depth}\n{depth} {depth}\n")
    changes = {
        "physics": {
            "gen": {"model_type": "gen3"},
            "breaking": {"model_type": "constant", "alpha": 1.0, "gamma": gamma},
        },
        "boundary": {
            "model_type": "boundspec",
            "location": {"model_type": "side", "side": "west"},
            "data": {"model_type": "constantpar", "hs": 2.0, "per": 8.0, "dir": 270.0, "dd": 20.0},
        },
        "output": {
            "points": {"model_type": "points", "sname": "LINE", "xp": [200.0, 1000.0, 1800.0],
                       "yp": [500.0] * 3},
            "table": {"model_type": "table", "sname": "LINE", "format": "noheader",
                      "fname": "line.tab", "output": ["hsign"]},
        },
        "data": {"bottom": {"model_type": "data_blob", "source": str(tmp_path / "flat.txt")}},
    }  # fmt: skip
    document = yaml.safe_load(BASIN.read_text())["config"]["config"]
    bottom = {**document["inpgrid"]["inpgrids"][0], "readinp": {"fname1": "flat.txt"}}
    changes["inpgrid"] = {
        **document["inpgrid"],
        "inpgrids": [bottom, document["inpgrid"]["inpgrids"][1]],
    }
    app = bootstrap()
    spec = app.load_pipeline(basin(tmp_path, **changes))

    result = app.pipeline(spec)

    assert result.ok, result.message
    heights = [row[0] for row in table_values(spec.config.staging_dir / "line.tab")]
    assert all(0.0 < hs <= gamma * depth for hs in heights), heights


def group_velocity(period: float, depth: float) -> float:
    """Linear-theory group velocity (m/s) of waves of ``period`` in water of ``depth``."""
    omega, gravity = 2 * math.pi / period, 9.81
    k = omega**2 / gravity  # deep-water guess, then Newton on w^2 = g k tanh(k h)
    for _ in range(50):
        f = gravity * k * math.tanh(k * depth) - omega**2
        df = gravity * math.tanh(k * depth) + gravity * k * depth / math.cosh(k * depth) ** 2
        k -= f / df
    n = 0.5 * (1 + 2 * k * depth / math.sinh(2 * k * depth))
    return n * omega / k


def test_on_a_gentle_slope_hs_follows_linear_shoaling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    deep, shallow, length, period = 20.0, 2.0, 4000.0, 10.0
    (tmp_path / "slope.txt").write_text(f"{deep} {shallow}\n{deep} {shallow}\n")
    xs = [0.0, 1000.0, 2000.0, 3000.0, 3600.0]
    changes = {
        "cgrid": {
            "model_type": "regular",
            "grid": {"xp": 0.0, "yp": 0.0, "xlen": length, "ylen": 4000.0, "mx": 80, "my": 40},
            "spectrum": {"mdc": 72, "flow": 0.04, "fhigh": 0.6, "msc": 36},
        },
        "inpgrid": {"model_type": "inpgrids", "inpgrids": [{
            "model_type": "regular", "grid_type": "bottom", "xpinp": 0.0, "ypinp": 0.0,
            "mxinp": 1, "myinp": 1, "dxinp": length, "dyinp": 4000.0,
            "readinp": {"fname1": "slope.txt"},
        }]},
        "boundary": {
            "model_type": "boundspec",
            "shapespec": {"shape": {"model_type": "jonswap", "gamma": 20.0}},
            "location": {"model_type": "side", "side": "west"},
            "data": {"model_type": "constantpar", "hs": 0.3, "per": period, "dir": 270.0,
                     "dd": 60.0},
        },
        "physics": {"deactivate": {"model_type": "offs", "offs": [
            {"physics": "wcapping"}, {"physics": "quadrupl"}, {"physics": "windgrowth"},
        ]}},
        "output": {
            "points": {"model_type": "points", "sname": "LINE", "xp": xs, "yp": [2000.0] * 5},
            "table": {"model_type": "table", "sname": "LINE", "format": "noheader",
                      "fname": "line.tab", "output": ["hsign", "depth"]},
        },
        "data": {"bottom": {"model_type": "data_blob", "source": str(tmp_path / "slope.txt")}},
    }  # fmt: skip
    app = bootstrap()
    spec = app.load_pipeline(basin(tmp_path, **changes))

    result = app.pipeline(spec)

    assert result.ok, result.message
    rows = table_values(spec.config.staging_dir / "line.tab")
    hs0, depth0 = rows[0]
    expected = [hs0 * math.sqrt(group_velocity(period, depth0) / group_velocity(period, d))
                for _, d in rows]  # fmt: skip
    assert expected[-1] > 1.1 * hs0  # the shallowest point shoals enough to tell
    assert all(
        abs(hs - want) <= 0.05 * want for (hs, _), want in zip(rows, expected, strict=True)
    ), (rows, expected)
