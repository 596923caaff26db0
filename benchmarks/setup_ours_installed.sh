#!/usr/bin/env bash
# Install the working tree of our rompy as a user would get it: a regular (non-editable)
# install with its runtime dependencies only, in ${ROMPY_BENCH_DIR:-<repo>/.bench}/ours-venv.
#
#   benchmarks/setup_ours_installed.sh
#   .venv/bin/python benchmarks/startup.py --ours-bin .bench/ours-venv/bin
#
# The dev .venv is editable (an import hook runs at every interpreter start) and holds dev
# tools (import-linter pulls in rich, which structlog then imports); this venv has neither.
# Re-run after changing the code: it reinstalls rompy from a copy of the current tree.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${ROMPY_BENCH_DIR:-$REPO_ROOT/.bench}"
VENV="$BENCH_DIR/ours-venv"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi

# Build from a copy so the build leaves nothing (build/, *.egg-info) in the working tree.
COPY="$(mktemp -d)"
trap 'rm -rf "$COPY"' EXIT
cp -r "$REPO_ROOT/pyproject.toml" "$REPO_ROOT/README.md" "$REPO_ROOT/rompy" "$COPY/"
find "$COPY" -name __pycache__ -prune -exec rm -rf {} +

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall \
    --no-deps "$COPY"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$COPY"
"$VENV/bin/python" -I -c 'import rompy.application'
echo "our rompy $("$VENV/bin/python" -I -c 'import rompy; print(rompy.__version__)') in $VENV"
