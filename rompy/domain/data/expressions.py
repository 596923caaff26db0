"""A safe evaluator for derived-variable expressions written in configs.

Config text is parsed with :mod:`ast` and only a small whitelist of node kinds is accepted:
numbers, variable names (``hs``, ``ds.hs`` or ``ds["hs"]`` as in the reference rompy),
arithmetic (``+ - * / // % **``), comparisons, ``& | ~``, unary ``-``/``+`` and calls of a
fixed set of numpy functions (``sqrt(u**2 + v**2)``, ``np.arctan2(v, u)``). Anything else —
attribute access on other objects, subscripts, lambdas, imports, ``and``/``or``, strings —
is refused with a :class:`~rompy.domain.errors.ConfigError` naming the forbidden part.
Nothing is ever passed to ``eval``.

Example:
    >>> expression = parse_expression("ds.elevation * -1")
    >>> sorted(expression.names)
    ['elevation']
    >>> expression.evaluate({"elevation": 10.0})
    -10.0
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from rompy.domain.errors import ConfigError

MAX_LENGTH: Final = 1000
"""Longest expression text accepted."""

DATASET_NAME: Final = "ds"
"""The name under which variables may also be reached (``ds.hs``, ``ds["hs"]``)."""

MODULE_NAMES: Final = frozenset({"np", "numpy"})
"""Prefixes accepted before a function name (``np.sqrt``)."""

FUNCTION_NAMES: Final = frozenset(
    {
        "abs", "absolute", "sqrt", "square", "exp", "log", "log10", "log2", "sin", "cos",
        "tan", "arcsin", "arccos", "arctan", "arctan2", "hypot", "sinh", "cosh", "tanh",
        "minimum", "maximum", "fmin", "fmax", "where", "clip", "floor", "ceil", "round",
        "deg2rad", "rad2deg", "degrees", "radians", "isnan", "isfinite", "sign", "mod",
        "fmod", "power",
    }
)  # fmt: skip
"""The numpy functions an expression may call, by name."""


@functools.cache
def numpy_functions() -> Mapping[str, Callable[..., Any]]:
    """Return the callable numpy function of every name in :data:`FUNCTION_NAMES`.

    numpy is imported on first use, so importing the domain stays cheap.
    """
    import numpy

    return {name: getattr(numpy, name) for name in FUNCTION_NAMES}


CONSTANTS: Final[Mapping[str, float]] = {
    "pi": math.pi,
    "e": math.e,
    "nan": math.nan,
    "inf": math.inf,
}
"""Named constants an expression may use."""

_BINARY: Final[Mapping[type[ast.operator], Callable[[Any, Any], Any]]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
}
_UNARY: Final[Mapping[type[ast.unaryop], Callable[[Any], Any]]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_COMPARE: Final[Mapping[type[ast.cmpop], Callable[[Any, Any], Any]]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}

_ALLOWED_TEXT: Final = (
    "variable names (hs, ds.hs, ds['hs']), numbers, + - * / // % **, comparisons, & | ~ "
    f"and the functions {', '.join(sorted(FUNCTION_NAMES))}"
)


@attrs.frozen
class Expression:
    """A parsed, checked expression.

    Attributes:
        text: The expression as written.
        names: The variable names it reads.
    """

    text: str
    names: frozenset[str]
    _tree: ast.expr = attrs.field(eq=False, repr=False, alias="tree")

    def evaluate(
        self,
        variables: Mapping[str, Any],
        functions: Mapping[str, Callable[..., Any]] | None = None,
    ) -> Any:
        """Compute the expression.

        Args:
            variables: Values of the variable names (numbers, numpy or xarray arrays).
            functions: Replacements for whitelisted functions (e.g. ``where`` → ``xr.where``);
                only names already in :data:`FUNCTION_NAMES` may be replaced.

        Returns:
            The value of the expression.

        Raises:
            ConfigError: A variable is missing or the arithmetic fails (overflow, types).
        """
        missing = sorted(self.names - set(variables))
        if missing:
            raise ConfigError(
                f"expression {self.text!r} uses {', '.join(missing)}, which the data does not "
                f"have; available: {', '.join(sorted(variables)) or 'none'}",
                value=self.text,
            )
        table = dict(numpy_functions())
        table.update({k: v for k, v in (functions or {}).items() if k in FUNCTION_NAMES})
        try:
            return _Evaluator(variables, table).visit(self._tree)
        except (ArithmeticError, TypeError, ValueError) as error:
            raise ConfigError(
                f"expression {self.text!r} cannot be computed: {error}", value=self.text
            ) from error


def parse_expression(text: str) -> Expression:
    """Parse and check ``text``.

    Args:
        text: The expression, e.g. ``"np.sqrt(u10**2 + v10**2)"``.

    Returns:
        The checked expression.

    Raises:
        ConfigError: The text is not an expression or uses something not on the whitelist;
            the message names the forbidden part.
    """
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"an expression must be non-empty text, got {text!r}", value=text)
    if len(text) > MAX_LENGTH:
        raise ConfigError(
            f"expression is {len(text)} characters long; keep it under {MAX_LENGTH}", value=text
        )
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise ConfigError(f"expression {text!r} is not valid: {error.msg}", value=text) from None
    names = _Checker(text).check(tree)
    return Expression(text=text, names=frozenset(names), tree=tree)


def _forbidden(text: str, what: str) -> ConfigError:
    return ConfigError(
        f"expression {text!r} uses {what}, which is not allowed; use only {_ALLOWED_TEXT}",
        value=text,
    )


def _variable_name(node: ast.expr) -> str | None:
    """The variable ``ds.name`` or ``ds["name"]`` refers to, if ``node`` is one of those."""
    if isinstance(node, ast.Attribute) and _is_name(node.value, {DATASET_NAME}):
        return node.attr
    if (
        isinstance(node, ast.Subscript)
        and _is_name(node.value, {DATASET_NAME})
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    return None


def _function_name(node: ast.expr) -> str | None:
    """The function ``sqrt`` or ``np.sqrt`` refers to, if ``node`` is one of those."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and _is_name(node.value, MODULE_NAMES):
        return node.attr
    return None


def _is_name(node: ast.expr, names: frozenset[str] | set[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


class _Checker:
    """Walks a parsed expression, refusing every node kind not on the whitelist."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.names: set[str] = set()

    def check(self, node: ast.expr) -> set[str]:
        self._visit(node)
        return self.names

    def _visit(self, node: ast.expr) -> None:
        variable = _variable_name(node)
        if variable is not None:
            self._add_variable(variable)
        elif isinstance(node, ast.Constant):
            self._constant(node)
        elif isinstance(node, ast.Name):
            self._name(node.id)
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            self._visit(node.left)
            self._visit(node.right)
        elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            self._visit(node.operand)
        elif isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
            for part in (node.left, *node.comparators):
                self._visit(part)
        elif isinstance(node, ast.Call):
            self._call(node)
        else:
            raise _forbidden(self.text, _describe(node))

    def _add_variable(self, name: str) -> None:
        if name.startswith("_"):
            raise _forbidden(self.text, f"the name {name!r}")
        self.names.add(name)

    def _constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _forbidden(self.text, f"the constant {node.value!r}")

    def _name(self, name: str) -> None:
        if name in FUNCTION_NAMES or name in MODULE_NAMES or name == DATASET_NAME:
            raise _forbidden(self.text, f"{name!r} on its own")
        if name not in CONSTANTS:
            self._add_variable(name)

    def _call(self, node: ast.Call) -> None:
        name = _function_name(node.func)
        if name is None or name not in FUNCTION_NAMES:
            raise _forbidden(self.text, f"a call of {ast.unparse(node.func)!r}")
        if node.keywords:
            raise _forbidden(self.text, f"keyword arguments in {name}()")
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise _forbidden(self.text, f"*-arguments in {name}()")
            self._visit(argument)


def _describe(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"the attribute {node.attr!r} (in {ast.unparse(node)!r})"
    if isinstance(node, ast.BoolOp):
        return "'and'/'or' (use & and | with parentheses)"
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        return f"the operator {type(node.op).__name__}"
    return f"{ast.unparse(node)!r} ({type(node).__name__})"


class _Evaluator:
    """Computes a checked expression tree."""

    def __init__(
        self, variables: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
    ) -> None:
        self.variables = variables
        self.functions = functions

    def visit(self, node: ast.expr) -> Any:
        variable = _variable_name(node)
        if variable is not None:
            return self.variables[variable]
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float)
            return float(node.value)
        if isinstance(node, ast.Name):
            return CONSTANTS[node.id] if node.id in CONSTANTS else self.variables[node.id]
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](self.visit(node.operand))
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Call):
            name = _function_name(node.func)
            assert name is not None
            return self.functions[name](*(self.visit(argument) for argument in node.args))
        raise AssertionError(f"unchecked node {ast.dump(node)}")  # pragma: no cover

    def _compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        result: Any = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.visit(right_node)
            step = _COMPARE[type(op)](left, right)
            result = step if result is None else result & step
            left = right
        return result
