#!/usr/bin/env bash
# Install the reference rompy (from PyPI) into its own venv, apart from ours.
#
#   benchmarks/setup_reference.sh            # creates ${ROMPY_BENCH_DIR:-<repo>/.bench}/ref-venv
#
# Idempotent: an existing venv that already holds the wanted version is left as it is.
# The reference is never installed into the project's .venv.
set -euo pipefail

REFERENCE_VERSION="0.6.4"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${ROMPY_BENCH_DIR:-$REPO_ROOT/.bench}"
VENV="$BENCH_DIR/ref-venv"

pick_python() {
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    echo "no python3 found (set PYTHON=...)" >&2
    return 1
}

installed_version() {
    "$VENV/bin/python" -I -c 'import importlib.metadata as m; print(m.version("rompy"))' \
        2>/dev/null || true
}

mkdir -p "$BENCH_DIR"
if [ "$(realpath -m "$VENV")" = "$(realpath -m "$REPO_ROOT/.venv")" ]; then
    echo "refusing to install the reference into the project's .venv ($VENV)" >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$(pick_python)" -m venv "$VENV"
fi

if [ "$(installed_version)" != "$REFERENCE_VERSION" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "rompy==$REFERENCE_VERSION"
fi

# The reference must import and its CLI must answer, or the benchmarks would measure an error.
# (-I: never pick up a rompy/ folder from the current directory, such as this repository.)
"$VENV/bin/python" -I -c 'import rompy.model' >/dev/null 2>&1 || {
    echo "reference rompy does not import in $VENV" >&2
    exit 1
}
"$VENV/bin/rompy" --help >/dev/null

echo "reference rompy $(installed_version) in $VENV"
