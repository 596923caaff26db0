"""What a manifest records about the software: versions, and the executable that ran.

An executable may carry a build-info file beside it, ``<executable>.build.json`` (the SWAN
install script writes ``swan.exe.build.json``: version, source package, compiler, flags);
its content is recorded with the executable's path and digest.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import shlex
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rompy._version import __version__
from rompy.adapters.provenance.digests import sha256_of
from rompy.log import get_logger

log = get_logger(__name__)

KEY_LIBRARIES = (
    "attrs",
    "cattrs",
    "xarray",
    "numpy",
    "netCDF4",
    "jinja2",
    "docker",
    "wavespectra",
    "dask",
)
"""Distributions whose versions every manifest records when they are installed."""

BUILD_INFO_SUFFIX = ".build.json"
"""A file named ``<executable>`` plus this suffix describes how the executable was built."""


def library_versions(names: tuple[str, ...] = KEY_LIBRARIES) -> dict[str, str]:
    """Return the installed versions of the distributions ``names`` (absent ones left out)."""
    found: dict[str, str] = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def first_word(command: str) -> str:
    """Return the program a shell command line runs (``""`` when there is none).

    ``env`` and leading ``NAME=value`` settings are looked through:
    ``env OMP_NUM_THREADS=2 swanomp.exe`` runs ``swanomp.exe``.
    """
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if words and words[0] == "env":
        words = words[1:]
    while words and "=" in words[0] and not words[0].startswith(("/", ".")):
        words = words[1:]
    return words[0] if words else ""


def resolve_program(word: str, working_dir: Path) -> Path | None:
    """Return the file ``word`` runs: a path (relative to ``working_dir``) or a PATH lookup."""
    if os.sep in word or (os.altsep and os.altsep in word):
        candidate = (working_dir / word).resolve()
        return candidate if candidate.is_file() else None
    found = shutil.which(word)
    return Path(found).resolve() if found else None


def build_info(executable: Path) -> Any:
    """Return the parsed ``<executable>.build.json`` beside ``executable``, None if absent."""
    path = executable.with_name(executable.name + BUILD_INFO_SUFFIX)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("build_info_unreadable", path=str(path), error=str(error))
        return {"unreadable": str(path)}


class SystemProvenanceFacts:
    """Versions and executables read from this machine (implements ``ProvenanceFacts``).

    Args:
        unstructure: Turns a config value into plain data (the application's converter).
        plugins: Plugin name to the version of the distribution providing it.
    """

    def __init__(
        self, *, unstructure: Callable[[Any], Any], plugins: Mapping[str, str] | None = None
    ) -> None:
        """Keep the converter's unstructure function and the plugin versions."""
        self._unstructure = unstructure
        self._plugins = dict(plugins or {})

    def plain(self, value: Any) -> Any:
        """Return ``value`` as plain data, through the application's converter."""
        return self._unstructure(value)

    def versions(self) -> Mapping[str, str]:
        """Return rompy's, Python's, the key libraries' and every plugin's version."""
        versions = {"rompy": __version__, "python": platform.python_version()}
        versions.update(library_versions())
        versions.update({f"plugin:{name}": version for name, version in self._plugins.items()})
        return versions

    def program(self, command: str, working_dir: Path) -> Mapping[str, Any]:
        """Describe the executable ``command`` starts: path, SHA-256, size, build info."""
        word = first_word(command)
        facts: dict[str, Any] = {"program": word}
        executable = resolve_program(word, working_dir) if word else None
        if executable is None:
            return facts
        facts.update(path=str(executable), size=executable.stat().st_size)
        try:
            facts["sha256"] = sha256_of(executable)
        except OSError as error:
            facts["sha256_error"] = str(error)
        info = build_info(executable)
        if info is not None:
            facts["build"] = info
        return facts
