#!/usr/bin/env bash
# Install the reference rompy (from PyPI) into its own venv, apart from ours.
#
#   benchmarks/setup_reference.sh            # creates ${ROMPY_BENCH_DIR:-<repo>/.bench}/ref-venv
#
# Idempotent: an existing venv that already holds the wanted version is left as it is.
# The reference is never installed into the project's .venv.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_reference_venv.sh"

REFERENCE_VERSION="0.6.4"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ROMPY_BENCH_DIR:-$REPO_ROOT/.bench}/ref-venv"

make_reference_venv "$VENV" rompy "$REFERENCE_VERSION" rompy.model
echo "reference rompy $(installed_version "$VENV" rompy) in $VENV"
