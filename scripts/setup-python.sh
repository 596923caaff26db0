#!/usr/bin/env bash
# Create .venv and install rompy with every extra, the dev tools and the example plugin.
# Idempotent: a second run only checks. Needs Debian's python3 (3.11) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[setup] $*"; }

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "[setup] rompy needs Python >= 3.11; install Debian's python3 (bookworm has 3.11)" >&2
    exit 1
fi
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    log "installing python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-dev gcc >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
    log "creating .venv"
    python3 -m venv .venv
fi
stamp=.venv/.rompy-installed
want=$(cat pyproject.toml examples/rompy-example-plugin/pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing rompy[all,dev] and the example plugin into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[all,dev]' -e examples/rompy-example-plugin
    echo "$want" > "$stamp"
fi
log "python environment ready: $(.venv/bin/rompy --version)"
