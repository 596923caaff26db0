"""Member states on disk: atomic JSON files, read back whole, dead runs told from live."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from rompy.adapters.ensemble.state import JsonEnsembleFolder
from rompy.ports.ensemble import DONE, RUNNING, MemberState


def test_a_written_state_reads_back_equal(tmp_path: Path) -> None:
    folder = JsonEnsembleFolder()
    state = MemberState(member_id="m-1", status=DONE, duration=1.5, message="", pid=7)
    folder.write(tmp_path, state)
    assert state == folder.read(tmp_path, "m-1")
    assert {"m-1": state} == folder.read_all(tmp_path)


def test_a_rewrite_replaces_the_state_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    folder = JsonEnsembleFolder()
    folder.write(tmp_path, MemberState(member_id="m-1", status=RUNNING))
    folder.write(tmp_path, MemberState(member_id="m-1", status=DONE))
    assert DONE == folder.read_all(tmp_path)["m-1"].status
    assert ["m-1.json"] == sorted(os.listdir(tmp_path / "state"))


def test_a_member_without_a_state_reads_as_none(tmp_path: Path) -> None:
    assert JsonEnsembleFolder().read(tmp_path, "m-x") is None
    assert {} == JsonEnsembleFolder().read_all(tmp_path)


def test_a_running_state_of_a_process_that_is_gone_is_not_alive(tmp_path: Path) -> None:
    process = subprocess.Popen(["true"])
    process.wait()
    host = socket.gethostname()
    gone = MemberState(member_id="m-1", status=RUNNING, pid=process.pid, host=host)
    live = MemberState(member_id="m-2", status=RUNNING, pid=os.getpid(), host=host)
    assert not JsonEnsembleFolder().alive(gone)
    assert JsonEnsembleFolder().alive(live)


def test_the_index_reads_back_and_marks_the_folder_as_an_ensemble(tmp_path: Path) -> None:
    folder = JsonEnsembleFolder()
    (tmp_path / "notes.txt").write_text("mine")
    assert folder.holds_other_files(tmp_path)
    folder.write_index(tmp_path, {"name": "demo", "members": []})
    assert {"name": "demo", "members": []} == folder.read_index(tmp_path)
    assert not folder.holds_other_files(tmp_path)
