"""rompy.log: structured events on the standard logging tree, secrets redacted."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from rompy.log import REDACTED, capture_events, get_logger, redact


def test_an_event_reaches_a_standard_handler_with_its_context(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="rompy"):
        get_logger("rompy.demo", backend="local").info("run_started", run_id="r1")

    (record,) = caplog.records
    assert ("rompy.demo", "run_started backend=local run_id=r1") == (
        record.name,
        record.getMessage(),
    )
    assert ("run_started", {"backend": "local", "run_id": "r1"}) == (
        record.rompy_event,  # type: ignore[attr-defined]
        record.rompy_context,  # type: ignore[attr-defined]
    )


def test_the_record_names_the_calling_function(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="rompy"):
        get_logger("rompy.demo").warning("something")

    assert "test_the_record_names_the_calling_function" == caplog.records[0].funcName


def test_an_event_below_the_level_makes_no_record(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="rompy"):
        log = get_logger("rompy.demo")
        log.info("dropped")
        enabled = log.is_enabled_for(logging.INFO)

    assert ([], False) == (caplog.records, enabled)


def test_bind_adds_context_without_changing_the_original_logger() -> None:
    log = get_logger("rompy.demo", a=1)
    with capture_events() as events:
        log.bind(b=2).info("bound")
        log.info("plain")

    assert [("bound", 1, 2), ("plain", 1, None)] == [
        (e["event"], e["a"], e.get("b")) for e in events
    ]


def test_exception_attaches_the_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="rompy"):
        try:
            raise ValueError("boom")
        except ValueError:
            get_logger("rompy.demo").exception("failed")

    assert caplog.records[0].exc_info is not None


@pytest.mark.parametrize(
    "key", ["token", "GITHUB_TOKEN", "password", "db_passwd", "client_secret", "API_KEY", "auth"]
)
def test_a_value_under_a_secret_key_is_redacted(key: str) -> None:
    assert {key: REDACTED, "user": "ann"} == redact({key: "s3cr3t", "user": "ann"})


def test_secrets_are_redacted_in_nested_mappings_lists_and_assignments() -> None:
    context = {
        "environment": {"HOME": "/root", "AWS_SECRET_ACCESS_KEY": "abc"},
        "env": ["PATH=/bin", "API_TOKEN=xyz"],
        "command": "env DB_PASSWORD=hunter2 ./model --steps 3",
    }

    assert {
        "environment": {"HOME": "/root", "AWS_SECRET_ACCESS_KEY": REDACTED},
        "env": ["PATH=/bin", f"API_TOKEN={REDACTED}"],
        "command": f"env DB_PASSWORD={REDACTED} ./model --steps 3",
    } == redact(context)


def test_a_logged_secret_never_reaches_a_record(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="rompy"):
        get_logger("rompy.demo", token="t0ken").debug(
            "launch", env={"MY_PASSWORD": "pw1"}, argv=["run", "SECRET=pw2"]
        )

    assert REDACTED in caplog.text
    assert not any(secret in caplog.text for secret in ("t0ken", "pw1", "pw2"))


def test_capture_events_restores_the_rompy_logger_level() -> None:
    root = logging.getLogger("rompy")
    before = root.level
    with capture_events(logging.INFO):
        assert logging.INFO == root.level

    assert before == root.level


RECONFIGURED_SCRIPT = """
from rompy.entrypoints.logging_setup import configure_logging
from rompy.log import get_logger

log = get_logger("rompy.t")
configure_logging(verbose=0, quiet=0, log_format="json")
log.info("shown_at_info")
configure_logging(verbose=0, quiet=1, log_format="json")
log.info("dropped_under_q")
log.warning("warning_still_shown")
"""


def test_a_quieter_cli_configuration_replaces_the_earlier_one() -> None:
    result = subprocess.run(
        [sys.executable, "-c", RECONFIGURED_SCRIPT], capture_output=True, text=True
    )

    assert 0 == result.returncode, result.stderr
    events = [line for line in result.stderr.splitlines() if '"event"' in line]
    assert ["shown_at_info", "warning_still_shown"] == [
        name
        for name in ("shown_at_info", "dropped_under_q", "warning_still_shown")
        if any(name in line for line in events)
    ]
    assert 2 == len(events)


def test_a_library_configuring_an_unconfigured_root_logger_is_undone() -> None:
    from rompy.log import library_logging_undone

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    for handler in saved[0]:
        root.removeHandler(handler)
    try:
        with library_logging_undone():
            logging.basicConfig(level=logging.INFO)  # as wavespectra does when imported
            added = list(root.handlers)
        assert (1, [], saved[1]) == (len(added), root.handlers, root.level)
    finally:
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


def test_a_host_configured_root_logger_is_left_alone() -> None:
    from rompy.log import library_logging_undone

    root = logging.getLogger()
    host = logging.NullHandler()
    root.addHandler(host)
    try:
        with library_logging_undone():
            extra = logging.NullHandler()
            root.addHandler(extra)
        assert {host, extra} <= set(root.handlers)
    finally:
        root.removeHandler(host)
        root.removeHandler(extra)
