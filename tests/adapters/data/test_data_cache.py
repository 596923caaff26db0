"""Tests of the content-addressed data cache, on real files in a temporary folder."""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy._version import __version__
from rompy.adapters.data.cache import (
    CacheKeyParts,
    DataCache,
    canonical_json,
    default_cache_root,
    source_identity,
)
from rompy.domain.errors import ConfigError, DataSourceError
from rompy.entrypoints.cache_commands import add_cache_commands, cmd_cache, human_age, human_size
from rompy.log import capture_events


def _writer(content: bytes, calls: list[Path] | None = None):  # type: ignore[no-untyped-def]
    def produce(target: Path) -> None:
        if calls is not None:
            calls.append(target)
        target.write_bytes(content)

    return produce


def _parts(source: str = "file:/data/wind.nc:10:1", **changes: Any) -> CacheKeyParts:
    values: dict[str, object] = {
        "source": source,
        "variables": ("u10", "v10"),
        "filters": {"sort": {"coords": ["time"]}},
        "window": {"bbox": [110.0, -35.0, 112.0, -33.0], "start": datetime(2023, 1, 1)},
        "output_format": "netcdf",
    }
    values.update(changes)
    return CacheKeyParts(**values)  # type: ignore[arg-type]


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- keys --------------------------------------------------------------------------------------


def test_the_cache_root_comes_from_rompy_cache_dir() -> None:
    assert Path("/scratch/cache") == default_cache_root({"ROMPY_CACHE_DIR": "/scratch/cache"})


def test_the_cache_root_defaults_to_the_user_cache_folder() -> None:
    assert Path.home() / ".cache" / "rompy" == default_cache_root({})


def test_the_key_is_the_sha256_of_the_canonical_json_of_the_parts() -> None:
    import hashlib

    parts = _parts()
    expected = hashlib.sha256(canonical_json(parts.as_dict()).encode()).hexdigest()

    assert expected == parts.digest()


def test_the_key_includes_the_rompy_version() -> None:
    assert __version__ == _parts().as_dict()["code_version"]


@pytest.mark.parametrize(
    "change",
    [
        {"source": "file:/data/wind.nc:10:2"},
        {"variables": ("u10",)},
        {"filters": {"sort": {"coords": ["lat"]}}},
        {"window": {"bbox": [110.0, -35.0, 112.5, -33.0], "start": datetime(2023, 1, 1)}},
        {"output_format": "zarr"},
        {"code_version": "99.0"},
    ],
)
def test_changing_any_part_changes_the_key(change: dict[str, Any]) -> None:
    assert _parts().digest() != _parts(**change).digest()


@given(
    st.dictionaries(
        st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5), st.none()), max_size=6
    )
)
def test_canonical_json_does_not_depend_on_key_order(mapping: dict[str, object]) -> None:
    reversed_order = dict(reversed(list(mapping.items())))

    assert canonical_json(mapping) == canonical_json(reversed_order)


# --- source identity ---------------------------------------------------------------------------


def test_a_local_file_identity_names_its_path_size_and_mtime(tmp_path: Path) -> None:
    data = tmp_path / "wind.nc"
    data.write_bytes(b"12345")
    info = data.stat()

    assert f"file:{data}:5:{info.st_mtime_ns}" == source_identity(data)


def test_a_rewritten_file_gets_a_new_identity(tmp_path: Path) -> None:
    data = tmp_path / "wind.nc"
    data.write_bytes(b"12345")
    before = source_identity(data)
    data.write_bytes(b"12345")
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 1_000_000))

    assert before != source_identity(data)


def test_a_folder_identity_changes_when_a_file_inside_changes(tmp_path: Path) -> None:
    store = tmp_path / "wind.zarr"
    (store / "u10").mkdir(parents=True)
    (store / "u10" / "0.0").write_bytes(b"aa")
    before = source_identity(store)
    (store / "u10" / "0.0").write_bytes(b"aaa")

    assert before != source_identity(store)


def test_a_missing_file_has_no_identity(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"missing\.nc"):
        source_identity(tmp_path / "missing.nc")


def test_a_file_url_is_a_local_file(tmp_path: Path) -> None:
    data = tmp_path / "wind.nc"
    data.write_bytes(b"1")

    assert source_identity(data) == source_identity(f"file://{data}")


class ValidatorHandler(BaseHTTPRequestHandler):
    """Serves ``/tagged.nc`` with the server's current ETag, ``/plain.nc`` with none."""

    server: ValidatorServer

    def do_HEAD(self) -> None:
        if self.path not in ("/tagged.nc", "/plain.nc"):
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", "5")
        if self.path == "/tagged.nc":
            self.send_header("ETag", self.server.etag)
        self.end_headers()

    def do_GET(self) -> None:
        self.do_HEAD()

    def log_message(self, *args: object) -> None:
        return None


class ValidatorServer(ThreadingHTTPServer):
    etag = '"abc123"'


@pytest.fixture
def http_server() -> Iterator[ValidatorServer]:
    server = ValidatorServer(("127.0.0.1", 0), ValidatorHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _url(server: ValidatorServer, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}{path}"


def test_a_url_identity_carries_the_servers_etag(http_server: ValidatorServer) -> None:
    assert "abc123" in source_identity(_url(http_server, "/tagged.nc"))


def test_a_new_etag_gives_a_new_identity(http_server: ValidatorServer) -> None:
    before = source_identity(_url(http_server, "/tagged.nc"))
    http_server.etag = '"v2"'

    assert before != source_identity(_url(http_server, "/tagged.nc"))


def test_a_url_without_etag_or_last_modified_is_not_cacheable(
    http_server: ValidatorServer,
) -> None:
    assert "" == source_identity(_url(http_server, "/plain.nc"))


def test_a_url_that_does_not_exist_is_an_error(http_server: ValidatorServer) -> None:
    with pytest.raises(DataSourceError, match="does not exist"):
        source_identity(_url(http_server, "/missing.nc"))


# --- get_or_create -----------------------------------------------------------------------------


def test_a_miss_runs_the_producer_and_puts_its_file_at_the_destination(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    destination = tmp_path / "staging" / "wind.nc"

    result = cache.get_or_create(_parts(), _writer(b"cropped"), destination)

    assert (False, b"cropped") == (result.hit, destination.read_bytes())


def test_a_second_request_is_a_hit_that_does_not_run_the_producer(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    cache.get_or_create(_parts(), _writer(b"cropped"), tmp_path / "one" / "wind.nc")
    calls: list[Path] = []

    result = cache.get_or_create(_parts(), _writer(b"other", calls), tmp_path / "two" / "wind.nc")

    assert (True, [], b"cropped") == (
        result.hit,
        calls,
        (tmp_path / "two" / "wind.nc").read_bytes(),
    )


def test_a_hit_is_a_hard_link_to_the_cached_file(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    cache.get_or_create(_parts(), _writer(b"cropped"), tmp_path / "one" / "wind.nc")

    result = cache.get_or_create(_parts(), _writer(b"x"), tmp_path / "two" / "wind.nc")

    cached = cache.entry_path(result.key)
    assert (True, cached.stat().st_ino) == (result.linked, result.destination.stat().st_ino)


def test_cached_files_are_read_only(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")

    result = cache.get_or_create(_parts(), _writer(b"cropped"), tmp_path / "s" / "wind.nc")

    assert 0 == cache.entry_path(result.key).stat().st_mode & 0o222


def test_a_changed_source_does_not_reuse_the_old_entry(tmp_path: Path) -> None:
    source = tmp_path / "wind.nc"
    source.write_bytes(b"version one")
    cache = DataCache(tmp_path / "cache")
    cache.get_or_create(
        _parts(source_identity(source)), _writer(b"crop of one"), tmp_path / "a" / "w.nc"
    )
    source.write_bytes(b"version two!")

    result = cache.get_or_create(
        _parts(source_identity(source)), _writer(b"crop of two"), tmp_path / "b" / "w.nc"
    )

    assert (False, b"crop of two") == (result.hit, result.destination.read_bytes())


def test_a_failing_producer_leaves_no_entry_and_no_destination(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    destination = tmp_path / "staging" / "wind.nc"

    def fail(target: Path) -> None:
        target.write_bytes(b"half")
        raise DataSourceError("source went away")

    with pytest.raises(DataSourceError, match="went away"):
        cache.get_or_create(_parts(), fail, destination)

    assert ([], False, []) == (
        cache.entries(),
        destination.exists(),
        list((tmp_path / "cache" / "tmp").iterdir()),
    )


def test_a_producer_that_writes_nothing_is_an_error(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")

    with pytest.raises(DataSourceError, match="wrote nothing"):
        cache.get_or_create(_parts(), lambda target: None, tmp_path / "s" / "w.nc")


def test_a_source_without_identity_bypasses_the_cache(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    destination = tmp_path / "staging" / "wind.nc"

    result = cache.get_or_create(_parts(source=""), _writer(b"fresh"), destination)

    assert ("", b"fresh", []) == (result.key, destination.read_bytes(), cache.entries())


def test_a_folder_entry_is_linked_file_by_file(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")

    def produce_folder(target: Path) -> None:
        (target / "sub").mkdir(parents=True)
        (target / "sub" / "a.bin").write_bytes(b"A")

    cache.get_or_create(_parts(), produce_folder, tmp_path / "one" / "store.zarr")
    result = cache.get_or_create(_parts(), produce_folder, tmp_path / "two" / "store.zarr")

    assert (True, b"A") == (result.hit, (result.destination / "sub" / "a.bin").read_bytes())


def test_concurrent_producers_of_one_key_produce_once(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    calls: list[Path] = []
    lock = threading.Lock()

    def slow(target: Path) -> None:
        with lock:
            calls.append(target)
        time.sleep(0.2)
        target.write_bytes(b"cropped")

    threads = [
        threading.Thread(
            target=cache.get_or_create, args=(_parts(), slow, tmp_path / f"s{i}" / "w.nc")
        )
        for i in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    contents = {(tmp_path / f"s{i}" / "w.nc").read_bytes() for i in range(4)}
    assert (1, {b"cropped"}, 1) == (len(calls), contents, len(cache.entries()))


def test_an_existing_destination_is_replaced(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    destination = tmp_path / "staging" / "wind.nc"
    destination.parent.mkdir()
    destination.write_bytes(b"old")

    cache.get_or_create(_parts(), _writer(b"new"), destination)

    assert b"new" == destination.read_bytes()


# --- fetch / store (the stager's protocol) -----------------------------------------------------


def test_fetch_of_an_unknown_key_is_a_miss(tmp_path: Path) -> None:
    assert False is DataCache(tmp_path).fetch("a" * 64, tmp_path / "out.nc")


def test_a_stored_file_is_fetched_into_another_folder(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    written = tmp_path / "work" / "wind.nc"
    written.parent.mkdir()
    written.write_bytes(b"cropped")
    cache.store("b" * 64, written)

    hit = cache.fetch("b" * 64, tmp_path / "staging" / "wind.nc")

    assert (True, b"cropped") == (hit, (tmp_path / "staging" / "wind.nc").read_bytes())


def test_a_key_that_is_not_a_plain_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="invalid cache key"):
        DataCache(tmp_path).fetch("../../etc", tmp_path / "x")


# --- entries and clearing ----------------------------------------------------------------------


def test_entries_show_size_age_and_what_the_key_was_made_of(tmp_path: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    cache = DataCache(tmp_path / "cache", clock=clock)
    cache.get_or_create(_parts(), _writer(b"12345"), tmp_path / "s" / "w.nc")
    clock.now += 2 * 86400

    (entry,) = cache.entries()

    assert (5, 2.0, "netcdf") == (
        entry.size,
        round(entry.age_days, 6),
        entry.parts["output_format"],
    )


def test_clear_removes_every_entry_and_reports_the_bytes_freed(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    cache.get_or_create(_parts(), _writer(b"12345"), tmp_path / "s" / "a.nc")
    cache.get_or_create(_parts(output_format="zarr"), _writer(b"123"), tmp_path / "s" / "b.nc")

    result = cache.clear()

    assert (2, 8, []) == (result.removed, result.freed, cache.entries())


def test_clear_older_than_keeps_recently_used_entries(tmp_path: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    cache = DataCache(tmp_path / "cache", clock=clock)
    cache.get_or_create(_parts(), _writer(b"old"), tmp_path / "s" / "a.nc")
    clock.now += 10 * 86400
    cache.get_or_create(_parts(output_format="zarr"), _writer(b"new"), tmp_path / "s" / "b.nc")
    clock.now += 86400

    result = cache.clear(older_than_days=5)

    remaining = [entry.parts["output_format"] for entry in cache.entries()]
    assert (1, ["zarr"]) == (result.removed, remaining)


def test_a_hit_counts_as_a_use(tmp_path: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    cache = DataCache(tmp_path / "cache", clock=clock)
    cache.get_or_create(_parts(), _writer(b"old"), tmp_path / "s" / "a.nc")
    clock.now += 10 * 86400
    cache.get_or_create(_parts(), _writer(b"old"), tmp_path / "s" / "b.nc")

    assert 0 == cache.clear(older_than_days=5).removed


def test_clearing_keeps_files_already_linked_into_staging(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    destination = tmp_path / "staging" / "wind.nc"
    cache.get_or_create(_parts(), _writer(b"cropped"), destination)

    cache.clear()

    assert b"cropped" == destination.read_bytes()


def test_the_meta_file_records_the_key_parts(tmp_path: Path) -> None:
    cache = DataCache(tmp_path / "cache")
    result = cache.get_or_create(_parts(), _writer(b"x"), tmp_path / "s" / "a.nc")

    meta = json.loads((cache.entry_path(result.key).parent / "meta.json").read_text())

    assert ["u10", "v10"] == meta["parts"]["variables"]


# --- rompy cache list|clear --------------------------------------------------------------------


@pytest.fixture(autouse=False)
def quiet() -> Iterator[None]:
    with capture_events():
        yield


def _cli(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rompy")
    add_cache_commands(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


@pytest.mark.usefixtures("quiet")
def test_cache_list_shows_each_entry_with_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = DataCache(tmp_path / "cache")
    result = cache.get_or_create(_parts(), _writer(b"x" * 2048), tmp_path / "s" / "w.nc")

    args = _cli("cache", "--cache-dir", str(tmp_path / "cache"), "list")
    cmd_cache(None, args)  # type: ignore[arg-type]

    lines = capsys.readouterr().out.splitlines()
    assert [result.key[:12], "2.0", "KB"] == lines[2].split()[:3]


@pytest.mark.usefixtures("quiet")
def test_cache_list_as_json_gives_every_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = DataCache(tmp_path / "cache")
    cache.get_or_create(_parts(), _writer(b"12345"), tmp_path / "s" / "w.nc")
    args = _cli("cache", "--cache-dir", str(tmp_path / "cache"), "list", "--format", "json")

    cmd_cache(None, args)  # type: ignore[arg-type]

    (entry,) = json.loads(capsys.readouterr().out)
    assert (5, "file:/data/wind.nc:10:1") == (entry["size"], entry["parts"]["source"])


@pytest.mark.usefixtures("quiet")
def test_cache_clear_empties_the_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = DataCache(tmp_path / "cache")
    cache.get_or_create(_parts(), _writer(b"12345"), tmp_path / "s" / "w.nc")

    args = _cli("cache", "--cache-dir", str(tmp_path / "cache"), "clear")
    cmd_cache(None, args)  # type: ignore[arg-type]

    assert ([], "removed 1 entries (5 B)") == (
        cache.entries(),
        capsys.readouterr().out.split(" from ")[0],
    )


def test_cache_clear_refuses_a_negative_age(tmp_path: Path) -> None:
    args = _cli("cache", "--cache-dir", str(tmp_path), "clear", "--older-than", "-1")

    with pytest.raises(ConfigError, match="at least 0"):
        cmd_cache(None, args)  # type: ignore[arg-type]


@pytest.mark.usefixtures("quiet")
def test_the_cache_dir_defaults_to_rompy_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROMPY_CACHE_DIR", str(tmp_path / "env-cache"))

    cmd_cache(None, _cli("cache", "list"))  # type: ignore[arg-type]

    assert f"cache: {tmp_path / 'env-cache'}" == capsys.readouterr().out.splitlines()[0]


@pytest.mark.parametrize(
    ("size", "text"), [(512, "512 B"), (1536, "1.5 KB"), (5 * 1024**3, "5.0 GB")]
)
def test_sizes_are_shown_in_binary_units(size: int, text: str) -> None:
    assert text == human_size(size)


@pytest.mark.parametrize(("days", "text"), [(0.002, "3 min"), (0.5, "12.0 h"), (3.0, "3.0 d")])
def test_ages_are_shown_in_a_fitting_unit(days: float, text: str) -> None:
    assert text == human_age(days)
