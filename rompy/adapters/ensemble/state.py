"""The ensemble folder on disk: ``ensemble.json``, ``state/<id>.json``, ``jobs/<id>.json``.

Every file is written to a temporary file in the same folder, then renamed over the old one
(``os.replace``), so a reader sees the old state or the new one, never half a file, even if
the writer is killed.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from rompy.ports.ensemble import RUNNING, MemberState, state_from_document

INDEX_NAME = "ensemble.json"
STATE_FOLDER = "state"


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(data, stream, default=str)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def pid_exists(pid: int) -> bool:
    """True when a process with ``pid`` exists on this host (zombies count as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


class JsonEnsembleFolder:
    """Member states and the member index as JSON files in the ensemble's folder."""

    def write(self, ensemble_dir: Path, state: MemberState) -> None:
        """Replace the state of ``state.member_id`` atomically (write, then rename)."""
        path = ensemble_dir / STATE_FOLDER / f"{state.member_id}.json"
        write_json_atomically(path, attrs.asdict(state))

    def read(self, ensemble_dir: Path, member_id: str) -> MemberState | None:
        """Return the member's state, or None when it has none yet."""
        data = _read_json(ensemble_dir / STATE_FOLDER / f"{member_id}.json")
        return state_from_document(data) if isinstance(data, dict) else None

    def read_all(self, ensemble_dir: Path) -> dict[str, MemberState]:
        """Return every member's state, by member id."""
        states = {}
        folder = ensemble_dir / STATE_FOLDER
        if not folder.is_dir():
            return {}
        for entry in os.scandir(folder):
            if entry.name.endswith(".json") and not entry.name.startswith("."):
                data = _read_json(Path(entry.path))
                if isinstance(data, dict):
                    state = state_from_document(data)
                    states[state.member_id] = state
        return states

    def write_index(self, ensemble_dir: Path, index: Mapping[str, Any]) -> None:
        """Write ``ensemble.json`` atomically."""
        write_json_atomically(ensemble_dir / INDEX_NAME, dict(index))

    def read_index(self, ensemble_dir: Path) -> dict[str, Any] | None:
        """Return ``ensemble.json``'s data, or None when the folder has none."""
        data = _read_json(ensemble_dir / INDEX_NAME)
        return data if isinstance(data, dict) else None

    def holds_other_files(self, ensemble_dir: Path) -> bool:
        """True when the folder exists, has no ``ensemble.json`` and is not empty."""
        if not ensemble_dir.is_dir() or (ensemble_dir / INDEX_NAME).exists():
            return False
        return any(ensemble_dir.iterdir())

    def alive(self, state: MemberState) -> bool:
        """True unless ``state`` is ``running`` on this host in a process that is gone."""
        if state.status != RUNNING or state.pid is None or state.host != socket.gethostname():
            return True
        return pid_exists(state.pid)
