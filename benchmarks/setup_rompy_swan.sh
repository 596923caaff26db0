#!/usr/bin/env bash
# Install the reference SWAN plugin, rompy-swan (from PyPI, with the reference rompy it pulls
# in), into its own venv, apart from ours and from the plain reference's ref-venv.
#
#   benchmarks/setup_rompy_swan.sh       # creates ${ROMPY_BENCH_DIR:-<repo>/.bench}/rompy-swan-venv
#
# Idempotent: an existing venv that already holds the wanted version is left as it is.
# The reference is never installed into the project's .venv.
set -euo pipefail

ROMPY_SWAN_VERSION="0.11.1"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${ROMPY_BENCH_DIR:-$REPO_ROOT/.bench}"
VENV="$BENCH_DIR/rompy-swan-venv"

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
    "$VENV/bin/python" -I -c \
        "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true
}

mkdir -p "$BENCH_DIR"
if [ "$(realpath -m "$VENV")" = "$(realpath -m "$REPO_ROOT/.venv")" ]; then
    echo "refusing to install the reference into the project's .venv ($VENV)" >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$(pick_python)" -m venv "$VENV"
fi

if [ "$(installed_version rompy-swan)" != "$ROMPY_SWAN_VERSION" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "rompy-swan==$ROMPY_SWAN_VERSION"
fi

# The reference must import, find its swan plugin and answer on its CLI, or the benchmark
# would measure an error. (-I: never pick up a rompy/ folder from the current directory.)
"$VENV/bin/python" -I -c 'import rompy.model, rompy_swan.config' >/dev/null 2>&1 || {
    echo "rompy / rompy_swan do not import in $VENV" >&2
    exit 1
}
"$VENV/bin/rompy" --help >/dev/null

echo "rompy-swan $(installed_version rompy-swan) with rompy $(installed_version rompy)" \
    "(pydantic $(installed_version pydantic)) in $VENV"
