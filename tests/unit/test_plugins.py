"""Plugin loading: built-ins as plugins, clashes, blocking, broken plugins."""

from __future__ import annotations

import importlib.metadata
from typing import Any, ClassVar

import attrs
import pytest

from rompy.domain.errors import PluginError, UnknownTagError
from rompy.domain.model_config import BaseConfig
from rompy.hookspecs import hookimpl
from rompy.plugins import disabled_from_env, load_plugins
from rompy.ports.registry import EXECUTORS, MODEL_CONFIGS, POSTPROCESSORS


@attrs.frozen(kw_only=True)
class ImpostorBase(BaseConfig):
    """Claims the built-in 'base' tag."""

    model_type: ClassVar[str] = "base"


class ImpostorPlugin:
    @hookimpl
    def rompy_register_model_configs(self, register: Any) -> None:
        register(ImpostorBase)


def test_builtins_are_registered_through_the_builtin_plugin() -> None:
    registry = load_plugins(load_entry_points=False, disabled=()).registry
    assert "builtin" == registry.lookup(MODEL_CONFIGS, "base").plugin
    assert {"local", "docker", "slurm"} <= set(registry.family(EXECUTORS))
    assert "noop" in registry.family(POSTPROCESSORS)


def test_a_duplicate_tag_names_both_plugins() -> None:
    with pytest.raises(PluginError, match=r"'builtin'.*'impostor'"):
        load_plugins(
            load_entry_points=False, extra_plugins=[("impostor", ImpostorPlugin())], disabled=()
        )


def test_a_blocked_plugin_registers_nothing() -> None:
    loaded = load_plugins(
        load_entry_points=False,
        extra_plugins=[("impostor", ImpostorPlugin())],
        disabled=["impostor"],
    )
    assert BaseConfig is loaded.registry.lookup(MODEL_CONFIGS, "base").cls


def test_disabled_plugins_come_from_the_environment() -> None:
    assert {"a", "b"} == disabled_from_env({"ROMPY_DISABLED_PLUGINS": "a, b,"})


def test_an_unknown_tag_lists_the_known_ones() -> None:
    registry = load_plugins(load_entry_points=False, disabled=()).registry
    with pytest.raises(UnknownTagError, match=r"known: .*local"):
        registry.lookup(EXECUTORS, "kubernetes")


def test_a_plugin_that_fails_to_import_is_a_warning_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = importlib.metadata.EntryPoint(
        name="broken", value="rompy_no_such_module_xyz", group="rompy"
    )
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [broken])
    loaded = load_plugins(load_entry_points=True, disabled=())
    assert 1 == len(loaded.warnings)
    assert "'broken'" in loaded.warnings[0]


def test_plugin_info_reports_what_each_plugin_registers() -> None:
    loaded = load_plugins(load_entry_points=False, disabled=())
    builtin = next(info for info in loaded.plugins if info.name == "builtin")
    assert "model_type: base" in builtin.registers


def test_registering_a_class_outside_the_family_is_refused() -> None:
    class Wrong:
        @hookimpl
        def rompy_register_model_configs(self, register: Any) -> None:
            register(dict)

    with pytest.raises(PluginError, match="does not derive from ModelConfig"):
        load_plugins(load_entry_points=False, extra_plugins=[("wrong", Wrong())], disabled=())


def test_a_misspelt_hook_is_a_plugin_error_naming_it() -> None:
    class Misspelt:
        @hookimpl
        def rompy_register_modle_configs(self, register: Any) -> None:
            register(BaseConfig)

    with pytest.raises(PluginError, match="rompy_register_modle_configs"):
        load_plugins(load_entry_points=False, extra_plugins=[("typo", Misspelt())], disabled=())


def test_a_hook_with_a_wrong_argument_is_a_plugin_error_naming_the_plugin() -> None:
    class WrongArgument:
        @hookimpl
        def rompy_register_model_configs(self, registrar: Any) -> None:
            registrar(BaseConfig)

    with pytest.raises(PluginError, match="'wrong'"):
        load_plugins(
            load_entry_points=False, extra_plugins=[("wrong", WrongArgument())], disabled=()
        )
