"""rompy.log: loggers that load structlog only when an event is worth showing."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from rompy.log import before_first_event, get_logger
calls = []
before_first_event(lambda: calls.append("setup"), drop_below=20)
log = get_logger("t")
log.debug("hidden")
print("after debug:", calls, "structlog" in sys.modules)
log.info("shown")
print("after info:", calls, "structlog" in sys.modules)
"""


def test_dropped_events_do_not_load_structlog_and_the_first_kept_one_runs_setup() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("after")]
    assert ["after debug: [] False", "after info: ['setup'] True"] == lines


CACHING_SCRIPT = """
import structlog
from rompy.log import get_logger
first, second = [], []

def keep_in(events):
    def processor(logger, name, event_dict):
        events.append(event_dict["event"])
        raise structlog.DropEvent
    return processor

structlog.configure(processors=[keep_in(first)], cache_logger_on_first_use={cache})
log = get_logger("t")
log.info("one")
structlog.configure(processors=[keep_in(second)], cache_logger_on_first_use={cache})
log.info("two")
print(first, second, "info" in vars(log))
"""


def run_logging_script(cache: bool) -> str:
    script = CACHING_SCRIPT.replace("{cache}", str(cache))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert 0 == result.returncode, result.stderr
    return result.stdout.strip()


def test_with_structlog_caching_loggers_the_methods_are_kept_as_structlog_keeps_them() -> None:
    assert "['one', 'two'] [] True" == run_logging_script(cache=True)


def test_without_caching_a_new_structlog_configuration_applies_to_later_events() -> None:
    assert "['one'] ['two'] False" == run_logging_script(cache=False)


RECONFIGURED_SCRIPT = """
from rompy.entrypoints.logging_setup import configure_logging
from rompy.log import get_logger

log = get_logger("t")
configure_logging(verbose=0, quiet=0, log_format="json")
log.info("shown_at_info")
configure_logging(verbose=0, quiet=1, log_format="json")
log.info("dropped_under_q")
log.warning("warning_still_shown")
"""


def test_a_quieter_configuration_applies_to_a_logger_that_kept_its_methods() -> None:
    result = subprocess.run(
        [sys.executable, "-c", RECONFIGURED_SCRIPT], capture_output=True, text=True
    )

    assert 0 == result.returncode, result.stderr
    events = [line for line in result.stderr.splitlines() if '"event"' in line]
    assert (True, False, True) == tuple(
        any(name in line for line in events)
        for name in ("shown_at_info", "dropped_under_q", "warning_still_shown")
    )
