"""The Jinja2 renderer against real template trees on disk, in packages and in fsspec memory."""

from __future__ import annotations

import stat
import tempfile
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import fsspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rompy.adapters.rendering.jinja import JinjaRenderer
from rompy.domain.errors import StagingError, TemplateError
from rompy.domain.model_config import BASE_TEMPLATE, BaseConfig
from rompy.domain.model_run import DATE_FORMAT
from rompy.domain.time import TimeRange
from rompy.ports.rendering import RenderRequest, RenderResult

FIXTURES = Path(__file__).parents[2] / "fixtures"
STAGING_FOLDER = "{{runtime.staging_dir}}"


def runtime_context(
    staging_dir: Path,
    *,
    run_id: str = "test_base",
    interval: timedelta = timedelta(minutes=15),
    variables: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the context the lead passes: ``runtime`` (a dict) and ``config``."""
    generated = {
        "generated_at": "2020-01-01 00:00:00",
        "generated_by": "tester",
        "generated_on": "testhost",
        "datefmt": DATE_FORMAT,
    }
    runtime = {
        "run_id": run_id,
        "period": TimeRange(
            start=datetime(2020, 2, 21, 4), end=datetime(2020, 2, 24, 4), interval=interval
        ),
        "staging_dir": str(staging_dir),
        "output_dir": str(staging_dir.parent),
        **generated,
        **{f"_{key}": value for key, value in generated.items()},
    }
    config = BaseConfig(variables=dict(variables if variables is not None else {}))
    return {"runtime": runtime, "config": config}


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (relative path → text or bytes) under ``root`` and return it."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def render(
    template: str | Path, staging_dir: Path, *, delete_existing: bool = False, **context: Any
) -> RenderResult:
    """Render ``template`` into ``staging_dir`` with the runtime context."""
    request = RenderRequest(
        template=str(template),
        context=runtime_context(staging_dir, **context),
        staging_dir=staging_dir,
        delete_existing=delete_existing,
    )
    return JinjaRenderer().render(request)


def content_lines(path: Path) -> list[str]:
    """Lines of ``path`` without headers (``$``) or trailing white space (CR included)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.rstrip() for line in lines if not line.startswith("$")]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Content and modification time of every file under ``folder``."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- the built-in base template ------------------------------------------------------------


def test_base_template_renders_the_reference_input(tmp_path: Path) -> None:
    staging = tmp_path / "out" / "test_base"
    render(BASE_TEMPLATE, staging, variables={"arg1": "foo", "arg2": "bar"})
    expected = content_lines(FIXTURES / "base_reference_INPUT")
    assert expected == content_lines(staging / "INPUT")


def test_base_template_gives_daily_intervals_in_hours(tmp_path: Path) -> None:
    staging = tmp_path / "out" / "daily"
    render(BASE_TEMPLATE, staging, interval=timedelta(days=1))
    text = (staging / "INPUT").read_text(encoding="utf-8")
    assert "compute_interval: 24.0 HR" in text.splitlines()


def test_base_template_without_variables_ends_after_compute_stop(tmp_path: Path) -> None:
    staging = tmp_path / "out" / "plain"
    render(BASE_TEMPLATE, staging)
    text = (staging / "INPUT").read_text(encoding="utf-8")
    assert "compute_stop: 20200224.040000\n" == text[text.index("compute_stop") :]


def test_base_template_headers_name_the_template_and_point_to_the_manifest(tmp_path: Path) -> None:
    staging = tmp_path / "out" / "headers"
    render(BASE_TEMPLATE, staging)
    headers = [
        line
        for line in (staging / "INPUT").read_text(encoding="utf-8").splitlines()
        if line.startswith("$")
    ]
    assert "$ Template: rompy:templates/base" in headers
    assert "$ Who generated it, where and when: rompy-manifest.json" in headers


def test_base_template_lists_input_and_two_readmes(tmp_path: Path) -> None:
    staging = tmp_path / "out" / "listing"
    result = render(BASE_TEMPLATE, staging)
    expected = (Path("INPUT"), Path("datasets/readme.md"), Path("outputs/readme.md"))
    assert RenderResult(staging_dir=staging, files=expected) == result


# --- tree layout and names -----------------------------------------------------------------


def test_file_and_folder_names_are_rendered(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"{{ runtime.run_id }}/{{ runtime.run_id }}.nml": "x"})
    staging = tmp_path / "out" / "run"
    result = render(template, staging, run_id="storm")
    assert (Path("storm/storm.nml"),) == result.files
    assert "x" == (staging / "storm" / "storm.nml").read_text(encoding="utf-8")


def test_staging_dir_folder_contents_become_the_staging_dir(tmp_path: Path) -> None:
    template = write_tree(
        tmp_path / "tpl",
        {f"{STAGING_FOLDER}/INPUT": "{{ runtime.run_id }}", "__init__.py": "", "notes.txt": ""},
    )
    staging = tmp_path / "out" / "run"
    result = render(template, staging, run_id="r1")
    assert (Path("INPUT"),) == result.files
    assert ["INPUT"] == sorted(path.name for path in staging.iterdir())


def test_staging_dir_folder_name_may_have_spaces_inside_braces(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"{{ runtime.staging_dir }}/INPUT": "a"})
    result = render(template, tmp_path / "out" / "run")
    assert (Path("INPUT"),) == result.files


def test_empty_template_folders_are_created(tmp_path: Path) -> None:
    template = tmp_path / "tpl"
    (template / "outputs").mkdir(parents=True)
    staging = tmp_path / "out" / "run"
    render(template, staging)
    assert (staging / "outputs").is_dir()


def test_template_files_can_include_other_template_files(tmp_path: Path) -> None:
    template = write_tree(
        tmp_path / "tpl",
        {
            "main.txt": "{% include 'parts/head.txt' %}body",
            "parts/head.txt": "{{ runtime.run_id }}-",
        },
    )
    staging = tmp_path / "out" / "run"
    render(template, staging, run_id="r9")
    assert "r9-body" == (staging / "main.txt").read_text(encoding="utf-8")


def test_underscore_keys_of_the_runtime_dict_are_readable(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"f": "{{ runtime._datefmt }}"})
    staging = tmp_path / "out" / "run"
    render(template, staging)
    assert DATE_FORMAT == (staging / "f").read_text(encoding="utf-8")


def test_hours_and_strftime_filters_format_the_period(tmp_path: Path) -> None:
    template = write_tree(
        tmp_path / "tpl",
        {"f": "{{ runtime.period.interval | hours }} {{ runtime.period.start | strftime }}"},
    )
    staging = tmp_path / "out" / "run"
    render(template, staging, interval=timedelta(minutes=90))
    assert "1.5 20200221.040000" == (staging / "f").read_text(encoding="utf-8")


def test_trailing_newline_is_kept(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"f": "{{ runtime.run_id }}\n"})
    staging = tmp_path / "out" / "run"
    render(template, staging, run_id="abc")
    assert b"abc\n" == (staging / "f").read_bytes()


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"f": b"a\r\n{{ runtime.run_id }}\r\n"})
    staging = tmp_path / "out" / "run"
    render(template, staging, run_id="abc")
    assert b"a\r\nabc\r\n" == (staging / "f").read_bytes()


@settings(max_examples=40, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_characters="{#%\r\x00", blacklist_categories=("Cs",)),
        max_size=200,
    )
)
def test_text_without_jinja_markup_is_copied_unchanged(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = write_tree(Path(folder) / "tpl", {"f": text})
        staging = Path(folder) / "out" / "run"
        render(template, staging)
        assert text == (staging / "f").read_bytes().decode("utf-8")


def test_binary_file_is_copied_verbatim(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n{{ not a template }}\xff\xfe"
    template = write_tree(tmp_path / "tpl", {"grid.bin": data})
    staging = tmp_path / "out" / "run"
    render(template, staging)
    assert data == (staging / "grid.bin").read_bytes()


def test_utf8_file_with_nul_bytes_is_copied_verbatim(tmp_path: Path) -> None:
    data = b"header\x00{{ runtime.run_id }}"
    template = write_tree(tmp_path / "tpl", {"raw.dat": data})
    staging = tmp_path / "out" / "run"
    render(template, staging)
    assert data == (staging / "raw.dat").read_bytes()


def test_executable_bit_is_kept(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"run.sh": "#!/bin/sh\necho {{ runtime.run_id }}\n"})
    (template / "run.sh").chmod(0o755)
    staging = tmp_path / "out" / "run"
    render(template, staging)
    assert 0o755 == stat.S_IMODE((staging / "run.sh").stat().st_mode)


# --- template sources ----------------------------------------------------------------------


def test_local_folder_is_found_relative_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "tpl", {"f": "{{ runtime.run_id }}"})
    monkeypatch.chdir(tmp_path)
    render("tpl", tmp_path / "out" / "run", run_id="local")
    assert "local" == (tmp_path / "out" / "run" / "f").read_text(encoding="utf-8")


def test_resource_of_any_importable_package_is_a_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = f"tplpkg_{uuid.uuid4().hex}"
    write_tree(tmp_path / "site", {f"{package}/__init__.py": "", f"{package}/t/x/f": "pkg"})
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    staging = tmp_path / "out" / "run"
    render(f"{package}:t/x", staging)
    assert "pkg" == (staging / "f").read_text(encoding="utf-8")


def test_memory_url_is_a_template(tmp_path: Path, memory_root: str) -> None:
    filesystem = fsspec.filesystem("memory")
    filesystem.pipe(
        {
            f"{memory_root}/{STAGING_FOLDER}/INPUT": b"id={{ runtime.run_id }}",
            f"{memory_root}/{STAGING_FOLDER}/sub/{{{{ runtime.run_id }}}}.txt": b"x",
        }
    )
    staging = tmp_path / "out" / "run"
    result = render(memory_root, staging, run_id="mem")
    assert (Path("INPUT"), Path("sub/mem.txt")) == result.files
    assert "id=mem" == (staging / "INPUT").read_text(encoding="utf-8")


def test_file_url_keeps_executable_bits(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"run.sh": "#!/bin/sh\n"})
    (template / "run.sh").chmod(0o750)
    staging = tmp_path / "out" / "run"
    render(template.as_uri(), staging)
    assert 0o750 == stat.S_IMODE((staging / "run.sh").stat().st_mode)


@pytest.mark.parametrize(
    "reference",
    ["no/such/folder", "rompy:templates/no_such_template", "no_such_package_xyz:templates"],
)
def test_missing_template_is_an_error_naming_it(tmp_path: Path, reference: str) -> None:
    with pytest.raises(TemplateError, match=reference):
        render(reference, tmp_path / "out" / "run")


def test_missing_memory_template_is_an_error_naming_it(tmp_path: Path, memory_root: str) -> None:
    with pytest.raises(TemplateError, match=memory_root):
        render(memory_root, tmp_path / "out" / "run")


def test_missing_template_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(TemplateError):
        render(tmp_path / "absent", tmp_path / "out" / "run")
    assert not (tmp_path / "out").exists()


# --- errors --------------------------------------------------------------------------------


def test_undefined_variable_names_file_line_and_name(tmp_path: Path) -> None:
    template = write_tree(
        tmp_path / "tpl", {f"{STAGING_FOLDER}/INPUT": "a\nb\nc\nvalue: {{ config.arg3 }}\n"}
    )
    with pytest.raises(TemplateError) as caught:
        render(template, tmp_path / "out" / "run")
    message = str(caught.value)
    assert message.startswith(f"template {STAGING_FOLDER}/INPUT line 4:")
    assert "'arg3'" in message


def test_undefined_variable_in_an_included_file_names_that_file(tmp_path: Path) -> None:
    template = write_tree(
        tmp_path / "tpl", {"main": "{% include 'part' %}", "part": "\n{{ missing }}"}
    )
    with pytest.raises(TemplateError, match=r"^template part line 2: 'missing' is undefined"):
        render(template, tmp_path / "out" / "run")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"conf/f.nml": "ok\n{% if %}\n"})
    with pytest.raises(TemplateError, match=r"^template conf/f.nml line 2: syntax error"):
        render(template, tmp_path / "out" / "run")


def test_undefined_variable_in_a_name_names_the_template_path(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"{{ nothing }}.txt": ""})
    with pytest.raises(TemplateError, match=r"^template path \{\{ nothing \}\}.txt: "):
        render(template, tmp_path / "out" / "run")


def test_sandbox_blocks_dunder_attributes(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"f": "{{ ''.__class__ }}"})
    with pytest.raises(TemplateError, match="unsafe"):
        render(template, tmp_path / "out" / "run")


@pytest.mark.parametrize(
    ("name", "run_id"),
    [
        ("{{ runtime.staging_dir }}/f", "r"),
        ("{{ '..' }}/f", "r"),
        ("a/{{ runtime.run_id }}", "../.."),
    ],
)
def test_path_escaping_the_staging_dir_is_refused_and_nothing_written(
    tmp_path: Path, name: str, run_id: str
) -> None:
    template = write_tree(tmp_path / "tpl", {"ok.txt": "fine", f"sub/{name}": "bad"})
    with pytest.raises(TemplateError, match=r"^template path sub/.* renders to .*outside"):
        render(template, tmp_path / "out" / "run", run_id=run_id)
    assert ["tpl"] == sorted(path.name for path in tmp_path.iterdir())


def test_name_rendering_empty_is_refused(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"{{ '' }}": "x"})
    with pytest.raises(TemplateError, match="renders to an empty name"):
        render(template, tmp_path / "out" / "run")


def test_two_templates_rendering_to_one_file_is_refused(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"a.txt": "1", "{{ 'a' }}.txt": "2"})
    with pytest.raises(TemplateError, match=r"both render to 'a\.txt'"):
        render(template, tmp_path / "out" / "run")


# --- staging dir safety --------------------------------------------------------------------


def test_existing_staging_dir_is_refused_and_untouched(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"INPUT": "new"})
    staging = write_tree(tmp_path / "out" / "run", {"INPUT": "old", "keep/me.txt": "mine"})
    before = snapshot(staging)
    with pytest.raises(StagingError, match="already exists; pass delete_existing"):
        render(template, staging)
    assert before == snapshot(staging)
    assert ["run"] == [path.name for path in staging.parent.iterdir()]


def test_existing_staging_dir_is_replaced_when_asked(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"INPUT": "new"})
    staging = write_tree(tmp_path / "out" / "run", {"INPUT": "old", "stale.txt": "x"})
    render(template, staging, delete_existing=True)
    assert {"INPUT": b"new"} == {name: data for name, (data, _) in snapshot(staging).items()}
    assert ["run"] == [path.name for path in staging.parent.iterdir()]


def test_failure_mid_render_keeps_existing_staging_dir_and_leaves_no_temp(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"a_good": "ok", "b_bad": "{{ missing }}"})
    staging = write_tree(tmp_path / "out" / "run", {"INPUT": "old"})
    before = snapshot(staging)
    with pytest.raises(TemplateError):
        render(template, staging, delete_existing=True)
    assert before == snapshot(staging)
    assert ["run"] == [path.name for path in staging.parent.iterdir()]


def test_failure_removes_the_output_dir_it_created(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"f": "{{ missing }}"})
    with pytest.raises(TemplateError):
        render(template, tmp_path / "new" / "out" / "run")
    assert not (tmp_path / "new").exists()


def test_missing_output_dir_is_created(tmp_path: Path) -> None:
    template = write_tree(tmp_path / "tpl", {"f": "x"})
    staging = tmp_path / "a" / "b" / "run"
    render(template, staging)
    assert (staging / "f").is_file()


@pytest.mark.parametrize("where", ["cwd", "cwd_parent", "root", "home"])
def test_protected_folders_are_refused_even_with_delete_existing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    template = write_tree(tmp_path / "tpl", {"f": "x"})
    staging = {
        "cwd": Path("."),
        "cwd_parent": work.parent,
        "root": Path("/"),
        "home": tmp_path / "home",
    }[where]
    with pytest.raises(StagingError, match="refusing to render into"):
        render(template, staging, delete_existing=True)
    assert [] == list(work.iterdir())
    assert [] == list((tmp_path / "home").iterdir())
