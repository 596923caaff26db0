"""The public surface: everything a user or plugin author needs, from ``import rompy``."""

from __future__ import annotations

import subprocess
import sys

import pytest

import rompy


def test_every_public_name_resolves_to_what_its_module_defines() -> None:
    import importlib

    for name, module in rompy._EXPORTS.items():
        assert getattr(importlib.import_module(module), name) is getattr(rompy, name), name


def test_bootstrap_is_the_function_even_after_its_module_is_imported() -> None:
    import rompy.application

    assert (rompy.application.bootstrap, rompy.application.App) == (rompy.bootstrap, rompy.App)


def test_dir_lists_the_public_names_and_an_unknown_name_is_an_attribute_error() -> None:
    assert {"App", "bootstrap", "ModelRun", "TimeRange", "RompyError"} <= set(dir(rompy))
    with pytest.raises(AttributeError, match="no_such_name"):
        rompy.no_such_name  # noqa: B018


def test_the_errors_share_one_base() -> None:
    errors = [value for name, value in vars(rompy).items() if name.endswith("Error")]
    errors += [getattr(rompy, name) for name in rompy.__all__ if name.endswith("Error")]
    assert all(issubclass(error, rompy.RompyError) for error in errors)


def test_importing_rompy_loads_no_heavy_library_and_no_adapter() -> None:
    code = (
        "import sys, rompy\n"
        "heavy = ('xarray', 'numpy', 'structlog', 'jinja2', 'cattrs', 'pluggy', 'rompy.adapters')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert "[]" == result.stdout.strip(), result.stderr


def test_a_model_run_can_be_built_and_run_from_the_top_level_names(tmp_path: object) -> None:
    app = rompy.bootstrap(load_entry_points=False)
    run = app.structure(
        {"run_id": "top", "output_dir": str(tmp_path), "config": {"model_type": "base"}},
        rompy.ModelRun,
    )
    backend = app.structure({"type": "local", "command": "ls INPUT"}, rompy.ExecutionSpec)

    outcome = app.run(run, backend)

    assert (True, "top") == (outcome.ok, outcome.run_id)
    assert isinstance(run.period, rompy.TimeRange)


def test_all_lists_exactly_the_lazily_exported_names() -> None:
    assert sorted([*rompy._EXPORTS, "__version__"]) == sorted(rompy.__all__)


def test_every_public_exception_rompy_defines_is_a_rompy_error() -> None:
    import importlib
    import inspect
    import pkgutil

    outside = []
    for module_info in pkgutil.walk_packages(rompy.__path__, prefix="rompy."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            defined_here = inspect.isclass(value) and value.__module__ == module.__name__
            public_error = defined_here and issubclass(value, Exception) and name[0] != "_"
            if public_error and not issubclass(value, rompy.RompyError):
                outside.append(f"{module.__name__}.{name}")

    assert ["rompy.serialization.messages.ExtraKeysError"] == outside
