"""``rompy ensemble`` as a user runs it: sweeps of the ``base`` model on the process pool."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import RunCli, write
from tests.engines import DOCKER_TEST_IMAGE, require_docker

PIPELINE = """\
config:
  run_id: base
  output_dir: ./ignored
  period:
    start: 2023-01-01T00:00:00
    end: 2023-01-02T00:00:00
    interval: 1h
  config:
    model_type: base
    variables:
      site: none
backend:
  type: local
  timeout: 120
  command: ["sh", "-c", "{script}"]
postprocessor:
  type: noop
"""
# Each member counts its runs, fails when its site is 'fail', sleeps when told to, and
# writes the site it was given.
SCRIPT = (
    "echo ran >> {counts}/$(basename $PWD); "
    "grep -q '^site: fail' INPUT && {{ echo site is fail >&2; exit 1; }}; "
    "sleep {pause}; grep '^site:' INPUT > value.txt"
)


def ensemble_files(tmp_path: Path, sites: list[str], *, pause: float = 0, workers: int = 2) -> Path:
    counts = tmp_path / "counts"
    counts.mkdir(exist_ok=True)
    script = SCRIPT.format(counts=counts, pause=pause)
    write(tmp_path / "base" / "pipeline.yml", PIPELINE.format(script=script.replace('"', '\\"')))
    members = "".join(f"\n    - {{config.config.variables.site: '{site}'}}" for site in sites)
    return write(
        tmp_path / "ensemble.yml",
        f"name: sites\noutput_dir: ./ensembles\nbase: base/pipeline.yml\n"
        f"sweep:\n  kind: list\n  members:{members}\n"
        f"engine: {{type: pool, max_workers: {workers}}}\n",
    )


def status_of(rompy_cli: RunCli, file: Path) -> dict:
    result = rompy_cli("ensemble", "status", str(file), "--json")
    assert 0 == result.returncode, result.stderr
    return json.loads(result.stdout)


def runs_counted(tmp_path: Path, member_id: str) -> int:
    path = tmp_path / "counts" / member_id
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_a_twenty_member_sweep_runs_every_member_with_its_own_value(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    sites = [f"s{n}" for n in range(20)]
    file = ensemble_files(tmp_path, sites)
    result = rompy_cli("ensemble", "run", str(file))
    assert 0 == result.returncode, result.stderr
    status = status_of(rompy_cli, file)
    assert {"pending": 0, "running": 0, "done": 20, "failed": 0} == status["counts"]
    members = tmp_path / "ensembles" / "sites" / "members"
    for member in status["members"]:
        site = member["parameters"]["config.config.variables.site"]
        assert f"site: {site}\n" == (members / member["id"] / "value.txt").read_text()
    assert 20 == len(json.loads((members.parent / "ensemble.json").read_text())["members"])


def test_a_failing_member_is_reported_with_its_reason_while_the_others_finish(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    file = ensemble_files(tmp_path, ["a", "fail", "c", "d"])
    result = rompy_cli("ensemble", "run", str(file))
    assert 1 == result.returncode, result.stderr
    status = status_of(rompy_cli, file)
    assert {"pending": 0, "running": 0, "done": 3, "failed": 1} == status["counts"]
    failed = [m for m in status["members"] if m["status"] == "failed"]
    assert "fail" == failed[0]["parameters"]["config.config.variables.site"]
    assert "site is fail" in failed[0]["reason"]
    assert "site is fail" in result.stdout


def test_a_second_run_skips_the_done_members_and_reruns_the_failed_one(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    file = ensemble_files(tmp_path, ["a", "fail", "c"])
    rompy_cli("ensemble", "run", str(file))
    result = rompy_cli("ensemble", "run", str(file))
    assert 1 == result.returncode
    assert "skipped 2 members" in result.stdout
    counts = {
        m["parameters"]["config.config.variables.site"]: runs_counted(tmp_path, m["id"])
        for m in status_of(rompy_cli, file)["members"]
    }
    assert {"a": 1, "fail": 2, "c": 1} == counts


def test_a_bad_sweep_path_is_one_message_naming_it_with_exit_code_2(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    file = ensemble_files(tmp_path, ["a"])
    file.write_text(file.read_text().replace("config.config.variables.site", "config.nope.site"))
    result = rompy_cli("ensemble", "run", str(file))
    assert 2 == result.returncode
    assert "sweep.parameters.config.nope.site" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_ensemble_killed_mid_way_resumes_running_only_its_unfinished_members(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    sites = [f"s{n}" for n in range(8)]
    file = ensemble_files(tmp_path, sites, pause=1)
    state_dir = tmp_path / "ensembles" / "sites" / "state"
    driver = subprocess.Popen(
        [sys.executable, "-m", "rompy", "ensemble", "run", str(file)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    done_before = wait_for_done(state_dir, at_least=2, driver=driver)
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait()
    done_before = {m for m, status in read_states(state_dir).items() if status == "done"}
    assert 2 <= len(done_before) < len(sites)

    after_kill = wait_until_nothing_runs(rompy_cli, file)
    assert 0 == after_kill["counts"]["running"]
    assert len(done_before) == after_kill["counts"]["done"]

    result = rompy_cli("ensemble", "run", str(file))
    assert 0 == result.returncode, result.stderr
    assert f"skipped {len(done_before)} members" in result.stdout
    for member_id in done_before:
        assert 1 == runs_counted(tmp_path, member_id)
    assert len(sites) == status_of(rompy_cli, file)["counts"]["done"]


def read_states(state_dir: Path) -> dict[str, str]:
    states = {}
    for path in state_dir.glob("m-*.json"):
        states[path.stem] = json.loads(path.read_text())["status"]
    return states


def wait_for_done(state_dir: Path, *, at_least: int, driver: subprocess.Popen[bytes]) -> set[str]:
    for _ in range(600):
        done = {m for m, status in read_states(state_dir).items() if status == "done"}
        if len(done) >= at_least:
            return done
        assert driver.poll() is None, "the ensemble ended before it could be killed"
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} members were done after 30 s")


def wait_until_nothing_runs(rompy_cli: RunCli, file: Path) -> dict:
    """Status until no member shows running (killed workers take a moment to be reaped)."""
    for _ in range(50):
        status = status_of(rompy_cli, file)
        if status["counts"]["running"] == 0:
            return status
        time.sleep(0.2)
    return status


def test_the_member_command_runs_one_member_from_its_job_file(
    rompy_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rompy.application import bootstrap
    from rompy.ports.ensemble import job_document

    file = ensemble_files(tmp_path, ["solo"])
    monkeypatch.chdir(tmp_path)  # the ensemble's output_dir is relative to the current folder
    app = bootstrap()
    job = app.plan_ensemble(app.load_ensemble(file)).jobs[0]
    job_file = write(tmp_path / "job.json", json.dumps(job_document(job)))
    result = rompy_cli("ensemble", "member", str(job_file))
    assert 0 == result.returncode, result.stderr
    assert f"member {job.member_id}: done" in result.stdout
    state = json.loads((job.ensemble_dir / "state" / f"{job.member_id}.json").read_text())
    assert "done" == state["status"]
    assert (
        "site: solo\n" == (job.ensemble_dir / "members" / job.member_id / "value.txt").read_text()
    )


def test_ctrl_c_stops_running_members_and_their_models_and_keeps_finished_ones(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    file = ensemble_files(tmp_path, ["quick", "slow1", "slow2", "slow3"], pause=0)
    base = tmp_path / "base" / "pipeline.yml"
    pids = tmp_path / "model-pids"
    slow = f"echo $$ >> {pids}; grep -q '^site: quick' INPUT || exec sleep 120"
    base.write_text(
        base.read_text().replace(
            base.read_text().split('"sh", "-c", ')[1].split("]")[0], json.dumps(slow)
        )
    )
    state_dir = tmp_path / "ensembles" / "sites" / "state"
    driver = subprocess.Popen(
        [sys.executable, "-m", "rompy", "ensemble", "run", str(file)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for_done(state_dir, at_least=1, driver=driver)
    wait_for_model_pids(pids, count=3)
    os.killpg(driver.pid, signal.SIGINT)  # what Ctrl-C on a terminal does
    _, stderr = driver.communicate(timeout=60)
    assert 130 == driver.returncode, stderr.decode()
    status = status_of(rompy_cli, file)
    by_site = {m["parameters"]["config.config.variables.site"]: m for m in status["members"]}
    assert "done" == by_site["quick"]["status"]
    assert 0 == status["counts"]["running"]
    stopped = [m for m in status["members"] if m["status"] == "failed"]
    # The two running members are stopped with a reason (normally "cancelled (the ensemble
    # was interrupted)"; once in many runs the interrupt reached the member elsewhere and
    # it failed with another reason: the model is stopped either way, checked below).
    assert 2 == len(stopped), status["members"]
    assert all(m["reason"] for m in stopped), stopped
    for pid in pids.read_text().split():
        assert not model_alive(int(pid)), (
            f"model process {pid} still runs: {stderr.decode()[-3000:]}"
        )


def wait_for_model_pids(path: Path, *, count: int) -> None:
    for _ in range(600):
        if path.exists() and len(path.read_text().split()) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} models started after 30 s")


def model_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_pool_members_keep_their_own_backend_and_run_in_docker(
    rompy_cli: RunCli, tmp_path: Path
) -> None:
    require_docker()
    file = ensemble_files(tmp_path, ["d1", "d2", "d3"])
    base = tmp_path / "base" / "pipeline.yml"
    document = yaml.safe_load(base.read_text())
    document["backend"] = {
        "type": "docker",
        "image": DOCKER_TEST_IMAGE,
        "timeout": 120,
        "executable": "grep '^site:' INPUT > value.txt; cat /etc/hostname > host.txt",
    }
    base.write_text(yaml.safe_dump(document))

    result = rompy_cli("ensemble", "run", str(file))

    assert 0 == result.returncode, result.stderr
    members = tmp_path / "ensembles" / "sites" / "members"
    for member in status_of(rompy_cli, file)["members"]:
        site = member["parameters"]["config.config.variables.site"]
        run_dir = members / member["id"]
        assert f"site: {site}\n" == (run_dir / "value.txt").read_text()
        assert socket.gethostname() != (run_dir / "host.txt").read_text().strip()
