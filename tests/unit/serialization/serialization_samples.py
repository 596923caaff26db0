"""Test-only classes, a registry built from them, and hypothesis strategies for round trips."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal

import attrs
from hypothesis import strategies as st

from rompy.domain.execution.spec import LocalExecution
from rompy.domain.model_config import BaseConfig, ModelConfig
from rompy.domain.model_run import ModelRun
from rompy.domain.pipeline import PipelineSpec
from rompy.domain.postprocess.spec import NoopPostprocess
from rompy.domain.time import TimeRange
from rompy.ports.registry import (
    EXECUTORS,
    MODEL_CONFIGS,
    POSTPROCESSORS,
    Registry,
    RegistryBuilder,
)

COMPAT_DIR = Path("/work/shared/compat/rompy-0.6")
CONFIGS_DIR = COMPAT_DIR / "configs"


@attrs.frozen(kw_only=True)
class Grid:
    """A regular grid.

    Attributes:
        nx: Number of columns,
            at least one.
        ny: Number of rows.
        dx: Cell size in metres.
    """

    nx: int = attrs.field(validator=attrs.validators.gt(0))
    ny: int
    dx: float = 1.0


@attrs.frozen(kw_only=True)
class Output:
    """One output request.

    Attributes:
        name: Output name.
        quantities: Quantities written.
        every: Output interval.
    """

    name: str
    quantities: tuple[str, ...] = ()
    every: timedelta = timedelta(hours=1)


@attrs.frozen(kw_only=True)
class NestedConfig(ModelConfig):
    """A model config with nested fields, to exercise paths.

    Attributes:
        grid: The computational grid.
        outputs: Output requests.
        scheme: Numerical scheme.
        forcing: Forcing file.
        spinup: Spin-up time.
    """

    model_type: ClassVar[str] = "nested"
    grid: Grid
    outputs: list[Output] = attrs.field(factory=list)
    scheme: Literal["upwind", "central"] = "upwind"
    forcing: Path | None = None
    spinup: timedelta | None = None

    def template_source(self) -> str:
        return "memory://nested"


def make_registry() -> Registry:
    """The registry the serialization tests use."""
    builder = RegistryBuilder()
    builder.add(MODEL_CONFIGS, BaseConfig, "test")
    builder.add(MODEL_CONFIGS, NestedConfig, "test")
    builder.add(EXECUTORS, LocalExecution, "test")
    builder.add(POSTPROCESSORS, NoopPostprocess, "test")
    return builder.freeze()


texts = st.text(max_size=12)
names = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/"),
    min_size=1,
    max_size=12,
).filter(lambda name: name.strip() == name and name not in {".", ".."})
paths = st.builds(Path, st.text(alphabet="abc/._-", max_size=12))
datetimes = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
intervals = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3650))
positive_numbers = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=8,
)


@st.composite
def periods(draw: st.DrawFn) -> TimeRange:
    """Any valid time range."""
    start = draw(datetimes)
    return TimeRange(
        start=start,
        end=start + draw(intervals),
        interval=draw(intervals),
        include_end=draw(st.booleans()),
    )


base_configs = st.builds(
    BaseConfig,
    template=texts,
    checkout=st.none() | texts,
    variables=st.dictionaries(texts, json_values, max_size=4),
)
outputs = st.builds(
    Output, name=texts, quantities=st.lists(texts, max_size=3).map(tuple), every=intervals
)
nested_configs = st.builds(
    NestedConfig,
    grid=st.builds(
        Grid,
        nx=st.integers(1, 10_000),
        ny=st.integers(-5, 10_000),
        dx=st.floats(allow_nan=False, allow_infinity=False),
    ),
    outputs=st.lists(outputs, max_size=3),
    scheme=st.sampled_from(["upwind", "central"]),
    forcing=st.none() | paths,
    spinup=st.none() | intervals,
)
model_runs = st.builds(
    ModelRun,
    run_id=names,
    period=periods(),
    output_dir=paths,
    config=base_configs | nested_configs,
    delete_existing=st.booleans(),
    run_id_subdir=st.booleans(),
)
local_executions = st.builds(
    LocalExecution,
    timeout=st.none() | positive_numbers,
    env_vars=st.dictionaries(texts, texts, max_size=3),
    command=st.none() | texts | st.lists(texts, max_size=3).map(tuple),
    shell=st.none() | st.booleans(),
    working_dir=st.none() | paths,
    stream_output=st.booleans(),
    capture_output=st.booleans(),
)
noop_postprocessors = st.builds(
    NoopPostprocess,
    validate_outputs=st.booleans(),
    timeout=st.none() | positive_numbers,
    env_vars=st.dictionaries(texts, texts, max_size=3),
    working_dir=st.none() | paths,
)
pipelines = st.builds(
    PipelineSpec, config=model_runs, backend=local_executions, postprocessor=noop_postprocessors
)
