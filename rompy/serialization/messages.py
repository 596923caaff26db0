"""Turn structuring failures into one readable :class:`~rompy.domain.errors.ConfigError`.

cattrs reports every problem of a document at once, as a tree of exception groups annotated
with field names and indices. This module walks that tree, gives each leaf the full dotted
path (``config.period.end``) and a message naming the bad value and the fix, and joins them
into one error whose first line is the first problem.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    StructureHandlerNotFoundError,
)

from rompy.domain.errors import ConfigError

VARIABLES_HINT = "put free template variables under `variables:`"
"""Hint for an unknown key in a config that has a ``variables`` mapping."""


class ExtraKeysError(ForbiddenExtraKeysError):
    """Unknown keys found by a hand-written structure hook.

    Args:
        cl: The class being structured.
        extra_fields: The unknown keys.
        known_keys: The keys the hook accepts (default: the attrs field names of ``cl``).
    """

    def __init__(self, cl: type, extra_fields: set[str], *, known_keys: Sequence[str] = ()) -> None:
        super().__init__("", cl, extra_fields)
        self.known_keys = tuple(known_keys)


@attrs.frozen(kw_only=True)
class Problem:
    """One problem found while structuring.

    Attributes:
        path: Full dotted path of the offending field.
        message: What is wrong and how to fix it.
        value: The offending value, if known.
        kind: The error class to raise for it.
    """

    path: str
    message: str
    value: Any = None
    kind: type[ConfigError] = ConfigError


def join_path(parent: str, child: str) -> str:
    """Join two parts of a dotted path, skipping empty parts.

    Example:
        >>> join_path("config", "period.end")
        'config.period.end'
    """
    if not parent:
        return child
    if not child:
        return parent
    return f"{parent}{child}" if child.startswith("[") else f"{parent}.{child}"


def to_config_error(error: BaseException, *, path: str = "") -> ConfigError:
    """Return one :class:`ConfigError` describing every problem in ``error``.

    Args:
        error: What structuring raised: a cattrs validation group, a ``ConfigError``, or a
            plain ``TypeError``/``ValueError``.
        path: Dotted path of the structured value inside a larger document.

    Returns:
        An error of the kind of the first problem (``UnknownTagError`` for an unknown tag),
        whose path is the first problem's path. With several problems the message continues
        with one ``path: message`` line per further problem.
    """
    problems = collect_problems(error, path=path)
    first, rest = problems[0], problems[1:]
    message = first.message + "".join(
        f"\n{problem.path}: {problem.message}" if problem.path else f"\n{problem.message}"
        for problem in rest
    )
    return first.kind(message, path=first.path, value=first.value)


INPUT_ERRORS: tuple[type[BaseException], ...] = (
    ConfigError,
    ForbiddenExtraKeysError,
    StructureHandlerNotFoundError,
    ValueError,
    TypeError,
    KeyError,
)
"""Exceptions that mean the input is wrong: ours, cattrs' own, and what attrs validators and
converters raise for a bad value. Anything else raised while structuring is a bug."""


def first_bug(error: BaseException) -> BaseException | None:
    """Return the first exception in ``error``'s tree that is not about the input, if any.

    A missing key, a bad value or an unknown tag is the user's to fix; an ``AttributeError``
    or a ``ZeroDivisionError`` inside a class's converter or ``__attrs_post_init__`` is a bug
    in that class, which must not be reported as a mistake in the YAML.
    """
    if isinstance(error, ClassValidationError | IterableValidationError):
        for sub_error in error.exceptions:
            bug = first_bug(sub_error)
            if bug is not None:
                return bug
        return None
    if isinstance(error, INPUT_ERRORS) or _is_not_a_mapping(error):
        return None
    return error


def _is_not_a_mapping(error: BaseException) -> bool:
    return isinstance(error, AttributeError) and "has no attribute 'items'" in str(error)


def collect_problems(error: BaseException, *, path: str = "") -> list[Problem]:
    """Walk ``error`` and return its problems in document order (never empty)."""
    problems: list[Problem] = []
    _walk(error, path, problems)
    if not problems:
        problems.append(Problem(path=path, message=str(error) or type(error).__name__))
    return problems


def _walk(error: BaseException, path: str, problems: list[Problem]) -> None:
    if isinstance(error, ClassValidationError):
        with_notes, without = error.group_exceptions()
        for sub_error, note in with_notes:
            _walk(sub_error, join_path(path, note.name), problems)
        for sub_error in without:
            _walk(sub_error, path, problems)
    elif isinstance(error, IterableValidationError):
        items, others = error.group_exceptions()
        for sub_error, item_note in items:
            _walk(sub_error, _index_path(path, item_note.index), problems)
        for sub_error in others:
            _walk(sub_error, path, problems)
    else:
        problems.extend(_leaf_problems(error, path))


def _index_path(path: str, index: int | str) -> str:
    return join_path(path, f"[{index}]" if isinstance(index, int) else str(index))


def _leaf_problems(error: BaseException, path: str) -> list[Problem]:
    if isinstance(error, ConfigError):
        return [
            Problem(
                path=join_path(path, error.path),
                message=error.message,
                value=error.value,
                kind=type(error),
            )
        ]
    if isinstance(error, ForbiddenExtraKeysError):
        return _extra_key_problems(error, path)
    return [_other_problem(error, path)]


def _extra_key_problems(error: ForbiddenExtraKeysError, path: str) -> list[Problem]:
    known = getattr(error, "known_keys", ()) or _field_names(error.cl)
    hint = VARIABLES_HINT if "variables" in known else ""
    return [
        Problem(
            path=join_path(path, str(key)),
            message=unknown_key_message(key, known, where=path, hint=hint),
            value=key,
        )
        for key in sorted(error.extra_fields, key=str)
    ]


def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in attrs.fields(cls)) if attrs.has(cls) else ()


def unknown_key_message(
    key: object, known: Iterable[str], *, where: str = "", hint: str = ""
) -> str:
    """Describe an unknown key, suggesting the closest known key.

    Args:
        key: The unknown key.
        known: The keys allowed there.
        where: Dotted path of the mapping holding the key (empty at the top level).
        hint: Advice shown when no known key is close.

    Example:
        >>> unknown_key_message("runid", ["run_id", "period"], where="config")
        "unknown key 'runid' in config; did you mean 'run_id'? (known keys: period, run_id)"
    """
    known_sorted = sorted(known)
    location = f"in {where}" if where else "at the top level"
    text = f"unknown key {key!r} {location}"
    suggestion = suggest(str(key), known_sorted)
    if suggestion:
        text += f"; did you mean {suggestion!r}?"
    elif hint:
        text += f"; {hint}"
    else:
        text += "; remove it"
    return f"{text} (known keys: {', '.join(known_sorted) or 'none'})"


def suggest(word: str, candidates: Iterable[str]) -> str:
    """Return the candidate closest to ``word`` (difflib), or an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else ""


def _other_problem(error: BaseException, path: str) -> Problem:
    attribute = _attrs_attribute_of(error)
    if attribute is not None:
        value = error.args[3] if len(error.args) > 3 else None
        return Problem(
            path=join_path(path, attribute.name),
            message=f"{error.args[0]}; got {value!r}",
            value=value,
        )
    if isinstance(error, KeyError):
        key = error.args[0] if error.args else path.rsplit(".", 1)[-1]
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        location = f"in {parent}" if parent else "at the top level"
        return Problem(path=path, message=f"missing required key {key!r} {location}; add it")
    if isinstance(error, StructureHandlerNotFoundError):
        return Problem(
            path=path,
            message=f"no way to read values of type {error.type_!r}; "
            "the class declaring this field needs a structure hook",
        )
    return Problem(path=path, message=_describe_exception(error))


def _attrs_attribute_of(error: BaseException) -> attrs.Attribute[Any] | None:
    """Return the attribute an attrs validator error names (args: message, attribute, ...)."""
    if len(error.args) > 1 and isinstance(error.args[1], attrs.Attribute):
        return error.args[1]
    return None


def _describe_exception(error: BaseException) -> str:
    if _is_not_a_mapping(error):
        return "expected a mapping (key: value pairs)"
    text = str(error)
    if isinstance(error, (TypeError, ValueError)) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
