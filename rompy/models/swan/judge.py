"""Did SWAN really compute? It exits 0 even when it stopped on an error.

A run succeeded when SWAN wrote ``norm_end``, left no ``Errfile`` with content, printed no
``** Error`` or ``** Severe error`` in ``PRINT``, and wrote every output file the deck asked
for. A failure's reason quotes SWAN's own lines.
"""

from __future__ import annotations

from rompy import FileView, SuccessCheck

_ERROR_MARKS = ("** Error", "** Severe error")
_LINES_QUOTED = 3


def swan_errors(print_text: str) -> list[str]:
    """The error lines of a PRINT file, with the line after each (SWAN's explanation)."""
    lines = print_text.splitlines()
    found = []
    for index, line in enumerate(lines):
        if any(mark in line for mark in _ERROR_MARKS):
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            found.append(" ".join(part for part in (line.strip(), following) if part))
    return found


def judge_run(outputs: FileView, expected_files: list[str]) -> SuccessCheck:
    """Judge a finished SWAN run from its staging dir."""
    errors = swan_errors(outputs.read_text("PRINT")) if outputs.exists("PRINT") else []
    errfile = outputs.read_text("Errfile").strip() if outputs.exists("Errfile") else ""
    if errors or errfile:
        quoted = errors[:_LINES_QUOTED] or errfile.splitlines()[:_LINES_QUOTED]
        return SuccessCheck.failed("SWAN reported errors: " + " | ".join(quoted))
    if not outputs.exists("norm_end"):
        return SuccessCheck.failed(
            "SWAN did not end normally (no norm_end file); see PRINT in the staging dir"
        )
    missing = [name for name in expected_files if not outputs.exists(name)]
    if missing:
        return SuccessCheck.failed(f"SWAN wrote no {', '.join(missing)}")
    return SuccessCheck.passed()
