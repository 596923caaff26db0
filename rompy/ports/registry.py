"""The registry: which tagged classes exist and which adapter acts on each.

Plugins register classes (and, for executors and postprocessors, adapter factories) through
the ``rompy_register_*`` hooks. Bootstrap collects them into a :class:`RegistryBuilder`, which
refuses a tag registered twice (naming both plugins), then freezes it into a :class:`Registry`
that services and the converter read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from rompy.domain.data.sources import SourceSpec
from rompy.domain.data.specs import DataSpec
from rompy.domain.ensemble.engines import EnsembleEngineSpec
from rompy.domain.errors import PluginError, UnknownTagError
from rompy.domain.execution.spec import ExecutionSpec
from rompy.domain.model_config import ModelConfig
from rompy.domain.postprocess.spec import PostprocessSpec
from rompy.ports.data import DataHandler, SourceOpener
from rompy.ports.ensemble import EnsembleEngine
from rompy.ports.execution import Executor
from rompy.ports.outputs import OutputReader
from rompy.ports.postprocessing import Postprocessor
from rompy.ports.rendering import TemplateRenderer

MODEL_CONFIGS = "model_configs"
EXECUTORS = "executors"
POSTPROCESSORS = "postprocessors"
SOURCES = "sources"
DATA = "data"
ENGINES = "ensemble_engines"

RENDERERS = "renderers"
OUTPUT_READERS = "output_readers"
MODEL_ADAPTERS: dict[str, str] = {RENDERERS: "renderer", OUTPUT_READERS: "output reader"}
"""Adapters registered per model config class (not tagged in YAML), with their labels."""


@attrs.frozen(kw_only=True)
class FamilyInfo:
    """A tagged family of classes.

    Attributes:
        name: Registry key (``executors``).
        label: Human name used in messages (``backend type``).
        tag_field: The YAML key carrying the tag (``type`` or ``model_type``).
        base: The base class every member derives from.
    """

    name: str
    label: str
    tag_field: str
    base: type


FAMILIES: dict[str, FamilyInfo] = {
    MODEL_CONFIGS: FamilyInfo(
        name=MODEL_CONFIGS, label="model_type", tag_field="model_type", base=ModelConfig
    ),
    EXECUTORS: FamilyInfo(
        name=EXECUTORS, label="backend type", tag_field="type", base=ExecutionSpec
    ),
    POSTPROCESSORS: FamilyInfo(
        name=POSTPROCESSORS, label="postprocessor type", tag_field="type", base=PostprocessSpec
    ),
    SOURCES: FamilyInfo(
        name=SOURCES, label="source model_type", tag_field="model_type", base=SourceSpec
    ),
    DATA: FamilyInfo(name=DATA, label="data model_type", tag_field="model_type", base=DataSpec),
    ENGINES: FamilyInfo(
        name=ENGINES, label="ensemble engine type", tag_field="type", base=EnsembleEngineSpec
    ),
}


@attrs.frozen(kw_only=True)
class LazyClass:
    """A class registered by name, imported only when a config uses its tag.

    A plugin with many classes (a model with a hundred command classes) registers its tags
    this way so that ``bootstrap()`` and ``rompy validate`` of other models never import it.

    Attributes:
        target: ``"package.module:ClassName"``.
        tag: The class's tag (its ``model_type`` or ``type`` class constant); checked when the
            class is imported.
        requires: Optional modules the class needs (shown by ``rompy plugins``).

    Example:
        >>> register(LazyClass(target="my_model.config:MyConfig", tag="my_model"))  # doctest: +SKIP
    """

    target: str
    tag: str
    requires: tuple[str, ...] = ()

    def load(self) -> type:
        """Import and return the class.

        Raises:
            PluginError: The module or the name does not exist.
        """
        module_name, _, name = self.target.partition(":")
        try:
            loaded = getattr(importlib.import_module(module_name), name)
        except (ImportError, AttributeError) as error:
            raise PluginError(
                f"cannot load {self.target!r} for tag {self.tag!r}: {error}"
            ) from error
        if not isinstance(loaded, type):
            raise PluginError(f"{self.target!r} (tag {self.tag!r}) is not a class")
        return loaded


@attrs.frozen(kw_only=True)
class Registration:
    """One registered class.

    Attributes:
        tag: The tag users write in YAML.
        source: The attrs class for the tag, or a :class:`LazyClass` naming it (init: ``cls``).
        plugin: Name of the plugin that registered it.
        factory: Builds the adapter acting on instances of ``cls`` (executors, postprocessors,
            source openers, data handlers).
        family: The family name, to check a lazily loaded class against.
    """

    tag: str
    source: type | LazyClass = attrs.field(alias="cls")
    plugin: str
    factory: Callable[[], Any] | None = None
    family: str = ""
    _loaded: dict[str, type] = attrs.field(factory=dict, eq=False, repr=False, alias="_loaded")

    @property
    def cls(self) -> type:
        """The class for the tag (a lazy one is imported and checked on first use).

        Raises:
            PluginError: A lazy class cannot be imported, is not of its family, or its tag
                differs from the registered one.
        """
        if isinstance(self.source, type):
            return self.source
        if "cls" not in self._loaded:
            self._loaded["cls"] = _checked_lazy_class(self)
        return self._loaded["cls"]

    @property
    def requires(self) -> tuple[str, ...]:
        """Optional modules the class needs (without importing a lazy one)."""
        if isinstance(self.source, LazyClass):
            return self.source.requires
        return tuple(getattr(self.source, "requires", ()))


def _checked_lazy_class(registration: Registration) -> type:
    lazy = registration.source
    assert isinstance(lazy, LazyClass)
    loaded = lazy.load()
    family = FAMILIES.get(registration.family) if registration.family else None
    base = family.base if family else ModelConfig
    where = f"plugin {registration.plugin!r} registered {lazy.target!r}"
    if not issubclass(loaded, base):
        raise PluginError(f"{where}, but it does not derive from {base.__qualname__}")
    tag = family_tag(loaded, family or FAMILIES[MODEL_CONFIGS])
    if tag != lazy.tag:
        raise PluginError(f"{where} as tag {lazy.tag!r}, but the class's tag is {tag!r}")
    return loaded


def _class_name(cls: type | LazyClass) -> str:
    return cls.target if isinstance(cls, LazyClass) else cls.__qualname__


def registered_tag(cls: type | LazyClass, family: FamilyInfo) -> str:
    """Return the tag of a class, or of a :class:`LazyClass` without importing it."""
    return cls.tag if isinstance(cls, LazyClass) else family_tag(cls, family)


def family_tag(cls: type, family: FamilyInfo) -> str:
    """Return the tag class constant of ``cls`` for ``family`` (``model_type`` or ``type``)."""
    tag = getattr(cls, family.tag_field, "")
    if not isinstance(tag, str) or not tag:
        raise PluginError(f"{cls.__qualname__} has no {family.tag_field!r} class constant")
    return tag


class RegistryBuilder:
    """Collects registrations plugin by plugin; refuses duplicate tags."""

    def __init__(self) -> None:
        """Start an empty builder."""
        self._entries: dict[str, dict[str, Registration]] = {name: {} for name in FAMILIES}
        self._model_adapters: dict[str, dict[str, Registration]] = {
            kind: {} for kind in MODEL_ADAPTERS
        }

    def add_model_adapter(
        self, kind: str, cls: type | LazyClass, plugin: str, factory: Any
    ) -> None:
        """Register the ``kind`` adapter (renderer, output reader) of model config ``cls``.

        Raises:
            PluginError: ``cls`` is not a model config, or the model already has one.
        """
        label = MODEL_ADAPTERS[kind]
        is_model = isinstance(cls, LazyClass) or (
            isinstance(cls, type) and issubclass(cls, ModelConfig)
        )
        if not is_model or not callable(factory):
            raise PluginError(
                f"plugin {plugin!r} registered a {label} for {cls!r}: give a ModelConfig "
                "subclass (or a LazyClass naming one) and a factory"
            )
        tag = registered_tag(cls, FAMILIES[MODEL_CONFIGS])
        existing = self._model_adapters[kind].get(tag)
        if existing is not None:
            raise PluginError(
                f"model_type {tag!r} has two {label}s: from plugin {existing.plugin!r} and "
                f"from plugin {plugin!r}; uninstall one or block it with ROMPY_DISABLED_PLUGINS"
            )
        self._model_adapters[kind][tag] = Registration(
            tag=tag, cls=cls, plugin=plugin, factory=factory
        )

    def add(
        self, family_name: str, cls: type | LazyClass, plugin: str, factory: Any = None
    ) -> None:
        """Register ``cls`` (and its adapter ``factory``) in ``family_name`` for ``plugin``.

        Raises:
            PluginError: The tag is already registered (the message names both plugins), or
                ``cls`` is not a member of the family.
        """
        family = FAMILIES[family_name]
        if not isinstance(cls, LazyClass) and not (
            isinstance(cls, type) and issubclass(cls, family.base)
        ):
            raise PluginError(
                f"plugin {plugin!r} registered {cls!r} as a {family.label}, "
                f"but it does not derive from {family.base.__qualname__}"
            )
        tag = registered_tag(cls, family)
        existing = self._entries[family_name].get(tag)
        if existing is not None:
            raise PluginError(
                f"{family.label} {tag!r} is registered twice: by plugin {existing.plugin!r} "
                f"({_class_name(existing.source)}) and by plugin {plugin!r} ({_class_name(cls)}); "
                "uninstall one or block it with ROMPY_DISABLED_PLUGINS"
            )
        self._entries[family_name][tag] = Registration(
            tag=tag, cls=cls, plugin=plugin, factory=factory, family=family_name
        )

    def freeze(self) -> Registry:
        """Return the immutable registry."""
        return Registry(
            families={k: dict(v) for k, v in self._entries.items()},
            model_adapters={k: dict(v) for k, v in self._model_adapters.items()},
        )


@attrs.frozen(kw_only=True)
class Registry:
    """The frozen set of tagged classes and adapter factories."""

    families: Mapping[str, Mapping[str, Registration]]
    model_adapters: Mapping[str, Mapping[str, Registration]] = attrs.field(factory=dict)

    def family(self, family_name: str) -> Mapping[str, Registration]:
        """Return the registrations of ``family_name`` by tag."""
        return self.families.get(family_name, {})

    def classes(self, family_name: str) -> dict[str, type]:
        """Return the classes of ``family_name`` by tag."""
        return {tag: reg.cls for tag, reg in self.family(family_name).items()}

    def lookup(self, family_name: str, tag: str) -> Registration:
        """Return the registration for ``tag``.

        Raises:
            UnknownTagError: Nothing is registered under ``tag``; the message lists the known tags.
        """
        entries = self.family(family_name)
        if tag not in entries:
            family = FAMILIES[family_name]
            known = ", ".join(sorted(entries)) or "none"
            raise UnknownTagError(
                f"unknown {family.label} {tag!r}; known: {known}",
                path=family.tag_field,
                value=tag,
            )
        return entries[tag]

    def _adapter_for(self, family_name: str, spec: Any) -> Any:
        family = FAMILIES[family_name]
        registration = self.lookup(family_name, family_tag(type(spec), family))
        if registration.factory is None:
            raise PluginError(f"{family.label} {registration.tag!r} has no adapter registered")
        return registration.factory()

    def executor_for(self, spec: ExecutionSpec) -> Executor:
        """Build the executor registered for ``spec``'s class."""
        executor: Executor = self._adapter_for(EXECUTORS, spec)
        return executor

    def engine_for(self, spec: EnsembleEngineSpec) -> EnsembleEngine:
        """Build the ensemble engine registered for ``spec``'s class."""
        engine: EnsembleEngine = self._adapter_for(ENGINES, spec)
        return engine

    def postprocessor_for(self, spec: PostprocessSpec) -> Postprocessor:
        """Build the postprocessor registered for ``spec``'s class."""
        postprocessor: Postprocessor = self._adapter_for(POSTPROCESSORS, spec)
        return postprocessor

    def source_opener_for(self, spec: SourceSpec) -> SourceOpener[Any]:
        """Build the opener registered for ``spec``'s source class."""
        opener: SourceOpener[Any] = self._adapter_for(SOURCES, spec)
        return opener

    def renderer_for(self, config: ModelConfig) -> TemplateRenderer | None:
        """Build the renderer registered for ``config``'s class, or None (use the default)."""
        renderer: TemplateRenderer | None = self._model_adapter_for(RENDERERS, config)
        return renderer

    def output_reader_for(self, config: ModelConfig) -> OutputReader | None:
        """Build the output reader registered for ``config``'s class, or None."""
        reader: OutputReader | None = self._model_adapter_for(OUTPUT_READERS, config)
        return reader

    def _model_adapter_for(self, kind: str, config: ModelConfig) -> Any:
        """The adapter of the nearest class in ``config``'s MRO that registered one."""
        entries = self.model_adapters.get(kind, {})
        for klass in type(config).__mro__:
            tag = vars(klass).get("model_type")
            if isinstance(tag, str) and tag in entries:
                return entries[tag].factory()  # type: ignore[misc]
        return None

    def data_handler_for(self, spec: DataSpec) -> DataHandler:
        """Build the handler registered for ``spec``'s data class."""
        handler: DataHandler = self._adapter_for(DATA, spec)
        return handler
