"""The code renderer writes a model's files into real staging dirs, atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rompy import FilesRenderer, StagingError, TemplateError
from rompy.ports.rendering import RenderRequest


def deck(context: Any) -> dict[str, str | bytes]:
    return {
        "INPUT": f"PROJECT '{context['runtime']['run_id']}'\n",
        "inputs/bottom.txt": "1 2 3\n",
        "raw.bin": b"\x00\x01",
    }


def request(staging: Path, **fields: Any) -> RenderRequest:
    context = {"runtime": {"run_id": "bay"}, "config": None}
    return RenderRequest(template="code", context=context, staging_dir=staging, **fields)


def test_the_files_are_written_with_their_folders(tmp_path: Path) -> None:
    result = FilesRenderer(deck).render(request(tmp_path / "run"))

    assert (Path("INPUT"), Path("inputs/bottom.txt"), Path("raw.bin")) == result.files
    assert "PROJECT 'bay'\n" == (tmp_path / "run" / "INPUT").read_text()
    assert b"\x00\x01" == (tmp_path / "run" / "raw.bin").read_bytes()


def test_an_existing_staging_dir_is_kept_unless_replacing_is_asked(tmp_path: Path) -> None:
    staging = tmp_path / "run"
    staging.mkdir()
    (staging / "mine.txt").write_text("keep")

    with pytest.raises(StagingError, match="already exists"):
        FilesRenderer(deck).render(request(staging))
    assert ["mine.txt"] == [path.name for path in staging.iterdir()]

    FilesRenderer(deck).render(request(staging, delete_existing=True))
    assert not (staging / "mine.txt").exists()


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.txt", "a/../../b"])
def test_a_path_leaving_the_staging_dir_is_refused_and_nothing_is_written(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(TemplateError, match="not a relative path inside the staging dir"):
        FilesRenderer(lambda context: {name: "x"}).render(request(tmp_path / "run"))

    assert [] == list(tmp_path.iterdir())


def test_a_failing_files_function_leaves_nothing_behind(tmp_path: Path) -> None:
    def broken(context: Any) -> dict[str, str]:
        raise TemplateError("the deck cannot be written")

    with pytest.raises(TemplateError):
        FilesRenderer(broken).render(request(tmp_path / "out" / "run"))

    assert [] == list(tmp_path.iterdir())
