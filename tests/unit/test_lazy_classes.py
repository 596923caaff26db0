"""Classes registered by name (LazyClass) are imported only when a config uses their tag."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, ClassVar

import attrs
import pytest

from rompy import LazyClass, ModelRun, PluginError, bootstrap
from rompy.domain.model_config import BaseConfig
from rompy.hookspecs import hookimpl
from rompy.plugins import load_plugins
from rompy.ports.registry import MODEL_CONFIGS


@attrs.frozen(kw_only=True)
class LateConfig(BaseConfig):
    """A model config registered by name."""

    model_type: ClassVar[str] = "late"
    requires: ClassVar[tuple[str, ...]] = ("no_such_module_for_rompy",)


class LatePlugin:
    def __init__(self, target: str, tag: str = "late") -> None:
        self.lazy = LazyClass(target=target, tag=tag, requires=("no_such_module_for_rompy",))

    @hookimpl
    def rompy_register_model_configs(self, register: Any) -> None:
        register(self.lazy)


def late_app(target: str, tag: str = "late") -> Any:
    return bootstrap(load_entry_points=False, extra_plugins=[("late", LatePlugin(target, tag))])


def test_a_lazy_class_is_read_by_its_tag_like_a_registered_class() -> None:
    app = late_app(f"{__name__}:LateConfig")

    run = app.structure({"config": {"model_type": "late"}}, ModelRun)

    assert LateConfig is type(run.config)


def test_a_lazy_class_whose_tag_differs_is_refused_naming_both_tags() -> None:
    registry = load_plugins(
        load_entry_points=False, extra_plugins=[("late", LatePlugin(f"{__name__}:LateConfig", "x"))]
    ).registry

    with pytest.raises(PluginError, match=r"as tag 'x', but the class's tag is 'late'"):
        _ = registry.lookup(MODEL_CONFIGS, "x").cls


def test_a_lazy_class_outside_the_family_is_refused_naming_the_plugin() -> None:
    registry = load_plugins(
        load_entry_points=False, extra_plugins=[("late", LatePlugin(f"{__name__}:LatePlugin"))]
    ).registry

    with pytest.raises(PluginError, match=r"plugin 'late' .* does not derive from ModelConfig"):
        _ = registry.lookup(MODEL_CONFIGS, "late").cls


def test_a_lazy_class_that_does_not_import_is_a_plugin_error_naming_it() -> None:
    registry = load_plugins(
        load_entry_points=False, extra_plugins=[("late", LatePlugin("no_such_pkg.mod:Thing"))]
    ).registry

    with pytest.raises(PluginError, match=r"cannot load 'no_such_pkg.mod:Thing' for tag 'late'"):
        _ = registry.lookup(MODEL_CONFIGS, "late").cls


def test_plugin_facts_list_a_lazy_class_and_its_missing_modules_without_importing_it() -> None:
    loaded = load_plugins(
        load_entry_points=False, extra_plugins=[("late", LatePlugin("no_such_pkg.mod:Thing"))]
    )
    info = next(info for info in loaded.plugins if info.name == "late")

    assert ("model_type: late",) == info.registers
    assert ("no_such_module_for_rompy",) == info.missing


def swan_modules_after(code: str) -> str:
    """Run ``code`` in a fresh interpreter; say which SWAN command modules it imported."""
    check = "import sys; print(sorted(m for m in sys.modules if m.startswith('rompy.models.swan')))"
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{check}"], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_bootstrap_imports_no_swan_command_class_until_a_swan_config_is_read() -> None:
    before = swan_modules_after("import rompy; rompy.bootstrap()")
    after = swan_modules_after(
        "import rompy; app = rompy.bootstrap(); app.load_run('examples/swan/pipeline.yml')"
    )

    assert "rompy.models.swan.config" not in before
    assert "rompy.models.swan.config" in after
