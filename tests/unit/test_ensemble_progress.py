"""The ensemble progress display: counts from member states, log lines off a terminal."""

from __future__ import annotations

import io
import sys

import pytest

from rompy.entrypoints.ensemble_progress import EnsembleProgress
from rompy.log import capture_events
from rompy.ports.ensemble import DONE, FAILED, RUNNING, MemberState


def feed(progress: EnsembleProgress) -> None:
    for member, status in [("a", RUNNING), ("b", RUNNING), ("a", DONE), ("b", FAILED)]:
        progress(MemberState(member_id=member, status=status, message="boom" * (status == FAILED)))


def test_off_a_terminal_each_start_and_end_is_one_log_event() -> None:
    with capture_events() as events:
        progress = EnsembleProgress(2, live=False)
        feed(progress)
    names = [event["event"] for event in events]
    assert ["member_running", "member_running", "member_done", "member_failed"] == names
    assert "boom" == events[-1]["reason"]
    assert (1, 1, set()) == (progress.done, progress.failed, progress.running)


def test_on_a_terminal_a_bar_shows_the_counts_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    progress = EnsembleProgress(2, live=True)
    feed(progress)
    progress.close()
    assert "2/2" in stderr.getvalue()
    assert "failed=1" in stderr.getvalue()
