"""Tests of the safe expression evaluator used by derived variables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rompy.domain.data.expressions import FUNCTION_NAMES, numpy_functions, parse_expression
from rompy.domain.errors import ConfigError


def evaluate(text: str, **variables: object) -> object:
    return parse_expression(text).evaluate(variables)


def test_arithmetic_follows_python_precedence() -> None:
    assert 7.0 == evaluate("1 + 2 * 3")


def test_reference_style_ds_attribute_reads_the_variable() -> None:
    assert -10.0 == evaluate("ds.elevation * -1", elevation=10.0)


def test_subscript_of_ds_with_a_name_reads_the_variable() -> None:
    assert 4.0 == evaluate("ds['hs'] * 2", hs=2.0)


def test_names_lists_every_variable_read_however_written() -> None:
    assert frozenset({"u", "v", "hs"}) == parse_expression("sqrt(u**2 + ds.v**2) + ds['hs']").names


def test_constants_are_not_variables() -> None:
    assert frozenset() == parse_expression("2 * pi").names


def test_numpy_functions_apply_elementwise_to_arrays() -> None:
    result = evaluate("np.hypot(u, v)", u=np.array([3.0, 5.0]), v=np.array([4.0, 12.0]))
    assert [5.0, 13.0] == list(result)  # type: ignore[call-overload]


def test_bare_function_names_work_like_np_prefixed_ones() -> None:
    assert evaluate("sqrt(x)", x=16.0) == evaluate("numpy.sqrt(x)", x=16.0)


def test_chained_comparison_combines_elementwise() -> None:
    result = evaluate("0 < x <= 2", x=np.array([0.0, 1.0, 2.0, 3.0]))
    assert [False, True, True, False] == list(result)  # type: ignore[call-overload]


def test_bitwise_and_or_invert_combine_masks() -> None:
    result = evaluate("(x > 1) & ~(x > 2) | (x < 0)", x=np.array([-1.0, 1.5, 3.0]))
    assert [True, True, False] == list(result)  # type: ignore[call-overload]


def test_functions_can_be_replaced_by_name() -> None:
    calls = []

    def where(*args: object) -> str:
        calls.append(args)
        return "replaced"

    assert "replaced" == parse_expression("where(x > 0, x, 0)").evaluate(
        {"x": 1.0}, functions={"where": where}
    )


def test_a_variable_may_be_called_like_a_builtin_without_calling_it() -> None:
    assert 3.0 == evaluate("eval + 1", eval=2.0)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("__import__('os').system('ls')", "__import__"),
        ("os.system('ls')", "system"),
        ("ds.__class__", "__class__"),
        ("x.real", "real"),
        ("(lambda: 1)()", "lambda"),
        ("[x for x in y]", "ListComp"),
        ("x if y else z", "IfExp"),
        ("x and y", "and"),
        ("'text'", "'text'"),
        ("x[0]", "x[0]"),
        ("sqrt(x, out=y)", "keyword"),
        ("np", "'np' on its own"),
        ("eval('1')", "eval"),
        ("x @ y", "MatMult"),
    ],
)
def test_forbidden_constructs_are_refused_naming_the_culprit(text: str, named: str) -> None:
    with pytest.raises(ConfigError, match="not allowed") as caught:
        parse_expression(text)
    assert named in str(caught.value)


def test_syntax_errors_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="not valid"):
        parse_expression("x +")


def test_empty_text_is_refused() -> None:
    with pytest.raises(ConfigError, match="non-empty"):
        parse_expression("  ")


def test_overlong_text_is_refused() -> None:
    with pytest.raises(ConfigError, match="characters long"):
        parse_expression("x+" * 600 + "x")


def test_missing_variable_at_evaluation_names_it_and_the_available_ones() -> None:
    with pytest.raises(ConfigError, match=r"uses elev, .*available: depth"):
        evaluate("elev * 2", depth=1.0)


def test_overflowing_power_is_a_config_error_not_a_hang() -> None:
    with pytest.raises(ConfigError, match="cannot be computed"):
        evaluate("10 ** 10 ** 10")


def test_whitelist_holds_only_numpy_callables() -> None:
    functions = numpy_functions()
    assert FUNCTION_NAMES == set(functions)
    assert all(getattr(np, name) is function for name, function in functions.items())


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_evaluation_matches_python_arithmetic(value: float) -> None:
    assert math.isclose(value * 3 - 2 / 4, evaluate("x * 3 - 2 / 4", x=value))  # type: ignore[arg-type]
