"""What ``rompy ensemble run`` shows while members run.

On a terminal (stderr is a TTY) a live ``tqdm`` bar: members finished of all, with done,
running and failed counts, elapsed time and ETA; tqdm is imported only then. Elsewhere
(CI logs, files) one log line per member that starts or ends.
"""

from __future__ import annotations

import sys
from typing import Any

from rompy.log import get_logger
from rompy.ports.ensemble import DONE, FAILED, RUNNING, MemberState

log = get_logger(__name__)


class EnsembleProgress:
    """Counts member states as the engine reports them and shows them.

    Args:
        total: Members that will run.
        live: Show a live bar (default: when stderr is a terminal).
    """

    def __init__(self, total: int, *, live: bool | None = None) -> None:
        self.total = total
        self.running: set[str] = set()
        self.done = 0
        self.failed = 0
        self._bar: Any = None
        if live if live is not None else sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="member", desc="ensemble", file=sys.stderr)

    def __call__(self, state: MemberState) -> None:
        """Take one member's new state."""
        if state.status == RUNNING:
            self.running.add(state.member_id)
        elif state.status in (DONE, FAILED):
            self.running.discard(state.member_id)
            self.done += state.status == DONE
            self.failed += state.status == FAILED
        self._show(state)

    def _show(self, state: MemberState) -> None:
        if self._bar is None:
            log.info(
                "member_" + state.status,
                member=state.member_id,
                duration=state.duration,
                reason=state.message or None,
                done=self.done,
                failed=self.failed,
                running=len(self.running),
                total=self.total,
            )
            return
        self._bar.set_postfix(done=self.done, running=len(self.running), failed=self.failed)
        self._bar.n = self.done + self.failed
        self._bar.refresh()

    def close(self) -> None:
        """End the live bar, if any."""
        if self._bar is not None:
            self._bar.close()
