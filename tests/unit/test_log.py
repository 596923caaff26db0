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
