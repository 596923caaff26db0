"""LazyFactory imports its adapter's module at the first build only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rompy.adapters.lazy_factory import LazyFactory


@pytest.fixture
def adapter_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    name = "rompy_test_lazy_adapter_module"
    (tmp_path / f"{name}.py").write_text(
        "BUILT = []\nclass Adapter:\n    def __init__(self):\n        BUILT.append(self)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


def test_nothing_is_imported_before_the_first_build(adapter_module: str) -> None:
    factory = LazyFactory(f"{adapter_module}:Adapter")

    assert adapter_module not in sys.modules
    first, second = factory(), factory()

    built = sys.modules[adapter_module].BUILT
    assert (2, True) == (len(built), first is not second)


def test_a_target_without_a_class_name_is_refused() -> None:
    with pytest.raises(ValueError, match=r"package\.module:ClassName"):
        LazyFactory("rompy.adapters.execution.local.executor")


def test_a_missing_class_fails_at_the_build() -> None:
    factory = LazyFactory("rompy.adapters.execution.local.executor:NoSuchExecutor")

    with pytest.raises(AttributeError, match="NoSuchExecutor"):
        factory()


def test_it_shows_its_target() -> None:
    assert "LazyFactory('a.b:C')" == repr(LazyFactory("a.b:C"))


def test_every_built_in_adapter_target_names_a_class_that_exists() -> None:
    import importlib

    from rompy.plugins import load_plugins
    from rompy.ports.registry import FAMILIES

    registry = load_plugins(load_entry_points=False).registry
    factories = [
        registration.factory
        for family in FAMILIES
        for registration in registry.family(family).values()
        if isinstance(registration.factory, LazyFactory)
    ]
    missing = []
    for factory in factories:
        module, _, name = factory.target.partition(":")
        if not isinstance(getattr(importlib.import_module(module), name, None), type):
            missing.append(factory.target)

    assert (True, []) == (len(factories) >= 16, missing)
