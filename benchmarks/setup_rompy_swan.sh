#!/usr/bin/env bash
# Install the reference SWAN plugin, rompy-swan (from PyPI, with the reference rompy it pulls
# in), into its own venv, apart from ours and from the plain reference's ref-venv.
#
#   benchmarks/setup_rompy_swan.sh       # creates ${ROMPY_BENCH_DIR:-<repo>/.bench}/rompy-swan-venv
#
# Idempotent: an existing venv that already holds the wanted version is left as it is.
# The reference is never installed into the project's .venv.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_reference_venv.sh"

ROMPY_SWAN_VERSION="0.11.1"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ROMPY_BENCH_DIR:-$REPO_ROOT/.bench}/rompy-swan-venv"

make_reference_venv "$VENV" rompy-swan "$ROMPY_SWAN_VERSION" "rompy.model, rompy_swan.config"
echo "rompy-swan $(installed_version "$VENV" rompy-swan) with rompy" \
    "$(installed_version "$VENV" rompy) (pydantic $(installed_version "$VENV" pydantic)) in $VENV"
