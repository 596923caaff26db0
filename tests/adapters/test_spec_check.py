"""require_spec: an adapter handed a spec of another class says which, and which it wanted."""

from __future__ import annotations

import pytest

from rompy.adapters.spec_check import require_spec
from rompy.domain.execution.spec import LocalExecution
from rompy.domain.postprocess.spec import NoopPostprocess


def test_a_spec_of_the_expected_class_comes_back_unchanged() -> None:
    spec = LocalExecution(command="true")

    assert spec is require_spec(spec, LocalExecution, "LocalExecutor")


def test_a_spec_of_another_class_names_the_adapter_and_both_classes() -> None:
    with pytest.raises(TypeError) as raised:
        require_spec(NoopPostprocess(), LocalExecution, "LocalExecutor")

    assert "LocalExecutor handles LocalExecution specs, not NoopPostprocess" == str(raised.value)
