#!/usr/bin/env bash
# Install everything rompy needs on a fresh Debian 12 machine, then run the quickstart pipeline.
#   bash scripts/install.sh            # python env + engines (Docker, SLURM, SWAN) + quickstart
#   ROMPY_SKIP_ENGINES=1 bash scripts/install.sh   # python env + quickstart only
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-python.sh
if [ -z "${ROMPY_SKIP_ENGINES:-}" ]; then
    bash scripts/engines/all.sh
fi
.venv/bin/rompy pipeline examples/quickstart/pipeline.yml
echo "[install] quickstart results are in $PWD/output/quickstart (INPUT, logs/)"
