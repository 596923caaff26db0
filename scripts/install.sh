#!/usr/bin/env bash
# Install everything rompy needs on a fresh Debian 12 machine, then run the main job: the
# SWAN example (the real swan.exe on a synthetic bay, with its summary and plots).
#   bash scripts/install.sh            # python env + engines (Docker, SLURM, SWAN) + SWAN example
#   ROMPY_SKIP_ENGINES=1 bash scripts/install.sh   # python env + the quickstart (no SWAN)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-python.sh
if [ -n "${ROMPY_SKIP_ENGINES:-}" ]; then
    .venv/bin/rompy pipeline examples/quickstart/pipeline.yml
    echo "[install] quickstart results are in $PWD/output/quickstart (INPUT, logs/)"
    exit 0
fi
bash scripts/engines/all.sh
.venv/bin/rompy pipeline examples/swan/pipeline.yml
echo "[install] SWAN example results are in $PWD/output/swan/bay (INPUT, PRINT, bay.nc, sites.tab);"
echo "[install] its summary and plots are in $PWD/output/swan/bay/summary"
