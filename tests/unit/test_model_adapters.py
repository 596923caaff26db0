"""Renderers and output readers registered per model config class (in-memory fakes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from rompy import ConfigError, ModelConfig, ModelRun, PluginError, hookimpl
from rompy.ports.registry import OUTPUT_READERS, RENDERERS, RegistryBuilder
from rompy.ports.rendering import RenderRequest, RenderResult
from rompy.testing import FakeOutputReader, FakeWorld, fake_app


@attrs.frozen(kw_only=True)
class CodeModel(ModelConfig):
    """A model rendered in code."""

    model_type: ClassVar[str] = "code_model"
    steps: int = 3

    def template_source(self) -> str:
        return "code"


@attrs.frozen(kw_only=True)
class CodeModelVariant(CodeModel):
    """A subclass with no renderer of its own."""

    model_type: ClassVar[str] = "code_model_variant"


@attrs.define
class CountingRenderer:
    """Renders one file saying how many steps, into the world."""

    world: FakeWorld

    def render(self, request: RenderRequest) -> RenderResult:
        steps = request.context["config"].steps
        self.world.staging[request.staging_dir] = {"DECK": f"steps {steps}\n"}
        return RenderResult(staging_dir=request.staging_dir, files=(Path("DECK"),))


def code_plugin(world: FakeWorld) -> object:
    class CodePlugin:
        @hookimpl
        def rompy_register_model_configs(self, register: Any) -> None:
            register(CodeModel)
            register(CodeModelVariant)

        @hookimpl
        def rompy_register_renderers(self, register: Any) -> None:
            register(CodeModel, lambda: CountingRenderer(world))

        @hookimpl
        def rompy_register_output_readers(self, register: Any) -> None:
            register(CodeModel, lambda: FakeOutputReader(world))

    return CodePlugin()


def make_run(model_type: str = "code_model") -> ModelRun:
    config = CodeModelVariant() if "variant" in model_type else CodeModel()
    return ModelRun(run_id="r1", config=config)


def test_a_model_with_its_own_renderer_is_rendered_by_it_not_by_the_default() -> None:
    world = FakeWorld()
    app = fake_app(world, ("code", code_plugin(world)))

    result = app.generate(make_run())

    assert ((Path("DECK"),), []) == (result.files, world.rendered)
    assert "steps 3\n" == world.staging[result.staging_dir]["DECK"]


def test_a_subclass_without_its_own_renderer_uses_its_parents() -> None:
    world = FakeWorld()
    app = fake_app(world, ("code", code_plugin(world)))

    result = app.generate(make_run("code_model_variant"))

    assert "DECK" in world.staging[result.staging_dir]


def test_a_model_without_a_renderer_uses_the_default_one() -> None:
    world = FakeWorld()
    app = fake_app(world, ("code", code_plugin(world)))

    app.generate(ModelRun(run_id="plain"))

    assert 1 == len(world.rendered)


def test_outputs_are_read_by_the_models_reader() -> None:
    world = FakeWorld()
    app = fake_app(world, ("code", code_plugin(world)))
    run = make_run()
    app.generate(run)

    assert {"DECK": "steps 3\n"} == dict(app.read_outputs(run))


def test_reading_outputs_of_a_model_without_a_reader_names_the_model_type() -> None:
    world = FakeWorld()
    app = fake_app(world)

    @attrs.frozen(kw_only=True)
    class Readerless(ModelConfig):
        model_type: ClassVar[str] = "readerless"

    class Plugin:
        @hookimpl
        def rompy_register_model_configs(self, register: Any) -> None:
            register(Readerless)

    app = fake_app(world, ("readerless", Plugin()))
    with pytest.raises(ConfigError, match="'readerless' has no output reader") as raised:
        app.read_outputs(ModelRun(config=Readerless()))
    assert "config.model_type" == raised.value.path


def test_two_renderers_for_one_model_name_both_plugins() -> None:
    builder = RegistryBuilder()
    builder.add_model_adapter(RENDERERS, CodeModel, "first", object)

    with pytest.raises(PluginError, match=r"'first'.*'second'"):
        builder.add_model_adapter(RENDERERS, CodeModel, "second", object)


def test_an_output_reader_for_something_not_a_model_config_is_refused() -> None:
    with pytest.raises(PluginError, match="give a ModelConfig subclass"):
        RegistryBuilder().add_model_adapter(OUTPUT_READERS, dict, "odd", object)


def test_rompy_plugins_lists_the_renderer_and_the_reader() -> None:
    world = FakeWorld()
    app = fake_app(world, ("code", code_plugin(world)))

    (info,) = [plugin for plugin in app.plugins.plugins if plugin.name == "code"]

    assert {"renderer: code_model", "output reader: code_model"} <= set(info.registers)
