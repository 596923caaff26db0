"""Tests of the machine facts and the read-only staging dir views."""

from __future__ import annotations

import getpass
import platform
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rompy.adapters.system import LocalFileView, LocalStagingInspector, SystemRuntimeInfo
from rompy.domain.errors import StagingError

# --- SystemRuntimeInfo -----------------------------------------------------------------------


def test_now_is_the_current_utc_time_without_time_zone() -> None:
    before = datetime.now(UTC).replace(tzinfo=None)
    now = SystemRuntimeInfo().now()
    after = datetime.now(UTC).replace(tzinfo=None)

    assert (None, True) == (now.tzinfo, before <= now <= after)


def test_user_is_the_login_name() -> None:
    assert getpass.getuser() == SystemRuntimeInfo().user()


def test_user_falls_back_to_the_user_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_login_name() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_login_name)
    monkeypatch.setenv("USER", "modeller")

    assert "modeller" == SystemRuntimeInfo().user()


def test_host_is_the_network_name_of_the_machine() -> None:
    assert platform.node() == SystemRuntimeInfo().host()


# --- LocalFileView ---------------------------------------------------------------------------


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    root = tmp_path / "staging"
    (root / "outputs").mkdir(parents=True)
    (root / "PRINT").write_text("** Warning: none\n")
    (root / "outputs" / "a.nc").write_bytes(b"")
    (root / "outputs" / "b.nc").write_bytes(b"")
    (root / "outputs" / "notes.txt").write_text("n")
    (tmp_path / "secret.txt").write_text("outside")
    return root


def test_exists_is_true_for_a_file_in_the_folder(staging: Path) -> None:
    assert LocalFileView(staging).exists("outputs/a.nc")


def test_exists_is_false_for_a_missing_file(staging: Path) -> None:
    assert not LocalFileView(staging).exists("outputs/c.nc")


def test_read_text_returns_the_file_text(staging: Path) -> None:
    assert "** Warning: none\n" == LocalFileView(staging).read_text("PRINT")


def test_read_text_of_a_missing_file_is_empty(staging: Path) -> None:
    assert "" == LocalFileView(staging).read_text("absent.txt")


def test_read_text_of_a_folder_is_empty(staging: Path) -> None:
    assert "" == LocalFileView(staging).read_text("outputs")


def test_read_text_replaces_undecodable_bytes(staging: Path) -> None:
    (staging / "binary").write_bytes(b"ok \xff end")

    assert "ok \ufffd end" == LocalFileView(staging).read_text("binary")


def test_glob_returns_sorted_relative_posix_paths(staging: Path) -> None:
    assert ["outputs/a.nc", "outputs/b.nc"] == LocalFileView(staging).glob("outputs/*.nc")


def test_glob_with_double_star_searches_subfolders(staging: Path) -> None:
    assert ["outputs/a.nc", "outputs/b.nc"] == LocalFileView(staging).glob("**/*.nc")


def test_glob_in_a_missing_folder_finds_nothing(tmp_path: Path) -> None:
    assert [] == LocalFileView(tmp_path / "absent").glob("*")


def test_paths_may_go_down_and_up_inside_the_folder(staging: Path) -> None:
    assert LocalFileView(staging).exists("outputs/../PRINT")


@pytest.mark.parametrize("escaping", ["../secret.txt", "outputs/../../secret.txt", "/etc/passwd"])
def test_reading_a_path_escaping_the_folder_is_refused(staging: Path, escaping: str) -> None:
    with pytest.raises(StagingError):
        LocalFileView(staging).read_text(escaping)


@pytest.mark.parametrize("escaping", ["../secret.txt", "/etc/passwd"])
def test_checking_a_path_escaping_the_folder_is_refused(staging: Path, escaping: str) -> None:
    with pytest.raises(StagingError):
        LocalFileView(staging).exists(escaping)


@pytest.mark.parametrize("pattern", ["../*.txt", "outputs/../../*", "/etc/*"])
def test_a_glob_pattern_escaping_the_folder_is_refused(staging: Path, pattern: str) -> None:
    with pytest.raises(StagingError):
        LocalFileView(staging).glob(pattern)


# --- LocalStagingInspector -------------------------------------------------------------------


def test_the_inspector_views_the_given_staging_dir(staging: Path) -> None:
    assert "** Warning: none\n" == LocalStagingInspector().view(staging).read_text("PRINT")


def test_the_inspector_says_an_existing_folder_exists(staging: Path) -> None:
    assert LocalStagingInspector().exists(staging)


def test_the_inspector_says_a_missing_folder_does_not_exist(tmp_path: Path) -> None:
    assert not LocalStagingInspector().exists(tmp_path / "absent")


def test_the_inspector_says_a_file_is_not_a_staging_dir(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")

    assert not LocalStagingInspector().exists(tmp_path / "file")
