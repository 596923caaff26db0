"""Telling a plugin's bug from the user's mistake, with plugins registered in-process."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pytest

from rompy import ConfigError, ModelConfig, ModelRun, PluginFailedError, bootstrap, hookimpl
from rompy.plugins import load_plugins


def _broken(value: Any) -> Any:
    return 1 / 0


@attrs.frozen(kw_only=True)
class BrokenConfig(ModelConfig):
    """A model config whose converter has a bug."""

    model_type: ClassVar[str] = "broken"
    level: int = attrs.field(default=0, converter=_broken)
    size: int = 1


class BrokenPlugin:
    """Registers the broken config; its before-generate hook fails too."""

    @hookimpl
    def rompy_register_model_configs(self, register: Any) -> None:
        register(BrokenConfig)

    @hookimpl
    def rompy_before_generate(self, run: ModelRun) -> None:
        raise KeyError("missing-in-hook")


class ClassOnlyPlugin:
    """Registers the broken config and nothing else."""

    @hookimpl
    def rompy_register_model_configs(self, register: Any) -> None:
        register(BrokenConfig)


class FailingRegistration:
    """Fails while registering."""

    @hookimpl
    def rompy_register_executors(self, register: Any) -> None:
        raise RuntimeError("cannot register")


def test_a_bug_in_a_registered_class_is_the_plugins_fault() -> None:
    app = bootstrap(load_entry_points=False, extra_plugins=[("broken", BrokenPlugin())])

    with pytest.raises(PluginFailedError, match="plugin 'broken' failed in reading ModelRun"):
        app.structure({"config": {"model_type": "broken", "level": 3}}, ModelRun)


def test_a_bad_value_for_a_plugin_class_is_still_a_config_error() -> None:
    app = bootstrap(load_entry_points=False, extra_plugins=[("broken", BrokenPlugin())])

    with pytest.raises(ConfigError, match=r"config\.size"):
        app.structure({"config": {"model_type": "broken", "size": "many"}}, ModelRun)


def test_a_failing_lifecycle_hook_is_named_with_its_plugin(tmp_path: Any) -> None:
    app = bootstrap(load_entry_points=False, extra_plugins=[("broken", BrokenPlugin())])
    run = app.structure({"output_dir": str(tmp_path), "config": {"model_type": "base"}}, ModelRun)

    with pytest.raises(PluginFailedError) as caught:
        app.generate(run)

    assert ("broken", "rompy_before_generate", KeyError) == (
        caught.value.plugin,
        caught.value.during,
        type(caught.value.error),
    )
    assert 1 == caught.value.exit_code


def test_a_failing_registration_hook_is_named_with_its_plugin() -> None:
    with pytest.raises(PluginFailedError, match="'failing' failed in rompy_register_executors"):
        load_plugins(load_entry_points=False, extra_plugins=[("failing", FailingRegistration())])


def test_a_bug_in_rompys_own_code_is_not_blamed_on_a_plugin(tmp_path: Any) -> None:
    app = bootstrap(load_entry_points=False, extra_plugins=[("classes", ClassOnlyPlugin())])

    with pytest.raises(AttributeError):
        app.generate(None)  # type: ignore[arg-type]
