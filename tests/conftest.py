"""Suite-wide settings: every test uses its own data cache, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_data_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get("ROMPY_CACHE_DIR")
    os.environ["ROMPY_CACHE_DIR"] = str(tmp_path_factory.mktemp("rompy-cache"))
    yield
    if previous is None:
        os.environ.pop("ROMPY_CACHE_DIR", None)
    else:
        os.environ["ROMPY_CACHE_DIR"] = previous
