"""Versions and executables read from this machine."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import stat
from pathlib import Path

from rompy._version import __version__
from rompy.adapters.provenance.facts import SystemProvenanceFacts, first_word

FACTS = SystemProvenanceFacts(unstructure=lambda value: {"plain": value}, plugins={"swan": "1.2"})


def make_program(folder: Path, name: str = "model.sh") -> Path:
    program = folder / name
    program.write_text("#!/bin/sh\necho hi\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


def test_versions_name_rompy_python_the_plugins_and_installed_libraries() -> None:
    versions = FACTS.versions()
    assert (__version__, platform.python_version(), "1.2", True) == (
        versions["rompy"],
        versions["python"],
        versions["plugin:swan"],
        {"attrs", "cattrs", "numpy", "xarray"} <= set(versions),
    )


def test_plain_uses_the_given_unstructure() -> None:
    assert {"plain": 3} == FACTS.plain(3)


def test_env_and_variable_settings_are_looked_through_to_the_program() -> None:
    assert ["swanomp.exe", "swan.exe"] == [
        first_word("env OMP_NUM_THREADS=2 swanomp.exe"),
        first_word("A=1 B=2 swan.exe"),
    ]


def test_the_first_word_of_a_shell_line_is_its_program() -> None:
    assert ("swan.exe", "grep", "") == (
        first_word("swan.exe"),
        first_word("grep -v 'a b' INPUT | sha256sum"),
        first_word("  "),
    )


def test_a_relative_program_resolves_in_the_working_dir(tmp_path: Path) -> None:
    program = make_program(tmp_path)
    facts = FACTS.program("./model.sh --fast", tmp_path)
    assert (str(program), hashlib.sha256(program.read_bytes()).hexdigest()) == (
        facts["path"],
        facts["sha256"],
    )


def test_a_program_on_path_resolves_through_links() -> None:
    facts = FACTS.program("sh -c true", Path("/"))
    assert str(Path(shutil.which("sh") or "").resolve()) == facts["path"]


def test_a_build_info_file_beside_the_executable_is_included(tmp_path: Path) -> None:
    make_program(tmp_path)
    (tmp_path / "model.sh.build.json").write_text(json.dumps({"flags": "-O2"}))
    assert {"flags": "-O2"} == FACTS.program("./model.sh", tmp_path)["build"]


def test_an_unknown_program_is_recorded_by_name_only(tmp_path: Path) -> None:
    assert {"program": "no-such-program-xyz"} == FACTS.program("no-such-program-xyz", tmp_path)
